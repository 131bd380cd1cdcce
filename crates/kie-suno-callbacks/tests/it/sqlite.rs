//! The SQLite store directly: idempotency, restart survival, group commit under
//! concurrency, migrations, and the durability setting.

use std::sync::Arc;

use kie_suno_callbacks::{
    ConfirmResult, Confirmation, OutcomeKind, SqliteOptions, SqliteStore, Store, Synchronous, Trust,
};
use kie_suno_types::{CallbackFamily, TaskId};

use crate::common::*;

async fn open(path: &std::path::Path) -> SqliteStore {
    SqliteStore::open(path, SqliteOptions::default())
        .await
        .unwrap()
}

#[tokio::test]
async fn three_deliveries_are_one_record_with_count_three() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("a.db")).await;
    let r1 = store.record(record("t-1", "complete")).await.unwrap();
    let r2 = store.record(record("t-1", "complete")).await.unwrap();
    let r3 = store.record(record("t-1", "complete")).await.unwrap();
    assert!(r1.is_new() && !r2.is_new() && !r3.is_new());
    assert_eq!((r1.id, r3.id, r3.deliveries), (r2.id, r1.id, 3));
    // Another stage of the same task is another record.
    assert!(store.record(record("t-1", "first")).await.unwrap().is_new());
    let rows = store.callbacks_for(&TaskId::new("t-1")).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].deliveries, 3);
    assert_eq!(rows[1].stage, "first");
}

#[tokio::test]
async fn data_survives_a_restart_and_idempotency_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("restart.db");
    {
        let store = open(&path).await;
        store.record(record("keep-me", "complete")).await.unwrap();
        store
            .record_submitted(&TaskId::new("keep-me"), CallbackFamily::Lyrics)
            .await
            .unwrap();
        store.close().await.unwrap();
    }
    let store = open(&path).await;
    let rows = store.callbacks_for(&TaskId::new("keep-me")).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].body, lyrics_body("keep-me").as_bytes());
    assert!(store.is_submitted(&TaskId::new("keep-me")).await.unwrap());
    let again = store.record(record("keep-me", "complete")).await.unwrap();
    assert_eq!(again.deliveries, 2);
}

#[tokio::test]
async fn data_survives_a_restart_without_close() {
    // Dropping the store without close: the writer thread ends when the last
    // sender is gone; committed rows are in the WAL either way.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dropped.db");
    {
        let store = open(&path).await;
        store.record(record("dropped", "complete")).await.unwrap();
    }
    let store = open(&path).await;
    assert_eq!(
        store
            .callbacks_for(&TaskId::new("dropped"))
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn group_commit(options: SqliteOptions) {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(
        SqliteStore::open(dir.path().join("group.db"), options)
            .await
            .unwrap(),
    );
    let mut handles = Vec::new();
    for i in 0..400 {
        let store = store.clone();
        handles.push(tokio::spawn(async move {
            // Every fourth task repeats an earlier one.
            let task = format!("g-{}", if i % 4 == 3 { i - 1 } else { i });
            store.record(record(&task, "complete")).await.unwrap()
        }));
    }
    let mut new = 0;
    for h in handles {
        if h.await.unwrap().is_new() {
            new += 1;
        }
    }
    let stats = store.stats().await.unwrap();
    assert_eq!(new, 300);
    assert_eq!((stats.callbacks, stats.deliveries), (300, 400));
    store.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_commit_under_concurrency_commits_every_record() {
    group_commit(SqliteOptions::default().max_batch(64).queue_capacity(16)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_commit_without_delay_and_with_checkpoints_in_the_writer() {
    group_commit(
        SqliteOptions::default()
            .commit_delay(std::time::Duration::ZERO)
            .checkpoint_every(0)
            .max_batch(7),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_commit_with_sqlite_syncing_inside_commit_and_a_commit_delay() {
    // No sync thread: the writer's own straggler delay (`commit_delay`) forms the batches.
    group_commit(
        SqliteOptions::default()
            .synchronous(Synchronous::SqliteFull)
            .commit_delay(std::time::Duration::from_micros(300))
            .max_batch(16),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_commit_with_frequent_background_checkpoints() {
    group_commit(SqliteOptions::default().checkpoint_every(1)).await;
}

#[tokio::test]
async fn journal_is_wal_and_synchronous_is_configurable() {
    let dir = tempfile::tempdir().unwrap();
    for (i, sync) in [
        Synchronous::Full,
        Synchronous::SqliteFull,
        Synchronous::Normal,
        Synchronous::Extra,
    ]
    .into_iter()
    .enumerate()
    {
        let path = dir.path().join(format!("sync-{i}.db"));
        let store = SqliteStore::open(&path, SqliteOptions::default().synchronous(sync))
            .await
            .unwrap();
        store.record(record("s", "complete")).await.unwrap();
        // A second connection, while the store is open, sees the WAL and the schema.
        let conn = rusqlite::Connection::open(&path).unwrap();
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM kie_suno_callbacks", [], |r| r.get(0))
            .unwrap();
        assert_eq!((mode.as_str(), version, rows), ("wal", 4, 1));
        drop(conn);
        store.close().await.unwrap();
    }
    assert_eq!(SqliteOptions::default().synchronous, Synchronous::Full);
}

#[tokio::test]
async fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("PRAGMA user_version = 99;").unwrap();
    drop(conn);
    let r = SqliteStore::open(&path, SqliteOptions::default()).await;
    assert!(matches!(
        r,
        Err(kie_suno_callbacks::Error::SchemaTooNew {
            found: 99,
            supported: 4,
            ..
        })
    ));
}

#[tokio::test]
async fn reopening_runs_migrations_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("migrate.db");
    for _ in 0..3 {
        let store = open(&path).await;
        store.record(record("m", "complete")).await.unwrap();
        store.close().await.unwrap();
    }
    let store = open(&path).await;
    assert_eq!(
        store.callbacks_for(&TaskId::new("m")).await.unwrap()[0].deliveries,
        3
    );
}

#[tokio::test]
async fn an_unopenable_path_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let r = SqliteStore::open(
        dir.path().join("missing/dir/x.db"),
        SqliteOptions::default(),
    )
    .await;
    assert!(matches!(r, Err(kie_suno_callbacks::Error::Sqlite(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_durability_mode_commits_and_survives_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    for (i, sync) in [
        Synchronous::Full,
        Synchronous::SqliteFull,
        Synchronous::Normal,
        Synchronous::Extra,
    ]
    .into_iter()
    .enumerate()
    {
        let path = dir.path().join(format!("mode-{i}.db"));
        let store = Arc::new(
            SqliteStore::open(&path, SqliteOptions::default().synchronous(sync))
                .await
                .unwrap(),
        );
        let writes = (0..50).map(|n| {
            let store = store.clone();
            async move { store.record(record(&format!("m-{n}"), "complete")).await }
        });
        for r in futures::future::join_all(writes).await {
            assert!(r.unwrap().is_new(), "{sync:?}");
        }
        store.close().await.unwrap();
        let reopened = open(&path).await;
        assert_eq!(reopened.stats().await.unwrap().callbacks, 50, "{sync:?}");
        reopened.close().await.unwrap();
    }
}

/// A new callback is its own outcome event (cursor = its record id); a
/// confirmation's event takes the next id of the same sequence, so record ids and
/// cursors interleave in commit order, and the callback's event keeps the trust
/// it had when it arrived while its row becomes confirmed.
#[tokio::test]
async fn callbacks_and_confirmation_events_share_one_sequence_in_commit_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("seq.db")).await;
    let mut first = record("seq-1", "complete");
    first.signed = true;
    first.confirmation = Confirmation::Pending;
    let r1 = store.record(first).await.unwrap();
    assert_eq!(r1.event, Some(r1.id));
    assert!(r1.queued);
    let jobs = store
        .claim_confirmations(i64::MAX / 2, 60_000, 10)
        .await
        .unwrap();
    assert_eq!(jobs.len(), 1);
    let confirmed = store
        .finish_confirmation(
            r1.id,
            ConfirmResult::Outcome {
                success: true,
                data: r#"{"status":"SUCCESS"}"#.to_owned(),
                disputed: None,
            },
        )
        .await
        .unwrap()
        .unwrap();
    assert!(confirmed > r1.id);
    let r2 = store.record(record("seq-2", "complete")).await.unwrap();
    assert!(r2.id > confirmed && r2.event == Some(r2.id));
    // A repeat takes no id and makes no event.
    let repeat = store.record(record("seq-2", "complete")).await.unwrap();
    assert_eq!((repeat.id, repeat.event), (r2.id, None));
    assert_eq!(store.latest_cursor().await.unwrap(), r2.id);

    let all = store.outcomes_after(0, 10).await.unwrap();
    let seen: Vec<(i64, i64, OutcomeKind, Trust)> = all
        .iter()
        .map(|e| (e.cursor, e.callback_id, e.kind, e.trust))
        .collect();
    assert_eq!(
        seen,
        [
            (r1.id, r1.id, OutcomeKind::Callback, Trust::Signed),
            (confirmed, r1.id, OutcomeKind::Confirmed, Trust::Confirmed),
            (r2.id, r2.id, OutcomeKind::Callback, Trust::Unsigned),
        ]
    );
    assert_eq!(all[1].data.as_deref(), Some(r#"{"status":"SUCCESS"}"#));
    // From any cursor, the rest in order; a limit cuts the merged list.
    let after: Vec<i64> = store
        .outcomes_after(r1.id, 1)
        .await
        .unwrap()
        .iter()
        .map(|e| e.cursor)
        .collect();
    assert_eq!(after, [confirmed]);
    let of_first: Vec<i64> = store
        .outcomes_for(&TaskId::new("seq-1"))
        .await
        .unwrap()
        .iter()
        .map(|e| e.cursor)
        .collect();
    assert_eq!(of_first, [r1.id, confirmed]);
    let row = store.callback(r1.id).await.unwrap().unwrap();
    assert_eq!(row.trust, Trust::Confirmed);
    assert_eq!(all[0].created_ms, row.first_received_ms);
    assert_eq!(store.stats().await.unwrap().outcome_events, 3);
}

/// Pruning everything, the newest rows included, never lets an id (a cursor a
/// subscriber may hold) be handed out again, across a reopen too.
#[tokio::test]
async fn pruning_the_newest_rows_never_hands_their_ids_out_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prune.db");
    let store = open(&path).await;
    let a = store.record(record("p-a", "complete")).await.unwrap();
    let b = store.record(record("p-b", "complete")).await.unwrap();
    let pruned = store.prune(i64::MAX).await.unwrap();
    assert_eq!((pruned.callbacks, pruned.events), (2, 2));
    let stats = store.stats().await.unwrap();
    assert_eq!((stats.callbacks, stats.outcome_events), (0, 0));
    assert_eq!(store.latest_cursor().await.unwrap(), b.id);
    store.close().await.unwrap();

    let store = open(&path).await;
    let c = store.record(record("p-c", "complete")).await.unwrap();
    assert!(c.id > b.id && b.id > a.id);
    let events = store.outcomes_after(b.id, 10).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(
        (events[0].cursor, events[0].task_id.as_str()),
        (c.id, "p-c")
    );
}
