//! The writer thread: it owns the connection, drains whatever requests are
//! queued, runs them in one transaction (group commit), and hands their replies
//! to the WAL sync thread, which sends them once the commit is durable.

use std::path::PathBuf;

use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot};

use super::command::{Cmd, Done, Failure};
use super::options::{SqliteOptions, Synchronous};
use super::wal::{deliver, Checkpointer, Syncer};
use super::{migrate, schema};
use crate::Error;

/// Starts the writer thread on the database at `path` (opened, switched to WAL
/// and migrated on that thread) and returns the queue of its requests once the
/// database is ready.
pub(super) async fn start(
    path: PathBuf,
    options: SqliteOptions,
) -> Result<mpsc::Sender<Cmd>, Error> {
    let (tx, rx) = mpsc::channel(options.queue_capacity.max(1));
    let (ready_tx, ready_rx) = oneshot::channel();
    let notices = tx.downgrade();
    std::thread::Builder::new()
        .name("kie-suno-sqlite-writer".to_owned())
        .spawn(move || {
            let opened = migrate::open_connection(&path, &options).and_then(|conn| {
                let ckpt = Checkpointer::start(&conn, &path, &options)?;
                Ok((conn, ckpt))
            });
            let opened = opened.and_then(|(conn, ckpt)| {
                let syncer = if options.synchronous == Synchronous::Full {
                    Some(Syncer::start(&path, notices)?)
                } else {
                    None
                };
                Ok((conn, ckpt, syncer))
            });
            match opened {
                Ok((conn, ckpt, syncer)) => {
                    let _ = ready_tx.send(Ok(()));
                    writer(conn, rx, &options, ckpt, syncer);
                }
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                }
            }
        })
        .map_err(|e| Error::io("starting the sqlite writer thread", e))?;
    ready_rx.await.map_err(|_| Error::StoreClosed)??;
    Ok(tx)
}

fn drain(rx: &mut mpsc::Receiver<Cmd>, batch: &mut Vec<Cmd>, max_batch: usize) {
    while batch.len() < max_batch {
        match rx.try_recv() {
            Ok(cmd) => batch.push(cmd),
            Err(_) => break,
        }
    }
}

fn writer(
    mut conn: Connection,
    mut rx: mpsc::Receiver<Cmd>,
    options: &SqliteOptions,
    mut ckpt: Option<Checkpointer>,
    mut syncer: Option<Syncer>,
) {
    let max_batch = options.max_batch.max(1);
    let mut batch = Vec::with_capacity(max_batch);
    let mut last_batch = 0usize;
    loop {
        // Idle: let the checkpointer copy the WAL back while nothing is written, so
        // the next write can restart the WAL from its beginning (under steady load a
        // passive checkpoint rarely finishes, and the WAL would keep growing).
        if rx.is_empty() {
            if let Some(c) = ckpt.as_mut() {
                c.idle();
            }
        }
        let Some(first) = rx.blocking_recv() else {
            break;
        };
        if matches!(first, Cmd::SyncDone) {
            continue;
        }
        batch.push(first);
        drain(&mut rx, &mut batch, max_batch);
        let (closer, done, records) = match syncer.as_ref() {
            // Our own WAL sync: the batch stays open while the previous one is being
            // synced (its commit would wait for that sync to end anyway), taking in
            // whatever arrives, and commits the moment the sync thread is free.
            Some(s) => grow_and_commit(&mut conn, &mut rx, &mut batch, max_batch, s),
            None => {
                if last_batch > 1 && batch.len() < last_batch && !options.commit_delay.is_zero() {
                    std::thread::sleep(options.commit_delay);
                    drain(&mut rx, &mut batch, max_batch);
                }
                last_batch = batch.len();
                let records = records_in(&batch);
                let (closer, done) = run_batch(&mut conn, &mut batch);
                (closer, done, records)
            }
        };
        deliver(syncer.as_ref(), done);
        if ckpt.as_mut().is_some_and(|c| c.committed(records)) {
            if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(RESTART)", [], |_| Ok(())) {
                tracing::warn!(error = %e, "sqlite wal restart checkpoint failed");
            }
        }
        if let Some(closer) = closer {
            // Refuse new work, commit what is already queued, then stop.
            rx.close();
            let mut closers = vec![closer];
            while let Some(cmd) = rx.blocking_recv() {
                batch.push(cmd);
                if batch.len() >= max_batch {
                    let (c, done) = run_batch(&mut conn, &mut batch);
                    deliver(syncer.as_ref(), done);
                    closers.extend(c);
                }
            }
            let (c, done) = run_batch(&mut conn, &mut batch);
            deliver(syncer.as_ref(), done);
            closers.extend(c);
            if let Some(s) = syncer.take() {
                s.stop();
            }
            if let Some(c) = ckpt.take() {
                c.stop();
            }
            let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
            drop(conn);
            for c in closers {
                let _ = c.send(());
            }
            return;
        }
    }
    if let Some(s) = syncer.take() {
        s.stop();
    }
    if let Some(c) = ckpt.take() {
        c.stop();
    }
}

fn records_in(batch: &[Cmd]) -> usize {
    batch
        .iter()
        .filter(|c| matches!(c, Cmd::Record(..)))
        .count()
}

/// Runs `batch` in a transaction that stays open, taking in more requests as
/// they arrive, until the sync thread is free (or the batch is full, or a close
/// request arrived), then commits it. Returns the close request, the replies,
/// and how many callbacks the batch recorded.
fn grow_and_commit(
    conn: &mut Connection,
    rx: &mut mpsc::Receiver<Cmd>,
    batch: &mut Vec<Cmd>,
    max_batch: usize,
    syncer: &Syncer,
) -> (Option<oneshot::Sender<()>>, Vec<Done>, usize) {
    let mut closer = None;
    let mut done = Vec::with_capacity(max_batch.min(256));
    let mut records = 0usize;
    let Some(tx) = begin(conn, batch, &mut closer) else {
        return (closer, done, 0);
    };
    let mut st = schema::Statements::new(&tx);
    loop {
        records += records_in(batch);
        for cmd in batch.drain(..) {
            run(&tx, &mut st, cmd, &mut done, &mut closer);
        }
        if closer.is_some() || done.len() >= max_batch || syncer.is_idle() {
            break;
        }
        // The sync thread is busy: wait for a request or for it to finish
        // (it then queues `SyncDone`).
        match rx.blocking_recv() {
            Some(Cmd::SyncDone) => {}
            Some(cmd) => batch.push(cmd),
            None => break,
        }
        drain(rx, batch, max_batch - done.len());
    }
    drop(st);
    let done = commit(tx, done);
    (closer, done, records)
}

/// Runs one request on the batch's transaction.
fn run(
    tx: &rusqlite::Transaction<'_>,
    st: &mut schema::Statements<'_>,
    cmd: Cmd,
    done: &mut Vec<Done>,
    closer: &mut Option<oneshot::Sender<()>>,
) {
    match cmd {
        Cmd::Record(cb, reply) => done.push(Done::Record(reply, schema::insert(st, &cb.0, &cb.1))),
        Cmd::Exec(job) => {
            done.push(Done::Exec(job(tx), None));
            // A job may take an id (a confirmation's outcome event) or prune.
            st.forget_next_id();
        }
        Cmd::ForTask(task, reply) => done.push(Done::ForTask(reply, schema::for_task(tx, &task))),
        Cmd::Submit(task, family, at, reply) => {
            done.push(Done::Submit(reply, schema::submit(tx, &task, family, at)))
        }
        Cmd::IsSubmitted(task, reply) => {
            done.push(Done::IsSubmitted(reply, schema::is_submitted(tx, &task)))
        }
        Cmd::Stats(reply) => done.push(Done::Stats(reply, schema::stats(tx))),
        Cmd::Health(reply) => done.push(Done::Health(reply, Ok(()))),
        Cmd::Close(c) => *closer = Some(c),
        Cmd::SyncDone => {}
    }
}

/// Commits; when the commit fails nothing of the batch is stored and every
/// write fails.
fn commit(tx: rusqlite::Transaction<'_>, done: Vec<Done>) -> Vec<Done> {
    match tx.commit().map_err(Failure::from) {
        Ok(()) => done,
        Err(e) => done.into_iter().map(|d| d.commit_failed(&e)).collect(),
    }
}

/// Runs one batch in one transaction. Returns the close request if the batch
/// held one, and the replies to send once the commit is durable.
fn run_batch(
    conn: &mut Connection,
    batch: &mut Vec<Cmd>,
) -> (Option<oneshot::Sender<()>>, Vec<Done>) {
    let mut closer = None;
    let mut done = Vec::with_capacity(batch.len());
    if batch.is_empty() {
        return (closer, done);
    }
    let Some(tx) = begin(conn, batch, &mut closer) else {
        return (closer, done);
    };
    let mut st = schema::Statements::new(&tx);
    for cmd in batch.drain(..) {
        run(&tx, &mut st, cmd, &mut done, &mut closer);
    }
    drop(st);
    (closer, commit(tx, done))
}

/// Begins a batch's transaction; when `BEGIN` fails, every request of `batch`
/// fails with its error (a close request is kept in `closer`).
fn begin<'c>(
    conn: &'c mut Connection,
    batch: &mut Vec<Cmd>,
    closer: &mut Option<oneshot::Sender<()>>,
) -> Option<rusqlite::Transaction<'c>> {
    // IMMEDIATE: take the write lock at BEGIN (waiting up to busy_timeout), so a
    // batch that reads before it writes cannot fail with SQLITE_BUSY_SNAPSHOT when
    // another process writes the same file.
    match conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate) {
        Ok(tx) => Some(tx),
        Err(e) => {
            let err = Failure::from(e);
            for cmd in batch.drain(..) {
                cmd.fail(&err, closer);
            }
            None
        }
    }
}
