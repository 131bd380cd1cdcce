//! The receiver as a unit: configuration, the router over a store, serving on a
//! socket with graceful shutdown, and the handle the caller keeps.

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use kie_suno_types::{CallbackFamily, TaskId};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::confirm::Confirmer;
use crate::outcomes::Outcomes;
use crate::router::{router, ReceiverState, StateInner};
use crate::store::Store;
use crate::verify::Keys;
use crate::Error;

/// The default address: loopback only, port 8787. Put a TLS-terminating proxy in
/// front, or bind elsewhere explicitly.
pub const DEFAULT_BIND: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8787);

/// The default body limit: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// How the receiver behaves. Every field has a documented default.
#[derive(Clone)]
pub struct ReceiverConfig {
    keys: Keys,
    body_limit: usize,
    require_submitted: bool,
    confirmer: Option<Arc<dyn Confirmer>>,
    confirm_timeout: Duration,
    outcome_capacity: usize,
    outcome_recheck: Option<Duration>,
    store_parsed_json: bool,
}

impl std::fmt::Debug for ReceiverConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReceiverConfig")
            .field("keys", &self.keys)
            .field("body_limit", &self.body_limit)
            .field("require_submitted", &self.require_submitted)
            .field("confirmer", &self.confirmer.is_some())
            .field("confirm_timeout", &self.confirm_timeout)
            .field("outcome_capacity", &self.outcome_capacity)
            .field("outcome_recheck", &self.outcome_recheck)
            .field("store_parsed_json", &self.store_parsed_json)
            .finish()
    }
}

impl Default for ReceiverConfig {
    fn default() -> Self {
        Self {
            keys: Keys::none(),
            body_limit: DEFAULT_BODY_LIMIT,
            require_submitted: false,
            confirmer: None,
            confirm_timeout: Duration::from_secs(10),
            outcome_capacity: 1024,
            outcome_recheck: Some(Duration::from_secs(5)),
            store_parsed_json: false,
        }
    }
}

impl ReceiverConfig {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// The webhook HMAC keys and replay window. Default: none (unsigned
    /// callbacks accepted, with a loud warning at start).
    pub fn keys(mut self, keys: Keys) -> Self {
        self.keys = keys;
        self
    }

    /// The largest accepted body. Default: 1 MiB ([`DEFAULT_BODY_LIMIT`]).
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Reject (403) callbacks for task ids not recorded with
    /// [`Receiver::record_submitted`] / [`Store::record_submitted`]. Default: off.
    pub fn require_submitted(mut self, on: bool) -> Self {
        self.require_submitted = on;
        self
    }

    /// Confirm terminal callbacks through the details endpoint before they are
    /// marked final. Default: none.
    pub fn confirmer(mut self, confirmer: impl Confirmer) -> Self {
        self.confirmer = Some(Arc::new(confirmer));
        self
    }

    /// How long a confirmation may take before the callback is stored as not
    /// final (KIE waits 15 s, 10 s for replace-section). Default: 10 s.
    pub fn confirm_timeout(mut self, timeout: Duration) -> Self {
        self.confirm_timeout = timeout;
        self
    }

    /// How many events a slow subscriber may fall behind before it lags.
    /// Default: 1024.
    pub fn outcome_capacity(mut self, n: usize) -> Self {
        self.outcome_capacity = n.max(1);
        self
    }

    /// Also store the typed callback re-serialised as JSON (`parsed`), for SQL
    /// queries into its fields. The outcome columns (stage, code, success,
    /// terminal, confirmation) and the raw body are always stored, and
    /// [`crate::StoredCallback::callback`] re-parses the body on demand, so this
    /// only costs a serialisation and about twice the bytes per row (and so per
    /// fsync). Default: off.
    pub fn store_parsed_json(mut self, on: bool) -> Self {
        self.store_parsed_json = on;
        self
    }

    /// How often a waiter re-reads the store, to see outcomes committed by
    /// another receiver instance on the same database; `None` to rely on this
    /// instance only. Default: 5 s.
    pub fn outcome_recheck(mut self, every: Option<Duration>) -> Self {
        self.outcome_recheck = every;
        self
    }
}

/// A callback receiver over a store.
#[derive(Debug, Clone)]
pub struct Receiver {
    state: ReceiverState,
}

impl Receiver {
    /// Builds the receiver. Warns loudly (tracing `WARN`) when no key is
    /// configured.
    pub fn new(config: ReceiverConfig, store: Arc<dyn Store>) -> Self {
        if config.keys.is_empty() {
            tracing::warn!(
                "NO WEBHOOK HMAC KEY CONFIGURED: callbacks are accepted UNSIGNED; anyone who can \
                 reach this receiver can forge task results. Set the webhookHmacKey from the KIE \
                 settings page."
            );
        }
        let outcomes = Outcomes::new(
            Arc::clone(&store),
            config.outcome_capacity,
            config.outcome_recheck,
        );
        Self {
            state: ReceiverState {
                inner: Arc::new(StateInner {
                    store,
                    keys: config.keys,
                    body_limit: config.body_limit,
                    require_submitted: config.require_submitted,
                    confirmer: config.confirmer,
                    confirm_timeout: config.confirm_timeout,
                    outcomes,
                    store_parsed_json: config.store_parsed_json,
                    watch: Default::default(),
                }),
            },
        }
    }

    /// The router state (for [`crate::router`]).
    pub fn state(&self) -> ReceiverState {
        self.state.clone()
    }

    /// The router, ready to merge or nest into an existing axum app.
    pub fn router(&self) -> Router {
        router(self.state())
    }

    /// The outcome stream handle.
    pub fn outcomes(&self) -> Outcomes {
        self.state.inner.outcomes.clone()
    }

    /// The store.
    pub fn store(&self) -> Arc<dyn Store> {
        Arc::clone(&self.state.inner.store)
    }

    /// Records that this system submitted a task (see
    /// [`ReceiverConfig::require_submitted`]).
    pub async fn record_submitted(
        &self,
        task_id: &TaskId,
        family: CallbackFamily,
    ) -> Result<(), Error> {
        self.state
            .inner
            .store
            .record_submitted(task_id, family)
            .await
    }

    /// Binds `bind` (use [`DEFAULT_BIND`] unless told otherwise) and serves until
    /// `shutdown` resolves. Returns at once with the bound address.
    pub async fn serve<F>(self, bind: SocketAddr, shutdown: F) -> Result<Serving, Error>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind(bind)
            .await
            .map_err(|e| Error::io("binding the receiver's socket", e))?;
        self.serve_listener(listener, shutdown).await
    }

    /// Serves on an already bound listener until `shutdown` resolves.
    ///
    /// Shutdown is graceful: no new connections are accepted, requests in flight
    /// run to completion (each is answered 200 only after its commit), then the
    /// store is closed. Nothing acknowledged is lost.
    pub async fn serve_listener<F>(
        self,
        listener: TcpListener,
        shutdown: F,
    ) -> Result<Serving, Error>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let addr = listener
            .local_addr()
            .map_err(|e| Error::io("reading the receiver's socket address", e))?;
        if !addr.ip().is_loopback() {
            tracing::warn!(%addr, "callback receiver listening beyond loopback");
        }
        tracing::info!(%addr, "callback receiver listening");
        let outcomes = self.outcomes();
        let store = self.store();
        let app = self.router();
        let waiters = outcomes.clone();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await
                .map_err(|e| Error::io("serving callbacks", e));
            waiters.close_waiters();
            let closed = store.close().await;
            tracing::info!("callback receiver stopped");
            served.and(closed)
        });
        Ok(Serving {
            addr,
            outcomes,
            task,
        })
    }
}

/// A running receiver.
#[derive(Debug)]
pub struct Serving {
    addr: SocketAddr,
    outcomes: Outcomes,
    task: JoinHandle<Result<(), Error>>,
}

impl Serving {
    /// The bound address (the real port when bound to port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The outcome stream handle.
    pub fn outcomes(&self) -> Outcomes {
        self.outcomes.clone()
    }

    /// Waits until the server has shut down and the store is closed.
    pub async fn wait(self) -> Result<(), Error> {
        self.task.await.map_err(Error::ReceiverTask)?
    }
}
