//! The receiver as a unit: configuration, the router over a store, serving on a
//! socket with graceful shutdown, and the handle the caller keeps.

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use kie_suno_types::{CallbackFamily, TaskId};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

use tokio::sync::{watch, Notify};

use crate::confirm::{ConfirmPolicy, Confirmer};
use crate::metrics::Metrics;
use crate::ops::Endpoints;
use crate::outcomes::Outcomes;
use crate::router::{router, ReceiverState, StateInner};
use crate::serve::{serve, ConnLimits};
use crate::store::Store;
use crate::verify::Keys;
use crate::worker::Worker;
use crate::Error;

/// The default address: loopback only, port 8787. Put a TLS-terminating proxy in
/// front, or bind elsewhere explicitly.
pub const DEFAULT_BIND: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8787);

/// The default body limit: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// The default header read timeout: 10 s from a connection's accept (or the end
/// of its previous response) to a complete request head.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The default body read timeout: 10 s for the whole body.
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The default idle keep-alive timeout: 5 s without a byte of a next request.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(5);

/// The default cap on open connections: 10,000, lowered to the process's
/// open-file limit minus [`DEFAULT_FD_RESERVE`] when that is lower.
pub const DEFAULT_MAX_CONNECTIONS: usize = 10_000;

/// The default number of file descriptors kept free of connections (the store's
/// files, the PostgreSQL pool, stdio, the listener): 64.
pub const DEFAULT_FD_RESERVE: usize = 64;

/// The default cap on callback pipelines running at once: 1,024.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 1024;

/// The default drain limit: an oversized body of up to 8 MiB is read and
/// discarded before the 413.
pub const DEFAULT_DRAIN_LIMIT: usize = 8 * 1024 * 1024;

/// How the receiver behaves. Every field has a documented default.
#[derive(Clone)]
pub struct ReceiverConfig {
    keys: Keys,
    body_limit: usize,
    require_submitted: bool,
    confirmer: Option<Arc<dyn Confirmer>>,
    confirm_policy: ConfirmPolicy,
    outcome_recheck: Option<Duration>,
    store_parsed_json: bool,
    header_read_timeout: Duration,
    body_read_timeout: Duration,
    idle_timeout: Duration,
    max_connections: usize,
    fd_reserve: usize,
    max_in_flight: usize,
    drain_limit: usize,
    endpoints: Endpoints,
    metrics: bool,
}

impl std::fmt::Debug for ReceiverConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReceiverConfig")
            .field("keys", &self.keys)
            .field("body_limit", &self.body_limit)
            .field("require_submitted", &self.require_submitted)
            .field("confirmer", &self.confirmer.is_some())
            .field("confirm_policy", &self.confirm_policy)
            .field("outcome_recheck", &self.outcome_recheck)
            .field("store_parsed_json", &self.store_parsed_json)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("body_read_timeout", &self.body_read_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("max_connections", &self.max_connections)
            .field("fd_reserve", &self.fd_reserve)
            .field("max_in_flight", &self.max_in_flight)
            .field("drain_limit", &self.drain_limit)
            .field("endpoints", &self.endpoints)
            .field("metrics", &self.metrics)
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
            confirm_policy: ConfirmPolicy::default(),
            outcome_recheck: Some(Duration::from_secs(5)),
            store_parsed_json: false,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            fd_reserve: DEFAULT_FD_RESERVE,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            drain_limit: DEFAULT_DRAIN_LIMIT,
            endpoints: Endpoints::all(),
            metrics: true,
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

    /// Confirm terminal callbacks after the 200: each is committed with a
    /// confirmation job, and a worker fetches the task's record-info through
    /// `confirmer` and stores it as the outcome. Default: none (then no outcome is
    /// ever confirmed, and a signed callback only tells a waiter to poll).
    pub fn confirmer(mut self, confirmer: impl Confirmer) -> Self {
        self.confirmer = Some(Arc::new(confirmer));
        self
    }

    /// The same, with a confirmer already shared.
    pub fn confirmer_arc(mut self, confirmer: Arc<dyn Confirmer>) -> Self {
        self.confirmer = Some(confirmer);
        self
    }

    /// How the confirmation worker retries ([`ConfirmPolicy`]).
    pub fn confirm_policy(mut self, policy: ConfirmPolicy) -> Self {
        self.confirm_policy = policy;
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

    /// How long a connection may take to send a complete request head, counted
    /// from its accept or the end of its previous response (hyper's header read
    /// timeout; the connection is closed without an answer). Applies to
    /// [`Receiver::serve`]. Default: 10 s ([`DEFAULT_HEADER_READ_TIMEOUT`]).
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// How long the whole body may take to arrive; past it, 408 and the
    /// connection is closed. Applies to the router. Default: 10 s
    /// ([`DEFAULT_BODY_READ_TIMEOUT`]).
    pub fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.body_read_timeout = timeout;
        self
    }

    /// How long a kept-alive connection may wait without a byte of a next
    /// request (from its accept or its last response) before it is closed. The
    /// header read timeout runs over the same span, so the effective idle time is
    /// the smaller of the two. Applies to [`Receiver::serve`]. Default: 5 s
    /// ([`DEFAULT_IDLE_TIMEOUT`]).
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// The cap on open connections. At the cap (or when accepting fails, e.g.
    /// out of file descriptors) the connection that has waited longest for a
    /// request head is closed first (the oldest idle or the slowest sender; never
    /// one whose request is being handled). The cap is lowered to the process's
    /// open-file limit minus [`ReceiverConfig::fd_reserve`] when that is lower.
    /// Applies to [`Receiver::serve`]. Default: 10,000
    /// ([`DEFAULT_MAX_CONNECTIONS`]).
    pub fn max_connections(mut self, n: usize) -> Self {
        self.max_connections = n.max(1);
        self
    }

    /// File descriptors kept free of connections for the store, the PostgreSQL
    /// pool and the rest of the process. Default: 64 ([`DEFAULT_FD_RESERVE`]).
    pub fn fd_reserve(mut self, n: usize) -> Self {
        self.fd_reserve = n;
        self
    }

    /// The cap on callback pipelines running at once (each runs in a task of its
    /// own and outlives a sender that hangs up, so this bounds the work, not the
    /// connections); beyond it, a fast 503 with `Retry-After: 1`. Applies to the
    /// router. Default: 1,024 ([`DEFAULT_MAX_IN_FLIGHT`]).
    pub fn max_in_flight(mut self, n: usize) -> Self {
        // Shutdown takes every permit at once (`acquire_many` takes a u32).
        let most = Semaphore::MAX_PERMITS.min(u32::MAX as usize);
        self.max_in_flight = n.clamp(1, most);
        self
    }

    /// How many bytes of an oversized body are read and discarded before the
    /// 413 (so a sender that writes its whole body before reading gets the
    /// answer; the connection is closed after it). A body declared larger than
    /// this is not read at all. Default: 8 MiB ([`DEFAULT_DRAIN_LIMIT`]).
    pub fn drain_limit(mut self, bytes: usize) -> Self {
        self.drain_limit = bytes;
        self
    }

    /// Which operator endpoints the router serves (`/healthz`, `/readyz`,
    /// `/metrics`). Default: all ([`Endpoints::all`]).
    pub fn endpoints(mut self, endpoints: Endpoints) -> Self {
        self.endpoints = endpoints;
        self
    }

    /// Whether the receiver keeps metrics ([`Receiver::metrics`]; exported at
    /// `/metrics` with the `metrics` feature). Default: on (a no-op without the
    /// feature).
    pub fn metrics(mut self, on: bool) -> Self {
        self.metrics = on;
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
#[derive(Clone)]
pub struct Receiver {
    state: ReceiverState,
    limits: ConnLimits,
    confirmer: Option<Arc<dyn Confirmer>>,
    confirm_policy: ConfirmPolicy,
}

impl std::fmt::Debug for Receiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver")
            .field("state", &self.state)
            .field("confirmer", &self.confirmer.is_some())
            .finish_non_exhaustive()
    }
}

/// The receiver's background work: the confirmation worker and the store's
/// push listener. [`Receiver::serve`] starts and stops it; start it yourself
/// with [`Receiver::start_background`] when you mount [`Receiver::router`] in
/// an app of your own.
#[derive(Debug)]
pub struct Background {
    stop: watch::Sender<bool>,
    worker: Option<JoinHandle<()>>,
}

impl Background {
    /// Stops the worker after the confirmation in hand (an unfinished one stays
    /// queued in the store) and waits for it.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(w) = self.worker.take() {
            let _ = w.await;
        }
    }
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
            config.outcome_recheck,
            config.confirmer.is_some(),
        );
        let limits = ConnLimits {
            header_read_timeout: config.header_read_timeout,
            idle_timeout: config.idle_timeout,
            max_connections: config.max_connections,
            fd_reserve: config.fd_reserve,
        };
        let metrics = if config.metrics {
            Metrics::new()
        } else {
            Metrics::disabled()
        };
        Self {
            confirmer: config.confirmer,
            confirm_policy: config.confirm_policy,
            limits,
            state: ReceiverState {
                inner: Arc::new(StateInner {
                    store,
                    keys: config.keys,
                    body_limit: config.body_limit,
                    require_submitted: config.require_submitted,
                    confirming: outcomes.confirming(),
                    confirm_wake: Arc::new(Notify::new()),
                    outcomes,
                    store_parsed_json: config.store_parsed_json,
                    body_read_timeout: config.body_read_timeout,
                    drain_limit: config.drain_limit,
                    in_flight: Arc::new(Semaphore::new(config.max_in_flight)),
                    max_in_flight: config.max_in_flight,
                    metrics,
                    endpoints: config.endpoints,
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

    /// The metrics handle (a no-op one without the `metrics` feature or with
    /// [`ReceiverConfig::metrics`] off).
    pub fn metrics(&self) -> Metrics {
        self.state.inner.metrics.clone()
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
    /// Starts the background work: the confirmation worker (when a confirmer is
    /// configured: it resumes every job left in the store) and the store's push
    /// between instances ([`Store::listen`]; a failure there is logged, and the
    /// outcome recheck covers it).
    pub async fn start_background(&self) -> Background {
        let outcomes = self.outcomes();
        match self.state.inner.store.latest_cursor().await {
            Ok(c) => outcomes.notify(c),
            Err(e) => tracing::warn!(
                error = &e as &dyn std::error::Error,
                "cannot read the newest outcome cursor"
            ),
        }
        if let Err(e) = self.state.inner.store.listen(outcomes.waker()).await {
            tracing::warn!(
                error = &e as &dyn std::error::Error,
                "no push from other instances; waiters fall back to the recheck"
            );
        }
        let (stop, stopped) = watch::channel(false);
        let worker = self.confirmer.as_ref().map(|confirmer| {
            let worker = Worker {
                store: self.store(),
                confirmer: Arc::clone(confirmer),
                policy: self.confirm_policy.clone(),
                outcomes,
                wake: Arc::clone(&self.state.inner.confirm_wake),
                metrics: self.metrics(),
            };
            tokio::spawn(worker.run(stopped))
        });
        Background { stop, worker }
    }

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
    /// Connections are served by hyper's HTTP/1 with the configured header read
    /// timeout, idle timeout and connection cap ([`ReceiverConfig`]).
    ///
    /// Shutdown is graceful: no new connections are accepted, each connection
    /// finishes the request it is handling (and is then closed), every callback
    /// pipeline still running (a sender may have hung up) runs to its end, then
    /// the store is closed (flushed). Nothing acknowledged is lost.
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
        let background = self.start_background().await;
        let limits = self.limits;
        let metrics = self.metrics();
        let inner = Arc::clone(&self.state.inner);
        let task = tokio::spawn(async move {
            serve(listener, app, limits, metrics, shutdown).await;
            // Every pipeline holds a permit until it ends: taking them all waits
            // for the pipelines whose sender hung up.
            let pipelines = u32::try_from(inner.max_in_flight).unwrap_or(u32::MAX);
            let served = inner
                .in_flight
                .acquire_many(pipelines)
                .await
                .map(drop)
                .map_err(|_| Error::StoreClosed);
            // The confirmation in hand is finished; the rest stays queued.
            background.stop().await;
            waiters.close();
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
