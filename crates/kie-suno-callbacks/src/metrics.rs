//! The receiver's metrics: counters, gauges and a histogram the router, the
//! serving loop and the confirmation queue update, exported as Prometheus text at
//! `GET /metrics` with the `metrics` feature (prometheus-client: an explicit
//! registry per receiver, no global recorder). Without the feature every hook is
//! there and does nothing, so code that sets them builds either way.

use std::time::Duration;

#[cfg(feature = "metrics")]
use std::sync::atomic::AtomicU64;
#[cfg(feature = "metrics")]
use std::sync::Arc;

#[cfg(feature = "metrics")]
use prometheus_client::metrics::{
    counter::Counter, family::Family, gauge::Gauge, histogram::Histogram,
};
#[cfg(feature = "metrics")]
use prometheus_client::registry::Registry;

#[cfg(feature = "metrics")]
type Labelled<M> = Family<[(&'static str, &'static str); 1], M>;

#[cfg(feature = "metrics")]
struct Inner {
    registry: Registry,
    deliveries: Labelled<Counter>,
    repeats: Labelled<Counter>,
    rejections: Labelled<Counter>,
    shed: Labelled<Counter>,
    commit_seconds: Histogram,
    confirmation_backlog: Gauge,
    confirmation_lag_seconds: Gauge<f64, AtomicU64>,
    open_connections: Gauge,
    pipelines_in_flight: Gauge,
}

/// The receiver's metrics handle (cheap to clone). The confirmation queue sets
/// [`Metrics::set_confirmation_backlog`] and [`Metrics::set_confirmation_lag`];
/// everything else is counted by the receiver itself.
#[derive(Clone, Default)]
pub struct Metrics {
    #[cfg(feature = "metrics")]
    inner: Option<Arc<Inner>>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics")
            .field("enabled", &self.is_enabled())
            .finish()
    }
}

/// The content type of [`Metrics::render`]'s text.
pub const METRICS_CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

impl Metrics {
    /// Live metrics when the `metrics` feature is on, else the no-op handle.
    pub fn new() -> Self {
        #[cfg(feature = "metrics")]
        {
            Self {
                inner: Some(Arc::new(Inner::new())),
            }
        }
        #[cfg(not(feature = "metrics"))]
        {
            Self {}
        }
    }

    /// A handle that records nothing.
    pub fn disabled() -> Self {
        Self::default()
    }

    /// Whether this handle records (the `metrics` feature is on and it was not
    /// built with [`Metrics::disabled`]).
    pub fn is_enabled(&self) -> bool {
        #[cfg(feature = "metrics")]
        {
            self.inner.is_some()
        }
        #[cfg(not(feature = "metrics"))]
        {
            false
        }
    }

    /// The metrics as Prometheus (OpenMetrics) text; `None` when not enabled.
    pub fn render(&self) -> Option<String> {
        #[cfg(feature = "metrics")]
        {
            let inner = self.inner.as_ref()?;
            let mut text = String::new();
            prometheus_client::encoding::text::encode(&mut text, &inner.registry).ok()?;
            Some(text)
        }
        #[cfg(not(feature = "metrics"))]
        {
            None
        }
    }

    /// A callback was answered 200 (`repeat`: it was already stored).
    pub fn delivery(&self, family: &'static str, repeat: bool) {
        #[cfg(feature = "metrics")]
        if let Some(i) = &self.inner {
            i.deliveries.get_or_create(&[("family", family)]).inc();
            if repeat {
                i.repeats.get_or_create(&[("family", family)]).inc();
            }
        }
        #[cfg(not(feature = "metrics"))]
        let _ = (family, repeat);
    }

    /// A request was refused; `reason` is the rejection's code
    /// ([`crate::Rejection::code`]).
    pub fn rejection(&self, reason: &'static str) {
        #[cfg(feature = "metrics")]
        if let Some(i) = &self.inner {
            i.rejections.get_or_create(&[("reason", reason)]).inc();
        }
        #[cfg(not(feature = "metrics"))]
        let _ = reason;
    }

    /// How long the store took to commit one callback.
    pub fn store_commit(&self, took: Duration) {
        #[cfg(feature = "metrics")]
        if let Some(i) = &self.inner {
            i.commit_seconds.observe(took.as_secs_f64());
        }
        #[cfg(not(feature = "metrics"))]
        let _ = took;
    }

    /// Callbacks stored and waiting for their confirmation (set by the
    /// confirmation queue).
    pub fn set_confirmation_backlog(&self, n: u64) {
        #[cfg(feature = "metrics")]
        if let Some(i) = &self.inner {
            i.confirmation_backlog
                .set(i64::try_from(n).unwrap_or(i64::MAX));
        }
        #[cfg(not(feature = "metrics"))]
        let _ = n;
    }

    /// The age of the oldest callback waiting for its confirmation (set by the
    /// confirmation queue; zero when none waits).
    pub fn set_confirmation_lag(&self, lag: Duration) {
        #[cfg(feature = "metrics")]
        if let Some(i) = &self.inner {
            i.confirmation_lag_seconds.set(lag.as_secs_f64());
        }
        #[cfg(not(feature = "metrics"))]
        let _ = lag;
    }

    /// Open connections of the served receiver.
    pub(crate) fn open_connections(&self, n: usize) {
        #[cfg(feature = "metrics")]
        if let Some(i) = &self.inner {
            i.open_connections.set(i64::try_from(n).unwrap_or(i64::MAX));
        }
        #[cfg(not(feature = "metrics"))]
        let _ = n;
    }

    /// A connection was closed to make room (or refused); `why` is the reason.
    pub(crate) fn shed(&self, why: &'static str) {
        #[cfg(feature = "metrics")]
        if let Some(i) = &self.inner {
            i.shed.get_or_create(&[("reason", why)]).inc();
        }
        #[cfg(not(feature = "metrics"))]
        let _ = why;
    }

    /// Pipelines now running.
    pub(crate) fn in_flight(&self, n: usize) {
        #[cfg(feature = "metrics")]
        if let Some(i) = &self.inner {
            i.pipelines_in_flight
                .set(i64::try_from(n).unwrap_or(i64::MAX));
        }
        #[cfg(not(feature = "metrics"))]
        let _ = n;
    }
}

#[cfg(feature = "metrics")]
impl Inner {
    fn new() -> Self {
        let mut registry = Registry::with_prefix("kie_suno_callbacks");
        let deliveries = Labelled::<Counter>::default();
        let repeats = Labelled::<Counter>::default();
        let rejections = Labelled::<Counter>::default();
        let shed = Labelled::<Counter>::default();
        // 0.5 ms to ~4 s.
        let commit_seconds = Histogram::new(
            prometheus_client::metrics::histogram::exponential_buckets(0.0005, 2.0, 14),
        );
        let confirmation_backlog = Gauge::default();
        let confirmation_lag_seconds = Gauge::<f64, AtomicU64>::default();
        let open_connections = Gauge::default();
        let pipelines_in_flight = Gauge::default();
        registry.register(
            "deliveries",
            "Callbacks answered 200, repeats included, by family",
            deliveries.clone(),
        );
        registry.register(
            "repeats",
            "Callbacks answered 200 that were already stored, by family",
            repeats.clone(),
        );
        registry.register(
            "rejections",
            "Requests refused, by reason (the rejection's error code)",
            rejections.clone(),
        );
        registry.register(
            "connections_shed",
            "Connections closed to make room or refused, by reason",
            shed.clone(),
        );
        registry.register(
            "store_commit_seconds",
            "Time from handing a callback to the store to its durable commit",
            commit_seconds.clone(),
        );
        registry.register(
            "confirmation_backlog",
            "Stored callbacks waiting for their confirmation",
            confirmation_backlog.clone(),
        );
        registry.register(
            "confirmation_lag_seconds",
            "Age of the oldest callback waiting for its confirmation",
            confirmation_lag_seconds.clone(),
        );
        registry.register(
            "open_connections",
            "Open connections of the served receiver",
            open_connections.clone(),
        );
        registry.register(
            "pipelines_in_flight",
            "Callback pipelines now running",
            pipelines_in_flight.clone(),
        );
        Self {
            registry,
            deliveries,
            repeats,
            rejections,
            shed,
            commit_seconds,
            confirmation_backlog,
            confirmation_lag_seconds,
            open_connections,
            pipelines_in_flight,
        }
    }
}
