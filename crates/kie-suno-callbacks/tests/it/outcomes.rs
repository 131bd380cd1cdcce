//! The outcome stream: new callbacks reach subscribers once, after their commit;
//! a task's final outcome can be awaited, before or after it arrives.

use std::sync::Arc;

use http::StatusCode;
use kie_suno_callbacks::{ConfirmRequest, Receiver, ReceiverConfig, Store, Verdict};
use kie_suno_types::{Callback, TaskId};
use tokio::sync::broadcast::error::TryRecvError;
use tokio::sync::oneshot;

use crate::common::*;

#[tokio::test]
async fn subscribers_get_new_callbacks_once_after_commit() {
    let rig = Rig::new(ReceiverConfig::new()).await;
    let mut sub = rig.receiver.outcomes().subscribe();
    let router = rig.router();
    send(&router, unsigned("/callbacks/lyrics", lyrics_success())).await;
    let ev = sub.try_recv().unwrap();
    assert_eq!(ev.task_id.as_str(), DOC_TASK);
    assert_eq!(ev.stage, "complete");
    assert!(ev.success && ev.terminal && ev.is_final);
    assert!(matches!(&ev.callback, Callback::Lyrics(c) if c.variations().len() == 1));
    // Committed before it was published.
    let stored = rig.count(DOC_TASK).await;
    assert_eq!(stored[0].id, ev.record_id);
    // A repeat is counted, not published.
    send(&router, unsigned("/callbacks/lyrics", lyrics_success())).await;
    assert_eq!(sub.try_recv().unwrap_err(), TryRecvError::Empty);
    // A rejected request publishes nothing.
    send(&router, unsigned("/callbacks/lyrics", "{")).await;
    assert_eq!(sub.try_recv().unwrap_err(), TryRecvError::Empty);
}

#[tokio::test]
async fn waiting_before_the_callback_settles_when_it_arrives() {
    let rig = Rig::new(ReceiverConfig::new().outcome_recheck(None)).await;
    let outcomes = rig.receiver.outcomes();
    let waiter = tokio::spawn(async move { outcomes.wait_final(&TaskId::new(DOC_TASK)).await });
    // Let the waiter register (it does so before its first store read).
    let mut sub = rig.receiver.outcomes().subscribe();
    tokio::task::yield_now().await;
    let (status, _) = send(
        &rig.router(),
        unsigned("/callbacks/lyrics", lyrics_failure()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    sub.recv().await.unwrap();
    let ev = waiter.await.unwrap().unwrap();
    assert_eq!(ev.task_id.as_str(), DOC_TASK);
    assert!(!ev.success && ev.is_final);
}

#[tokio::test]
async fn waiting_after_the_callback_reads_it_from_the_store() {
    let rig = Rig::new(ReceiverConfig::new().outcome_recheck(None)).await;
    send(
        &rig.router(),
        unsigned("/callbacks/lyrics", lyrics_success()),
    )
    .await;
    let ev = rig
        .receiver
        .outcomes()
        .wait_final(&TaskId::new(DOC_TASK))
        .await
        .unwrap();
    assert!(ev.success && ev.is_final);
    assert!(matches!(ev.callback, Callback::Lyrics(_)));
}

#[tokio::test]
async fn a_refuted_callback_does_not_settle_a_waiter() {
    let rig = Rig::new(
        ReceiverConfig::new()
            .outcome_recheck(None)
            .confirmer(|_r: ConfirmRequest| async { Ok(Verdict::Refuted) }),
    )
    .await;
    let mut sub = rig.receiver.outcomes().subscribe();
    send(
        &rig.router(),
        unsigned("/callbacks/lyrics", lyrics_success()),
    )
    .await;
    let ev = sub.recv().await.unwrap();
    assert!(ev.terminal && !ev.is_final);
    let outcomes = rig.receiver.outcomes();
    assert!(outcomes
        .final_from_store(&TaskId::new(DOC_TASK))
        .await
        .unwrap()
        .is_none());
}

// On tokio's paused clock, so that the guard below is no wall-clock bound: the
// waiter is settled before the genuine delivery is answered, and nothing waits on
// the clock while the SQLite writer thread works.
#[tokio::test(start_paused = true)]
async fn a_confirmed_delivery_replaces_a_refuted_one_stored_first() {
    // The confirmer refutes the first delivery (say, a forged body replayed with
    // captured signed headers) and confirms the next one.
    let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = calls.clone();
    let rig = Rig::new(ReceiverConfig::new().outcome_recheck(None).confirmer(
        move |_r: ConfirmRequest| {
            let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            async move {
                Ok(if n == 0 {
                    Verdict::Refuted
                } else {
                    Verdict::Confirmed
                })
            }
        },
    ))
    .await;
    let outcomes = rig.receiver.outcomes();
    let waiter = tokio::spawn(async move { outcomes.wait_final(&TaskId::new(DOC_TASK)).await });
    tokio::task::yield_now().await;
    let forged = lyrics_success().replace("Starry Night Dreams", "Forged Title");
    let (status, _) = send(&rig.router(), unsigned("/callbacks/lyrics", &forged)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(rig
        .receiver
        .outcomes()
        .final_from_store(&TaskId::new(DOC_TASK))
        .await
        .unwrap()
        .is_none());
    // The genuine delivery replaces it and settles the waiter.
    let (status, body) = send(
        &rig.router(),
        unsigned("/callbacks/lyrics", lyrics_success()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["duplicate"], false);
    let ev = tokio::time::timeout(std::time::Duration::from_secs(5), waiter)
        .await
        .expect("settled by the confirmed delivery")
        .unwrap()
        .unwrap();
    assert!(ev.is_final);
    let stored = rig.count(DOC_TASK).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].deliveries, 2);
    let body = String::from_utf8_lossy(&stored[0].body);
    assert!(body.contains("Starry Night Dreams") && !body.contains("Forged Title"));
    // A third, confirmed repeat replaces nothing (the stored one is final now).
    let (_, body) = send(&rig.router(), unsigned("/callbacks/lyrics", &forged)).await;
    assert_eq!(body["duplicate"], true);
    let stored = rig.count(DOC_TASK).await;
    assert!(!String::from_utf8_lossy(&stored[0].body).contains("Forged Title"));
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
    let (registered_tx, registered_rx) = tokio::sync::oneshot::channel::<()>();
    let waiter = tokio::spawn(async move {
        let task = TaskId::new("never");
        let fut = outcomes.wait_final(&task);
        tokio::pin!(fut);
        // Poll once so the waiter registers, then report.
        let first = futures::poll!(&mut fut);
        assert!(first.is_pending());
        let _ = registered_tx.send(());
        fut.await
    });
    registered_rx.await.unwrap();
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
    fn replace_unconfirmed(
        &self,
        callback: kie_suno_callbacks::NewCallback,
    ) -> futures::future::BoxFuture<'_, Result<Option<i64>, kie_suno_callbacks::Error>> {
        self.0.replace_unconfirmed(callback)
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
    let mut sub = slow.outcomes().subscribe();
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
    let ev = tokio::time::timeout(std::time::Duration::from_secs(5), sub.recv())
        .await
        .expect("published despite the hang-up")
        .unwrap();
    assert_eq!(ev.task_id.as_str(), DOC_TASK);
    assert_eq!(sub.try_recv().unwrap_err(), TryRecvError::Empty);
    let stored = rig.count(DOC_TASK).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].id, ev.record_id);
}
