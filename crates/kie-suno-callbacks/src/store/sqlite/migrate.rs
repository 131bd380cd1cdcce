//! The SQLite schema's DDL and its migrations, and opening the writer's
//! connection in WAL mode.

use std::path::Path;

use rusqlite::Connection;

use super::options::SqliteOptions;
use crate::Error;

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
    // 3: explicit trust, the confirmation queue (on the callback row, so a job is
    // committed with its callback), and the outcome stream (AUTOINCREMENT: a
    // pruned cursor is never reused).
    "ALTER TABLE kie_suno_callbacks ADD COLUMN trust TEXT NOT NULL DEFAULT 'unsigned';
    UPDATE kie_suno_callbacks SET trust = 'signed' WHERE signed = 1;
    UPDATE kie_suno_callbacks SET confirmation = 'failed' WHERE confirmation = 'refuted';
    ALTER TABLE kie_suno_callbacks ADD COLUMN confirm_note TEXT;
    ALTER TABLE kie_suno_callbacks ADD COLUMN confirm_attempts INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE kie_suno_callbacks ADD COLUMN confirm_due_ms INTEGER;
    CREATE INDEX kie_suno_callbacks_confirm_due ON kie_suno_callbacks (confirm_due_ms)
        WHERE confirm_due_ms IS NOT NULL;
    CREATE TABLE kie_suno_outcomes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        callback_id INTEGER NOT NULL,
        task_id TEXT NOT NULL,
        family TEXT NOT NULL,
        stage TEXT NOT NULL,
        kind TEXT NOT NULL,
        trust TEXT NOT NULL,
        terminal INTEGER NOT NULL,
        success INTEGER NOT NULL,
        note TEXT,
        data TEXT,
        created_ms INTEGER NOT NULL
    );
    CREATE INDEX kie_suno_outcomes_task ON kie_suno_outcomes (task_id, id);",
    // 4: a new callback is its own outcome event (cursor = its row id, `own_event`
    // = 1) instead of a second row in kie_suno_outcomes: one insert per callback,
    // not two, and no random-order index entry per callback (task ids are random).
    // Record ids and cursors share one sequence (NEXT_ID), above every id stored
    // before; rows from before keep their events in kie_suno_outcomes
    // (`own_event` = 0). `cursor_floor`: the highest id handed out when rows were
    // last deleted, so a pruned id is never reused.
    "ALTER TABLE kie_suno_callbacks ADD COLUMN own_event INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE kie_suno_meta (
        key TEXT PRIMARY KEY,
        value INTEGER NOT NULL
    );
    INSERT INTO kie_suno_meta (key, value)
        SELECT 'cursor_floor', coalesce(max(seq), 0) FROM sqlite_sequence
        WHERE name = 'kie_suno_outcomes';",
];

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

pub(super) fn migrate(conn: &mut Connection) -> Result<(), Error> {
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // tests may unwrap

    use kie_suno_types::{CallbackFamily, TaskId};

    use super::*;
    use crate::store::sqlite::schema::{
        insert, latest_cursor, outcomes_after, outcomes_for, stats, Statements,
    };
    use crate::{NewCallback, OutcomeEvent, OutcomeKind};

    /// A database at schema 3, with events in kie_suno_outcomes (one of them
    /// pruned, so its AUTOINCREMENT counter is above every stored id), migrated to
    /// 4: the old events keep their cursors, a new callback's event comes after
    /// all of them, and nothing is listed twice.
    #[test]
    fn migration_4_keeps_old_events_and_numbers_new_ones_after_every_old_id() {
        let mut conn = Connection::open_in_memory().unwrap();
        for sql in &MIGRATIONS[..3] {
            conn.execute_batch(sql).unwrap();
        }
        conn.execute_batch(
            "PRAGMA user_version = 3;
             INSERT INTO kie_suno_callbacks (id, task_id, stage, family, success, terminal,
                 confirmation, signed, first_received_ms, last_received_ms, headers, body, trust)
             VALUES (1, 'old', 'complete', 'lyrics', 1, 1, 'not_requested', 1, 10, 10, '[]',
                 x'7b7d', 'signed');
             INSERT INTO kie_suno_outcomes (callback_id, task_id, family, stage, kind, trust,
                 terminal, success, created_ms)
             VALUES (1, 'old', 'lyrics', 'complete', 'callback', 'signed', 1, 1, 10),
                    (1, 'old', 'lyrics', 'complete', 'confirmed', 'confirmed', 1, 1, 11),
                    (7, 'gone', 'lyrics', 'complete', 'callback', 'signed', 1, 1, 12);
             DELETE FROM kie_suno_outcomes WHERE task_id = 'gone';",
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, 4);

        let tx = conn.transaction().unwrap();
        // Pruned event 3 was the highest id handed out.
        assert_eq!(latest_cursor(&tx).unwrap(), 3);
        let mut cb = NewCallback::new(CallbackFamily::Lyrics, TaskId::new("old"), "first");
        cb.received_at_ms = 20;
        let recorded = {
            let mut st = Statements::new(&tx);
            insert(&mut st, &cb, "[]").unwrap()
        };
        assert_eq!((recorded.id, recorded.event), (4, Some(4)));

        let cursors = |events: Vec<OutcomeEvent>| -> Vec<(i64, OutcomeKind)> {
            events.iter().map(|e| (e.cursor, e.kind)).collect()
        };
        let old_and_new = [
            (1, OutcomeKind::Callback),
            (2, OutcomeKind::Confirmed),
            (4, OutcomeKind::Callback),
        ];
        assert_eq!(cursors(outcomes_after(&tx, 0, 10).unwrap()), old_and_new);
        assert_eq!(
            cursors(outcomes_after(&tx, 2, 10).unwrap())[..],
            old_and_new[2..]
        );
        let task = TaskId::new("old");
        assert_eq!(cursors(outcomes_for(&tx, &task).unwrap()), old_and_new);
        assert_eq!(stats(&tx).unwrap().outcome_events, 3);
        assert_eq!(latest_cursor(&tx).unwrap(), 4);
    }
}
