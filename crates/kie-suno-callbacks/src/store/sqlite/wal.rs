//! The WAL's two helper threads: the sync thread (`fdatasync` of the WAL after
//! each commit, before the batch's replies go out, for [`Synchronous::Full`])
//! and the checkpointer (WAL checkpoints off the commit path).
//!
//! [`Synchronous::Full`]: super::options::Synchronous::Full

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc::WeakSender;

use super::command::{Cmd, Done, Failure};
use super::options::SqliteOptions;
use crate::Error;

/// The WAL file of the database at `db`.
fn wal_path(db: &Path) -> PathBuf {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    PathBuf::from(wal)
}

/// Syncs the WAL after commits and only then replies ([`Synchronous::Full`]).
///
/// [`Synchronous::Full`]: super::options::Synchronous::Full
pub(super) struct Syncer {
    tx: std::sync::mpsc::Sender<Vec<Done>>,
    thread: std::thread::JoinHandle<()>,
    /// Batches handed over and not yet synced.
    unsynced: Arc<AtomicUsize>,
}

impl Syncer {
    /// Starts the sync thread of the database at `db`; each time it has synced
    /// everything handed to it, it queues [`Cmd::SyncDone`] to the writer through
    /// `writer` (weak: the sync thread does not keep the writer's queue open).
    pub(super) fn start(db: &Path, writer: WeakSender<Cmd>) -> Result<Self, Error> {
        let unsynced = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&unsynced);
        let wal = wal_path(db);
        let dir = match db.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let (tx, rx) = std::sync::mpsc::channel::<Vec<Done>>();
        let thread = std::thread::Builder::new()
            .name("kie-suno-sqlite-sync".to_owned())
            .spawn(move || {
                let mut file: Option<std::fs::File> = None;
                // After one failed sync, nothing later can be trusted to be on disk:
                // Linux may drop the failed pages and report a later fsync as a
                // success, and SQLite's recovery stops at the first bad WAL frame, so
                // later commits would be lost. Every later write fails (503, so KIE
                // retries elsewhere or later), like PostgreSQL's PANIC on fsync failure.
                let mut broken: Option<Failure> = None;
                while let Ok(first) = rx.recv() {
                    let mut all = vec![first];
                    while let Ok(more) = rx.try_recv() {
                        all.push(more);
                    }
                    let batches = all.len();
                    // Every batch received here was committed before this sync began.
                    let mut sticky = false;
                    let synced = match &broken {
                        Some(e) => Err(e.copy()),
                        None => sync_wal(&mut file, &wal, &dir).map_err(|(e, failed_sync)| {
                            sticky = failed_sync;
                            Failure::WalSync(e)
                        }),
                    };
                    if let Err(e) = &synced {
                        if !sticky {
                            // The WAL could not be opened (say, out of file
                            // descriptors): nothing was synced and nothing failed to
                            // sync. These replies fail (503, the commits stay and a
                            // retry finds them); the next batch tries again.
                            tracing::warn!(error = &e.error() as &dyn std::error::Error, "opening the sqlite wal to sync it failed; retrying with the next batch");
                        } else if broken.is_none() {
                            tracing::error!(error = &e.error() as &dyn std::error::Error, "syncing the sqlite wal failed; the store refuses every later write");
                            broken = Some(e.copy());
                        }
                    }
                    // Free before the replies go out: the writer's open batch
                    // commits (and its sync begins) while they are sent.
                    if counter.fetch_sub(batches, Ordering::AcqRel) == batches {
                        if let Some(w) = writer.upgrade() {
                            // A full queue wakes the writer anyway.
                            let _ = w.try_send(Cmd::SyncDone);
                        }
                    }
                    for done in all.into_iter().flatten() {
                        done.send(&synced);
                    }
                }
            })
            .map_err(|e| Error::io("starting the sqlite sync thread", e))?;
        Ok(Self {
            tx,
            thread,
            unsynced,
        })
    }

    /// Whether every batch handed over has been synced (or the sync thread is gone,
    /// so nothing is worth waiting for).
    pub(super) fn is_idle(&self) -> bool {
        self.unsynced.load(Ordering::Acquire) == 0 || self.thread.is_finished()
    }

    pub(super) fn stop(self) {
        drop(self.tx);
        let _ = self.thread.join();
    }
}

/// Syncs the WAL (opened once, with its directory entry synced then). An error
/// comes with whether a sync itself failed (`true`: sticky, see above) or only
/// an open (`false`: nothing was synced, retry later).
fn sync_wal(
    file: &mut Option<std::fs::File>,
    wal: &Path,
    dir: &Path,
) -> Result<(), (std::io::Error, bool)> {
    match file {
        Some(f) => f.sync_data().map_err(|e| (e, true)),
        None => match std::fs::OpenOptions::new().write(true).open(wal) {
            Ok(f) => {
                f.sync_data().map_err(|e| (e, true))?;
                // The WAL's directory entry, once: the file must survive too.
                let d = std::fs::File::open(dir).map_err(|e| (e, false))?;
                d.sync_all().map_err(|e| (e, true))?;
                *file = Some(f);
                Ok(())
            }
            // No WAL yet: nothing was written, nothing to sync.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err((e, false)),
        },
    }
}

/// Sends a batch's replies: directly, or after the WAL sync.
pub(super) fn deliver(syncer: Option<&Syncer>, done: Vec<Done>) {
    match syncer {
        Some(s) => {
            s.unsynced.fetch_add(1, Ordering::AcqRel);
            if let Err(std::sync::mpsc::SendError(done)) = s.tx.send(done) {
                let err = Err(Failure::Closed);
                for d in done {
                    d.send(&err);
                }
            }
        }
        None => {
            for d in done {
                d.send(&Ok(()));
            }
        }
    }
}

/// The background checkpointer: its own connection, woken by the writer.
pub(super) struct Checkpointer {
    wake: std::sync::mpsc::SyncSender<()>,
    thread: std::thread::JoinHandle<()>,
    every: usize,
    since: usize,
    /// When the checkpointer was last woken.
    woken: Instant,
    wal: PathBuf,
}

/// The least time between two checkpoints woken by an empty queue
/// ([`Checkpointer::idle`]).
const IDLE_CHECKPOINT_GAP: Duration = Duration::from_secs(1);

/// Past this size the writer restarts the WAL itself (see [`Checkpointer::committed`]).
const WAL_RESTART_BYTES: u64 = 64 * 1024 * 1024;

impl Checkpointer {
    pub(super) fn start(
        writer: &Connection,
        path: &Path,
        options: &SqliteOptions,
    ) -> Result<Option<Self>, Error> {
        if options.checkpoint_every == 0 {
            return Ok(None);
        }
        let conn = Connection::open(path)?;
        conn.busy_timeout(options.busy_timeout)?;
        conn.execute_batch(&format!(
            "PRAGMA synchronous={};",
            options.synchronous.as_sql()
        ))?;
        // The writer no longer checkpoints inside its commits.
        writer.execute_batch("PRAGMA wal_autocheckpoint=0;")?;
        let (wake, woken) = std::sync::mpsc::sync_channel::<()>(1);
        let thread = std::thread::Builder::new()
            .name("kie-suno-sqlite-checkpoint".to_owned())
            .spawn(move || {
                while woken.recv().is_ok() {
                    // PASSIVE never blocks the writer; a busy result is retried on
                    // the next wake-up.
                    if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
                    {
                        tracing::warn!(error = %e, "sqlite wal checkpoint failed");
                    }
                }
            })
            .map_err(|e| Error::io("starting the sqlite checkpoint thread", e))?;
        Ok(Some(Self {
            wake,
            thread,
            every: options.checkpoint_every,
            since: 0,
            woken: Instant::now(),
            wal: wal_path(path),
        }))
    }

    /// The writer found its queue empty: checkpoint what a lull allows. Under
    /// load the queue is empty between most batches, so this wakes the
    /// checkpointer at most once per [`IDLE_CHECKPOINT_GAP`] (each checkpoint
    /// syncs the WAL and the database file, and those syncs queue in front of the
    /// commits' WAL syncs); [`Checkpointer::committed`] keeps the pace under load.
    pub(super) fn idle(&mut self) {
        if self.since >= self.every / 8 && self.woken.elapsed() >= IDLE_CHECKPOINT_GAP {
            self.since = 0;
            self.woken = Instant::now();
            let _ = self.wake.try_send(());
        }
    }

    /// Counts committed records and wakes the background checkpointer every
    /// `every` of them. Returns true when the WAL has grown past
    /// [`WAL_RESTART_BYTES`]: under steady load a passive checkpoint never sees the
    /// WAL fully copied back when a write begins, so SQLite never restarts it; the
    /// writer then runs a RESTART checkpoint itself (cheap: the background
    /// checkpoints have already copied almost every page).
    pub(super) fn committed(&mut self, records: usize) -> bool {
        self.since += records;
        if self.since >= self.every {
            self.since = 0;
            self.woken = Instant::now();
            // Coalesced: a wake-up already pending is enough.
            let _ = self.wake.try_send(());
            return std::fs::metadata(&self.wal).is_ok_and(|m| m.len() > WAL_RESTART_BYTES);
        }
        false
    }

    pub(super) fn stop(self) {
        drop(self.wake);
        let _ = self.thread.join();
    }
}
