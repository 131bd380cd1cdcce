//! The operator's endpoints: `GET /healthz` (the process is up), `GET /readyz`
//! (the store answers and its writer is healthy) and `GET /metrics` (Prometheus
//! text, with the `metrics` feature). Each is optional ([`Endpoints`]).

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use http::{header, HeaderValue, StatusCode};

use crate::metrics::{Metrics, METRICS_CONTENT_TYPE};
use crate::store::Store;

/// The path of the liveness endpoint.
pub const HEALTHZ_PATH: &str = "/healthz";
/// The path of the readiness endpoint.
pub const READYZ_PATH: &str = "/readyz";
/// The path of the metrics endpoint.
pub const METRICS_PATH: &str = "/metrics";

/// How long `/readyz` waits for the store before it answers 503.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// Which operator endpoints the router serves besides the callback routes.
/// Default: all three (`/metrics` only with the `metrics` feature).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoints {
    /// `GET /healthz`: 200 `{"status":"ok"}` while the process serves.
    pub healthz: bool,
    /// `GET /readyz`: 200 `{"status":"ready"}` when the store answers a health
    /// check ([`Store::health`]) within 2 s, else 503 `{"status":"not_ready"}`.
    pub readyz: bool,
    /// `GET /metrics`: Prometheus (OpenMetrics) text; needs the `metrics` feature
    /// (without it the route is not there).
    pub metrics: bool,
}

impl Default for Endpoints {
    fn default() -> Self {
        Self::all()
    }
}

impl Endpoints {
    /// Every endpoint.
    pub const fn all() -> Self {
        Self {
            healthz: true,
            readyz: true,
            metrics: true,
        }
    }

    /// None: the router serves the callback routes only.
    pub const fn none() -> Self {
        Self {
            healthz: false,
            readyz: false,
            metrics: false,
        }
    }
}

#[derive(Clone)]
struct OpsState {
    store: Arc<dyn Store>,
    metrics: Metrics,
}

/// The routes of the enabled endpoints.
pub(crate) fn routes(endpoints: Endpoints, store: Arc<dyn Store>, metrics: Metrics) -> Router {
    let mut router = Router::new();
    if endpoints.healthz {
        router = router.route(HEALTHZ_PATH, get(healthz));
    }
    if endpoints.readyz {
        router = router.route(READYZ_PATH, get(readyz));
    }
    if endpoints.metrics && metrics.is_enabled() {
        router = router.route(METRICS_PATH, get(render_metrics));
    }
    router.with_state(OpsState { store, metrics })
}

fn json(status: StatusCode, body: &'static str) -> Response {
    let mut res = (status, body).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

async fn healthz() -> Response {
    json(StatusCode::OK, r#"{"status":"ok"}"#)
}

async fn readyz(State(state): State<OpsState>) -> Response {
    match tokio::time::timeout(READY_TIMEOUT, state.store.health()).await {
        Ok(Ok(())) => json(StatusCode::OK, r#"{"status":"ready"}"#),
        Ok(Err(e)) => {
            tracing::warn!(
                error = &e as &dyn std::error::Error,
                "readiness check: the store is not healthy"
            );
            json(
                StatusCode::SERVICE_UNAVAILABLE,
                r#"{"status":"not_ready","error":"store_unavailable"}"#,
            )
        }
        Err(_) => {
            tracing::warn!("readiness check: the store did not answer within 2 s");
            json(
                StatusCode::SERVICE_UNAVAILABLE,
                r#"{"status":"not_ready","error":"store_timeout"}"#,
            )
        }
    }
}

async fn render_metrics(State(state): State<OpsState>) -> Response {
    match state.metrics.render() {
        Some(text) => {
            let mut res = (StatusCode::OK, text).into_response();
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(METRICS_CONTENT_TYPE),
            );
            res
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
