//! The SQLite statements: what the writer runs inside a batch (the DDL and its
//! migrations are in `migrate`), and the row mapping.

use kie_suno_types::{CallbackFamily, TaskId};
use rusqlite::{params, CachedStatement, Connection, OptionalExtension, Transaction};

use crate::{
    ConfirmJob, ConfirmResult, Confirmation, Error, NewCallback, OutcomeEvent, OutcomeKind, Pruned,
    Recorded, StoreStats, StoredCallback, Trust,
};

/// The next record id, which is also the next outcome cursor: above every id of
/// both tables and above every id handed out before a prune.
const NEXT_ID: &str = "SELECT max(
        coalesce((SELECT max(id) FROM kie_suno_callbacks), 0),
        coalesce((SELECT max(id) FROM kie_suno_outcomes), 0),
        coalesce((SELECT value FROM kie_suno_meta WHERE key = 'cursor_floor'), 0)) + 1";

// A new key is a plain insert (no RETURNING: SQLite would build an ephemeral
// table for it on every callback) with the batch's next id; the row is its own
// outcome event. A repeat finds the conflict and takes [`REPEAT`] instead.
const INSERT: &str = "INSERT INTO kie_suno_callbacks
    (task_id, stage, family, code, success, terminal, confirmation, signed,
     signature_timestamp, first_received_ms, last_received_ms, deliveries, headers, body, parsed,
     trust, confirm_due_ms, id, own_event)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, 1, ?11, ?12, ?13, ?14, ?15, ?16, 1)
    ON CONFLICT (task_id, family, stage) DO NOTHING";

/// A repeat of a stored key: the row it repeats (found by key, then updated by
/// row id: an `UPDATE ... RETURNING` would build a temporary table per repeat).
const FIND: &str = "SELECT id, deliveries, confirmation FROM kie_suno_callbacks
    WHERE task_id = ?1 AND family = ?2 AND stage = ?3";

/// One more delivery of the row `?1`.
const REPEAT: &str = "UPDATE kie_suno_callbacks SET
        deliveries = deliveries + 1,
        last_received_ms = max(last_received_ms, ?2)
    WHERE id = ?1";

/// One more delivery of the row `?1`, whose confirmation failed, asking for
/// one: it is queued again.
const REQUEUE: &str = "UPDATE kie_suno_callbacks SET
        deliveries = deliveries + 1,
        last_received_ms = max(last_received_ms, ?2),
        confirm_attempts = 0,
        confirm_due_ms = ?3,
        confirmation = 'pending'
    WHERE id = ?1";

/// The 16 parameters of [`INSERT`], in their order.
macro_rules! callback_params {
    ($cb:expr, $headers:expr, $confirmation:expr, $due:expr, $id:expr) => {
        params![
            $cb.task_id.as_str(),
            $cb.stage,
            $cb.family.as_str(),
            $cb.code,
            $cb.success,
            $cb.terminal,
            $confirmation.as_str(),
            $cb.signed,
            $cb.signature_timestamp,
            $cb.received_at_ms,
            $headers,
            &$cb.body[..],
            $cb.parsed,
            $cb.trust().as_str(),
            $due,
            $id,
        ]
    };
}

const COLUMNS: &str = "id, family, task_id, stage, code, success, terminal, confirmation,
    signed, signature_timestamp, first_received_ms, last_received_ms, deliveries, headers, body,
    parsed, trust, confirm_note";

const EVENT_COLUMNS: &str =
    "id, callback_id, task_id, family, stage, kind, trust, terminal, success, note, data, created_ms";

/// A callback row read as its own outcome event (`own_event` = 1): the event
/// of a callback's first delivery, with the trust it had then (signed or not;
/// the row's `trust` becomes `confirmed` later, its event does not).
const OWN_EVENT_COLUMNS: &str = "id, id, task_id, family, stage, 'callback',
    CASE WHEN signed THEN 'signed' ELSE 'unsigned' END, terminal, success, NULL, NULL,
    first_received_ms";

const INSERT_EVENT: &str = "INSERT INTO kie_suno_outcomes
    (callback_id, task_id, family, stage, kind, trust, terminal, success, note, data, created_ms,
     id)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";

/// The statements [`insert`] runs, taken from the connection's statement cache
/// once per batch rather than once per callback (each lookup hashes the SQL).
pub(super) struct Statements<'c> {
    conn: &'c Connection,
    insert: Option<CachedStatement<'c>>,
    find: Option<CachedStatement<'c>>,
    repeat: Option<CachedStatement<'c>>,
    /// The id the next new callback gets ([`NEXT_ID`], read once per batch
    /// under its write lock, then counted here).
    next_id: Option<i64>,
}

impl<'c> Statements<'c> {
    pub(super) fn new(conn: &'c Connection) -> Self {
        Self {
            conn,
            insert: None,
            find: None,
            repeat: None,
            next_id: None,
        }
    }

    /// Something else ran on the batch's transaction (it may have taken an id):
    /// the next insert reads [`NEXT_ID`] again.
    pub(super) fn forget_next_id(&mut self) {
        self.next_id = None;
    }
}

/// The statement in `slot`, prepared (from the cache) on first use.
fn prepared<'s, 'c>(
    slot: &'s mut Option<CachedStatement<'c>>,
    conn: &'c Connection,
    sql: &str,
) -> rusqlite::Result<&'s mut CachedStatement<'c>> {
    match slot {
        Some(stmt) => Ok(stmt),
        None => Ok(slot.insert(conn.prepare_cached(sql)?)),
    }
}

pub(super) fn insert(
    st: &mut Statements<'_>,
    cb: &NewCallback,
    headers: &str,
) -> Result<Recorded, Error> {
    let conn = st.conn;
    let confirmation = cb.stored_confirmation();
    let due = (confirmation == Confirmation::Pending).then_some(cb.received_at_ms);
    let next = match st.next_id {
        Some(id) => id,
        None => next_id(conn)?,
    };
    let inserted = prepared(&mut st.insert, conn, INSERT)?.execute(callback_params!(
        cb,
        headers,
        confirmation,
        due,
        next
    ))?;
    st.next_id = Some(if inserted == 1 { next + 1 } else { next });
    let (id, deliveries, stored) = if inserted == 1 {
        (next, 1, confirmation)
    } else {
        let (id, deliveries, stored): (i64, i64, String) = prepared(&mut st.find, conn, FIND)?
            .query_row(
                params![cb.task_id.as_str(), cb.family.as_str(), cb.stage],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
        if stored == Confirmation::Failed.as_str() && confirmation == Confirmation::Pending {
            conn.prepare_cached(REQUEUE)?
                .execute(params![id, cb.received_at_ms, due])?;
            (id, deliveries + 1, Confirmation::Pending)
        } else {
            prepared(&mut st.repeat, conn, REPEAT)?.execute(params![id, cb.received_at_ms])?;
            (id, deliveries + 1, Confirmation::from_stored(&stored))
        }
    };
    Ok(Recorded {
        id,
        deliveries: deliveries.max(0) as u64,
        // A new row is its own outcome event.
        event: (inserted == 1).then_some(id),
        queued: stored == Confirmation::Pending,
    })
}

fn stored_callback(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredCallback> {
    let headers: String = r.get(13)?;
    let deliveries: i64 = r.get(12)?;
    let confirmation: String = r.get(7)?;
    let trust: String = r.get(16)?;
    Ok(StoredCallback {
        id: r.get(0)?,
        family: r.get(1)?,
        task_id: TaskId::new(r.get::<_, String>(2)?),
        stage: r.get(3)?,
        code: r.get(4)?,
        success: r.get(5)?,
        terminal: r.get(6)?,
        confirmation: Confirmation::from_stored(&confirmation),
        trust: Trust::from_stored(&trust),
        confirm_note: r.get(17)?,
        signed: r.get(8)?,
        signature_timestamp: r.get(9)?,
        first_received_ms: r.get(10)?,
        last_received_ms: r.get(11)?,
        deliveries: deliveries.max(0) as u64,
        headers: StoredCallback::parse_headers(&headers),
        body: r.get(14)?,
        parsed: r.get(15)?,
    })
}

fn outcome_event(r: &rusqlite::Row<'_>) -> rusqlite::Result<OutcomeEvent> {
    let kind: String = r.get(5)?;
    let trust: String = r.get(6)?;
    Ok(OutcomeEvent {
        cursor: r.get(0)?,
        callback_id: r.get(1)?,
        task_id: TaskId::new(r.get::<_, String>(2)?),
        family: r.get(3)?,
        stage: r.get(4)?,
        kind: OutcomeKind::from_stored(&kind),
        trust: Trust::from_stored(&trust),
        terminal: r.get(7)?,
        success: r.get(8)?,
        note: r.get(9)?,
        data: r.get(10)?,
        created_ms: r.get(11)?,
    })
}

pub(super) fn for_task(tx: &Transaction<'_>, task: &TaskId) -> Result<Vec<StoredCallback>, Error> {
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM kie_suno_callbacks WHERE task_id = ?1 ORDER BY id"
    ))?;
    let rows = stmt.query_map(params![task.as_str()], stored_callback)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(Error::from)
}

pub(super) fn callback(tx: &Transaction<'_>, id: i64) -> Result<Option<StoredCallback>, Error> {
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM kie_suno_callbacks WHERE id = ?1"
    ))?;
    Ok(stmt.query_row(params![id], stored_callback).optional()?)
}

/// The outcome events matching `filter` (one condition on columns both tables
/// have), merged by cursor: the callbacks that are their own event and the rows
/// of kie_suno_outcomes. `tail` follows the `ORDER BY`.
fn events_sql(filter: &str, tail: &str) -> String {
    format!(
        "SELECT {OWN_EVENT_COLUMNS} FROM kie_suno_callbacks WHERE {filter} AND own_event = 1
         UNION ALL
         SELECT {EVENT_COLUMNS} FROM kie_suno_outcomes WHERE {filter}
         ORDER BY 1 {tail}"
    )
}

/// Up to `?2` outcome events after cursor `?1`.
fn events_after_sql() -> String {
    events_sql("id > ?1", "LIMIT ?2")
}

pub(super) fn outcomes_after(
    tx: &Transaction<'_>,
    cursor: i64,
    limit: usize,
) -> Result<Vec<OutcomeEvent>, Error> {
    let mut stmt = tx.prepare_cached(&events_after_sql())?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = stmt.query_map(params![cursor, limit], outcome_event)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(Error::from)
}

pub(super) fn outcomes_for(
    tx: &Transaction<'_>,
    task: &TaskId,
) -> Result<Vec<OutcomeEvent>, Error> {
    let mut stmt = tx.prepare_cached(&events_sql("task_id = ?1", ""))?;
    let rows = stmt.query_map(params![task.as_str()], outcome_event)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(Error::from)
}

/// [`NEXT_ID`], from the statement cache.
fn next_id(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached(NEXT_ID)?.query_row([], |r| r.get(0))
}

/// The newest cursor handed out: every event after it gets a larger one.
pub(super) fn latest_cursor(tx: &Transaction<'_>) -> Result<i64, Error> {
    Ok(next_id(tx)? - 1)
}

pub(super) fn claim(
    tx: &Transaction<'_>,
    now_ms: i64,
    lease_ms: i64,
    limit: usize,
) -> Result<Vec<ConfirmJob>, Error> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut stmt = tx.prepare_cached(
        "UPDATE kie_suno_callbacks SET confirm_due_ms = ?1 + ?2
         WHERE id IN (SELECT id FROM kie_suno_callbacks
                      WHERE confirm_due_ms IS NOT NULL AND confirm_due_ms <= ?1
                        AND confirmation = 'pending'
                      ORDER BY confirm_due_ms LIMIT ?3)
         RETURNING id, family, task_id, stage, success, body, confirm_attempts, first_received_ms",
    )?;
    let rows = stmt.query_map(params![now_ms, lease_ms, limit], |r| {
        let attempts: i64 = r.get(6)?;
        Ok(ConfirmJob {
            callback_id: r.get(0)?,
            family: r.get(1)?,
            task_id: TaskId::new(r.get::<_, String>(2)?),
            stage: r.get(3)?,
            success: r.get(4)?,
            body: r.get(5)?,
            attempts: u32::try_from(attempts.max(0)).unwrap_or(u32::MAX),
            received_ms: r.get(7)?,
        })
    })?;
    let mut jobs = rows.collect::<Result<Vec<_>, _>>()?;
    jobs.sort_by_key(|j| j.callback_id);
    Ok(jobs)
}

pub(super) fn retry(
    tx: &Transaction<'_>,
    callback_id: i64,
    due_ms: i64,
    error: &str,
) -> Result<(), Error> {
    tx.prepare_cached(
        "UPDATE kie_suno_callbacks SET confirm_due_ms = ?2,
             confirm_attempts = confirm_attempts + 1, confirm_note = ?3
         WHERE id = ?1 AND confirmation = 'pending'",
    )?
    .execute(params![callback_id, due_ms, error])?;
    Ok(())
}

pub(super) fn finish(
    tx: &Transaction<'_>,
    callback_id: i64,
    result: &ConfirmResult,
    now_ms: i64,
) -> Result<Option<i64>, Error> {
    let (confirmation, note) = match result {
        ConfirmResult::Outcome { disputed: None, .. } => (Confirmation::Confirmed, None),
        ConfirmResult::Outcome {
            disputed: Some(d), ..
        } => (Confirmation::Disputed, Some(d.as_str())),
        ConfirmResult::GaveUp(why) => (Confirmation::Failed, Some(why.as_str())),
    };
    let row = tx
        .prepare_cached(
            "UPDATE kie_suno_callbacks SET confirmation = ?2, confirm_note = ?3,
                 confirm_due_ms = NULL, confirm_attempts = confirm_attempts + 1,
                 trust = CASE WHEN ?2 = 'confirmed' THEN 'confirmed' ELSE trust END
             WHERE id = ?1 AND confirmation = 'pending'
             RETURNING task_id, family, stage, trust, terminal, success",
        )?
        .query_row(params![callback_id, confirmation.as_str(), note], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, bool>(4)?,
                r.get::<_, bool>(5)?,
            ))
        })
        .optional()?;
    let Some((task, family, stage, trust, terminal, body_success)) = row else {
        return Ok(None);
    };
    let (kind, trust, terminal, success, data) = match result {
        ConfirmResult::Outcome { success, data, .. } => (
            OutcomeKind::Confirmed,
            Trust::Confirmed.as_str().to_owned(),
            true,
            *success,
            Some(data.as_str()),
        ),
        _ => (
            OutcomeKind::Unconfirmed,
            trust,
            terminal,
            body_success,
            None,
        ),
    };
    let id = next_id(tx)?;
    tx.prepare_cached(INSERT_EVENT)?.execute(params![
        callback_id,
        task,
        family,
        stage,
        kind.as_str(),
        trust,
        terminal,
        success,
        note,
        data,
        now_ms,
        id,
    ])?;
    Ok(Some(id))
}

/// The queued confirmations (the partial index on `confirm_due_ms`: a job is
/// queued exactly while its due time is set) and the oldest one's arrival.
pub(super) fn backlog(tx: &Transaction<'_>) -> Result<(i64, Option<i64>), Error> {
    Ok(tx.query_row(
        "SELECT count(*), min(first_received_ms) FROM kie_suno_callbacks
         WHERE confirm_due_ms IS NOT NULL",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// Removes old events and callbacks (a callback's own event goes with its
/// row), first raising `cursor_floor` to the newest id handed out, so that
/// deleting the newest rows cannot make [`NEXT_ID`] hand an id out again.
pub(super) fn prune(tx: &Transaction<'_>, before_ms: i64) -> Result<Pruned, Error> {
    let latest = latest_cursor(tx)?;
    tx.prepare_cached(
        "INSERT INTO kie_suno_meta (key, value) VALUES ('cursor_floor', ?1)
         ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)",
    )?
    .execute(params![latest])?;
    let events = tx
        .prepare_cached("DELETE FROM kie_suno_outcomes WHERE created_ms < ?1")?
        .execute(params![before_ms])?;
    let (callbacks, own_events) = tx
        .prepare_cached(
            "DELETE FROM kie_suno_callbacks WHERE last_received_ms < ?1 AND confirmation <> 'pending'
             RETURNING own_event",
        )?
        .query_map(params![before_ms], |r| r.get::<_, bool>(0))?
        .try_fold((0u64, 0u64), |(n, own), row| {
            row.map(|o| (n + 1, own + u64::from(o)))
        })?;
    Ok(Pruned {
        callbacks,
        events: events as u64 + own_events,
    })
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
    let (callbacks, deliveries, own_events): (i64, i64, i64) = tx.query_row(
        "SELECT count(*), coalesce(sum(deliveries), 0), coalesce(sum(own_event), 0)
         FROM kie_suno_callbacks",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let submitted: i64 =
        tx.query_row("SELECT count(*) FROM kie_suno_submitted_tasks", [], |r| {
            r.get(0)
        })?;
    let (pending, oldest) = backlog(tx)?;
    let events: i64 = tx.query_row("SELECT count(*) FROM kie_suno_outcomes", [], |r| r.get(0))?;
    Ok(StoreStats {
        callbacks: callbacks.max(0) as u64,
        deliveries: deliveries.max(0) as u64,
        submitted: submitted.max(0) as u64,
        pending_confirmations: pending.max(0) as u64,
        oldest_pending_ms: oldest,
        outcome_events: (events.max(0) + own_events.max(0)) as u64,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // tests may unwrap

    use super::*;
    use crate::store::sqlite::migrate::migrate;

    /// Both arms of the event union read by id (the rowid): a subscriber's read
    /// does not scan what it has already seen.
    #[test]
    fn reading_events_after_a_cursor_searches_both_tables_by_id() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        let plan: Vec<String> = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {}", events_after_sql()))
            .unwrap()
            .query_map(params![0, 10], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let searches = plan
            .iter()
            .filter(|p| p.contains("USING INTEGER PRIMARY KEY (rowid>?)"))
            .count();
        assert_eq!(searches, 2, "{plan:?}");
        // Merged in order, not gathered and sorted.
        assert!(
            plan.iter().any(|p| p.contains("MERGE (UNION ALL)")),
            "{plan:?}"
        );
    }
}
