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

use std::sync::Arc;

use kie_suno_callbacks::{ConfirmResult, Confirmation, OutcomeKind, Store, Trust};
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
async fn a_confirmation_job_is_committed_with_its_callback_claimed_once_and_finished_once() {
    let Some(url) = database("confirm").await else {
        return;
    };
    let (x, y) = tokio::join!(store(&url), store(&url));
    let mut cb = record("pg-confirm", "complete");
    cb.confirmation = Confirmation::Pending;
    let recorded = x.record(cb).await.unwrap();
    assert!(recorded.is_new() && recorded.queued);
    let first_event = recorded.event.unwrap();
    // Two instances claim at once: the job goes to one (SKIP LOCKED), for a lease.
    let now = i64::MAX / 4;
    let (a, b) = tokio::join!(
        x.claim_confirmations(now, 60_000, 10),
        y.claim_confirmations(now, 60_000, 10)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.len() + b.len(), 1, "{a:?} {b:?}");
    let job = a.into_iter().chain(b).next().unwrap();
    assert_eq!(job.task_id.as_str(), "pg-confirm");
    assert!(job.success);
    // Leased: nobody else gets it until the lease runs out.
    assert!(x
        .claim_confirmations(now, 60_000, 10)
        .await
        .unwrap()
        .is_empty());
    x.retry_confirmation(job.callback_id, 0, "record-info still PENDING".into())
        .await
        .unwrap();
    let again = y.claim_confirmations(now, 60_000, 10).await.unwrap();
    assert_eq!((again.len(), again[0].attempts), (1, 1));
    let result = ConfirmResult::Outcome {
        success: true,
        data: r#"{"status":"SUCCESS"}"#.into(),
        disputed: None,
    };
    let (f1, f2) = tokio::join!(
        x.finish_confirmation(job.callback_id, result.clone()),
        y.finish_confirmation(job.callback_id, result)
    );
    let finished: Vec<i64> = [f1.unwrap(), f2.unwrap()].into_iter().flatten().collect();
    assert_eq!(finished.len(), 1, "a key is confirmed once");
    assert!(finished[0] > first_event);
    let rows = y.callbacks_for(&TaskId::new("pg-confirm")).await.unwrap();
    assert_eq!(rows[0].confirmation, Confirmation::Confirmed);
    assert_eq!(rows[0].trust, Trust::Confirmed);
    let events = y.outcomes_after(0, 10).await.unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].kind, OutcomeKind::Callback);
    assert!(events[1].is_final());
    assert_eq!(events[1].data.as_deref(), Some(r#"{"status":"SUCCESS"}"#));
    assert_eq!(y.latest_cursor().await.unwrap(), events[1].cursor);
    let stats = x.stats().await.unwrap();
    assert_eq!((stats.pending_confirmations, stats.outcome_events), (0, 2));
    // Pruning everything up to the far future removes both, and the cursor keeps going.
    let pruned = x.prune(i64::MAX).await.unwrap();
    assert_eq!((pruned.callbacks, pruned.events), (1, 2));
    let r = x.record(record("pg-after", "complete")).await.unwrap();
    assert!(r.event.unwrap() > events[1].cursor);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_batches_commit_outcome_events_in_cursor_order() {
    let Some(url) = database("ordered").await else {
        return;
    };
    let (x, y) = tokio::join!(store(&url), store(&url));
    let mut handles = Vec::new();
    for i in 0..64 {
        let s = if i % 2 == 0 { x.clone() } else { y.clone() };
        handles.push(tokio::spawn(async move {
            s.record(record(&format!("ord-{i}"), "complete"))
                .await
                .unwrap()
        }));
    }
    let mut cursors = Vec::new();
    for h in handles {
        cursors.push(h.await.unwrap().event.unwrap());
    }
    let events = x.outcomes_after(0, 1000).await.unwrap();
    assert_eq!(events.len(), 64);
    let mut sorted = cursors.clone();
    sorted.sort_unstable();
    let read: Vec<i64> = events.iter().map(|e| e.cursor).collect();
    assert_eq!(read, sorted);
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
    let mut counts = Vec::new();
    for h in handles {
        counts.push(h.await.unwrap().deliveries);
    }
    // Each delivery saw the count its own commit left: 1..=32, once each, as if
    // they had come one after the other (repeats of one key in one batch too).
    counts.sort_unstable();
    assert_eq!(counts, (1..=32).collect::<Vec<u64>>());
    let stats = x.stats().await.unwrap();
    assert_eq!((stats.callbacks, stats.deliveries), (1, 32));
    assert_eq!(
        stats.outcome_events, 1,
        "one event for the one new callback"
    );
}

/// One store, many keys each delivered several times at once: the writer's
/// batches hold repeats of their own keys, which it commits in rounds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeats_inside_one_batch_count_in_order_and_make_one_event_per_key() {
    let Some(url) = database("rounds").await else {
        return;
    };
    let s = store(&url).await;
    let mut handles = Vec::new();
    // 7 keys of about 17 deliveries each, and one key delivered 40 times: more
    // rounds than the writer pipelines in one go.
    for i in 0..160 {
        let s = s.clone();
        let key = if i < 120 {
            format!("round-{}", i % 7)
        } else {
            "round-many".to_owned()
        };
        handles.push(tokio::spawn(async move {
            let r = s.record(record(&key, "complete")).await.unwrap();
            (key, r)
        }));
    }
    let mut per_key: std::collections::BTreeMap<String, Vec<(u64, Option<i64>, i64)>> =
        Default::default();
    for h in handles {
        let (key, r) = h.await.unwrap();
        per_key
            .entry(key)
            .or_default()
            .push((r.deliveries, r.event, r.id));
    }
    assert_eq!(per_key.len(), 8);
    for (key, mut seen) in per_key {
        seen.sort_unstable();
        let n = seen.len() as u64;
        let counts: Vec<u64> = seen.iter().map(|s| s.0).collect();
        assert_eq!(counts, (1..=n).collect::<Vec<u64>>(), "{key}");
        assert!(
            seen[0].1.is_some(),
            "{key}: the first delivery made an event"
        );
        assert!(
            seen[1..].iter().all(|s| s.1.is_none()),
            "{key}: repeats make none"
        );
        assert!(seen.iter().all(|s| s.2 == seen[0].2), "{key}: one row");
    }
    let stats = s.stats().await.unwrap();
    assert_eq!(
        (stats.callbacks, stats.deliveries, stats.outcome_events),
        (8, 160, 8)
    );
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

/// The writer's event lock, seen from outside: while another session holds it, a
/// new callback (which appends an event) waits and a repeat (no event) does not;
/// once it is released, the new callback commits. `EVENT_LOCK` is a contract
/// between every instance and version writing to one database: this is its value.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_callbacks_wait_for_the_event_lock_and_repeats_do_not() {
    const EVENT_LOCK: i64 = 0x6b69_655f_6576_6e74;
    let Some(url) = database("eventlock").await else {
        return;
    };
    let s = store(&url).await;
    assert!(s
        .record(record("held-old", "complete"))
        .await
        .unwrap()
        .is_new());
    let (holder, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    let connection = tokio::spawn(connection);
    holder
        .execute("SELECT pg_advisory_lock($1)", &[&EVENT_LOCK])
        .await
        .unwrap();
    let repeat = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        s.record(record("held-old", "complete")),
    )
    .await
    .expect("a repeat takes no event lock")
    .unwrap();
    assert_eq!(repeat.deliveries, 2);
    let writer = Arc::clone(&s);
    let mut new = tokio::spawn(async move { writer.record(record("held-new", "complete")).await });
    assert!(
        tokio::time::timeout(std::time::Duration::from_millis(500), &mut new)
            .await
            .is_err(),
        "a new callback committed while another session held the event lock"
    );
    holder
        .execute("SELECT pg_advisory_unlock($1)", &[&EVENT_LOCK])
        .await
        .unwrap();
    let new = new.await.unwrap().unwrap();
    assert!(new.is_new() && new.event.is_some());
    drop(holder);
    let _ = connection.await;
}
