//! The PostgreSQL schema: the migrations, the statements, and the row mapping.

use kie_suno_types::TaskId;
use tokio_postgres::Row;

use crate::{ConfirmJob, Confirmation, OutcomeEvent, OutcomeKind, StoredCallback, Trust};

/// Any 64-bit constant; serialises concurrent migrations of several instances.
pub(super) const MIGRATION_LOCK: i64 = 0x6b69_655f_7375_6e6f;

/// Taken (per transaction) before an outcome event is inserted: event ids are
/// then allocated and committed in the same order across every writer and
/// instance, so a reader that saw cursor N never later finds an event below N.
pub(super) const EVENT_LOCK: i64 = 0x6b69_655f_6576_6e74;

/// The channel the stores `NOTIFY` with the newest cursor on every commit that
/// appended an outcome event.
pub(super) const CHANNEL: &str = "kie_suno_outcomes";

pub(super) const MIGRATIONS: &[&str] = &[
    // 1: callbacks and submitted tasks.
    "CREATE TABLE kie_suno_callbacks (
        id BIGSERIAL PRIMARY KEY,
        task_id TEXT NOT NULL,
        stage TEXT NOT NULL,
        family TEXT NOT NULL,
        code BIGINT,
        success BOOLEAN NOT NULL,
        terminal BOOLEAN NOT NULL,
        confirmation TEXT NOT NULL,
        signed BOOLEAN NOT NULL,
        signature_timestamp BIGINT,
        first_received_ms BIGINT NOT NULL,
        last_received_ms BIGINT NOT NULL,
        deliveries BIGINT NOT NULL DEFAULT 1,
        headers TEXT NOT NULL,
        body BYTEA NOT NULL,
        parsed TEXT,
        CONSTRAINT kie_suno_callbacks_key UNIQUE (task_id, stage)
    );
    CREATE TABLE kie_suno_submitted_tasks (
        task_id TEXT PRIMARY KEY,
        family TEXT NOT NULL,
        submitted_ms BIGINT NOT NULL
    );",
    // 2: the family is part of the idempotency key (issue 11: a body posted to
    // another family's route must not shadow the genuine delivery).
    "ALTER TABLE kie_suno_callbacks
        DROP CONSTRAINT kie_suno_callbacks_key,
        ADD CONSTRAINT kie_suno_callbacks_key UNIQUE (task_id, family, stage);",
    // 3: explicit trust, the confirmation queue (on the callback row, so a job is
    // committed with its callback), and the outcome stream.
    "ALTER TABLE kie_suno_callbacks ADD COLUMN trust TEXT NOT NULL DEFAULT 'unsigned';
    UPDATE kie_suno_callbacks SET trust = 'signed' WHERE signed;
    UPDATE kie_suno_callbacks SET confirmation = 'failed' WHERE confirmation = 'refuted';
    ALTER TABLE kie_suno_callbacks ADD COLUMN confirm_note TEXT;
    ALTER TABLE kie_suno_callbacks ADD COLUMN confirm_attempts INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE kie_suno_callbacks ADD COLUMN confirm_due_ms BIGINT;
    CREATE INDEX kie_suno_callbacks_confirm_due ON kie_suno_callbacks (confirm_due_ms)
        WHERE confirm_due_ms IS NOT NULL;
    CREATE TABLE kie_suno_outcomes (
        id BIGSERIAL PRIMARY KEY,
        callback_id BIGINT NOT NULL,
        task_id TEXT NOT NULL,
        family TEXT NOT NULL,
        stage TEXT NOT NULL,
        kind TEXT NOT NULL,
        trust TEXT NOT NULL,
        terminal BOOLEAN NOT NULL,
        success BOOLEAN NOT NULL,
        note TEXT,
        data TEXT,
        created_ms BIGINT NOT NULL
    );
    CREATE INDEX kie_suno_outcomes_task ON kie_suno_outcomes (task_id, id);",
];

/// The upsert of a round of the writer's batch, without its `RETURNING`: one
/// array per column, each key at most once, rows inserted (and so locked) in
/// the arrays' order. A repeat counts a delivery; a repeat that asks for a
/// confirmation re-queues one that had failed.
macro_rules! upsert_round {
    () => {
        "INSERT INTO kie_suno_callbacks AS c
    (task_id, stage, family, code, success, terminal, confirmation, signed,
     signature_timestamp, first_received_ms, last_received_ms, deliveries, headers, body, parsed,
     trust, confirm_due_ms)
    SELECT t.task_id, t.stage, t.family, t.code, t.success, t.terminal, t.confirmation, t.signed,
        t.signature_timestamp, t.received_ms, t.received_ms, 1, t.headers, t.body, t.parsed,
        t.trust, t.due
    FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[], $5::bool[], $6::bool[],
                $7::text[], $8::bool[], $9::int8[], $10::int8[], $11::text[], $12::bytea[],
                $13::text[], $14::text[], $15::int8[]) WITH ORDINALITY
        AS t(task_id, stage, family, code, success, terminal, confirmation, signed,
             signature_timestamp, received_ms, headers, body, parsed, trust, due, ord)
    ORDER BY t.ord
    ON CONFLICT ON CONSTRAINT kie_suno_callbacks_key DO UPDATE SET
        deliveries = c.deliveries + 1,
        last_received_ms = GREATEST(c.last_received_ms, EXCLUDED.last_received_ms),
        confirm_attempts = CASE WHEN c.confirmation = 'failed' AND EXCLUDED.confirmation = 'pending'
            THEN 0 ELSE c.confirm_attempts END,
        confirm_due_ms = CASE WHEN c.confirmation = 'failed' AND EXCLUDED.confirmation = 'pending'
            THEN EXCLUDED.confirm_due_ms ELSE c.confirm_due_ms END,
        confirmation = CASE WHEN c.confirmation = 'failed' AND EXCLUDED.confirmation = 'pending'
            THEN 'pending' ELSE c.confirmation END"
    };
}

/// A later round of a batch (repeats of keys the first round wrote).
pub(super) const UPSERT_BATCH: &str = concat!(
    upsert_round!(),
    " RETURNING id, deliveries, confirmation, task_id, family, stage"
);

/// The first round of a batch in one statement: the upsert, the outcome event
/// of every callback it created (ids in callback id order; `$16` is the event
/// kind), and one `NOTIFY` (channel `$17`) with the newest of them when there is
/// one. Returns [`UPSERT_BATCH`]'s columns and the event id (`NULL` for a repeat).
///
/// [`EVENT_LOCK`] (`$18`) is taken after the whole upsert and before the first
/// event id is drawn: the sort of the new rows reads all of `up` (the upsert runs
/// to completion) before it returns one, and the lock is a filter on the sort's
/// output (`OFFSET 0` keeps it there), evaluated before the row's `nextval`. So
/// the upserts of two batches run side by side and their events one after the
/// other; a batch of repeats only takes no lock. Every transaction takes its row
/// locks before this lock, never after, so two of them cannot deadlock.
pub(super) const RECORD_BATCH: &str = concat!(
    "WITH up AS (",
    upsert_round!(),
    " RETURNING id, deliveries, confirmation, task_id, family, stage, trust, terminal, success,
        first_received_ms
), ev AS (
    INSERT INTO kie_suno_outcomes
        (callback_id, task_id, family, stage, kind, trust, terminal, success, note, data, created_ms)
    SELECT id, task_id, family, stage, $16, trust, terminal, success, NULL, NULL,
        first_received_ms
    FROM (SELECT * FROM up WHERE deliveries = 1 ORDER BY id OFFSET 0) AS new
    WHERE pg_advisory_xact_lock($18) IS NOT NULL
    RETURNING id, callback_id
)
SELECT up.id, up.deliveries, up.confirmation, up.task_id, up.family, up.stage, ev.id,
    (SELECT pg_notify($17, max(ev.id)::text) FROM ev HAVING count(*) > 0) IS NULL
FROM up LEFT JOIN ev ON ev.callback_id = up.id"
);

/// Opens a writer's batch transaction; its statements use generic plans (planned
/// once per connection, not once per batch).
pub(super) const BEGIN_BATCH: &str = "BEGIN; SET LOCAL plan_cache_mode = force_generic_plan";

/// Takes [`EVENT_LOCK`] until the end of the transaction.
pub(super) const LOCK_EVENTS: &str = "SELECT pg_advisory_xact_lock($1)";

pub(super) const INSERT_EVENT: &str = "INSERT INTO kie_suno_outcomes
    (callback_id, task_id, family, stage, kind, trust, terminal, success, note, data, created_ms)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
    RETURNING id";

pub(super) const COLUMNS: &str =
    "id, family, task_id, stage, code, success, terminal, confirmation,
    signed, signature_timestamp, first_received_ms, last_received_ms, deliveries, headers, body,
    parsed, trust, confirm_note";

pub(super) const EVENT_COLUMNS: &str =
    "id, callback_id, task_id, family, stage, kind, trust, terminal, success, note, data, created_ms";

pub(super) const CLAIM: &str = "UPDATE kie_suno_callbacks SET confirm_due_ms = $1 + $2
    WHERE id IN (SELECT id FROM kie_suno_callbacks
                 WHERE confirm_due_ms IS NOT NULL AND confirm_due_ms <= $1
                   AND confirmation = 'pending'
                 ORDER BY confirm_due_ms LIMIT $3
                 FOR UPDATE SKIP LOCKED)
    RETURNING id, family, task_id, stage, success, body, confirm_attempts, first_received_ms";

pub(super) const RETRY: &str = "UPDATE kie_suno_callbacks SET confirm_due_ms = $2,
        confirm_attempts = confirm_attempts + 1, confirm_note = $3
    WHERE id = $1 AND confirmation = 'pending'";

pub(super) const FINISH: &str =
    "UPDATE kie_suno_callbacks SET confirmation = $2, confirm_note = $3,
        confirm_due_ms = NULL, confirm_attempts = confirm_attempts + 1,
        trust = CASE WHEN $2 = 'confirmed' THEN 'confirmed' ELSE trust END
    WHERE id = $1 AND confirmation = 'pending'
    RETURNING task_id, family, stage, trust, terminal, success";

pub(super) fn stored_callback(r: &Row) -> Result<StoredCallback, tokio_postgres::Error> {
    let deliveries: i64 = r.try_get(12)?;
    let confirmation: String = r.try_get(7)?;
    let headers: String = r.try_get(13)?;
    let trust: String = r.try_get(16)?;
    Ok(StoredCallback {
        id: r.try_get(0)?,
        family: r.try_get(1)?,
        task_id: TaskId::new(r.try_get::<_, String>(2)?),
        stage: r.try_get(3)?,
        code: r.try_get(4)?,
        success: r.try_get(5)?,
        terminal: r.try_get(6)?,
        confirmation: Confirmation::from_stored(&confirmation),
        trust: Trust::from_stored(&trust),
        confirm_note: r.try_get(17)?,
        signed: r.try_get(8)?,
        signature_timestamp: r.try_get(9)?,
        first_received_ms: r.try_get(10)?,
        last_received_ms: r.try_get(11)?,
        deliveries: deliveries.max(0) as u64,
        headers: StoredCallback::parse_headers(&headers),
        body: r.try_get(14)?,
        parsed: r.try_get(15)?,
    })
}

pub(super) fn outcome_event(r: &Row) -> Result<OutcomeEvent, tokio_postgres::Error> {
    let kind: String = r.try_get(5)?;
    let trust: String = r.try_get(6)?;
    Ok(OutcomeEvent {
        cursor: r.try_get(0)?,
        callback_id: r.try_get(1)?,
        task_id: TaskId::new(r.try_get::<_, String>(2)?),
        family: r.try_get(3)?,
        stage: r.try_get(4)?,
        kind: OutcomeKind::from_stored(&kind),
        trust: Trust::from_stored(&trust),
        terminal: r.try_get(7)?,
        success: r.try_get(8)?,
        note: r.try_get(9)?,
        data: r.try_get(10)?,
        created_ms: r.try_get(11)?,
    })
}

pub(super) fn confirm_job(r: &Row) -> Result<ConfirmJob, tokio_postgres::Error> {
    let attempts: i32 = r.try_get(6)?;
    Ok(ConfirmJob {
        callback_id: r.try_get(0)?,
        family: r.try_get(1)?,
        task_id: TaskId::new(r.try_get::<_, String>(2)?),
        stage: r.try_get(3)?,
        success: r.try_get(4)?,
        body: r.try_get(5)?,
        attempts: u32::try_from(attempts.max(0)).unwrap_or(0),
        received_ms: r.try_get(7)?,
    })
}
