//! What travels between the store's handle, the writer thread and the WAL sync
//! thread: the requests ([`Cmd`]) and the results waiting for their reply
//! ([`Done`]), with the rule of which replies wait for durability.

use kie_suno_types::{CallbackFamily, TaskId};
use tokio::sync::oneshot;

use crate::{Error, NewCallback, Recorded, StoreStats, StoredCallback};

/// Where a request's result goes.
pub(super) type Reply<T> = oneshot::Sender<Result<T, Error>>;

/// A request to the writer thread.
pub(super) enum Cmd {
    /// The callback and its headers already serialised (off the writer thread).
    Record(Box<(NewCallback, String)>, Reply<Recorded>),
    Replace(Box<(NewCallback, String)>, Reply<Option<i64>>),
    ForTask(TaskId, Reply<Vec<StoredCallback>>),
    Submit(TaskId, CallbackFamily, i64, Reply<()>),
    IsSubmitted(TaskId, Reply<bool>),
    Stats(Reply<StoreStats>),
    Close(oneshot::Sender<()>),
}

impl Cmd {
    /// Answers the request with `err` (its batch could not begin); a close
    /// request is kept in `closer` instead.
    pub(super) fn fail(self, err: &Error, closer: &mut Option<oneshot::Sender<()>>) {
        match self {
            Cmd::Record(_, r) => drop(r.send(Err(err.clone()))),
            Cmd::Replace(_, r) => drop(r.send(Err(err.clone()))),
            Cmd::ForTask(_, r) => drop(r.send(Err(err.clone()))),
            Cmd::Submit(_, _, _, r) => drop(r.send(Err(err.clone()))),
            Cmd::IsSubmitted(_, r) => drop(r.send(Err(err.clone()))),
            Cmd::Stats(r) => drop(r.send(Err(err.clone()))),
            Cmd::Close(c) => *closer = Some(c),
        }
    }
}

/// A request run inside a batch, with its result, waiting for the batch's
/// commit to be durable before it is answered.
pub(super) enum Done {
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

impl Done {
    /// The batch's commit failed: nothing of it is stored, so every write fails
    /// with `e`; reads keep their result.
    pub(super) fn commit_failed(self, e: &Error) -> Self {
        match self {
            Done::Record(reply, _) => Done::Record(reply, Err(e.clone())),
            Done::Replace(reply, _) => Done::Replace(reply, Err(e.clone())),
            Done::Submit(reply, _) => Done::Submit(reply, Err(e.clone())),
            other => other,
        }
    }

    /// Replies; writes fail when the sync after their commit failed.
    pub(super) fn send(self, synced: &Result<(), Error>) {
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
