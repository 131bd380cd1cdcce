//! The store trait the receiver writes through, and its two backends: SQLite
//! (feature `sqlite`: embedded, group commit) and PostgreSQL (feature `postgres`:
//! several receiver instances).
//!
//! The trait needs nothing but `std`, so it is in every build: a store of your own
//! compiles against the lean build, and the backends work without the router.

use std::future::Future;
use std::pin::Pin;

use kie_suno_types::{CallbackFamily, TaskId};

use crate::{
    ConfirmJob, ConfirmResult, Error, NewCallback, OutcomeEvent, Pruned, Recorded, StoreStats,
    StoredCallback,
};

#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "sqlite")]
pub mod sqlite;

/// The future a [`Store`] method returns: boxed, `Send`. The same type as
/// `futures::future::BoxFuture`, so either name works in an implementation.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a store calls with the newest outcome cursor it learns of from elsewhere
/// (another receiver instance's commit, pushed by the database). See [`Store::listen`].
pub type Wake = std::sync::Arc<dyn Fn(i64) + Send + Sync>;

/// Durable, idempotent storage of callbacks.
///
/// Idempotency key: (task id, family, stage). [`Store::record`] stores a callback once,
/// counts every further delivery of the same key, and resolves only after the
/// write is durable (committed): the receiver answers 200 only then.
pub trait Store: Send + Sync + std::fmt::Debug + 'static {
    /// Stores a callback, or counts a repeat of one already stored. A new
    /// callback gets an outcome event ([`crate::OutcomeKind::Callback`]) and, when
    /// its confirmation is [`crate::Confirmation::Pending`] and it is terminal, a
    /// queued confirmation job, all in the same transaction; a repeat of a key
    /// whose confirmation failed queues it again. Resolves only once durable.
    fn record(&self, callback: NewCallback) -> BoxFuture<'_, Result<Recorded, Error>>;

    /// Claims up to `limit` confirmation jobs due at `now_ms`, each for
    /// `lease_ms` (a worker that dies holding one lets it come due again then).
    fn claim_confirmations(
        &self,
        now_ms: i64,
        lease_ms: i64,
        limit: usize,
    ) -> BoxFuture<'_, Result<Vec<ConfirmJob>, Error>>;

    /// Puts a claimed job back, due at `due_ms`, counting the attempt and its error.
    fn retry_confirmation(
        &self,
        callback_id: i64,
        due_ms: i64,
        error: String,
    ) -> BoxFuture<'_, Result<(), Error>>;

    /// Ends a pending confirmation: updates the callback (confirmed / disputed /
    /// failed) and appends the outcome event in one transaction. Returns the
    /// event's cursor, or `None` when the job was no longer pending (another
    /// worker finished it: a key is never confirmed twice).
    fn finish_confirmation(
        &self,
        callback_id: i64,
        result: ConfirmResult,
    ) -> BoxFuture<'_, Result<Option<i64>, Error>>;

    /// Up to `limit` outcome events after `cursor`, in cursor order.
    fn outcomes_after(
        &self,
        cursor: i64,
        limit: usize,
    ) -> BoxFuture<'_, Result<Vec<OutcomeEvent>, Error>>;

    /// Every outcome event of a task, in cursor order.
    fn outcomes_for<'a>(
        &'a self,
        task_id: &'a TaskId,
    ) -> BoxFuture<'a, Result<Vec<OutcomeEvent>, Error>>;

    /// The newest outcome cursor (0 when there is none): every event committed
    /// later has a larger one. (After a prune the SQLite store answers the
    /// newest cursor it ever handed out, which may no longer be stored.)
    fn latest_cursor(&self) -> BoxFuture<'_, Result<i64, Error>>;

    /// One stored callback by row id.
    fn callback(&self, id: i64) -> BoxFuture<'_, Result<Option<StoredCallback>, Error>>;

    /// Removes outcome events stored before `before_ms`, and callbacks last
    /// received before it whose confirmation is not pending. A cursor handed
    /// out before is never handed out again. (In the SQLite store a callback's
    /// own event lives in its row and goes with it.)
    fn prune(&self, before_ms: i64) -> BoxFuture<'_, Result<Pruned, Error>>;

    /// The confirmation backlog: how many jobs wait, and when the oldest one's
    /// callback arrived (Unix ms). The default reads [`Store::stats`]; both
    /// backends answer from the queue's index.
    fn confirmation_backlog(&self) -> BoxFuture<'_, Result<(u64, Option<i64>), Error>> {
        Box::pin(async move {
            let s = self.stats().await?;
            Ok((s.pending_confirmations, s.oldest_pending_ms))
        })
    }

    /// Starts pushing other instances' commits: `wake` is called with the newest
    /// cursor whenever another writer commits an outcome event. The default does
    /// nothing (a single-process store: the receiver wakes its own subscribers);
    /// the PostgreSQL store listens (`LISTEN`/`NOTIFY`).
    fn listen(&self, wake: Wake) -> BoxFuture<'_, Result<(), Error>> {
        let _ = wake;
        Box::pin(async { Ok(()) })
    }

    /// Every stored callback of a task, oldest first.
    fn callbacks_for<'a>(
        &'a self,
        task_id: &'a TaskId,
    ) -> BoxFuture<'a, Result<Vec<StoredCallback>, Error>>;

    /// Records that this system submitted a task (for the unknown-task check).
    fn record_submitted<'a>(
        &'a self,
        task_id: &'a TaskId,
        family: CallbackFamily,
    ) -> BoxFuture<'a, Result<(), Error>>;

    /// Whether this system recorded the task as submitted.
    fn is_submitted<'a>(&'a self, task_id: &'a TaskId) -> BoxFuture<'a, Result<bool, Error>>;

    /// Counters over the whole store.
    fn stats(&self) -> BoxFuture<'_, Result<StoreStats, Error>>;

    /// A cheap health check for readiness probes (`GET /readyz`): resolves `Ok`
    /// when the store is reachable and can commit. The default runs
    /// [`Store::stats`]; both backends override it with something cheaper (a
    /// `SELECT 1` on PostgreSQL, an empty batch through SQLite's writer and WAL
    /// sync threads, which fails once a sync has failed).
    fn health(&self) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move { self.stats().await.map(|_| ()) })
    }

    /// Flushes and closes the store; later calls fail with [`Error::StoreClosed`].
    fn close(&self) -> BoxFuture<'_, Result<(), Error>>;
}
