//! The PostgreSQL store against a real, throwaway server, one behaviour per test.
//!
//! Every test of this binary shares one cluster ([`pg::shared`]: Debian's binaries
//! in /usr/lib/postgresql/*/bin, initdb on a temp dir, a free port on 127.0.0.1,
//! the `postgres` user via `runuser` when root), started by the first test that
//! asks; each test creates a database of its own, so the tests are independent
//! and run in parallel. The cluster is never dropped (it lives in a static): a
//! watchdog process stops it and removes its directory when this test binary
//! exits (see `kie_suno_testkit::pg`). Without the binaries the tests print why
//! and skip, unless `KIE_SUNO_REQUIRE_POSTGRES=1` (CI), which turns the skip into
//! a failure.

use std::sync::Arc;

use http::StatusCode;
use kie_suno_callbacks::{
    Confirmation, PostgresOptions, PostgresStore, Receiver, ReceiverConfig, Store,
};
use kie_suno_testkit::pg;
use kie_suno_types::{CallbackFamily, TaskId};
use tokio::sync::Barrier;

use crate::common::*;

/// A new database `name` on the shared cluster, as a connection URL; `None`
/// when the tests skip.
async fn database(name: &str) -> Option<String> {
    let cluster = pg::shared()?;
    Some(cluster.create_db(name).await.unwrap())
}

async fn store(url: &str) -> Arc<PostgresStore> {
    Arc::new(
        PostgresStore::connect(url, PostgresOptions::default().max_connections(8))
            .await
            .unwrap(),
    )
}

/// A receiver instance verifying signatures with [`keys`], on `store`.
fn instance(config: ReceiverConfig, store: &Arc<PostgresStore>) -> Receiver {
    Receiver::new(config.keys(keys()), store.clone() as Arc<dyn Store>)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeats_of_one_key_are_one_record_counting_every_delivery() {
    let Some(url) = database("repeats").await else {
        return;
    };
    let s = store(&url).await;
    for i in 1..=3u64 {
        let r = s.record(record("pg-1", "complete")).await.unwrap();
        assert_eq!((r.deliveries, r.is_new()), (i, i == 1));
    }
    let rows = s.callbacks_for(&TaskId::new("pg-1")).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].deliveries, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callbacks_survive_a_reopen_and_the_migrations_run_again() {
    let Some(url) = database("reopen").await else {
        return;
    };
    let first = store(&url).await;
    for _ in 0..3 {
        first.record(record("pg-1", "complete")).await.unwrap();
    }
    first.close().await.unwrap();
    // Connecting again runs the migrations again, on a database that has them.
    let reopened = store(&url).await;
    let rows = reopened.callbacks_for(&TaskId::new("pg-1")).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].deliveries, 3);
    assert_eq!(rows[0].body, lyrics_body("pg-1").as_bytes());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submitted_tasks_are_recorded_and_survive_a_reopen() {
    let Some(url) = database("submitted").await else {
        return;
    };
    let first = store(&url).await;
    first
        .record_submitted(&TaskId::new("pg-1"), CallbackFamily::Lyrics)
        .await
        .unwrap();
    first.close().await.unwrap();
    let reopened = store(&url).await;
    assert!(reopened.is_submitted(&TaskId::new("pg-1")).await.unwrap());
    assert!(!reopened.is_submitted(&TaskId::new("pg-2")).await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debug_output_does_not_show_the_connection_settings() {
    let Some(url) = database("debugged").await else {
        return;
    };
    let s = store(&url).await;
    let shown = format!("{s:?}");
    assert!(!shown.contains("postgres user"), "{shown}");
    assert!(
        !shown.contains("127.0.0.1") && !shown.contains("debugged"),
        "{shown}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refuted_first_delivery_is_replaced_by_a_confirmed_one_and_a_final_one_is_not() {
    let Some(url) = database("confirm").await else {
        return;
    };
    let s = store(&url).await;
    let mut refuted = record("pg-confirm", "complete");
    refuted.confirmation = Confirmation::Refuted;
    refuted.body = bytes::Bytes::from_static(b"{\"forged\":true}");
    assert!(s.record(refuted).await.unwrap().is_new());
    let mut confirmed = record("pg-confirm", "complete");
    confirmed.confirmation = Confirmation::Confirmed;
    assert!(!s.record(confirmed.clone()).await.unwrap().is_new());
    let replaced = s.replace_unconfirmed(confirmed.clone()).await.unwrap();
    assert!(replaced.is_some());
    let rows = s.callbacks_for(&TaskId::new("pg-confirm")).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(Some(rows[0].id), replaced);
    assert!(rows[0].is_final());
    assert_eq!(rows[0].body, lyrics_body("pg-confirm").as_bytes());
    assert_eq!(s.replace_unconfirmed(confirmed).await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_stores_racing_on_one_key_keep_one_row_and_count_every_delivery() {
    let Some(url) = database("race").await else {
        return;
    };
    let (x, y) = tokio::join!(store(&url), store(&url));
    let mut handles = Vec::new();
    for i in 0..32 {
        let s = if i % 2 == 0 { x.clone() } else { y.clone() };
        handles.push(tokio::spawn(async move {
            s.record(record("race", "complete")).await.unwrap()
        }));
    }
    let mut new = 0;
    for h in handles {
        new += usize::from(h.await.unwrap().is_new());
    }
    assert_eq!(new, 1);
    let stats = x.stats().await.unwrap();
    assert_eq!((stats.callbacks, stats.deliveries), (1, 32));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_receivers_on_one_database_store_a_simultaneous_callback_once() {
    let Some(url) = database("receivers").await else {
        return;
    };
    let (s1, s2) = tokio::join!(store(&url), store(&url));
    let r1 = instance(ReceiverConfig::new(), &s1);
    let r2 = instance(
        ReceiverConfig::new().outcome_recheck(Some(std::time::Duration::from_millis(50))),
        &s2,
    );
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
    assert!(ev.is_final && ev.success);
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

#[tokio::test]
async fn a_bad_connection_string_does_not_echo_it() {
    let err = PostgresStore::connect(
        "host=127.0.0.1 password=hunter2 port=notaport",
        PostgresOptions::default(),
    )
    .await
    .unwrap_err();
    assert!(!err.to_string().contains("hunter2"), "{err}");
}
