//! The outcome stream: every stored outcome event, once, in cursor order, from
//! any cursor (resumable across restarts); waiters settle on a confirmed
//! outcome only, or are told to poll on a signed callback without a confirmer.

use std::sync::Arc;

use futures::future::BoxFuture;
use http::StatusCode;
use kie_suno_callbacks::{
    Error, OutcomeEvent, OutcomeKind, Receiver, ReceiverConfig, Settled, SqliteOptions,
    SqliteStore, Store, Trust,
};
use kie_suno_types::TaskId;
use tokio::sync::oneshot;

use crate::common::*;

/// Reads `n` events from a stream (each must come: the store has them).
async fn take(stream: &mut kie_suno_callbacks::OutcomeStream, n: usize) -> Vec<OutcomeEvent> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(stream.next().await.unwrap());
    }
    out
}

#[tokio::test]
async fn every_new_callback_is_one_event_after_its_commit_and_repeats_are_none() {
    let rig = Rig::new(ReceiverConfig::new()).await;
    let router = rig.router();
    send(&router, unsigned("/callbacks/lyrics", lyrics_success())).await;
    // A repeat is counted, not an event; a rejected request is nothing.
    send(&router, unsigned("/callbacks/lyrics", lyrics_success())).await;
    send(&router, unsigned("/callbacks/lyrics", "{")).await;
    send(
        &router,
        unsigned("/callbacks/lyrics", &lyrics_body("second")),
    )
    .await;
    let mut stream = rig.receiver.outcomes().stream(0);
    let events = take(&mut stream, 2).await;
    assert_eq!(events[0].task_id.as_str(), DOC_TASK);
    assert_eq!(events[1].task_id.as_str(), "second");
    assert!(events[0].cursor < events[1].cursor);
    for ev in &events {
        assert_eq!(ev.kind, OutcomeKind::Callback);
        assert_eq!(ev.trust, Trust::Unsigned);
        assert!(ev.terminal && ev.success && !ev.is_final());
    }
    let stored = rig.count(DOC_TASK).await;
    assert_eq!(stored[0].id, events[0].callback_id);
    assert_eq!(stored[0].deliveries, 2);
    assert_eq!(rig.stats().await.outcome_events, 2);
    assert_eq!(stream.cursor(), events[1].cursor);
}

#[tokio::test]
async fn a_stream_resumes_after_its_cursor_exactly_once_across_a_receiver_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stream.db");
    let open = || async {
        Arc::new(
            SqliteStore::open(&path, SqliteOptions::default())
                .await
                .unwrap(),
        ) as Arc<dyn Store>
    };
    let store = open().await;
    let receiver = Receiver::new(ReceiverConfig::new(), store.clone());
    for task in ["r1", "r2", "r3"] {
        let (status, _) = send(
            &receiver.router(),
            unsigned("/callbacks/lyrics", &lyrics_body(task)),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
    }
    // The subscriber processes one event, persists its cursor, and stops.
    let mut first = receiver.outcomes().stream(0);
    let seen = first.next().await.unwrap();
    assert_eq!(seen.task_id.as_str(), "r1");
    let cursor = first.cursor();
    drop(first);
    // The receiver restarts (a new process would do the same: the store is the file).
    store.close().await.unwrap();
    drop(receiver);
    let store = open().await;
    let receiver = Receiver::new(ReceiverConfig::new(), store.clone());
    send(
        &receiver.router(),
        unsigned("/callbacks/lyrics", &lyrics_body("r4")),
    )
    .await;
    let mut resumed = receiver.outcomes().stream(cursor);
    let rest = take(&mut resumed, 3).await;
    let tasks: Vec<&str> = rest.iter().map(|e| e.task_id.as_str()).collect();
    assert_eq!(tasks, ["r2", "r3", "r4"]);
    // Nothing else is there (the next read would wait): the store agrees.
    assert!(store
        .outcomes_after(resumed.cursor(), 10)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn a_waiting_stream_wakes_on_the_next_commit() {
    let rig = Rig::new(ReceiverConfig::new().outcome_recheck(None)).await;
    let mut stream = rig.receiver.outcomes().subscribe();
    let reader = tokio::spawn(async move { stream.next().await });
    tokio::task::yield_now().await;
    send(
        &rig.router(),
        unsigned("/callbacks/lyrics", lyrics_failure()),
    )
    .await;
    let ev = reader.await.unwrap().unwrap();
    assert_eq!(ev.task_id.as_str(), DOC_TASK);
    assert!(!ev.success);
}

#[tokio::test]
async fn without_a_confirmer_a_signed_callback_means_poll_now_and_nothing_is_final() {
    let rig = Rig::new(ReceiverConfig::new().keys(keys()).outcome_recheck(None)).await;
    let outcomes = rig.receiver.outcomes();
    let task = TaskId::new(DOC_TASK);
    let waiter = {
        let outcomes = outcomes.clone();
        let task = task.clone();
        tokio::spawn(async move { outcomes.wait(&task, 0).await })
    };
    tokio::task::yield_now().await;
    let (status, _) = send(
        &rig.router(),
        signed(
            "/callbacks/lyrics",
            lyrics_success(),
            DOC_TASK,
            now_secs(),
            &key(),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let Settled::PollNow(ev) = waiter.await.unwrap().unwrap() else {
        panic!("a signed body is not an outcome");
    };
    assert_eq!(ev.trust, Trust::Signed);
    assert!(!ev.is_final());
    assert!(outcomes.final_from_store(&task).await.unwrap().is_none());
    // An unsigned callback settles nothing at all.
    let unsigned_rig = Rig::new(ReceiverConfig::new()).await;
    send(
        &unsigned_rig.router(),
        unsigned("/callbacks/lyrics", lyrics_success()),
    )
    .await;
    let unsigned_outcomes = unsigned_rig.receiver.outcomes();
    let ev = unsigned_outcomes.stream(0).next().await.unwrap();
    assert_eq!(ev.trust, Trust::Unsigned);
    assert_eq!(unsigned_outcomes.settles(&ev), None);
}

#[tokio::test]
async fn waiters_are_released_when_the_receiver_stops() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(
        kie_suno_callbacks::SqliteStore::open(dir.path().join("w.db"), Default::default())
            .await
            .unwrap(),
    );
    let receiver = Receiver::new(
        ReceiverConfig::new().outcome_recheck(None),
        store as Arc<dyn Store>,
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = receiver
        .serve("127.0.0.1:0".parse().unwrap(), async {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    let outcomes = serving.outcomes();
    let waiter = tokio::spawn(async move { outcomes.wait_final(&TaskId::new("never")).await });
    stop.send(()).unwrap();
    serving.wait().await.unwrap();
    let released = waiter.await.unwrap();
    assert!(matches!(
        &released,
        Err(kie_suno_callbacks::Error::OutcomeClosed(t)) if t.as_str() == "never"
    ));
    let err = released.unwrap_err();
    assert!(err.is_closed() && !err.is_transient(), "{err:?}");
}

/// A store whose writes take a while, as under load or on a slow disk: each
/// waits 200 ms (on tokio's clock) before it begins. The first write says when it
/// is committed; if it is dropped before, its sender goes with it.
#[derive(Debug)]
struct SlowStore(
    Arc<dyn Store>,
    std::sync::Mutex<Option<oneshot::Sender<()>>>,
);

impl Store for SlowStore {
    fn record(
        &self,
        callback: kie_suno_callbacks::NewCallback,
    ) -> futures::future::BoxFuture<
        '_,
        Result<kie_suno_callbacks::Recorded, kie_suno_callbacks::Error>,
    > {
        let committed = self.1.lock().unwrap().take();
        Box::pin(async move {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            let recorded = self.0.record(callback).await;
            if let Some(committed) = committed {
                let _ = committed.send(());
            }
            recorded
        })
    }
    fn claim_confirmations(
        &self,
        now_ms: i64,
        lease_ms: i64,
        limit: usize,
    ) -> BoxFuture<'_, Result<Vec<kie_suno_callbacks::ConfirmJob>, Error>> {
        self.0.claim_confirmations(now_ms, lease_ms, limit)
    }
    fn retry_confirmation(
        &self,
        callback_id: i64,
        due_ms: i64,
        error: String,
    ) -> BoxFuture<'_, Result<(), Error>> {
        self.0.retry_confirmation(callback_id, due_ms, error)
    }
    fn finish_confirmation(
        &self,
        callback_id: i64,
        result: kie_suno_callbacks::ConfirmResult,
    ) -> BoxFuture<'_, Result<Option<i64>, Error>> {
        self.0.finish_confirmation(callback_id, result)
    }
    fn outcomes_after(
        &self,
        cursor: i64,
        limit: usize,
    ) -> BoxFuture<'_, Result<Vec<OutcomeEvent>, Error>> {
        self.0.outcomes_after(cursor, limit)
    }
    fn outcomes_for<'a>(
        &'a self,
        task_id: &'a TaskId,
    ) -> BoxFuture<'a, Result<Vec<OutcomeEvent>, Error>> {
        self.0.outcomes_for(task_id)
    }
    fn latest_cursor(&self) -> BoxFuture<'_, Result<i64, Error>> {
        self.0.latest_cursor()
    }
    fn callback(
        &self,
        id: i64,
    ) -> BoxFuture<'_, Result<Option<kie_suno_callbacks::StoredCallback>, Error>> {
        self.0.callback(id)
    }
    fn prune(&self, before_ms: i64) -> BoxFuture<'_, Result<kie_suno_callbacks::Pruned, Error>> {
        self.0.prune(before_ms)
    }
    fn callbacks_for<'a>(
        &'a self,
        task_id: &'a TaskId,
    ) -> futures::future::BoxFuture<
        'a,
        Result<Vec<kie_suno_callbacks::StoredCallback>, kie_suno_callbacks::Error>,
    > {
        self.0.callbacks_for(task_id)
    }
    fn record_submitted<'a>(
        &'a self,
        task_id: &'a TaskId,
        family: kie_suno_types::CallbackFamily,
    ) -> futures::future::BoxFuture<'a, Result<(), kie_suno_callbacks::Error>> {
        self.0.record_submitted(task_id, family)
    }
    fn is_submitted<'a>(
        &'a self,
        task_id: &'a TaskId,
    ) -> futures::future::BoxFuture<'a, Result<bool, kie_suno_callbacks::Error>> {
        self.0.is_submitted(task_id)
    }
    fn stats(
        &self,
    ) -> futures::future::BoxFuture<
        '_,
        Result<kie_suno_callbacks::StoreStats, kie_suno_callbacks::Error>,
    > {
        self.0.stats()
    }
    fn close(&self) -> futures::future::BoxFuture<'_, Result<(), kie_suno_callbacks::Error>> {
        self.0.close()
    }
}

// On tokio's paused clock: the sender's 50 ms run out before the store's 200 ms
// whatever the load of the machine, and the guards below fail at once instead of
// after real seconds. Nothing waits on the clock while the SQLite writer thread
// works, so the clock cannot skip ahead of it.
#[tokio::test(start_paused = true)]
async fn a_sender_hanging_up_mid_commit_still_gets_its_callback_stored_and_published() {
    let rig = Rig::new(ReceiverConfig::new()).await;
    let (committed_tx, committed) = oneshot::channel();
    let slow = Receiver::new(
        ReceiverConfig::new(),
        Arc::new(SlowStore(
            rig.store.clone() as Arc<dyn Store>,
            std::sync::Mutex::new(Some(committed_tx)),
        )) as Arc<dyn Store>,
    );
    let mut sub = slow.outcomes().stream(0);
    // The sender gives up (KIE's timeout) while the write is still under way: the
    // handler's future is dropped, as hyper drops it on a disconnect.
    let gave_up = tokio::time::timeout(
        std::time::Duration::from_millis(50),
        send(
            &slow.router(),
            unsigned("/callbacks/lyrics", lyrics_success()),
        ),
    )
    .await;
    assert!(
        gave_up.is_err(),
        "the request must still be running at 50 ms"
    );
    // The pipeline goes on by itself: the write is committed ...
    committed
        .await
        .expect("the write went on after the hang-up, not dropped with the handler");
    // ... and then published, once.
    // (Read from the store: the event is committed with the callback.)
    let ev = sub.next().await.unwrap();
    assert_eq!(ev.task_id.as_str(), DOC_TASK);
    let stored = rig.count(DOC_TASK).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].id, ev.callback_id);
    assert_eq!(rig.store.latest_cursor().await.unwrap(), ev.cursor);
}
