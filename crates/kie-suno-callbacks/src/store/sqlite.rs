//! The SQLite store: one writer thread owns the connection; requests queue
//! (record, reply) pairs; the writer drains whatever is queued, commits it in one
//! transaction (group commit) and only then replies to each.

use std::path::{Path, PathBuf};
use std::time::Duration;

use futures::future::BoxFuture;
use kie_suno_types::{CallbackFamily, TaskId};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use tokio::sync::{mpsc, oneshot};

use crate::store::Store;
use crate::{Confirmation, Error, NewCallback, Recorded, StoreStats, StoredCallback};

/// SQLite's `synchronous` setting under WAL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Synchronous {
    /// Every commit is on stable storage before any reply to its batch goes out;
    /// an acknowledged callback survives power loss. The default.
    ///
    /// SQLite runs with `synchronous=NORMAL` (no sync inside `COMMIT`), and this
    /// store syncs the WAL itself (`fdatasync`, plus the directory once when the
    /// WAL appears) on a thread of its own after each commit: the sync of one
    /// batch overlaps the inserts of the next, and the replies of a batch wait
    /// for a sync that began after its commit. In WAL mode a commit is the WAL
    /// frames alone, so this is exactly the durability of `FULL`.
    #[default]
    Full,
    /// SQLite's own `synchronous=FULL`: the WAL is fsynced inside each `COMMIT`
    /// (no overlap with the next batch). As durable as [`Synchronous::Full`].
    SqliteFull,
    /// `NORMAL`: commits survive a crash of the process, but the last
    /// transactions can be lost on power loss or an OS crash. Faster; only when
    /// losing an acknowledged callback is acceptable.
    Normal,
    /// SQLite's `EXTRA`: `FULL` plus a directory sync on journal changes.
    Extra,
}

impl Synchronous {
    fn as_sql(self) -> &'static str {
        match self {
            Self::Full | Self::Normal => "NORMAL",
            Self::SqliteFull => "FULL",
            Self::Extra => "EXTRA",
        }
    }
}

/// Options of the SQLite store.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SqliteOptions {
    /// Durability of each commit. Default: [`Synchronous::Full`].
    pub synchronous: Synchronous,
    /// How long to wait for a lock held by another process. Default: 5 s.
    pub busy_timeout: Duration,
    /// The most requests committed in one transaction. Default: 1024.
    pub max_batch: usize,
    /// How many requests may wait for the writer before senders wait. Default: 8192.
    pub queue_capacity: usize,
    /// Run WAL checkpoints on a thread of their own, after about this many stored
    /// callbacks, so that copying the WAL into the database never delays a commit
    /// (and so a 200); `0` leaves checkpoints to SQLite inside the writer's commits.
    /// Default: 2048.
    pub checkpoint_every: usize,
    /// Under concurrent load, when fewer requests are queued than the previous
    /// batch held (the rest are probably on their way), the writer waits this
    /// long for them before it commits, so that one fsync covers more callbacks
    /// (PostgreSQL's `commit_delay`). A lone request is never delayed. `0`
    /// disables it. Default: 300 µs.
    pub commit_delay: Duration,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self {
            synchronous: Synchronous::Full,
            busy_timeout: Duration::from_secs(5),
            max_batch: 1024,
            queue_capacity: 8192,
            checkpoint_every: 2048,
            commit_delay: Duration::from_micros(300),
        }
    }
}

impl SqliteOptions {
    /// Sets [`SqliteOptions::synchronous`].
    pub fn synchronous(mut self, s: Synchronous) -> Self {
        self.synchronous = s;
        self
    }
    /// Sets [`SqliteOptions::busy_timeout`].
    pub fn busy_timeout(mut self, d: Duration) -> Self {
        self.busy_timeout = d;
        self
    }
    /// Sets [`SqliteOptions::max_batch`] (at least 1).
    pub fn max_batch(mut self, n: usize) -> Self {
        self.max_batch = n.max(1);
        self
    }
    /// Sets [`SqliteOptions::commit_delay`].
    pub fn commit_delay(mut self, d: Duration) -> Self {
        self.commit_delay = d;
        self
    }
    /// Sets [`SqliteOptions::checkpoint_every`] (`0`: checkpoints in the writer).
    pub fn checkpoint_every(mut self, n: usize) -> Self {
        self.checkpoint_every = n;
        self
    }
    /// Sets [`SqliteOptions::queue_capacity`] (at least 1).
    pub fn queue_capacity(mut self, n: usize) -> Self {
        self.queue_capacity = n.max(1);
        self
    }
}

type Reply<T> = oneshot::Sender<Result<T, Error>>;

enum Cmd {
    /// The callback and its headers already serialised (off the writer thread).
    Record(Box<(NewCallback, String)>, Reply<Recorded>),
    Replace(Box<(NewCallback, String)>, Reply<Option<i64>>),
    ForTask(TaskId, Reply<Vec<StoredCallback>>),
    Submit(TaskId, CallbackFamily, i64, Reply<()>),
    IsSubmitted(TaskId, Reply<bool>),
    Stats(Reply<StoreStats>),
    Close(oneshot::Sender<()>),
}

enum Done {
    Record(Reply<Recorded>, Result<Recorded, Error>),
    Replace(Reply<Option<i64>>, Result<Option<i64>, Error>),
    ForTask(
        Reply<Vec<StoredCallback>>,
        Result<Vec<StoredCallback>, Error>,
    ),
    Submit(Reply<()>, Result<(), Error>),
    IsSubmitted(Reply<bool>, Result<bool, Error>),
    Stats(Reply<StoreStats>, Result<StoreStats, Error>),
}

/// The embedded store. Cheap to share behind an `Arc`.
pub struct SqliteStore {
    tx: mpsc::Sender<Cmd>,
    path: PathBuf,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish()
    }
}

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
];

const INSERT: &str = "INSERT INTO kie_suno_callbacks
    (task_id, stage, family, code, success, terminal, confirmation, signed,
     signature_timestamp, first_received_ms, last_received_ms, deliveries, headers, body, parsed)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, 1, ?11, ?12, ?13)
    ON CONFLICT (task_id, stage) DO UPDATE SET
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
        family = ?3, code = ?4, success = ?5, terminal = ?6, confirmation = ?7, signed = ?8,
        signature_timestamp = ?9, last_received_ms = max(last_received_ms, ?10),
        headers = ?11, body = ?12, parsed = ?13
    WHERE task_id = ?1 AND stage = ?2 AND confirmation IN ('refuted', 'failed')
    RETURNING id";

const SELECT: &str = "SELECT id, family, task_id, stage, code, success, terminal, confirmation,
    signed, signature_timestamp, first_received_ms, last_received_ms, deliveries, headers, body, parsed
    FROM kie_suno_callbacks WHERE task_id = ?1 ORDER BY id";

impl SqliteStore {
    /// Opens (or creates) the database file, switches it to WAL, runs the
    /// migrations, and starts the writer thread.
    pub async fn open(path: impl AsRef<Path>, options: SqliteOptions) -> Result<Self, Error> {
        let path = path.as_ref().to_path_buf();
        let (tx, rx) = mpsc::channel(options.queue_capacity.max(1));
        let (ready_tx, ready_rx) = oneshot::channel();
        let thread_path = path.clone();
        std::thread::Builder::new()
            .name("kie-suno-sqlite-writer".to_owned())
            .spawn(move || {
                let opened = open_connection(&thread_path, &options).and_then(|conn| {
                    let ckpt = Checkpointer::start(&conn, &thread_path, &options)?;
                    Ok((conn, ckpt))
                });
                let opened = opened.and_then(|(conn, ckpt)| {
                    let syncer = if options.synchronous == Synchronous::Full {
                        Some(Syncer::start(&thread_path)?)
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
            })?;
        ready_rx.await.map_err(|_| Error::StoreClosed)??;
        Ok(Self { tx, path })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    async fn call<T>(&self, make: impl FnOnce(Reply<T>) -> Cmd) -> Result<T, Error> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(make(reply))
            .await
            .map_err(|_| Error::StoreClosed)?;
        rx.await.map_err(|_| Error::StoreClosed)?
    }
}

fn open_connection(path: &Path, options: &SqliteOptions) -> Result<Connection, Error> {
    let mut conn = Connection::open(path)?;
    conn.busy_timeout(options.busy_timeout)?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::Sqlite(format!(
            "could not switch the journal to wal (got {mode})"
        )));
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
        return Err(Error::Sqlite(format!(
            "database schema version {version} is newer than this build ({known})"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

/// The background checkpointer: its own connection, woken by the writer.
struct Checkpointer {
    wake: std::sync::mpsc::SyncSender<()>,
    thread: std::thread::JoinHandle<()>,
    every: usize,
    since: usize,
    wal: PathBuf,
}

/// Past this size the writer restarts the WAL itself (see [`Checkpointer::committed`]).
const WAL_RESTART_BYTES: u64 = 64 * 1024 * 1024;

impl Checkpointer {
    fn start(
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
            })?;
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        Ok(Some(Self {
            wake,
            thread,
            every: options.checkpoint_every,
            since: 0,
            wal: PathBuf::from(wal),
        }))
    }

    /// The writer found its queue empty: checkpoint what a lull allows.
    fn idle(&mut self) {
        if self.since >= self.every / 8 {
            self.since = 0;
            let _ = self.wake.try_send(());
        }
    }

    /// Counts committed records and wakes the background checkpointer every
    /// `every` of them. Returns true when the WAL has grown past
    /// [`WAL_RESTART_BYTES`]: under steady load a passive checkpoint never sees the
    /// WAL fully copied back when a write begins, so SQLite never restarts it; the
    /// writer then runs a RESTART checkpoint itself (cheap: the background
    /// checkpoints have already copied almost every page).
    fn committed(&mut self, records: usize) -> bool {
        self.since += records;
        if self.since >= self.every {
            self.since = 0;
            // Coalesced: a wake-up already pending is enough.
            let _ = self.wake.try_send(());
            return std::fs::metadata(&self.wal).is_ok_and(|m| m.len() > WAL_RESTART_BYTES);
        }
        false
    }

    fn stop(self) {
        drop(self.wake);
        let _ = self.thread.join();
    }
}

fn drain(rx: &mut mpsc::Receiver<Cmd>, batch: &mut Vec<Cmd>, max_batch: usize) {
    while batch.len() < max_batch {
        match rx.try_recv() {
            Ok(cmd) => batch.push(cmd),
            Err(_) => break,
        }
    }
}

/// Syncs the WAL after commits and only then replies ([`Synchronous::Full`]).
struct Syncer {
    tx: std::sync::mpsc::Sender<Vec<Done>>,
    thread: std::thread::JoinHandle<()>,
}

impl Syncer {
    fn start(db: &Path) -> Result<Self, Error> {
        let mut wal = db.as_os_str().to_owned();
        wal.push("-wal");
        let wal = PathBuf::from(wal);
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
                let mut broken: Option<Error> = None;
                while let Ok(first) = rx.recv() {
                    let mut all = vec![first];
                    while let Ok(more) = rx.try_recv() {
                        all.push(more);
                    }
                    // Every batch received here was committed before this sync began.
                    let synced = match &broken {
                        Some(e) => Err(e.clone()),
                        None => sync_wal(&mut file, &wal, &dir),
                    };
                    if let Err(e) = &synced {
                        if broken.is_none() {
                            tracing::error!(error = %e, "syncing the sqlite wal failed; the store refuses every later write");
                            broken = Some(e.clone());
                        }
                    }
                    for done in all.into_iter().flatten() {
                        done.send(&synced);
                    }
                }
            })?;
        Ok(Self { tx, thread })
    }

    fn stop(self) {
        drop(self.tx);
        let _ = self.thread.join();
    }
}

fn sync_wal(file: &mut Option<std::fs::File>, wal: &Path, dir: &Path) -> Result<(), Error> {
    let io = |e: std::io::Error| Error::Sqlite(format!("syncing the wal: {e}"));
    match file {
        Some(f) => f.sync_data().map_err(io),
        None => match std::fs::OpenOptions::new().write(true).open(wal) {
            Ok(f) => {
                f.sync_data().map_err(io)?;
                // The WAL's directory entry, once: the file must survive too.
                std::fs::File::open(dir)
                    .and_then(|d| d.sync_all())
                    .map_err(io)?;
                *file = Some(f);
                Ok(())
            }
            // No WAL yet: nothing was written, nothing to sync.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io(e)),
        },
    }
}

/// Sends a batch's replies: directly, or after the WAL sync.
fn deliver(syncer: Option<&Syncer>, done: Vec<Done>) {
    match syncer {
        Some(s) => {
            if let Err(std::sync::mpsc::SendError(done)) = s.tx.send(done) {
                let err = Err(Error::StoreClosed);
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

impl Done {
    /// Replies; writes fail when the sync after their commit failed.
    fn send(self, synced: &Result<(), Error>) {
        match self {
            Done::Record(reply, r) => {
                let _ = reply.send(synced.clone().and(r));
            }
            Done::Replace(reply, r) => {
                let _ = reply.send(synced.clone().and(r));
            }
            Done::Submit(reply, r) => {
                let _ = reply.send(synced.clone().and(r));
            }
            Done::ForTask(reply, r) => {
                let _ = reply.send(r);
            }
            Done::IsSubmitted(reply, r) => {
                let _ = reply.send(r);
            }
            Done::Stats(reply, r) => {
                let _ = reply.send(r);
            }
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
        batch.push(first);
        drain(&mut rx, &mut batch, max_batch);
        if last_batch > 1 && batch.len() < last_batch && !options.commit_delay.is_zero() {
            std::thread::sleep(options.commit_delay);
            drain(&mut rx, &mut batch, max_batch);
        }
        last_batch = batch.len();
        let records = batch
            .iter()
            .filter(|c| matches!(c, Cmd::Record(..)))
            .count();
        let (closer, done) = run_batch(&mut conn, &mut batch);
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
    // IMMEDIATE: take the write lock at BEGIN (waiting up to busy_timeout), so a
    // batch that reads before it writes cannot fail with SQLITE_BUSY_SNAPSHOT when
    // another process writes the same file.
    let tx = match conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(e) => {
            let err = Error::from(e);
            for cmd in batch.drain(..) {
                fail(cmd, &err, &mut closer);
            }
            return (closer, done);
        }
    };
    for cmd in batch.drain(..) {
        match cmd {
            Cmd::Record(cb, reply) => done.push(Done::Record(reply, insert(&tx, &cb.0, &cb.1))),
            Cmd::Replace(cb, reply) => {
                done.push(Done::Replace(reply, replace_unconfirmed(&tx, &cb.0, &cb.1)))
            }
            Cmd::ForTask(task, reply) => done.push(Done::ForTask(reply, for_task(&tx, &task))),
            Cmd::Submit(task, family, at, reply) => {
                done.push(Done::Submit(reply, submit(&tx, &task, family, at)))
            }
            Cmd::IsSubmitted(task, reply) => {
                done.push(Done::IsSubmitted(reply, is_submitted(&tx, &task)))
            }
            Cmd::Stats(reply) => done.push(Done::Stats(reply, stats(&tx))),
            Cmd::Close(c) => closer = Some(c),
        }
    }
    let committed = tx.commit().map_err(Error::from);
    if let Err(e) = committed {
        // Nothing of the batch is stored: every write fails.
        let done = done
            .into_iter()
            .map(|d| match d {
                Done::Record(reply, _) => Done::Record(reply, Err(e.clone())),
                Done::Replace(reply, _) => Done::Replace(reply, Err(e.clone())),
                Done::Submit(reply, _) => Done::Submit(reply, Err(e.clone())),
                other => other,
            })
            .collect();
        return (closer, done);
    }
    (closer, done)
}

fn fail(cmd: Cmd, err: &Error, closer: &mut Option<oneshot::Sender<()>>) {
    match cmd {
        Cmd::Record(_, r) => drop(r.send(Err(err.clone()))),
        Cmd::Replace(_, r) => drop(r.send(Err(err.clone()))),
        Cmd::ForTask(_, r) => drop(r.send(Err(err.clone()))),
        Cmd::Submit(_, _, _, r) => drop(r.send(Err(err.clone()))),
        Cmd::IsSubmitted(_, r) => drop(r.send(Err(err.clone()))),
        Cmd::Stats(r) => drop(r.send(Err(err.clone()))),
        Cmd::Close(c) => *closer = Some(c),
    }
}

fn insert(tx: &Transaction<'_>, cb: &NewCallback, headers: &str) -> Result<Recorded, Error> {
    let mut stmt = tx.prepare_cached(INSERT)?;
    let (id, deliveries): (i64, i64) = stmt.query_row(callback_params!(cb, headers), |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    Ok(Recorded {
        id,
        deliveries: deliveries.max(0) as u64,
    })
}

fn replace_unconfirmed(
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

fn for_task(tx: &Transaction<'_>, task: &TaskId) -> Result<Vec<StoredCallback>, Error> {
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

fn submit(
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

fn is_submitted(tx: &Transaction<'_>, task: &TaskId) -> Result<bool, Error> {
    Ok(tx
        .prepare_cached("SELECT 1 FROM kie_suno_submitted_tasks WHERE task_id = ?1")?
        .query_row(params![task.as_str()], |_| Ok(()))
        .optional()?
        .is_some())
}

fn stats(tx: &Transaction<'_>) -> Result<StoreStats, Error> {
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

impl Store for SqliteStore {
    fn record(&self, callback: NewCallback) -> BoxFuture<'_, Result<Recorded, Error>> {
        let headers = callback.headers_json();
        Box::pin(self.call(move |r| Cmd::Record(Box::new((callback, headers)), r)))
    }

    fn replace_unconfirmed(
        &self,
        callback: NewCallback,
    ) -> BoxFuture<'_, Result<Option<i64>, Error>> {
        let headers = callback.headers_json();
        Box::pin(self.call(move |r| Cmd::Replace(Box::new((callback, headers)), r)))
    }

    fn callbacks_for<'a>(
        &'a self,
        task_id: &'a TaskId,
    ) -> BoxFuture<'a, Result<Vec<StoredCallback>, Error>> {
        Box::pin(self.call(move |r| Cmd::ForTask(task_id.clone(), r)))
    }

    fn record_submitted<'a>(
        &'a self,
        task_id: &'a TaskId,
        family: CallbackFamily,
    ) -> BoxFuture<'a, Result<(), Error>> {
        let at = crate::clock::now_ms();
        Box::pin(self.call(move |r| Cmd::Submit(task_id.clone(), family, at, r)))
    }

    fn is_submitted<'a>(&'a self, task_id: &'a TaskId) -> BoxFuture<'a, Result<bool, Error>> {
        Box::pin(self.call(move |r| Cmd::IsSubmitted(task_id.clone(), r)))
    }

    fn stats(&self) -> BoxFuture<'_, Result<StoreStats, Error>> {
        Box::pin(self.call(Cmd::Stats))
    }

    fn close(&self) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move {
            let (done, rx) = oneshot::channel();
            if self.tx.send(Cmd::Close(done)).await.is_err() {
                // Already closed.
                return Ok(());
            }
            let _ = rx.await;
            Ok(())
        })
    }
}
