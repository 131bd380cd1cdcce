//! The SQLite store's options: the durability setting and the writer's knobs.

use std::time::Duration;

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
    /// The value of SQLite's `PRAGMA synchronous` for this setting.
    pub(super) fn as_sql(self) -> &'static str {
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
    ///
    /// Only for [`Synchronous::SqliteFull`], [`Synchronous::Normal`] and
    /// [`Synchronous::Extra`]. With [`Synchronous::Full`] (the default) the writer
    /// needs no delay: a batch stays open while the sync thread syncs the previous
    /// one and commits the moment it is free.
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
