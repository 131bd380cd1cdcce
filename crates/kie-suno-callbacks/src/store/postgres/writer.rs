//! The batching writer: callbacks queue (callback, reply) pairs; a few writer
//! tasks each take whatever is queued, store it in one transaction (multi-row
//! statements, pipelined: one round trip, one commit and WAL flush), and only
//! after the commit reply to each. The same group commit as the SQLite writer's,
//! over the pool.

use std::collections::HashMap;
use std::sync::Arc;

use deadpool_postgres::Pool;
use tokio::sync::{mpsc, oneshot, Mutex};
use tokio_postgres::types::ToSql;

use super::sql::{BEGIN_BATCH, CHANNEL, EVENT_LOCK, RECORD_BATCH, UPSERT_BATCH};
use crate::{Confirmation, Error, NewCallback, OutcomeKind, Recorded};

/// One queued callback.
pub(super) struct Request {
    pub(super) callback: NewCallback,
    pub(super) headers: String,
    pub(super) reply: oneshot::Sender<Result<Recorded, Error>>,
}

/// The most rounds of one batch sent in its single round trip (see [`write`]).
const PIPELINED_ROUNDS: usize = 16;

/// Starts `writers` writer tasks over `pool`; returns the queue they drain.
pub(super) fn start(
    pool: Pool,
    writers: usize,
    max_batch: usize,
    capacity: usize,
) -> mpsc::Sender<Request> {
    let (tx, rx) = mpsc::channel(capacity.max(1));
    let rx = Arc::new(Mutex::new(rx));
    for _ in 0..writers.max(1) {
        tokio::spawn(run(pool.clone(), Arc::clone(&rx), max_batch.max(1)));
    }
    tx
}

async fn run(pool: Pool, rx: Arc<Mutex<mpsc::Receiver<Request>>>, max_batch: usize) {
    let mut batch: Vec<Request> = Vec::with_capacity(max_batch);
    loop {
        {
            // One writer gathers a batch at a time; the others commit theirs.
            let mut rx = rx.lock().await;
            match rx.recv().await {
                Some(r) => batch.push(r),
                None => return,
            }
            while batch.len() < max_batch {
                match rx.try_recv() {
                    Ok(r) => batch.push(r),
                    Err(_) => break,
                }
            }
        }
        match commit(&pool, &batch).await {
            Ok(recorded) => {
                for (req, rec) in batch.drain(..).zip(recorded) {
                    let _ = req.reply.send(Ok(rec));
                }
            }
            Err(e) => {
                // Nothing of the batch is stored: every request fails (503, so
                // KIE retries); the first gets the cause itself, the rest a copy.
                let text = error_text(&e);
                let transient = e.is_transient();
                let mut first = Some(e);
                for req in batch.drain(..) {
                    let err = first
                        .take()
                        .unwrap_or_else(|| Error::custom_store(text.clone(), transient));
                    let _ = req.reply.send(Err(err));
                }
            }
        }
    }
}

fn error_text(e: &Error) -> String {
    use std::error::Error as _;
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// The pooled connection of a batch in flight. The transaction is driven by
/// hand (pipelined statements, see [`write`]), so a batch that did not finish
/// (an error, a cancelled task) may leave it open: that connection is then
/// taken out of the pool and closed, and PostgreSQL rolls it back.
struct Connection(Option<deadpool_postgres::Object>);

impl Connection {
    fn client(&self) -> Result<&deadpool_postgres::ClientWrapper, Error> {
        self.0.as_deref().ok_or(Error::StoreClosed)
    }

    /// The batch ended with its `COMMIT`: the connection goes back to the pool.
    fn release(mut self) {
        drop(self.0.take());
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        if let Some(object) = self.0.take() {
            drop(deadpool_postgres::Object::take(object));
        }
    }
}

async fn commit(pool: &Pool, batch: &[Request]) -> Result<Vec<Recorded>, Error> {
    let conn = Connection(Some(pool.get().await?));
    let out = write(conn.client()?, batch).await?;
    conn.release();
    Ok(out)
}

/// Stores a batch in one transaction and one round trip: `BEGIN`, the first
/// round's upsert with the events of its new callbacks and the notification
/// (one statement), the later rounds' upserts, and `COMMIT` go out pipelined. A
/// statement that fails aborts the transaction, so the `COMMIT` after it rolls
/// back, and the error fails the batch.
///
/// The event lock is taken inside that statement, after its row locks and
/// before its first event id, and held through the commit: event ids are then
/// allocated and committed in one order across writers and instances (the
/// resumable cursor's guarantee), while the upserts of two batches still run
/// side by side. A later round writes no event, so it needs no lock.
async fn write(
    client: &deadpool_postgres::ClientWrapper,
    batch: &[Request],
) -> Result<Vec<Recorded>, Error> {
    let first = client.prepare_cached(RECORD_BATCH).await?;
    let repeats = client.prepare_cached(UPSERT_BATCH).await?;
    let rounds = rounds(batch);
    let params: Vec<RoundParams<'_>> = rounds.iter().map(|r| round_params(batch, r)).collect();
    let mut refs: Vec<Vec<&(dyn ToSql + Sync)>> =
        params.iter().map(|p| p.as_refs().to_vec()).collect();
    let kind = OutcomeKind::Callback.as_str();
    if let Some(first_round) = refs.first_mut() {
        first_round.push(&kind);
        first_round.push(&CHANNEL);
        first_round.push(&EVENT_LOCK);
    }
    // Pipelining sends statements in the order their futures are first polled:
    // `try_join3` and a small `try_join_all` (at most 30 futures) poll in order,
    // and round `r + 1` must reach the server after round `r`. The rounds past
    // the first few (one key delivered that many times in one batch: rare) go
    // one after the other.
    let (head, tail) = refs.split_at(refs.len().min(PIPELINED_ROUNDS));
    // A generic plan: a custom one would be planned again for every batch, with
    // its arrays folded in as constants (a cost that grows with the batch).
    let begin = client.batch_execute(BEGIN_BATCH);
    let upserts = futures::future::try_join_all(head.iter().enumerate().map(|(n, p)| {
        let statement = if n == 0 { &first } else { &repeats };
        client.query(statement, p)
    }));
    let results = if tail.is_empty() {
        let commit = client.batch_execute("COMMIT");
        let ((), results, ()) = futures::future::try_join3(begin, upserts, commit).await?;
        results
    } else {
        let ((), mut results) = futures::future::try_join(begin, upserts).await?;
        for p in tail {
            results.push(client.query(&repeats, p).await?);
        }
        client.batch_execute("COMMIT").await?;
        results
    };

    let mut out: Vec<Option<Recorded>> = (0..batch.len()).map(|_| None).collect();
    for (round, rows) in rounds.iter().zip(&results) {
        // Rows come back in no promised order: matched by key (unique per round).
        let by_key: HashMap<(&str, &str, &str), usize> = round
            .iter()
            .map(|&i| (key_of(&batch[i].callback), i))
            .collect();
        for row in rows {
            let (task, family, stage): (&str, &str, &str) =
                (row.try_get(3)?, row.try_get(4)?, row.try_get(5)?);
            let Some(&i) = by_key.get(&(task, family, stage)) else {
                return Err(Error::custom_store(
                    "postgres returned a row for a callback this batch did not write".to_owned(),
                    false,
                ));
            };
            let deliveries: i64 = row.try_get(1)?;
            let confirmation: &str = row.try_get(2)?;
            // The later rounds' statement returns no event column.
            let event: Option<i64> = if row.len() > 6 { row.try_get(6)? } else { None };
            out[i] = Some(Recorded {
                id: row.try_get(0)?,
                deliveries: deliveries.max(0) as u64,
                event,
                queued: Confirmation::from_stored(confirmation) == Confirmation::Pending,
            });
        }
    }
    out.into_iter()
        .map(|r| {
            r.ok_or_else(|| {
                Error::custom_store(
                    "postgres returned no row for a callback of the batch".to_owned(),
                    false,
                )
            })
        })
        .collect()
}

/// A batch's requests split into rounds in which each key appears once, every
/// round sorted by key: rows are locked in key order, so two batches holding
/// repeats of the same keys wait for each other instead of deadlocking (40P01
/// would fail both). Round `r` holds the `r`-th delivery of each key, in arrival
/// order.
fn rounds(batch: &[Request]) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..batch.len()).collect();
    // Stable: the deliveries of one key keep their arrival order.
    order.sort_by(|&a, &b| key_of(&batch[a].callback).cmp(&key_of(&batch[b].callback)));
    let mut rounds: Vec<Vec<usize>> = Vec::new();
    let mut seen = 0usize;
    for (n, &i) in order.iter().enumerate() {
        let same = n > 0 && key_of(&batch[order[n - 1]].callback) == key_of(&batch[i].callback);
        seen = if same { seen + 1 } else { 0 };
        if rounds.len() <= seen {
            rounds.push(Vec::new());
        }
        rounds[seen].push(i);
    }
    rounds
}

fn key_of(cb: &NewCallback) -> (&str, &str, &str) {
    (cb.task_id.as_str(), cb.family.as_str(), cb.stage.as_str())
}

/// The columns of one round, one array each (`UPSERT_BATCH`'s parameters).
struct RoundParams<'a> {
    task_id: Vec<&'a str>,
    stage: Vec<&'a str>,
    family: Vec<&'a str>,
    code: Vec<Option<i64>>,
    success: Vec<bool>,
    terminal: Vec<bool>,
    confirmation: Vec<&'static str>,
    signed: Vec<bool>,
    signature_timestamp: Vec<Option<i64>>,
    received_ms: Vec<i64>,
    headers: Vec<&'a str>,
    body: Vec<&'a [u8]>,
    parsed: Vec<Option<&'a str>>,
    trust: Vec<&'static str>,
    due: Vec<Option<i64>>,
}

fn round_params<'a>(batch: &'a [Request], round: &[usize]) -> RoundParams<'a> {
    let n = round.len();
    let mut p = RoundParams {
        task_id: Vec::with_capacity(n),
        stage: Vec::with_capacity(n),
        family: Vec::with_capacity(n),
        code: Vec::with_capacity(n),
        success: Vec::with_capacity(n),
        terminal: Vec::with_capacity(n),
        confirmation: Vec::with_capacity(n),
        signed: Vec::with_capacity(n),
        signature_timestamp: Vec::with_capacity(n),
        received_ms: Vec::with_capacity(n),
        headers: Vec::with_capacity(n),
        body: Vec::with_capacity(n),
        parsed: Vec::with_capacity(n),
        trust: Vec::with_capacity(n),
        due: Vec::with_capacity(n),
    };
    for &i in round {
        let (req, cb) = (&batch[i], &batch[i].callback);
        let confirmation = cb.stored_confirmation();
        p.task_id.push(cb.task_id.as_str());
        p.stage.push(&cb.stage);
        p.family.push(cb.family.as_str());
        p.code.push(cb.code);
        p.success.push(cb.success);
        p.terminal.push(cb.terminal);
        p.confirmation.push(confirmation.as_str());
        p.signed.push(cb.signed);
        p.signature_timestamp.push(cb.signature_timestamp);
        p.received_ms.push(cb.received_at_ms);
        p.headers.push(&req.headers);
        p.body.push(&cb.body[..]);
        p.parsed.push(cb.parsed.as_deref());
        p.trust.push(cb.trust().as_str());
        p.due
            .push((confirmation == Confirmation::Pending).then_some(cb.received_at_ms));
    }
    p
}

impl RoundParams<'_> {
    fn as_refs(&self) -> [&(dyn ToSql + Sync); 15] {
        [
            &self.task_id,
            &self.stage,
            &self.family,
            &self.code,
            &self.success,
            &self.terminal,
            &self.confirmation,
            &self.signed,
            &self.signature_timestamp,
            &self.received_ms,
            &self.headers,
            &self.body,
            &self.parsed,
            &self.trust,
            &self.due,
        ]
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap
mod tests {
    use kie_suno_types::{CallbackFamily, TaskId};

    use super::*;

    fn request(task: &str, stage: &str) -> Request {
        let (reply, _) = oneshot::channel();
        Request {
            callback: NewCallback::new(CallbackFamily::Music, TaskId::new(task), stage),
            headers: "[]".to_owned(),
            reply,
        }
    }

    #[test]
    fn rounds_hold_each_key_once_sorted_and_repeats_in_arrival_order() {
        let batch = [
            request("b", "complete"),
            request("a", "complete"),
            request("b", "complete"),
            request("a", "text"),
            request("b", "complete"),
            request("a", "complete"),
        ];
        assert_eq!(rounds(&batch), vec![vec![1, 3, 0], vec![5, 2], vec![4]]);
        assert!(rounds(&[]).is_empty());
    }
}
