//! What travels between the store's handle, the writer thread and the WAL sync
//! thread: the requests ([`Cmd`]) and the results waiting for their reply
//! ([`Done`]), with the rule of which replies wait for durability.

use kie_suno_types::{CallbackFamily, TaskId};
use tokio::sync::oneshot;

use crate::{Error, NewCallback, Recorded, StoreStats, StoredCallback};

/// Where a request's result goes.
pub(super) type Reply<T> = oneshot::Sender<Result<T, Error>>;

/// A failure that fails a whole batch (its `BEGIN`, its `COMMIT`, the WAL sync
/// after it) and so reaches every request in it, each with a copy of the cause.
#[derive(Debug)]
pub(super) enum Failure {
    /// `BEGIN` or `COMMIT` failed.
    Sqlite(rusqlite::Error),
    /// The WAL sync failed (now or before: the store is broken for good).
    WalSync(std::io::Error),
    /// The sync thread is gone.
    Closed,
}

impl Failure {
    /// A copy, for the next request of the batch.
    pub(super) fn copy(&self) -> Self {
        match self {
            Self::Sqlite(e) => Self::Sqlite(copy_sqlite(e)),
            Self::WalSync(e) => Self::WalSync(copy_io(e)),
            Self::Closed => Self::Closed,
        }
    }

    /// The error one request of the batch gets.
    pub(super) fn error(&self) -> Error {
        match self.copy() {
            Self::Sqlite(e) => Error::Sqlite(e),
            Self::WalSync(e) => Error::WalSync(e),
            Self::Closed => Error::StoreClosed,
        }
    }
}

/// SQLite's error as it reported it: the same primary and extended code and
/// message. (`BEGIN` and `COMMIT` fail only with `SqliteFailure`; anything else
/// keeps its text under `SQLITE_ERROR`.)
fn copy_sqlite(e: &rusqlite::Error) -> rusqlite::Error {
    match e {
        rusqlite::Error::SqliteFailure(code, message) => {
            rusqlite::Error::SqliteFailure(*code, message.clone())
        }
        other => rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
            Some(other.to_string()),
        ),
    }
}

/// The same OS error (code and text), or the same kind and text.
fn copy_io(e: &std::io::Error) -> std::io::Error {
    match e.raw_os_error() {
        Some(code) => std::io::Error::from_raw_os_error(code),
        None => std::io::Error::new(e.kind(), e.to_string()),
    }
}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Self {
        Self::Sqlite(e)
    }
}

/// Work run on the writer's transaction: it returns what sends the reply once
/// the batch's fate is known (`Err` when the commit or its sync failed).
pub(super) type Job = Box<dyn FnOnce(&rusqlite::Transaction<'_>) -> Finish + Send>;

/// Sends a job's reply, given the batch's durability.
pub(super) type Finish = Box<dyn FnOnce(Result<(), Error>) + Send>;

/// A request to the writer thread.
pub(super) enum Cmd {
    /// The callback and its headers already serialised (off the writer thread).
    Record(Box<(NewCallback, String)>, Reply<Recorded>),
    /// Any other statement run inside the batch; its reply waits for the
    /// batch's durability when it wrote.
    Exec(Job),
    ForTask(TaskId, Reply<Vec<StoredCallback>>),
    Submit(TaskId, CallbackFamily, i64, Reply<()>),
    IsSubmitted(TaskId, Reply<bool>),
    Stats(Reply<StoreStats>),
    /// Runs in a batch like a write: answered once the batch's commit (and WAL
    /// sync) succeeded.
    Health(Reply<()>),
    Close(oneshot::Sender<()>),
    /// From the sync thread: it has finished a sync and is free (the writer's
    /// open batch may commit).
    SyncDone,
}

impl Cmd {
    /// Answers the request with `err` (its batch could not begin); a close
    /// request is kept in `closer` instead.
    pub(super) fn fail(self, err: &Failure, closer: &mut Option<oneshot::Sender<()>>) {
        match self {
            Cmd::Record(_, r) => drop(r.send(Err(err.error()))),
            Cmd::Exec(job) => drop(job),
            Cmd::ForTask(_, r) => drop(r.send(Err(err.error()))),
            Cmd::Submit(_, _, _, r) => drop(r.send(Err(err.error()))),
            Cmd::IsSubmitted(_, r) => drop(r.send(Err(err.error()))),
            Cmd::Stats(r) => drop(r.send(Err(err.error()))),
            Cmd::Health(r) => drop(r.send(Err(err.error()))),
            Cmd::Close(c) => *closer = Some(c),
            Cmd::SyncDone => {}
        }
    }
}

/// A request run inside a batch, with its result, waiting for the batch's
/// commit to be durable before it is answered.
pub(super) enum Done {
    Record(Reply<Recorded>, Result<Recorded, Error>),
    Exec(Finish, Option<Error>),
    ForTask(
        Reply<Vec<StoredCallback>>,
        Result<Vec<StoredCallback>, Error>,
    ),
    Submit(Reply<()>, Result<(), Error>),
    IsSubmitted(Reply<bool>, Result<bool, Error>),
    Stats(Reply<StoreStats>, Result<StoreStats, Error>),
    Health(Reply<()>, Result<(), Error>),
}

impl Done {
    /// The batch's commit failed: nothing of it is stored, so every write fails
    /// with `e`; reads keep their result.
    pub(super) fn commit_failed(self, e: &Failure) -> Self {
        match self {
            Done::Record(reply, _) => Done::Record(reply, Err(e.error())),
            Done::Exec(finish, _) => Done::Exec(finish, Some(e.error())),
            Done::Submit(reply, _) => Done::Submit(reply, Err(e.error())),
            Done::Health(reply, _) => Done::Health(reply, Err(e.error())),
            other => other,
        }
    }

    /// Replies; writes fail when the sync after their commit failed.
    pub(super) fn send(self, synced: &Result<(), Failure>) {
        let synced = || synced.as_ref().map_err(Failure::error).copied();
        match self {
            Done::Record(reply, r) => {
                let _ = reply.send(synced().and(r));
            }
            Done::Exec(finish, failed) => match failed {
                Some(e) => finish(Err(e)),
                None => finish(synced()),
            },
            Done::Submit(reply, r) => {
                let _ = reply.send(synced().and(r));
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
            Done::Health(reply, r) => {
                let _ = reply.send(synced().and(r));
            }
        }
    }
}
