//! Store errors classified by whose fault they are ([`Fault`]), from real SQLite
//! errors, one per class; the stores' own input check; the family in the
//! idempotency key and the migration that put it there.

use std::sync::Arc;

use kie_suno_callbacks::{Error, Fault, SqliteOptions, SqliteStore, Store};
use kie_suno_types::{CallbackFamily, TaskId};
use rusqlite::Connection;

use crate::common::record;

fn fault_of(e: rusqlite::Error) -> Fault {
    Error::from(e).fault()
}

fn conn() -> Connection {
    let c = Connection::open_in_memory().unwrap();
    c.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)")
        .unwrap();
    c
}

#[test]
fn sqlite_too_big_constraint_mismatch_and_conversion_are_input_faults() {
    let c = conn();
    // SQLITE_TOOBIG: a value over SQLite's length limit.
    let e = c
        .query_row("SELECT zeroblob(2000000000)", [], |_| Ok(()))
        .unwrap_err();
    assert_eq!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::TooBig),
        "{e}"
    );
    assert_eq!(fault_of(e), Fault::Input);
    // SQLITE_CONSTRAINT: a unique violation.
    c.execute("INSERT INTO t (v) VALUES ('a')", []).unwrap();
    let e = c.execute("INSERT INTO t (v) VALUES ('a')", []).unwrap_err();
    assert_eq!(fault_of(e), Fault::Input);
    // SQLITE_MISMATCH: text where the rowid belongs.
    let e = c
        .execute("INSERT INTO t (id) VALUES ('not a number')", [])
        .unwrap_err();
    assert_eq!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::TypeMismatch),
        "{e}"
    );
    assert_eq!(fault_of(e), Fault::Input);
    // A parameter that cannot be bound (u64 over i64).
    let e = c
        .execute("INSERT INTO t (id) VALUES (?1)", [u64::MAX])
        .unwrap_err();
    assert_eq!(fault_of(e), Fault::Input);
}

#[test]
fn sqlite_busy_is_transient_and_a_sql_error_is_the_servers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("busy.db");
    let a = Connection::open(&path).unwrap();
    a.execute_batch("CREATE TABLE t (v TEXT); BEGIN EXCLUSIVE")
        .unwrap();
    let b = Connection::open(&path).unwrap();
    b.busy_timeout(std::time::Duration::ZERO).unwrap();
    let e = b.execute("INSERT INTO t VALUES ('x')", []).unwrap_err();
    let err = Error::from(e);
    assert!(err.is_transient(), "{err:?}");
    assert_eq!(err.fault(), Fault::Transient);
    // SQLITE_ERROR from a table that does not exist: our bug, not the sender's.
    let e = conn()
        .execute("INSERT INTO missing VALUES (1)", [])
        .unwrap_err();
    assert_eq!(fault_of(e), Fault::Server);
    assert_eq!(Error::StoreClosed.fault(), Fault::Server);
}

#[test]
fn custom_store_errors_say_their_fault() {
    assert_eq!(Error::custom_store("busy", true).fault(), Fault::Transient);
    assert_eq!(Error::custom_store("broken", false).fault(), Fault::Server);
    let e = Error::custom_store_fault("too long", Fault::Input);
    assert_eq!(e.fault(), Fault::Input);
    assert!(!e.is_transient());
    assert_eq!(
        [Fault::Input, Fault::Transient, Fault::Server].map(Fault::as_str),
        ["input", "transient", "server"]
    );
}

async fn open(dir: &tempfile::TempDir) -> Arc<SqliteStore> {
    Arc::new(
        SqliteStore::open(dir.path().join("cb.db"), SqliteOptions::default())
            .await
            .unwrap(),
    )
}

/// The task ids PostgreSQL refused with a 503 (a 1 MB id: index row too large;
/// a NUL) and SQLite stored: now refused by both before anything is written.
#[tokio::test]
async fn the_sqlite_store_refuses_task_ids_and_stages_postgres_could_not_index() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(&dir).await;
    let long = "a".repeat(1024 * 1024);
    for (task, stage) in [
        (long.as_str(), "complete"),
        ("pg\u{0}nul", "complete"),
        ("line\n\u{1b}[31mforged", "complete"),
        ("", "complete"),
        ("ok-task", "Complete\u{0}"),
        ("ok-task", ""),
    ] {
        let err = s.record(record(task, stage)).await.unwrap_err();
        assert!(
            matches!(err, Error::InvalidInput { .. }),
            "{task:.20?} {stage:?}: {err:?}"
        );
        assert_eq!(err.fault(), Fault::Input);
        // The message names the field and the reason, never the value.
        assert!(!err.to_string().contains("nul") && !err.to_string().contains("aaaa"));
    }
    let err = s
        .record_submitted(&TaskId::new("a\u{0}"), CallbackFamily::Music)
        .await
        .unwrap_err();
    assert_eq!(err.fault(), Fault::Input);
    assert_eq!(s.stats().await.unwrap().callbacks, 0);
    assert_eq!(s.stats().await.unwrap().submitted, 0);
    // Reads agree too: no such id can be stored, so none is found.
    for task in ["pg\u{0}nul", long.as_str(), ""] {
        let id = TaskId::new(task);
        assert!(s.callbacks_for(&id).await.unwrap().is_empty());
        assert!(!s.is_submitted(&id).await.unwrap());
    }
}

#[tokio::test]
async fn the_family_is_part_of_the_idempotency_key() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(&dir).await;
    let mut video = record("fam-1", "complete");
    video.family = CallbackFamily::Video;
    assert!(s.record(video.clone()).await.unwrap().is_new());
    // The genuine lyrics delivery is not a "duplicate" of the forged video row.
    assert!(s
        .record(record("fam-1", "complete"))
        .await
        .unwrap()
        .is_new());
    assert_eq!(s.record(video).await.unwrap().deliveries, 2);
    let rows = s.callbacks_for(&TaskId::new("fam-1")).await.unwrap();
    let families: Vec<_> = rows.iter().map(|r| r.family.as_str()).collect();
    assert_eq!(families, ["video", "lyrics"]);
    assert_eq!(rows[1].deliveries, 1);
}

/// A database written by the first schema (unique key on task id and stage)
/// migrates to the second (family in the key), every row and column kept.
#[tokio::test]
async fn a_version_1_database_migrates_keeping_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    {
        let c = Connection::open(dir.path().join("cb.db")).unwrap();
        c.execute_batch(
            "CREATE TABLE kie_suno_callbacks (
                id INTEGER PRIMARY KEY, task_id TEXT NOT NULL, stage TEXT NOT NULL,
                family TEXT NOT NULL, code INTEGER, success INTEGER NOT NULL,
                terminal INTEGER NOT NULL, confirmation TEXT NOT NULL, signed INTEGER NOT NULL,
                signature_timestamp INTEGER, first_received_ms INTEGER NOT NULL,
                last_received_ms INTEGER NOT NULL, deliveries INTEGER NOT NULL DEFAULT 1,
                headers TEXT NOT NULL, body BLOB NOT NULL, parsed TEXT,
                UNIQUE (task_id, stage));
             CREATE TABLE kie_suno_submitted_tasks (
                task_id TEXT PRIMARY KEY, family TEXT NOT NULL, submitted_ms INTEGER NOT NULL);
             INSERT INTO kie_suno_callbacks VALUES (7, 'old-1', 'complete', 'lyrics', 200, 1, 1,
                'not_requested', 1, 1700000000, 10, 20, 3, '[]', x'7b7d', NULL);
             INSERT INTO kie_suno_submitted_tasks VALUES ('old-1', 'lyrics', 5);
             PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let s = open(&dir).await;
    let rows = s.callbacks_for(&TaskId::new("old-1")).await.unwrap();
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(
        (
            r.id,
            r.family.as_str(),
            r.deliveries,
            r.first_received_ms,
            r.last_received_ms
        ),
        (7, "lyrics", 3, 10, 20)
    );
    assert_eq!(
        (r.body.as_slice(), r.signature_timestamp),
        (&b"{}"[..], Some(1700000000))
    );
    assert!(s.is_submitted(&TaskId::new("old-1")).await.unwrap());
    // The old row is still found by its key, and the new key admits another family.
    assert_eq!(
        s.record(record("old-1", "complete"))
            .await
            .unwrap()
            .deliveries,
        4
    );
    let mut video = record("old-1", "complete");
    video.family = CallbackFamily::Video;
    assert!(s.record(video).await.unwrap().is_new());
}
