//! PostgreSQL errors classified by whose fault they are ([`Fault`]), from real
//! SQLSTATEs of a real server, one test per class; the store's own input check;
//! the family in the idempotency key and the migration that put it there.

use kie_suno_callbacks::{Error, Fault, Store};
use kie_suno_types::{CallbackFamily, TaskId};
use tokio_postgres::{Client, NoTls};

use crate::common::*;

async fn client(url: &str) -> Client {
    let (client, conn) = tokio_postgres::connect(url, NoTls).await.unwrap();
    tokio::spawn(conn);
    client
}

async fn fault_of(c: &Client, sql: &str) -> (String, Fault) {
    let e = c.batch_execute(sql).await.unwrap_err();
    let code = e.code().map(|s| s.code().to_owned()).unwrap_or_default();
    (code, Error::from(e).fault())
}

/// Raises a SQLSTATE on the server, as a failing statement would.
fn raise(code: &str) -> String {
    format!("DO $$ BEGIN RAISE EXCEPTION 'raised' USING ERRCODE = '{code}'; END $$")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn class_22_data_exceptions_are_input_faults() {
    let Some(url) = database("fault22").await else {
        return;
    };
    let c = client(&url).await;
    assert_eq!(
        fault_of(&c, "SELECT 'x'::int").await,
        ("22P02".to_owned(), Fault::Input)
    );
    assert_eq!(
        fault_of(&c, "SELECT 1 / 0").await,
        ("22012".to_owned(), Fault::Input)
    );
    // The NUL in a task id that PostgreSQL answered 503 to: text cannot hold it.
    let e = c
        .query_one("SELECT $1::text", &[&"pg\u{0}nul"])
        .await
        .unwrap_err();
    assert_eq!(e.code().map(|s| s.code()), Some("22021"), "{e:?}");
    assert_eq!(Error::from(e).fault(), Fault::Input);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn class_23_integrity_violations_are_input_faults() {
    let Some(url) = database("fault23").await else {
        return;
    };
    let c = client(&url).await;
    c.batch_execute("CREATE TABLE t (v TEXT UNIQUE NOT NULL); INSERT INTO t VALUES ('a')")
        .await
        .unwrap();
    assert_eq!(
        fault_of(&c, "INSERT INTO t VALUES ('a')").await,
        ("23505".to_owned(), Fault::Input)
    );
    assert_eq!(
        fault_of(&c, "INSERT INTO t VALUES (NULL)").await,
        ("23502".to_owned(), Fault::Input)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn class_54_program_limits_are_input_faults() {
    let Some(url) = database("fault54").await else {
        return;
    };
    let c = client(&url).await;
    // The 1 MB task id: an index row too large (incompressible text).
    c.batch_execute("CREATE TABLE t (v TEXT PRIMARY KEY)")
        .await
        .unwrap();
    assert_eq!(
        fault_of(
            &c,
            "INSERT INTO t SELECT string_agg(md5(i::text), '') FROM generate_series(1, 32768) i"
        )
        .await,
        ("54000".to_owned(), Fault::Input)
    );
    assert_eq!(
        fault_of(&c, &raise("54001")).await,
        ("54001".to_owned(), Fault::Input)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retryable_sqlstates_are_transient_and_the_rest_the_servers() {
    let Some(url) = database("faultx").await else {
        return;
    };
    let c = client(&url).await;
    for code in ["40001", "40P01", "53300", "57P01", "08006"] {
        assert_eq!(
            fault_of(&c, &raise(code)).await,
            (code.to_owned(), Fault::Transient)
        );
    }
    assert_eq!(
        fault_of(&c, "SELECT * FROM missing").await,
        ("42P01".to_owned(), Fault::Server)
    );
    for code in ["53100", "XX000", "42501"] {
        assert_eq!(
            fault_of(&c, &raise(code)).await,
            (code.to_owned(), Fault::Server)
        );
    }
}

/// The task ids PostgreSQL answered 503 to (1 MB: index row too large; a NUL):
/// refused as input by the store before anything is sent to the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_postgres_store_refuses_task_ids_and_stages_it_could_not_index() {
    let Some(url) = database("storable").await else {
        return;
    };
    let s = store(&url).await;
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
    }
    let err = s
        .record_submitted(&TaskId::new("a\u{0}"), CallbackFamily::Music)
        .await
        .unwrap_err();
    assert_eq!(err.fault(), Fault::Input);
    let stats = s.stats().await.unwrap();
    assert_eq!((stats.callbacks, stats.submitted), (0, 0));
    // Reads agree too: no such id can be stored, so none is found.
    for task in ["pg\u{0}nul", long.as_str(), ""] {
        let id = TaskId::new(task);
        assert!(s.callbacks_for(&id).await.unwrap().is_empty());
        assert!(!s.is_submitted(&id).await.unwrap());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_family_is_part_of_the_idempotency_key() {
    let Some(url) = database("famkey").await else {
        return;
    };
    let s = store(&url).await;
    let mut video = record("fam-1", "complete");
    video.family = CallbackFamily::Video;
    assert!(s.record(video.clone()).await.unwrap().is_new());
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_version_1_database_migrates_keeping_its_rows() {
    let Some(url) = database("migrate1").await else {
        return;
    };
    let c = client(&url).await;
    c.batch_execute(
        "CREATE TABLE kie_suno_schema_version (version INTEGER NOT NULL);
         INSERT INTO kie_suno_schema_version VALUES (1);
         CREATE TABLE kie_suno_callbacks (
            id BIGSERIAL PRIMARY KEY, task_id TEXT NOT NULL, stage TEXT NOT NULL,
            family TEXT NOT NULL, code BIGINT, success BOOLEAN NOT NULL,
            terminal BOOLEAN NOT NULL, confirmation TEXT NOT NULL, signed BOOLEAN NOT NULL,
            signature_timestamp BIGINT, first_received_ms BIGINT NOT NULL,
            last_received_ms BIGINT NOT NULL, deliveries BIGINT NOT NULL DEFAULT 1,
            headers TEXT NOT NULL, body BYTEA NOT NULL, parsed TEXT,
            CONSTRAINT kie_suno_callbacks_key UNIQUE (task_id, stage));
         CREATE TABLE kie_suno_submitted_tasks (
            task_id TEXT PRIMARY KEY, family TEXT NOT NULL, submitted_ms BIGINT NOT NULL);
         INSERT INTO kie_suno_callbacks VALUES (7, 'old-1', 'complete', 'lyrics', 200, true,
            true, 'not_requested', true, 1700000000, 10, 20, 3, '[]', '\\x7b7d', NULL);
         SELECT setval('kie_suno_callbacks_id_seq', 7);",
    )
    .await
    .unwrap();
    let s = store(&url).await;
    let rows = s.callbacks_for(&TaskId::new("old-1")).await.unwrap();
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(
        (r.id, r.family.as_str(), r.deliveries, r.first_received_ms),
        (7, "lyrics", 3, 10)
    );
    assert_eq!(r.body, b"{}");
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
    let version: i32 = c
        .query_one("SELECT version FROM kie_suno_schema_version", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(version, 3);
}
