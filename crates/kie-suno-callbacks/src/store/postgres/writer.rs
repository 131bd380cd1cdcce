//! The batching writer: callbacks queue (callback, reply) pairs; a few writer
//! tasks each take whatever is queued, run its inserts pipelined in one
//! transaction (one round trip per batch, one commit and WAL flush), and only
//! after the commit reply to each. The same group commit as the SQLite writer's,
//! over the pool.

use std::sync::Arc;

use deadpool_postgres::Pool;
use tokio::sync::{mpsc, oneshot, Mutex};

use super::sql::{CHANNEL, EVENT_LOCK, INSERT, INSERT_EVENT};
use crate::{Confirmation, Error, NewCallback, OutcomeKind, Recorded};

/// One queued callback.
pub(super) struct Request {
    pub(super) callback: NewCallback,
    pub(super) headers: String,
    pub(super) reply: oneshot::Sender<Result<Recorded, Error>>,
}

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

async fn commit(pool: &Pool, batch: &[Request]) -> Result<Vec<Recorded>, Error> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    let out = write(&tx, batch).await?;
    tx.commit().await?;
    Ok(out)
}

async fn write(
    tx: &deadpool_postgres::Transaction<'_>,
    batch: &[Request],
) -> Result<Vec<Recorded>, Error> {
    let stmt = tx.prepare_cached(INSERT).await?;
    let stmt = &stmt;
    // Rows are locked in key order: two batches holding repeats of the same keys
    // then wait for each other instead of deadlocking (40P01 would fail both).
    let mut order: Vec<usize> = (0..batch.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&batch[a].callback, &batch[b].callback);
        (x.task_id.as_str(), x.family.as_str(), x.stage.as_str()).cmp(&(
            y.task_id.as_str(),
            y.family.as_str(),
            y.stage.as_str(),
        ))
    });
    let sorted =
        futures::future::try_join_all(order.iter().map(|&i| &batch[i]).map(|req| async move {
            let cb = &req.callback;
            let confirmation = cb.stored_confirmation();
            let due = (confirmation == Confirmation::Pending).then_some(cb.received_at_ms);
            tx.query_one(
                stmt,
                &[
                    &cb.task_id.as_str(),
                    &cb.stage,
                    &cb.family.as_str(),
                    &cb.code,
                    &cb.success,
                    &cb.terminal,
                    &confirmation.as_str(),
                    &cb.signed,
                    &cb.signature_timestamp,
                    &cb.received_at_ms,
                    &req.headers,
                    &&cb.body[..],
                    &cb.parsed,
                    &cb.trust().as_str(),
                    &due,
                ],
            )
            .await
        }))
        .await?;
    let mut rows: Vec<Option<tokio_postgres::Row>> = (0..batch.len()).map(|_| None).collect();
    for (&i, row) in order.iter().zip(sorted) {
        rows[i] = Some(row);
    }
    let rows: Vec<tokio_postgres::Row> = rows.into_iter().flatten().collect();
    let mut out = Vec::with_capacity(rows.len());
    let mut new = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let deliveries: i64 = row.try_get(1)?;
        let confirmation: String = row.try_get(2)?;
        if deliveries == 1 {
            new.push(i);
        }
        out.push(Recorded {
            id: row.try_get(0)?,
            deliveries: deliveries.max(0) as u64,
            event: None,
            queued: Confirmation::from_stored(&confirmation) == Confirmation::Pending,
        });
    }
    if !new.is_empty() {
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&EVENT_LOCK])
            .await?;
        let ev = tx.prepare_cached(INSERT_EVENT).await?;
        let ev = &ev;
        let out_ref = &out;
        let ids = futures::future::try_join_all(new.iter().map(|&i| async move {
            let cb = &batch[i].callback;
            let none: Option<String> = None;
            tx.query_one(
                ev,
                &[
                    &out_ref[i].id,
                    &cb.task_id.as_str(),
                    &cb.family.as_str(),
                    &cb.stage,
                    &OutcomeKind::Callback.as_str(),
                    &cb.trust().as_str(),
                    &cb.terminal,
                    &cb.success,
                    &none,
                    &none,
                    &cb.received_at_ms,
                ],
            )
            .await
        }))
        .await?;
        let mut newest = 0i64;
        for (&i, row) in new.iter().zip(&ids) {
            let id: i64 = row.try_get(0)?;
            newest = newest.max(id);
            out[i].event = Some(id);
        }
        tx.execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &newest.to_string()])
            .await?;
    }
    Ok(out)
}
