//! Several receiver instances on one PostgreSQL database (the shared throwaway
//! cluster of [`crate::postgres`]): a callback delivered to both at once is
//! stored once, a waiter on one sees what the other committed, and a rejected
//! request changes nothing.

use std::sync::Arc;

use http::StatusCode;
use kie_suno_callbacks::{
    ConfirmPolicy, ConfirmRequest, OutcomeKind, PostgresStore, Receiver, ReceiverConfig,
    RecordInfo, RemoteState, Store,
};
use kie_suno_types::TaskId;
use tokio::sync::Barrier;

use crate::common::*;

/// A confirmer answering the documented lyrics task's record-info.
fn confirmer() -> impl kie_suno_callbacks::Confirmer {
    |r: ConfirmRequest| async move {
        let body: serde_json::Value = serde_json::from_str(LYRICS_SUCCESS)?;
        Ok(RecordInfo::new(
            RemoteState::Succeeded,
            serde_json::json!({"taskId": r.task_id.as_str(), "status": "SUCCESS",
                "response": {"data": body["data"]["data"]}}),
        ))
    }
}

/// A receiver instance verifying signatures with [`keys`], on `store`.
fn instance(config: ReceiverConfig, store: &Arc<PostgresStore>) -> Receiver {
    Receiver::new(config.keys(keys()), store.clone() as Arc<dyn Store>)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_receivers_on_one_database_store_a_simultaneous_callback_once() {
    let Some(url) = database("receivers").await else {
        return;
    };
    let (s1, s2) = tokio::join!(store(&url), store(&url));
    let r1 = instance(ReceiverConfig::new().confirmer(confirmer()), &s1);
    let r2 = instance(
        ReceiverConfig::new()
            .confirmer(confirmer())
            .outcome_recheck(None),
        &s2,
    );
    let (b1, b2) = tokio::join!(r1.start_background(), r2.start_background());
    // Instance 2 waits for an outcome that instance 1 (or 2) will commit.
    let waiting = r2.outcomes();
    let waiter = tokio::spawn(async move { waiting.wait_final(&TaskId::new(DOC_TASK)).await });
    let barrier = Arc::new(Barrier::new(2));
    let ts = now_secs();
    let go = |router: axum::Router, barrier: Arc<Barrier>| async move {
        barrier.wait().await;
        send(
            &router,
            signed("/callbacks/lyrics", LYRICS_SUCCESS, DOC_TASK, ts, &key()),
        )
        .await
    };
    let (o1, o2) = tokio::join!(
        tokio::spawn(go(r1.router(), barrier.clone())),
        tokio::spawn(go(r2.router(), barrier.clone()))
    );
    let (o1, o2) = (o1.unwrap(), o2.unwrap());
    assert_eq!((o1.0, o2.0), (StatusCode::OK, StatusCode::OK));
    let duplicates = [&o1.1, &o2.1]
        .iter()
        .filter(|b| b["duplicate"] == true)
        .count();
    assert_eq!(duplicates, 1);
    let rows = s1.callbacks_for(&TaskId::new(DOC_TASK)).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].deliveries, 2);
    assert!(rows[0].signed);
    let ev = waiter.await.unwrap().unwrap();
    assert!(ev.is_final() && ev.success);
    tokio::join!(b1.stop(), b2.stop());
    // Confirmed once, whichever instance's worker claimed it.
    let events = s1.outcomes_for(&TaskId::new(DOC_TASK)).await.unwrap();
    let kinds: Vec<OutcomeKind> = events.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [OutcomeKind::Callback, OutcomeKind::Confirmed]);
}

/// The push: instance B neither receives nor confirms anything and never
/// rechecks the store on a timer (`outcome_recheck(None)`); its waiter can only
/// learn of instance A's commit through `LISTEN`/`NOTIFY`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waiter_on_instance_b_settles_through_the_push_when_instance_a_confirms() {
    let Some(url) = database("push").await else {
        return;
    };
    let (sa, sb) = tokio::join!(store(&url), store(&url));
    let a = instance(
        ReceiverConfig::new()
            .confirmer(confirmer())
            .confirm_policy(ConfirmPolicy::default()),
        &sa,
    );
    let b = instance(ReceiverConfig::new().outcome_recheck(None), &sb);
    let background_b = b.start_background().await;
    let task = TaskId::new(DOC_TASK);
    let waiting = b.outcomes();
    let waiter = {
        let task = task.clone();
        tokio::spawn(async move { waiting.wait_final(&task).await })
    };
    // And a stream on B from the start: it sees A's events too, in order.
    let mut stream = b.outcomes().stream(0);
    let background_a = a.start_background().await;
    let (status, _) = send(
        &a.router(),
        signed(
            "/callbacks/lyrics",
            LYRICS_SUCCESS,
            DOC_TASK,
            now_secs(),
            &key(),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let ev = waiter.await.unwrap().unwrap();
    assert!(ev.is_final() && ev.success);
    assert_eq!(stream.next().await.unwrap().kind, OutcomeKind::Callback);
    assert_eq!(stream.next().await.unwrap().cursor, ev.cursor);
    tokio::join!(background_a.stop(), background_b.stop());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_request_leaves_the_shared_store_unchanged() {
    let Some(url) = database("rejected").await else {
        return;
    };
    let (s1, s2) = tokio::join!(store(&url), store(&url));
    let r1 = instance(ReceiverConfig::new(), &s1);
    // One good callback first, so "unchanged" is checked against a non-empty store.
    let good = signed(
        "/callbacks/lyrics",
        LYRICS_SUCCESS,
        DOC_TASK,
        now_secs(),
        &key(),
    );
    assert_eq!(send(&r1.router(), good).await.0, StatusCode::OK);
    let before = s1.stats().await.unwrap();
    assert_eq!((before.callbacks, before.deliveries), (1, 1));
    let (status, _) = send(&r1.router(), unsigned("/callbacks/lyrics", LYRICS_SUCCESS)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Seen through the other instance's store too.
    assert_eq!(s2.stats().await.unwrap(), before);
}

/// The hostile corpus of `tests/it` (the same cases, through `#[path]`) against a
/// receiver on PostgreSQL: every case answered as on SQLite, the store unchanged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hostile_corpus_is_refused_and_leaves_the_postgres_store_unchanged() {
    let Some(url) = database("hostile").await else {
        return;
    };
    let s = store(&url).await;
    let n = crate::corpus::run(s as Arc<dyn Store>).await;
    assert!(n >= 60, "{n}");
}

/// Issue 11's cases (`tests/it/issue11.rs`) on PostgreSQL, one database each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_issue_cases_hold_on_postgres() {
    if database("issue11probe").await.is_none() {
        return;
    }
    crate::issue11::all(|name| async move {
        let url = database(&format!("issue11{name}")).await.unwrap();
        store(&url).await as Arc<dyn Store>
    })
    .await;
}

/// Every pair of families (`tests/it/corpus.rs`) on PostgreSQL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_family_pair_is_refused_or_kept_apart_by_the_family_key_on_postgres() {
    let Some(url) = database("pairs").await else {
        return;
    };
    crate::corpus::check_family_pairs(store(&url).await as Arc<dyn Store>).await;
}
