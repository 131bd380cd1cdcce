//! The SQLite store: one writer thread owns the connection; requests queue
//! (record, reply) pairs; the writer drains whatever is queued, commits it in one
//! transaction (group commit) and only then replies to each.
//!
//! - `options`: [`SqliteOptions`] and [`Synchronous`];
//! - `schema`: the DDL, migrations, statements and row mapping;
//! - `writer`: the writer thread (group commit);
//! - `wal`: the WAL sync thread (`fdatasync`) and the checkpointer;
//! - `command`: the requests and replies passed between those threads.

mod command;
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
use crate::{Error, NewCallback, Recorded, StoreStats, StoredCallback};

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

    fn replace_unconfirmed(
        &self,
        callback: NewCallback,
    ) -> BoxFuture<'_, Result<Option<i64>, Error>> {
        let headers = callback.headers_json();
        Box::pin(async move {
            storable(callback.task_id.as_str(), Some(&callback.stage))?;
            self.call(move |r| Cmd::Replace(Box::new((callback, headers)), r))
                .await
        })
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
