//! The SQLite store: one writer thread owns the connection; requests queue
//! (record, reply) pairs; the writer drains whatever is queued, commits it in one
//! transaction (group commit) and only then replies to each.
//!
//! - `options`: [`SqliteOptions`] and [`Synchronous`];
//! - `migrate`: the DDL, its migrations, and opening the connection;
//! - `schema`: the statements run inside a batch, and the row mapping;
//! - `writer`: the writer thread (group commit);
//! - `wal`: the WAL sync thread (`fdatasync`) and the checkpointer;
//! - `command`: the requests and replies passed between those threads.

mod command;
mod migrate;
mod options;
mod schema;
mod wal;
mod writer;

use std::path::{Path, PathBuf};

use kie_suno_types::{CallbackFamily, TaskId};
use tokio::sync::{mpsc, oneshot};

use self::command::{Cmd, Reply};
pub use self::options::{SqliteOptions, Synchronous};
use crate::clock::now_ms;
use crate::store::{BoxFuture, Store};
use crate::validate::storable;
use crate::{
    ConfirmJob, ConfirmResult, Error, NewCallback, OutcomeEvent, Pruned, Recorded, StoreStats,
    StoredCallback,
};

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

impl SqliteStore {
    /// Opens (or creates) the database file, switches it to WAL, runs the
    /// migrations, and starts the writer thread.
    pub async fn open(path: impl AsRef<Path>, options: SqliteOptions) -> Result<Self, Error> {
        let path = path.as_ref().to_path_buf();
        let tx = writer::start(path.clone(), options).await?;
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

    /// Runs `f` on the writer's transaction; a `write` is answered only once durable.
    async fn exec<T: Send + 'static>(
        &self,
        write: bool,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, Error> + Send + 'static,
    ) -> Result<T, Error> {
        let (reply, rx) = oneshot::channel::<Result<T, Error>>();
        let job: command::Job = Box::new(move |tx| {
            let result = f(tx);
            Box::new(move |durable: Result<(), Error>| {
                let result = if write { durable.and(result) } else { result };
                let _ = reply.send(result);
            })
        });
        self.tx
            .send(Cmd::Exec(job))
            .await
            .map_err(|_| Error::StoreClosed)?;
        rx.await.map_err(|_| Error::StoreClosed)?
    }
}

impl Store for SqliteStore {
    fn record(&self, callback: NewCallback) -> BoxFuture<'_, Result<Recorded, Error>> {
        let headers = callback.headers_json();
        Box::pin(async move {
            storable(callback.task_id.as_str(), Some(&callback.stage))?;
            self.call(move |r| Cmd::Record(Box::new((callback, headers)), r))
                .await
        })
    }

    fn claim_confirmations(
        &self,
        now_ms: i64,
        lease_ms: i64,
        limit: usize,
    ) -> BoxFuture<'_, Result<Vec<ConfirmJob>, Error>> {
        Box::pin(self.exec(true, move |tx| schema::claim(tx, now_ms, lease_ms, limit)))
    }

    fn retry_confirmation(
        &self,
        callback_id: i64,
        due_ms: i64,
        error: String,
    ) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(self.exec(true, move |tx| {
            schema::retry(tx, callback_id, due_ms, &error)
        }))
    }

    fn finish_confirmation(
        &self,
        callback_id: i64,
        result: ConfirmResult,
    ) -> BoxFuture<'_, Result<Option<i64>, Error>> {
        let now = now_ms();
        Box::pin(self.exec(true, move |tx| {
            schema::finish(tx, callback_id, &result, now)
        }))
    }

    fn outcomes_after(
        &self,
        cursor: i64,
        limit: usize,
    ) -> BoxFuture<'_, Result<Vec<OutcomeEvent>, Error>> {
        Box::pin(self.exec(false, move |tx| schema::outcomes_after(tx, cursor, limit)))
    }

    fn outcomes_for<'a>(
        &'a self,
        task_id: &'a TaskId,
    ) -> BoxFuture<'a, Result<Vec<OutcomeEvent>, Error>> {
        let task = task_id.clone();
        Box::pin(self.exec(false, move |tx| schema::outcomes_for(tx, &task)))
    }

    fn latest_cursor(&self) -> BoxFuture<'_, Result<i64, Error>> {
        Box::pin(self.exec(false, schema::latest_cursor))
    }

    fn callback(&self, id: i64) -> BoxFuture<'_, Result<Option<StoredCallback>, Error>> {
        Box::pin(self.exec(false, move |tx| schema::callback(tx, id)))
    }

    fn confirmation_backlog(&self) -> BoxFuture<'_, Result<(u64, Option<i64>), Error>> {
        Box::pin(self.exec(false, |tx| {
            schema::backlog(tx).map(|(n, oldest)| (n.max(0) as u64, oldest))
        }))
    }

    fn prune(&self, before_ms: i64) -> BoxFuture<'_, Result<Pruned, Error>> {
        Box::pin(self.exec(true, move |tx| schema::prune(tx, before_ms)))
    }

    fn callbacks_for<'a>(
        &'a self,
        task_id: &'a TaskId,
    ) -> BoxFuture<'a, Result<Vec<StoredCallback>, Error>> {
        Box::pin(async move {
            // Nothing that fails the write check can have been stored.
            if storable(task_id.as_str(), None).is_err() {
                return Ok(Vec::new());
            }
            self.call(move |r| Cmd::ForTask(task_id.clone(), r)).await
        })
    }

    fn record_submitted<'a>(
        &'a self,
        task_id: &'a TaskId,
        family: CallbackFamily,
    ) -> BoxFuture<'a, Result<(), Error>> {
        let at = now_ms();
        Box::pin(async move {
            storable(task_id.as_str(), None)?;
            self.call(move |r| Cmd::Submit(task_id.clone(), family, at, r))
                .await
        })
    }

    fn is_submitted<'a>(&'a self, task_id: &'a TaskId) -> BoxFuture<'a, Result<bool, Error>> {
        Box::pin(async move {
            if storable(task_id.as_str(), None).is_err() {
                return Ok(false);
            }
            self.call(move |r| Cmd::IsSubmitted(task_id.clone(), r))
                .await
        })
    }

    fn stats(&self) -> BoxFuture<'_, Result<StoreStats, Error>> {
        Box::pin(self.call(Cmd::Stats))
    }

    fn health(&self) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(self.call(Cmd::Health))
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
