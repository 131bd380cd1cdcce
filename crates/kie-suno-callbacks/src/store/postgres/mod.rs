//! The PostgreSQL store, for several receiver instances behind a load balancer:
//! idempotency holds across instances through the database (a unique key on
//! (task id, family, stage) and `INSERT ... ON CONFLICT`), not an in-process map.
//!
//! - `sql`: the migrations, statements and row mapping;
//! - `writer`: the batching writer tasks (one transaction per batch);
//! - `listen`: `LISTEN`/`NOTIFY`, the push between instances.

mod listen;
mod sql;
mod writer;

use std::str::FromStr;
use std::time::Duration;

use deadpool_postgres::{
    BuildError, Manager, ManagerConfig, Pool, PoolError, RecyclingMethod, Runtime,
};
use kie_suno_types::{CallbackFamily, TaskId};
use tokio_postgres::NoTls;

use tokio::sync::{mpsc, oneshot};

use self::sql::{
    confirm_job, outcome_event, stored_callback, CHANNEL, CLAIM, COLUMNS, EVENT_COLUMNS,
    EVENT_LOCK, FINISH, INSERT_EVENT, LOCK_EVENTS, MIGRATIONS, MIGRATION_LOCK, RETRY,
};
use crate::clock::now_ms;
use crate::store::{BoxFuture, Store, Wake};
use crate::validate::storable;
use crate::{
    ConfirmJob, ConfirmResult, Confirmation, Error, NewCallback, OutcomeEvent, OutcomeKind, Pruned,
    Recorded, StoreStats, StoredCallback, Trust,
};

/// Options of the PostgreSQL store.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PostgresOptions {
    /// Pool size per receiver instance. Default: 16.
    pub max_connections: usize,
    /// How long a request waits for a pooled connection. Default: 5 s.
    pub wait_timeout: Duration,
    /// How long opening a connection may take. Default: 5 s.
    pub connect_timeout: Duration,
    /// Writer tasks committing batches of queued callbacks concurrently, each on
    /// a pooled connection. Default: 2.
    pub writers: usize,
    /// The most callbacks committed in one transaction. Default: 256.
    pub max_batch: usize,
    /// How many callbacks may wait for a writer before senders wait. Default: 8192.
    pub queue_capacity: usize,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        Self {
            max_connections: 16,
            wait_timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(5),
            writers: 2,
            max_batch: 256,
            queue_capacity: 8192,
        }
    }
}

impl PostgresOptions {
    /// Sets [`PostgresOptions::max_connections`] (at least 1).
    pub fn max_connections(mut self, n: usize) -> Self {
        self.max_connections = n.max(1);
        self
    }
    /// Sets [`PostgresOptions::wait_timeout`].
    pub fn wait_timeout(mut self, d: Duration) -> Self {
        self.wait_timeout = d;
        self
    }
    /// Sets [`PostgresOptions::connect_timeout`].
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }
    /// Sets [`PostgresOptions::writers`] (at least 1).
    pub fn writers(mut self, n: usize) -> Self {
        self.writers = n.max(1);
        self
    }
    /// Sets [`PostgresOptions::max_batch`] (at least 1).
    pub fn max_batch(mut self, n: usize) -> Self {
        self.max_batch = n.max(1);
        self
    }
    /// Sets [`PostgresOptions::queue_capacity`] (at least 1).
    pub fn queue_capacity(mut self, n: usize) -> Self {
        self.queue_capacity = n.max(1);
        self
    }
}

/// The shared store. Connection settings (which may hold a password) are never
/// printed: `Debug` shows only the pool size.
pub struct PostgresStore {
    pool: Pool,
    writer: mpsc::Sender<writer::Request>,
    /// For the `LISTEN` connection (`None` for a store built on a pool of yours).
    config: Option<tokio_postgres::Config>,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("max_connections", &self.pool.status().max_size)
            .finish_non_exhaustive()
    }
}

impl PostgresStore {
    /// Connects with a libpq-style connection string or URL
    /// (`postgres://user@127.0.0.1:5432/db`, `host=... user=...`), builds the pool
    /// and runs the migrations (safe when several instances start at once).
    pub async fn connect(config: &str, options: PostgresOptions) -> Result<Self, Error> {
        // The parser's message can quote the string (a password in it): dropped.
        let pg = tokio_postgres::Config::from_str(config)
            .map_err(|_| Error::Config("the postgres connection string does not parse"))?;
        let mut pg = pg;
        pg.connect_timeout(options.connect_timeout);
        let manager = Manager::from_config(
            pg.clone(),
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(options.max_connections.max(1))
            .wait_timeout(Some(options.wait_timeout))
            .create_timeout(Some(options.connect_timeout))
            .runtime(Runtime::Tokio1)
            .build()
            .map_err(|e| match e {
                // The runtime is set above: this never happens.
                BuildError::NoRuntimeSpecified => Error::from(PoolError::NoRuntimeSpecified),
            })?;
        let mut store = Self::with_pool(pool, &options).await?;
        store.config = Some(pg);
        Ok(store)
    }

    /// Uses an existing pool with the default options; runs the migrations.
    /// [`Store::listen`] needs the connection settings: use
    /// [`PostgresStore::connect`] for the push between instances.
    pub async fn from_pool(pool: Pool) -> Result<Self, Error> {
        Self::with_pool(pool, &PostgresOptions::default()).await
    }

    async fn with_pool(pool: Pool, options: &PostgresOptions) -> Result<Self, Error> {
        let writer = writer::start(
            pool.clone(),
            options.writers,
            options.max_batch,
            options.queue_capacity,
        );
        let store = Self {
            pool,
            writer,
            config: None,
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, Error> {
        self.pool.get().await.map_err(Error::from)
    }

    async fn migrate(&self) -> Result<(), Error> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS kie_suno_schema_version (version INTEGER NOT NULL)",
        )
        .await?;
        let row = tx
            .query_opt("SELECT version FROM kie_suno_schema_version", &[])
            .await?;
        let version: i32 = match row {
            Some(r) => r.try_get(0)?,
            None => {
                tx.execute("INSERT INTO kie_suno_schema_version VALUES (0)", &[])
                    .await?;
                0
            }
        };
        let known = MIGRATIONS.len() as i32;
        if version > known {
            return Err(Error::SchemaTooNew {
                found: i64::from(version),
                supported: i64::from(known),
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
            tx.batch_execute(sql).await?;
            tx.execute(
                "UPDATE kie_suno_schema_version SET version = $1",
                &[&((i + 1) as i32)],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn insert(&self, callback: NewCallback) -> Result<Recorded, Error> {
        storable(callback.task_id.as_str(), Some(&callback.stage))?;
        let headers = callback.headers_json();
        let (reply, rx) = oneshot::channel();
        self.writer
            .send(writer::Request {
                callback,
                headers,
                reply,
            })
            .await
            .map_err(|_| Error::StoreClosed)?;
        rx.await.map_err(|_| Error::StoreClosed)?
    }

    async fn select(&self, task: &TaskId) -> Result<Vec<StoredCallback>, Error> {
        // Nothing that fails the write check can have been stored (and a NUL
        // would be a data exception here, where SQLite finds nothing).
        if storable(task.as_str(), None).is_err() {
            return Ok(Vec::new());
        }
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM kie_suno_callbacks WHERE task_id = $1 ORDER BY id"
            ))
            .await?;
        let rows = client.query(&stmt, &[&task.as_str()]).await?;
        rows.iter()
            .map(stored_callback)
            .collect::<Result<Vec<_>, _>>()
            .map_err(Error::from)
    }

    async fn events(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Vec<OutcomeEvent>, Error> {
        let client = self.client().await?;
        let stmt = client.prepare_cached(sql).await?;
        let rows = client.query(&stmt, params).await?;
        rows.iter()
            .map(outcome_event)
            .collect::<Result<Vec<_>, _>>()
            .map_err(Error::from)
    }

    async fn finish(&self, callback_id: i64, result: ConfirmResult) -> Result<Option<i64>, Error> {
        let (confirmation, note) = match &result {
            ConfirmResult::Outcome { disputed: None, .. } => (Confirmation::Confirmed, None),
            ConfirmResult::Outcome {
                disputed: Some(d), ..
            } => (Confirmation::Disputed, Some(d.clone())),
            ConfirmResult::GaveUp(why) => (Confirmation::Failed, Some(why.clone())),
        };
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let row = tx
            .query_opt(FINISH, &[&callback_id, &confirmation.as_str(), &note])
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let (task, family, stage, trust, terminal, body_success): (
            String,
            String,
            String,
            String,
            bool,
            bool,
        ) = (
            row.try_get(0)?,
            row.try_get(1)?,
            row.try_get(2)?,
            row.try_get(3)?,
            row.try_get(4)?,
            row.try_get(5)?,
        );
        let (kind, trust, terminal, success, data) = match &result {
            ConfirmResult::Outcome { success, data, .. } => (
                OutcomeKind::Confirmed,
                Trust::Confirmed.as_str().to_owned(),
                true,
                *success,
                Some(data.clone()),
            ),
            ConfirmResult::GaveUp(_) => (
                OutcomeKind::Unconfirmed,
                trust,
                terminal,
                body_success,
                None,
            ),
        };
        // The row's lock first, then the event lock, as the writer takes them (a
        // repeat of this callback in a batch): the two never deadlock.
        tx.execute(LOCK_EVENTS, &[&EVENT_LOCK]).await?;
        let row = tx
            .query_one(
                INSERT_EVENT,
                &[
                    &callback_id,
                    &task,
                    &family,
                    &stage,
                    &kind.as_str(),
                    &trust,
                    &terminal,
                    &success,
                    &note,
                    &data,
                    &now_ms(),
                ],
            )
            .await?;
        let id: i64 = row.try_get(0)?;
        tx.execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &id.to_string()])
            .await?;
        tx.commit().await?;
        Ok(Some(id))
    }
}

impl Store for PostgresStore {
    fn record(&self, callback: NewCallback) -> BoxFuture<'_, Result<Recorded, Error>> {
        Box::pin(self.insert(callback))
    }

    fn claim_confirmations(
        &self,
        now_ms: i64,
        lease_ms: i64,
        limit: usize,
    ) -> BoxFuture<'_, Result<Vec<ConfirmJob>, Error>> {
        Box::pin(async move {
            let client = self.client().await?;
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let rows = client.query(CLAIM, &[&now_ms, &lease_ms, &limit]).await?;
            let mut jobs = rows
                .iter()
                .map(confirm_job)
                .collect::<Result<Vec<_>, _>>()?;
            jobs.sort_by_key(|j| j.callback_id);
            Ok(jobs)
        })
    }

    fn retry_confirmation(
        &self,
        callback_id: i64,
        due_ms: i64,
        error: String,
    ) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move {
            let client = self.client().await?;
            client
                .execute(RETRY, &[&callback_id, &due_ms, &error])
                .await?;
            Ok(())
        })
    }

    fn finish_confirmation(
        &self,
        callback_id: i64,
        result: ConfirmResult,
    ) -> BoxFuture<'_, Result<Option<i64>, Error>> {
        Box::pin(self.finish(callback_id, result))
    }

    fn outcomes_after(
        &self,
        cursor: i64,
        limit: usize,
    ) -> BoxFuture<'_, Result<Vec<OutcomeEvent>, Error>> {
        Box::pin(async move {
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            self.events(
                &format!("SELECT {EVENT_COLUMNS} FROM kie_suno_outcomes WHERE id > $1 ORDER BY id LIMIT $2"),
                &[&cursor, &limit],
            )
            .await
        })
    }

    fn outcomes_for<'a>(
        &'a self,
        task_id: &'a TaskId,
    ) -> BoxFuture<'a, Result<Vec<OutcomeEvent>, Error>> {
        Box::pin(async move {
            if storable(task_id.as_str(), None).is_err() {
                return Ok(Vec::new());
            }
            self.events(
                &format!(
                    "SELECT {EVENT_COLUMNS} FROM kie_suno_outcomes WHERE task_id = $1 ORDER BY id"
                ),
                &[&task_id.as_str()],
            )
            .await
        })
    }

    fn latest_cursor(&self) -> BoxFuture<'_, Result<i64, Error>> {
        Box::pin(async move {
            let client = self.client().await?;
            let row = client
                .query_one(
                    "SELECT coalesce(max(id), 0)::BIGINT FROM kie_suno_outcomes",
                    &[],
                )
                .await?;
            Ok(row.try_get(0)?)
        })
    }

    fn callback(&self, id: i64) -> BoxFuture<'_, Result<Option<StoredCallback>, Error>> {
        Box::pin(async move {
            let client = self.client().await?;
            let row = client
                .query_opt(
                    &format!("SELECT {COLUMNS} FROM kie_suno_callbacks WHERE id = $1"),
                    &[&id],
                )
                .await?;
            Ok(row.as_ref().map(stored_callback).transpose()?)
        })
    }

    fn confirmation_backlog(&self) -> BoxFuture<'_, Result<(u64, Option<i64>), Error>> {
        Box::pin(async move {
            let client = self.client().await?;
            let row = client
                .query_one(
                    "SELECT count(*), min(first_received_ms) FROM kie_suno_callbacks
                     WHERE confirm_due_ms IS NOT NULL",
                    &[],
                )
                .await?;
            let (n, oldest): (i64, Option<i64>) = (row.try_get(0)?, row.try_get(1)?);
            Ok((n.max(0) as u64, oldest))
        })
    }

    fn prune(&self, before_ms: i64) -> BoxFuture<'_, Result<Pruned, Error>> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            let events = tx
                .execute(
                    "DELETE FROM kie_suno_outcomes WHERE created_ms < $1",
                    &[&before_ms],
                )
                .await?;
            let callbacks = tx
                .execute(
                    "DELETE FROM kie_suno_callbacks WHERE last_received_ms < $1 AND confirmation <> 'pending'",
                    &[&before_ms],
                )
                .await?;
            tx.commit().await?;
            Ok(Pruned { callbacks, events })
        })
    }

    fn listen(&self, wake: Wake) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move {
            match &self.config {
                Some(config) => listen::start(config.clone(), wake).await,
                None => Err(Error::Config(
                    "LISTEN needs the connection settings: build the store with PostgresStore::connect",
                )),
            }
        })
    }

    fn callbacks_for<'a>(
        &'a self,
        task_id: &'a TaskId,
    ) -> BoxFuture<'a, Result<Vec<StoredCallback>, Error>> {
        Box::pin(self.select(task_id))
    }

    fn record_submitted<'a>(
        &'a self,
        task_id: &'a TaskId,
        family: CallbackFamily,
    ) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            storable(task_id.as_str(), None)?;
            let client = self.client().await?;
            client
                .execute(
                    "INSERT INTO kie_suno_submitted_tasks (task_id, family, submitted_ms)
                     VALUES ($1, $2, $3) ON CONFLICT (task_id) DO NOTHING",
                    &[&task_id.as_str(), &family.as_str(), &now_ms()],
                )
                .await?;
            Ok(())
        })
    }

    fn is_submitted<'a>(&'a self, task_id: &'a TaskId) -> BoxFuture<'a, Result<bool, Error>> {
        Box::pin(async move {
            if storable(task_id.as_str(), None).is_err() {
                return Ok(false);
            }
            let client = self.client().await?;
            let stmt = client
                .prepare_cached("SELECT 1 FROM kie_suno_submitted_tasks WHERE task_id = $1")
                .await?;
            Ok(client
                .query_opt(&stmt, &[&task_id.as_str()])
                .await?
                .is_some())
        })
    }

    fn stats(&self) -> BoxFuture<'_, Result<StoreStats, Error>> {
        Box::pin(async move {
            let client = self.client().await?;
            let row = client
                .query_one(
                    "SELECT (SELECT count(*) FROM kie_suno_callbacks),
                            (SELECT coalesce(sum(deliveries), 0)::BIGINT FROM kie_suno_callbacks),
                            (SELECT count(*) FROM kie_suno_submitted_tasks),
                            (SELECT count(*) FROM kie_suno_callbacks WHERE confirm_due_ms IS NOT NULL),
                            (SELECT min(first_received_ms) FROM kie_suno_callbacks
                              WHERE confirm_due_ms IS NOT NULL),
                            (SELECT count(*) FROM kie_suno_outcomes)",
                    &[],
                )
                .await?;
            let (c, d, s): (i64, i64, i64) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
            let (p, oldest, e): (i64, Option<i64>, i64) =
                (row.try_get(3)?, row.try_get(4)?, row.try_get(5)?);
            Ok(StoreStats {
                callbacks: c.max(0) as u64,
                deliveries: d.max(0) as u64,
                submitted: s.max(0) as u64,
                pending_confirmations: p.max(0) as u64,
                oldest_pending_ms: oldest,
                outcome_events: e.max(0) as u64,
            })
        })
    }

    fn health(&self) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move {
            let client = self.client().await?;
            client.query_one("SELECT 1", &[]).await?;
            Ok(())
        })
    }

    fn close(&self) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move {
            // Every acknowledged write is already committed; closing only drops
            // the idle connections.
            self.pool.close();
            Ok(())
        })
    }
}
