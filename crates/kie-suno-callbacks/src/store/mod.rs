//! The store trait the receiver writes through, and its two backends: SQLite
//! (feature `sqlite`: embedded, group commit) and PostgreSQL (feature `postgres`:
//! several receiver instances).
//!
//! The trait needs nothing but `std`, so it is in every build: a store of your own
//! compiles against the lean build, and the backends work without the router.

use std::future::Future;
use std::pin::Pin;

use kie_suno_types::{CallbackFamily, TaskId};

use crate::{Error, NewCallback, Recorded, StoreStats, StoredCallback};

#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "sqlite")]
pub mod sqlite;

/// The future a [`Store`] method returns: boxed, `Send`. The same type as
/// `futures::future::BoxFuture`, so either name works in an implementation.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Durable, idempotent storage of callbacks.
///
/// Idempotency key: (task id, family, stage). [`Store::record`] stores a callback once,
/// counts every further delivery of the same key, and resolves only after the
/// write is durable (committed): the receiver answers 200 only then.
pub trait Store: Send + Sync + std::fmt::Debug + 'static {
    /// Stores a callback, or counts a repeat of one already stored.
    fn record(&self, callback: NewCallback) -> BoxFuture<'_, Result<Recorded, Error>>;

    /// Replaces the stored callback of the same (task id, family, stage) by this delivery
    /// when the stored one is not final because its confirmation was refuted or
    /// failed, and this one is confirmed (a forged body stored first must not shadow
    /// the genuine callback). Returns the row id when it replaced one. Durable
    /// before it resolves, like [`Store::record`].
    fn replace_unconfirmed(
        &self,
        callback: NewCallback,
    ) -> BoxFuture<'_, Result<Option<i64>, Error>>;

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
