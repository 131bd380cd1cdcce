//! The PostgreSQL store, for several receiver instances behind a load balancer:
//! idempotency holds across instances through the database (a unique key on
//! (task id, family, stage) and `INSERT ... ON CONFLICT`), not an in-process map.

use std::str::FromStr;
use std::time::Duration;

use deadpool_postgres::{
    BuildError, Manager, ManagerConfig, Pool, PoolError, RecyclingMethod, Runtime,
};
use kie_suno_types::{CallbackFamily, TaskId};
use tokio_postgres::NoTls;

use crate::clock::now_ms;
use crate::store::{BoxFuture, Store};
use crate::validate::storable;
use crate::{Confirmation, Error, NewCallback, Recorded, StoreStats, StoredCallback};

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
}

impl Default for PostgresOptions {
    fn default() -> Self {
        Self {
            max_connections: 16,
            wait_timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(5),
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
}

/// The shared store. Connection settings (which may hold a password) are never
/// printed: `Debug` shows only the pool size.
pub struct PostgresStore {
    pool: Pool,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("max_connections", &self.pool.status().max_size)
            .finish_non_exhaustive()
    }
}

/// Any 64-bit constant; serialises concurrent migrations of several instances.
const MIGRATION_LOCK: i64 = 0x6b69_655f_7375_6e6f;

const MIGRATIONS: &[&str] = &[
    // 1: callbacks and submitted tasks.
    "CREATE TABLE kie_suno_callbacks (
        id BIGSERIAL PRIMARY KEY,
        task_id TEXT NOT NULL,
        stage TEXT NOT NULL,
        family TEXT NOT NULL,
        code BIGINT,
        success BOOLEAN NOT NULL,
        terminal BOOLEAN NOT NULL,
        confirmation TEXT NOT NULL,
        signed BOOLEAN NOT NULL,
        signature_timestamp BIGINT,
        first_received_ms BIGINT NOT NULL,
        last_received_ms BIGINT NOT NULL,
        deliveries BIGINT NOT NULL DEFAULT 1,
        headers TEXT NOT NULL,
        body BYTEA NOT NULL,
        parsed TEXT,
        CONSTRAINT kie_suno_callbacks_key UNIQUE (task_id, stage)
    );
    CREATE TABLE kie_suno_submitted_tasks (
        task_id TEXT PRIMARY KEY,
        family TEXT NOT NULL,
        submitted_ms BIGINT NOT NULL
    );",
    // 2: the family is part of the idempotency key (issue 11: a body posted to
    // another family's route must not shadow the genuine delivery).
    "ALTER TABLE kie_suno_callbacks
        DROP CONSTRAINT kie_suno_callbacks_key,
        ADD CONSTRAINT kie_suno_callbacks_key UNIQUE (task_id, family, stage);",
];

const INSERT: &str = "INSERT INTO kie_suno_callbacks AS c
    (task_id, stage, family, code, success, terminal, confirmation, signed,
     signature_timestamp, first_received_ms, last_received_ms, deliveries, headers, body, parsed)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, 1, $11, $12, $13)
    ON CONFLICT ON CONSTRAINT kie_suno_callbacks_key DO UPDATE SET
        deliveries = c.deliveries + 1,
        last_received_ms = GREATEST(c.last_received_ms, EXCLUDED.last_received_ms)
    RETURNING id, deliveries";

/// The 13 parameters of [`INSERT`] and [`REPLACE_UNCONFIRMED`], in their order.
macro_rules! callback_params {
    ($cb:expr, $headers:expr) => {
        [
            &$cb.task_id.as_str() as &(dyn tokio_postgres::types::ToSql + Sync),
            &$cb.stage,
            &$cb.family.as_str(),
            &$cb.code,
            &$cb.success,
            &$cb.terminal,
            &$cb.confirmation.as_str(),
            &$cb.signed,
            &$cb.signature_timestamp,
            &$cb.received_at_ms,
            &$headers,
            &&$cb.body[..],
            &$cb.parsed,
        ]
    };
}

const REPLACE_UNCONFIRMED: &str = "UPDATE kie_suno_callbacks SET
        code = $4, success = $5, terminal = $6, confirmation = $7, signed = $8,
        signature_timestamp = $9, last_received_ms = GREATEST(last_received_ms, $10),
        headers = $11, body = $12, parsed = $13
    WHERE task_id = $1 AND stage = $2 AND family = $3 AND confirmation IN ('refuted', 'failed')
    RETURNING id";

const SELECT: &str = "SELECT id, family, task_id, stage, code, success, terminal, confirmation,
    signed, signature_timestamp, first_received_ms, last_received_ms, deliveries, headers, body, parsed
    FROM kie_suno_callbacks WHERE task_id = $1 ORDER BY id";

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
            pg,
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
        Self::from_pool(pool).await
    }

    /// Uses an existing pool; runs the migrations.
    pub async fn from_pool(pool: Pool) -> Result<Self, Error> {
        let store = Self { pool };
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

    async fn insert(&self, cb: NewCallback) -> Result<Recorded, Error> {
        storable(cb.task_id.as_str(), Some(&cb.stage))?;
        let client = self.client().await?;
        let stmt = client.prepare_cached(INSERT).await?;
        let headers = cb.headers_json();
        let row = client
            .query_one(&stmt, &callback_params!(cb, headers))
            .await?;
        let deliveries: i64 = row.try_get(1)?;
        Ok(Recorded {
            id: row.try_get(0)?,
            deliveries: deliveries.max(0) as u64,
        })
    }

    async fn select(&self, task: &TaskId) -> Result<Vec<StoredCallback>, Error> {
        // Nothing that fails the write check can have been stored (and a NUL
        // would be a data exception here, where SQLite finds nothing).
        if storable(task.as_str(), None).is_err() {
            return Ok(Vec::new());
        }
        let client = self.client().await?;
        let stmt = client.prepare_cached(SELECT).await?;
        let rows = client.query(&stmt, &[&task.as_str()]).await?;
        rows.iter()
            .map(|r| {
                let deliveries: i64 = r.try_get(12)?;
                let confirmation: String = r.try_get(7)?;
                let headers: String = r.try_get(13)?;
                Ok(StoredCallback {
                    id: r.try_get(0)?,
                    family: r.try_get(1)?,
                    task_id: TaskId::new(r.try_get::<_, String>(2)?),
                    stage: r.try_get(3)?,
                    code: r.try_get(4)?,
                    success: r.try_get(5)?,
                    terminal: r.try_get(6)?,
                    confirmation: Confirmation::from_stored(&confirmation),
                    signed: r.try_get(8)?,
                    signature_timestamp: r.try_get(9)?,
                    first_received_ms: r.try_get(10)?,
                    last_received_ms: r.try_get(11)?,
                    deliveries: deliveries.max(0) as u64,
                    headers: StoredCallback::parse_headers(&headers),
                    body: r.try_get(14)?,
                    parsed: r.try_get(15)?,
                })
            })
            .collect::<Result<Vec<_>, tokio_postgres::Error>>()
            .map_err(Error::from)
    }
}

impl Store for PostgresStore {
    fn record(&self, callback: NewCallback) -> BoxFuture<'_, Result<Recorded, Error>> {
        Box::pin(self.insert(callback))
    }

    fn replace_unconfirmed(&self, cb: NewCallback) -> BoxFuture<'_, Result<Option<i64>, Error>> {
        Box::pin(async move {
            storable(cb.task_id.as_str(), Some(&cb.stage))?;
            let client = self.client().await?;
            let stmt = client.prepare_cached(REPLACE_UNCONFIRMED).await?;
            let headers = cb.headers_json();
            let row = client
                .query_opt(&stmt, &callback_params!(cb, headers))
                .await?;
            row.map(|r| r.try_get::<_, i64>(0))
                .transpose()
                .map_err(Error::from)
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
                            (SELECT count(*) FROM kie_suno_submitted_tasks)",
                    &[],
                )
                .await?;
            let (c, d, s): (i64, i64, i64) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
            Ok(StoreStats {
                callbacks: c.max(0) as u64,
                deliveries: d.max(0) as u64,
                submitted: s.max(0) as u64,
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
