//! The SQLite schema: the DDL and its migrations, opening a connection in WAL
//! mode, the statements the writer runs inside a batch, and the row mapping.

use std::path::Path;

use kie_suno_types::{CallbackFamily, TaskId};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::options::SqliteOptions;
use crate::{Confirmation, Error, NewCallback, Recorded, StoreStats, StoredCallback};

const MIGRATIONS: &[&str] = &[
    // 1: callbacks and submitted tasks.
    "CREATE TABLE kie_suno_callbacks (
        id INTEGER PRIMARY KEY,
        task_id TEXT NOT NULL,
        stage TEXT NOT NULL,
        family TEXT NOT NULL,
        code INTEGER,
        success INTEGER NOT NULL,
        terminal INTEGER NOT NULL,
        confirmation TEXT NOT NULL,
        signed INTEGER NOT NULL,
        signature_timestamp INTEGER,
        first_received_ms INTEGER NOT NULL,
        last_received_ms INTEGER NOT NULL,
        deliveries INTEGER NOT NULL DEFAULT 1,
        headers TEXT NOT NULL,
        body BLOB NOT NULL,
        parsed TEXT,
        UNIQUE (task_id, stage)
    );
    CREATE TABLE kie_suno_submitted_tasks (
        task_id TEXT PRIMARY KEY,
        family TEXT NOT NULL,
        submitted_ms INTEGER NOT NULL
    );",
    // 2: the family is part of the idempotency key (issue 11: a body posted to
    // another family's route must not shadow the genuine delivery). SQLite cannot
    // change a table constraint in place: the table is rebuilt, rows kept.
    "CREATE TABLE kie_suno_callbacks_v2 (
        id INTEGER PRIMARY KEY,
        task_id TEXT NOT NULL,
        stage TEXT NOT NULL,
        family TEXT NOT NULL,
        code INTEGER,
        success INTEGER NOT NULL,
        terminal INTEGER NOT NULL,
        confirmation TEXT NOT NULL,
        signed INTEGER NOT NULL,
        signature_timestamp INTEGER,
        first_received_ms INTEGER NOT NULL,
        last_received_ms INTEGER NOT NULL,
        deliveries INTEGER NOT NULL DEFAULT 1,
        headers TEXT NOT NULL,
        body BLOB NOT NULL,
        parsed TEXT,
        UNIQUE (task_id, family, stage)
    );
    INSERT INTO kie_suno_callbacks_v2 SELECT id, task_id, stage, family, code, success,
        terminal, confirmation, signed, signature_timestamp, first_received_ms,
        last_received_ms, deliveries, headers, body, parsed FROM kie_suno_callbacks;
    DROP TABLE kie_suno_callbacks;
    ALTER TABLE kie_suno_callbacks_v2 RENAME TO kie_suno_callbacks;",
];

const INSERT: &str = "INSERT INTO kie_suno_callbacks
    (task_id, stage, family, code, success, terminal, confirmation, signed,
     signature_timestamp, first_received_ms, last_received_ms, deliveries, headers, body, parsed)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, 1, ?11, ?12, ?13)
    ON CONFLICT (task_id, family, stage) DO UPDATE SET
        deliveries = deliveries + 1,
        last_received_ms = max(last_received_ms, excluded.last_received_ms)
    RETURNING id, deliveries";

/// The 13 parameters of [`INSERT`] and [`REPLACE_UNCONFIRMED`], in their order.
macro_rules! callback_params {
    ($cb:expr, $headers:expr) => {
        params![
            $cb.task_id.as_str(),
            $cb.stage,
            $cb.family.as_str(),
            $cb.code,
            $cb.success,
            $cb.terminal,
            $cb.confirmation.as_str(),
            $cb.signed,
            $cb.signature_timestamp,
            $cb.received_at_ms,
            $headers,
            &$cb.body[..],
            $cb.parsed,
        ]
    };
}

const REPLACE_UNCONFIRMED: &str = "UPDATE kie_suno_callbacks SET
        code = ?4, success = ?5, terminal = ?6, confirmation = ?7, signed = ?8,
        signature_timestamp = ?9, last_received_ms = max(last_received_ms, ?10),
        headers = ?11, body = ?12, parsed = ?13
    WHERE task_id = ?1 AND stage = ?2 AND family = ?3 AND confirmation IN ('refuted', 'failed')
    RETURNING id";

const SELECT: &str = "SELECT id, family, task_id, stage, code, success, terminal, confirmation,
    signed, signature_timestamp, first_received_ms, last_received_ms, deliveries, headers, body, parsed
    FROM kie_suno_callbacks WHERE task_id = ?1 ORDER BY id";

/// Opens the writer's connection: WAL, the durability setting, the migrations.
pub(super) fn open_connection(path: &Path, options: &SqliteOptions) -> Result<Connection, Error> {
    let mut conn = Connection::open(path)?;
    conn.busy_timeout(options.busy_timeout)?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::NotWal { mode });
    }
    conn.execute_batch(&format!(
        "PRAGMA synchronous={}; PRAGMA journal_size_limit=67108864;",
        options.synchronous.as_sql()
    ))?;
    migrate(&mut conn)?;
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> Result<(), Error> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(Error::SchemaTooNew {
            found: version,
            supported: known,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

pub(super) fn insert(
    tx: &Transaction<'_>,
    cb: &NewCallback,
    headers: &str,
) -> Result<Recorded, Error> {
    let mut stmt = tx.prepare_cached(INSERT)?;
    let (id, deliveries): (i64, i64) = stmt.query_row(callback_params!(cb, headers), |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    Ok(Recorded {
        id,
        deliveries: deliveries.max(0) as u64,
    })
}

pub(super) fn replace_unconfirmed(
    tx: &Transaction<'_>,
    cb: &NewCallback,
    headers: &str,
) -> Result<Option<i64>, Error> {
    let mut stmt = tx.prepare_cached(REPLACE_UNCONFIRMED)?;
    let id = stmt
        .query_row(callback_params!(cb, headers), |r| r.get::<_, i64>(0))
        .optional()?;
    Ok(id)
}

pub(super) fn for_task(tx: &Transaction<'_>, task: &TaskId) -> Result<Vec<StoredCallback>, Error> {
    let mut stmt = tx.prepare_cached(SELECT)?;
    let rows = stmt.query_map(params![task.as_str()], |r| {
        let headers: String = r.get(13)?;
        let deliveries: i64 = r.get(12)?;
        let confirmation: String = r.get(7)?;
        Ok(StoredCallback {
            id: r.get(0)?,
            family: r.get(1)?,
            task_id: TaskId::new(r.get::<_, String>(2)?),
            stage: r.get(3)?,
            code: r.get(4)?,
            success: r.get(5)?,
            terminal: r.get(6)?,
            confirmation: Confirmation::from_stored(&confirmation),
            signed: r.get(8)?,
            signature_timestamp: r.get(9)?,
            first_received_ms: r.get(10)?,
            last_received_ms: r.get(11)?,
            deliveries: deliveries.max(0) as u64,
            headers: StoredCallback::parse_headers(&headers),
            body: r.get(14)?,
            parsed: r.get(15)?,
        })
    })?;
    rows.collect::<Result<Vec<_>, _>>().map_err(Error::from)
}

pub(super) fn submit(
    tx: &Transaction<'_>,
    task: &TaskId,
    family: CallbackFamily,
    at_ms: i64,
) -> Result<(), Error> {
    tx.prepare_cached(
        "INSERT INTO kie_suno_submitted_tasks (task_id, family, submitted_ms)
         VALUES (?1, ?2, ?3) ON CONFLICT (task_id) DO NOTHING",
    )?
    .execute(params![task.as_str(), family.as_str(), at_ms])?;
    Ok(())
}

pub(super) fn is_submitted(tx: &Transaction<'_>, task: &TaskId) -> Result<bool, Error> {
    Ok(tx
        .prepare_cached("SELECT 1 FROM kie_suno_submitted_tasks WHERE task_id = ?1")?
        .query_row(params![task.as_str()], |_| Ok(()))
        .optional()?
        .is_some())
}

pub(super) fn stats(tx: &Transaction<'_>) -> Result<StoreStats, Error> {
    let (callbacks, deliveries): (i64, i64) = tx.query_row(
        "SELECT count(*), coalesce(sum(deliveries), 0) FROM kie_suno_callbacks",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let submitted: i64 =
        tx.query_row("SELECT count(*) FROM kie_suno_submitted_tasks", [], |r| {
            r.get(0)
        })?;
    Ok(StoreStats {
        callbacks: callbacks.max(0) as u64,
        deliveries: deliveries.max(0) as u64,
        submitted: submitted.max(0) as u64,
    })
}
