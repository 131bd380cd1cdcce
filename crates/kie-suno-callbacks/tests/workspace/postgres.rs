//! The PostgreSQL store against a real, throwaway server, one behaviour per test.
//!
//! Every test of this binary shares one cluster (`kie_suno_testkit::pg::shared`:
//! Debian's binaries in /usr/lib/postgresql/*/bin, initdb on a temp dir, a free
//! port on 127.0.0.1, the `postgres` user via `runuser` when root), started by the
//! first test that asks; each test creates a database of its own, so the tests are
//! independent and run in parallel. The cluster is never dropped (it lives in a
//! static): a watchdog process stops it and removes its directory when this test
//! binary exits (see `kie_suno_testkit::pg`). Without the binaries the tests print
//! why and skip, unless `KIE_SUNO_REQUIRE_POSTGRES=1` (CI), which turns the skip
//! into a failure.

use kie_suno_callbacks::{Confirmation, Store};
use kie_suno_types::{CallbackFamily, TaskId};

use crate::common::*;

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

/// The readiness check: a `SELECT 1` through the pool; an error once the pool is
/// closed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_answers_while_open_and_fails_once_closed() {
    let Some(url) = database("health").await else {
        return;
    };
    let s = store(&url).await;
    s.health().await.unwrap();
    s.close().await.unwrap();
    assert!(s.health().await.is_err());
}
