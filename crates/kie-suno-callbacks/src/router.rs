//! The axum router: one route per callback family, `POST /callbacks/{family}`, and
//! the thin handler that buffers the body and calls the pure functions.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use futures::StreamExt;
use http::{header, HeaderMap, HeaderValue, StatusCode};
use kie_suno_types::{ApiCode, Callback, CallbackFamily, CallbackKey};
use tokio::sync::{Notify, Semaphore};

use crate::clock::system_ms;
use crate::metrics::Metrics;
use crate::ops::{routes as ops_routes, Endpoints};
use crate::outcomes::Outcomes;
use crate::parse::parse_checked;
use crate::record::storable_headers;
use crate::rejections::{Reason, Rejections, Watch};
use crate::store::Store;
use crate::untrusted::Untrusted;
use crate::validate::{
    check_task_id, foreign_family, json_depth_within, key_and_family, Stage, MAX_JSON_DEPTH,
};
use crate::verify::{read_key, verify, verify_key, Keys, VerifyError};
use crate::{Confirmation, Fault, NewCallback, Rejection};

/// The route pattern: `POST /callbacks/{family}`, where `{family}` is a
/// [`CallbackFamily`] slug (`lyrics`, `music`, `replace-section`, `cover-image`,
/// `wav`, `separation`, `midi`, `video`).
pub const ROUTE: &str = "/callbacks/{family}";

/// The path of one family's route, e.g. `/callbacks/lyrics`: append it to your
/// public base URL to get the `callBackUrl` to submit.
pub fn callback_path(family: CallbackFamily) -> String {
    format!("/callbacks/{}", family.as_str())
}

pub(crate) struct StateInner {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) keys: Keys,
    pub(crate) body_limit: usize,
    pub(crate) require_submitted: bool,
    /// Whether terminal callbacks queue a confirmation job.
    pub(crate) confirming: bool,
    /// Rung when a delivery queued a confirmation job.
    pub(crate) confirm_wake: Arc<Notify>,
    pub(crate) outcomes: Outcomes,
    pub(crate) store_parsed_json: bool,
    /// How long the whole body may take to arrive.
    pub(crate) body_read_timeout: Duration,
    /// How much of an oversized body is read and discarded before the 413, so a
    /// sender that writes its whole body before reading sees the answer.
    pub(crate) drain_limit: usize,
    /// One permit per running pipeline.
    pub(crate) in_flight: Arc<Semaphore>,
    pub(crate) max_in_flight: usize,
    pub(crate) metrics: Metrics,
    pub(crate) endpoints: Endpoints,
    /// Rejection counters and the signature-warning throttle.
    pub(crate) watch: Watch,
}

/// The router's state: store, keys, limits, confirmer and outcome stream.
/// Build it with `Receiver::new`; cheap to clone.
#[derive(Clone)]
pub struct ReceiverState {
    pub(crate) inner: Arc<StateInner>,
}

impl ReceiverState {
    /// How many requests were refused so far, per [`Reason`]: a snapshot of
    /// lock-free counters (cheap; for metrics and health checks).
    pub fn rejections(&self) -> Rejections {
        self.inner.watch.snapshot()
    }
}

impl std::fmt::Debug for ReceiverState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let i = &self.inner;
        f.debug_struct("ReceiverState")
            .field("store", &i.store)
            .field("keys", &i.keys)
            .field("body_limit", &i.body_limit)
            .field("require_submitted", &i.require_submitted)
            .field("confirming", &i.confirming)
            .field("body_read_timeout", &i.body_read_timeout)
            .field("drain_limit", &i.drain_limit)
            .field("max_in_flight", &i.max_in_flight)
            .field("endpoints", &i.endpoints)
            .finish()
    }
}

/// The callback router: `POST /callbacks/{family}` for every family.
///
/// Per request, in order: unknown family -> 404; as many pipelines running as
/// allowed -> 503 with `Retry-After: 1`; `Content-Length` over the limit -> 413
/// (an oversized body up to the drain limit is read and discarded first, so the
/// sender can read the answer; the connection is then closed); content type not
/// `application/json` -> 415; body over the limit -> 413; body not received within
/// the body read timeout -> 408; not UTF-8 -> 400; with keys configured, signature checks -> 401 (400 / 422 when the body
/// has no readable task id); parse -> 400 (syntax) / 422 (shape); optional
/// unknown-task check -> 403; durable store, with a confirmation job for a
/// terminal callback when a confirmer is configured, in the same transaction
/// (failure -> 503, so KIE retries); only then 200
/// `{"status":"received","duplicate":bool}`. The confirmation runs after the 200.
/// Any other method -> 405. Every rejection is a fixed JSON body ([`Rejection`]).
///
/// Also `GET /healthz`, `GET /readyz` and `GET /metrics` as configured
/// ([`crate::ReceiverConfig::endpoints`]).
pub fn router(state: ReceiverState) -> Router {
    let ops = ops_routes(
        state.inner.endpoints,
        Arc::clone(&state.inner.store),
        state.inner.metrics.clone(),
    );
    // A static route per family, so the common request has no path parameter
    // to extract and decode; the pattern route behind them takes any other
    // (or percent-encoded) slug.
    let mut routes = Router::new();
    for &family in CallbackFamily::ALL {
        routes = routes.route(
            &callback_path(family),
            post(
                move |State(state): State<ReceiverState>, request: Request| {
                    receive(state, family, request)
                },
            )
            .fallback(method_not_allowed),
        );
    }
    routes
        .route(ROUTE, post(receive_slug).fallback(method_not_allowed))
        .with_state(state)
        .merge(ops)
}

async fn receive_slug(
    State(state): State<ReceiverState>,
    family: Result<Path<String>, PathRejection>,
    request: Request,
) -> Response {
    let family = match family {
        Ok(Path(slug)) => CallbackFamily::from_slug(&slug),
        Err(_) => None,
    };
    match family {
        Some(family) => receive(state, family, request).await,
        None => refuse(&state.inner, Reason::UnknownFamily),
    }
}

async fn receive(state: ReceiverState, family: CallbackFamily, request: Request) -> Response {
    let metrics = &state.inner.metrics;
    // The pipeline outlives a sender that hangs up, so the bound on pipelines is a
    // semaphore, not a timeout around this handler: beyond it, a fast 503.
    let Ok(permit) = Arc::clone(&state.inner.in_flight).try_acquire_owned() else {
        return refuse(&state.inner, Reason::Overloaded);
    };
    metrics.in_flight(state.inner.max_in_flight - state.inner.in_flight.available_permits());
    // The pipeline outlives this handler: when the sender hangs up (KIE's 15 s
    // timeout), hyper drops this handler's future, but a callback already handed to
    // the store must still be committed *and* published to subscribers and waiters;
    // otherwise its redelivery, counted as a repeat, would never be published. It
    // runs here while the sender waits (no task of its own, no extra wake-up per
    // request) and becomes a task of its own only if this handler is dropped first.
    let inner = Arc::clone(&state.inner);
    let pipeline = Detached::new(async move {
        let handled = handle(&inner, family, request).await;
        drop(permit);
        inner
            .metrics
            .in_flight(inner.max_in_flight - inner.in_flight.available_permits());
        handled
    });
    match pipeline.await {
        Ok(Ok(duplicate)) => {
            metrics.delivery(family.as_str(), duplicate);
            accepted(duplicate)
        }
        Ok(Err(reason)) => refuse(&state.inner, reason),
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
                .unwrap_or("(no message)");
            tracing::error!(%family, panic = message, "callback pipeline panicked");
            refuse(&state.inner, Reason::StoreUnavailable)
        }
    }
}

/// A future polled in place that, if dropped before it finishes, is spawned to
/// run to its end; a panic in it is caught (`FutureExt::catch_unwind`) and
/// returned, like a task's [`JoinError`](tokio::task::JoinError), instead of
/// unwinding into hyper.
struct Detached<T: Send + 'static> {
    fut: Option<futures::future::BoxFuture<'static, std::thread::Result<T>>>,
}

impl<T: Send + 'static> Detached<T> {
    fn new(fut: impl std::future::Future<Output = T> + Send + 'static) -> Self {
        use futures::FutureExt;
        Self {
            fut: Some(std::panic::AssertUnwindSafe(fut).catch_unwind().boxed()),
        }
    }
}

impl<T: Send + 'static> std::future::Future for Detached<T> {
    type Output = std::thread::Result<T>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let Some(fut) = self.fut.as_mut() else {
            return std::task::Poll::Pending;
        };
        let polled = fut.as_mut().poll(cx);
        if polled.is_ready() {
            self.fut = None;
        }
        polled
    }
}

impl<T: Send + 'static> Drop for Detached<T> {
    fn drop(&mut self) {
        if let Some(fut) = self.fut.take() {
            // Without a runtime (it is shutting down) nothing can finish it.
            if let Ok(rt) = tokio::runtime::Handle::try_current() {
                drop(rt.spawn(async move {
                    let _ = fut.await;
                }));
            }
        }
    }
}

async fn method_not_allowed(State(state): State<ReceiverState>) -> Response {
    refuse(&state.inner, Reason::MethodNotAllowed)
}

/// Counts the reason and answers its rejection.
fn refuse(state: &StateInner, reason: Reason) -> Response {
    state.watch.count(reason);
    state.metrics.rejection(reason.as_str());
    reason.rejection().into_response()
}

fn accepted(duplicate: bool) -> Response {
    let body: &'static str = if duplicate {
        r#"{"status":"received","duplicate":true}"#
    } else {
        r#"{"status":"received","duplicate":false}"#
    };
    let mut res = (StatusCode::OK, body).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return false;
    };
    let Ok(text) = value.to_str() else {
        return false;
    };
    let essence = text.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
}

/// Reads the body, at most `limit` bytes; past it, reads and discards up to
/// `drain` bytes in all (so a sender that writes its whole body before reading
/// can read the 413), then answers 413.
async fn read_body(body: Body, limit: usize, drain: usize) -> Result<Bytes, Rejection> {
    let mut stream = body.into_data_stream();
    let mut first: Option<Bytes> = None;
    let mut rest: Vec<u8> = Vec::new();
    let mut total = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| Rejection::BodyUnreadable)?;
        total = total.saturating_add(chunk.len());
        if total > limit {
            while total <= drain {
                match stream.next().await {
                    Some(Ok(chunk)) => total = total.saturating_add(chunk.len()),
                    Some(Err(_)) | None => break,
                }
            }
            return Err(Rejection::PayloadTooLarge);
        }
        match &first {
            None => first = Some(chunk),
            Some(f) => {
                if rest.is_empty() {
                    rest.extend_from_slice(f);
                }
                rest.extend_from_slice(&chunk);
            }
        }
    }
    if rest.is_empty() {
        Ok(first.unwrap_or_default())
    } else {
        Ok(Bytes::from(rest))
    }
}

/// Whether a `Content-Encoding` other than `identity` is declared: the body
/// would not be the JSON text it claims to be.
fn is_encoded(headers: &HeaderMap) -> bool {
    headers.get_all(header::CONTENT_ENCODING).iter().any(|v| {
        v.to_str().map_or(true, |t| {
            t.split(',')
                .any(|c| !c.trim().is_empty() && !c.trim().eq_ignore_ascii_case("identity"))
        })
    })
}

/// Logs a signature failure at WARN, at most once a second per reason: with
/// the default log level a wrong or half-rotated key must not fail silently.
/// The reason's text is fixed (no key, no body, no header value).
fn warn_signature(state: &StateInner, family: CallbackFamily, e: &VerifyError, reason: Reason) {
    let now = u64::try_from(system_ms(SystemTime::now())).unwrap_or(0);
    if let Some(suppressed) = state.watch.may_warn(reason, now) {
        tracing::warn!(
            %family,
            reason = reason.as_str(),
            detail = %e,
            suppressed,
            "callback signature rejected (answered 401)"
        );
    }
}

/// Runs the pipeline; `Ok(duplicate)` once the callback is durably stored.
async fn handle(
    state: &StateInner,
    family: CallbackFamily,
    request: Request,
) -> Result<bool, Reason> {
    let (parts, body) = request.into_parts();
    let headers = &parts.headers;

    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > state.body_limit as u64) {
        // A sender that waits for `100 Continue` has not sent the body: nothing
        // to drain. Neither is a body larger than the drain limit read.
        let expects = headers.contains_key(header::EXPECT);
        if !expects && declared.is_some_and(|n| n <= state.drain_limit as u64) {
            let drain = read_body(body, 0, state.drain_limit);
            let _ = tokio::time::timeout(state.body_read_timeout, drain).await;
        }
        return Err(Reason::PayloadTooLarge);
    }
    if !is_json(headers) {
        return Err(Reason::UnsupportedMediaType);
    }
    if is_encoded(headers) {
        return Err(Reason::UnsupportedEncoding);
    }
    let mut read = std::pin::pin!(read_body(body, state.body_limit, state.drain_limit));
    // A small body has usually arrived with the headers: read without a timer
    // when it is all there.
    let read = match futures::poll!(read.as_mut()) {
        std::task::Poll::Ready(read) => read,
        std::task::Poll::Pending => tokio::time::timeout(state.body_read_timeout, read)
            .await
            .map_err(|_| Reason::BodyTimeout)?,
    };
    let body = read.map_err(|r| match r {
        Rejection::PayloadTooLarge => Reason::PayloadTooLarge,
        _ => Reason::BodyUnreadable,
    })?;
    // JSON is UTF-8; serde skips unknown strings without checking them.
    if std::str::from_utf8(&body).is_err() {
        return Err(Reason::NotUtf8);
    }
    // Before any parser sees it: serde_json's recursion limit does not cover
    // values skipped inside unknown fields.
    if !json_depth_within(&body, MAX_JSON_DEPTH) {
        return Err(Reason::JsonTooDeep);
    }

    let now = SystemTime::now();
    // A body without a readable key: not JSON -> 400; JSON of another shape or
    // without a task id -> 422 (`VerifyError::reason`).
    // One pass reads the key and the family evidence; when it fails, the key and
    // the evidence are read one at a time, each with its own rejection.
    let (read, foreign) = match key_and_family(family, &body) {
        Some((Ok(key), foreign)) => (Some(key), Some(foreign)),
        _ => (None, None),
    };
    let (key, signed_at): (CallbackKey, Option<i64>) = if state.keys.is_empty() {
        let key = match read {
            Some(key) => key,
            None => read_key(&body).map_err(|e| e.reason())?,
        };
        (key, None)
    } else {
        let verified = match read {
            Some(key) => verify_key(key, headers, &state.keys, now),
            None => verify(&body, headers, &state.keys, now),
        };
        match verified {
            Ok(v) => (v.key, i64::try_from(v.timestamp).ok()),
            Err(e) => {
                let reason = e.reason();
                if reason.rejection() == Rejection::Unauthorized {
                    warn_signature(state, family, &e, reason);
                }
                return Err(reason);
            }
        }
    };
    let task = Untrusted(key.task_id.as_str());
    if let Err(e) = check_task_id(key.task_id.as_str()) {
        tracing::debug!(%family, task_id = ?task, problem = %e, "callback task id rejected");
        return Err(Reason::InvalidTaskId);
    }
    let foreign = match foreign {
        Some(foreign) => foreign,
        None => foreign_family(family, &body),
    };
    if let Some(other) = foreign {
        tracing::debug!(%family, task_id = ?task, body_family = %other, "callback of another family rejected");
        return Err(Reason::WrongFamily);
    }

    // Depth already checked above.
    let callback = parse_checked(family, &body).map_err(|r| {
        tracing::debug!(%family, task_id = ?task, rejection = %r, "callback body rejected");
        match r {
            Rejection::MalformedJson => Reason::MalformedJson,
            _ => Reason::InvalidCallback,
        }
    })?;
    if callback.task_id() != &key.task_id {
        // The typed body names another task than the one signed.
        return Err(Reason::TaskIdMismatch);
    }
    let stage = Stage::of(&callback);
    let (terminal, success) = match &callback {
        Callback::Music(_) | Callback::ReplaceSection(_) => (
            stage.is_terminal(callback.code()),
            stage.is_success(callback.code()),
        ),
        _ => (callback.is_terminal(), callback.is_success()),
    };

    let store_failed = |e: crate::Error| {
        let fault = e.fault();
        if fault == Fault::Input {
            tracing::warn!(%family, task_id = ?task, error = &e as &dyn std::error::Error, "callback refused by the store as input; answering 422");
            Reason::Unstorable
        } else {
            tracing::error!(%family, task_id = ?task, %fault, error = &e as &dyn std::error::Error, "callback not stored; answering 503 so it is retried");
            Reason::StoreUnavailable
        }
    };

    if state.require_submitted
        && !state
            .store
            .is_submitted(&key.task_id)
            .await
            .map_err(store_failed)?
    {
        tracing::warn!(%family, task_id = ?task, "callback for a task this system did not submit");
        return Err(Reason::UnknownTask);
    }

    let confirmation = if state.confirming && terminal {
        Confirmation::Pending
    } else {
        Confirmation::NotRequested
    };
    let record = NewCallback {
        family,
        task_id: key.task_id.clone(),
        stage: stage.as_str().to_owned(),
        code: key
            .code
            .map(ApiCode::as_i64)
            .or(Some(callback.code().as_i64())),
        success,
        terminal,
        confirmation,
        signed: signed_at.is_some(),
        signature_timestamp: signed_at,
        received_at_ms: system_ms(now),
        headers: storable_headers(headers),
        // The typed callback as JSON (the family's own body shape, normalised).
        parsed: if state.store_parsed_json {
            serde_json::to_string(&callback).ok()
        } else {
            None
        },
        body,
    };
    let started = Instant::now();
    let recorded = state.store.record(record).await.map_err(store_failed)?;
    state.metrics.store_commit(started.elapsed());
    if recorded.queued {
        state.confirm_wake.notify_one();
    }
    match recorded.event {
        Some(cursor) => state.outcomes.notify(cursor),
        None => {
            tracing::debug!(%family, task_id = ?task, %stage, deliveries = recorded.deliveries, "repeated callback counted");
        }
    }
    Ok(!recorded.is_new())
}
