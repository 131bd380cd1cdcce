//! The axum router: one route per callback family, `POST /callbacks/{family}`, and
//! the thin handler that buffers the body and calls the pure functions.

use std::sync::Arc;
use std::time::SystemTime;

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use futures::StreamExt;
use http::{header, HeaderMap, HeaderValue, StatusCode};
use kie_suno_types::{ApiCode, CallbackFamily, CallbackKey};
use tokio::sync::Notify;

use crate::clock::system_ms;
use crate::outcomes::Outcomes;
use crate::parse::parse;
use crate::record::storable_headers;
use crate::store::Store;
use crate::verify::{read_key, verify, Keys};
use crate::{Confirmation, NewCallback, Rejection};

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
}

/// The router's state: store, keys, limits, confirmer and outcome stream.
/// Build it with `Receiver::new`; cheap to clone.
#[derive(Clone)]
pub struct ReceiverState {
    pub(crate) inner: Arc<StateInner>,
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
            .finish()
    }
}

/// The callback router: `POST /callbacks/{family}` for every family.
///
/// Per request, in order: unknown family -> 404; `Content-Length` over the limit
/// -> 413; content type not `application/json` -> 415; body over the limit ->
/// 413; not UTF-8 -> 400; with keys configured, signature checks -> 401 (400 / 422 when the body
/// has no readable task id); parse -> 400 (syntax) / 422 (shape); optional
/// unknown-task check -> 403; durable store, with a confirmation job for a
/// terminal callback when a confirmer is configured, in the same transaction
/// (failure -> 503, so KIE retries); only then 200
/// `{"status":"received","duplicate":bool}`. The confirmation runs after the 200.
/// Any other method -> 405. Every rejection is a fixed JSON body ([`Rejection`]).
pub fn router(state: ReceiverState) -> Router {
    Router::new()
        .route(
            ROUTE,
            post(receive).fallback(|| async { Rejection::MethodNotAllowed }),
        )
        .with_state(state)
}

async fn receive(
    State(state): State<ReceiverState>,
    family: Result<Path<String>, PathRejection>,
    request: Request,
) -> Response {
    let family = match family {
        Ok(Path(slug)) => CallbackFamily::from_slug(&slug),
        Err(_) => None,
    };
    let Some(family) = family else {
        return Rejection::UnknownFamily.into_response();
    };
    // The pipeline runs in a task of its own: when the sender hangs up (KIE's 15 s
    // timeout), hyper drops this handler's future, but a callback already handed to
    // the store must still be committed *and* published to subscribers and waiters;
    // otherwise its redelivery, counted as a repeat, would never be published.
    let inner = Arc::clone(&state.inner);
    let pipeline = tokio::spawn(async move { handle(&inner, family, request).await });
    match pipeline.await {
        Ok(Ok(duplicate)) => accepted(duplicate),
        Ok(Err(r)) => r.into_response(),
        Err(e) => {
            tracing::error!(%family, error = %e, "callback pipeline task failed");
            Rejection::StoreUnavailable.into_response()
        }
    }
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

async fn read_body(body: Body, limit: usize) -> Result<Bytes, Rejection> {
    let mut stream = body.into_data_stream();
    let mut first: Option<Bytes> = None;
    let mut rest: Vec<u8> = Vec::new();
    let mut total = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| Rejection::BodyUnreadable)?;
        total = total.saturating_add(chunk.len());
        if total > limit {
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

/// Runs the pipeline; `Ok(duplicate)` once the callback is durably stored.
async fn handle(
    state: &StateInner,
    family: CallbackFamily,
    request: Request,
) -> Result<bool, Rejection> {
    let (parts, body) = request.into_parts();
    let headers = &parts.headers;

    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > state.body_limit as u64) {
        return Err(Rejection::PayloadTooLarge);
    }
    if !is_json(headers) {
        return Err(Rejection::UnsupportedMediaType);
    }
    let body = read_body(body, state.body_limit).await?;
    // JSON is UTF-8; serde skips unknown strings without checking them.
    if std::str::from_utf8(&body).is_err() {
        return Err(Rejection::MalformedJson);
    }

    let now = SystemTime::now();
    // A body without a readable key: not JSON -> 400; JSON of another shape or
    // without a task id -> 422 (`VerifyError::rejection`).
    let (key, signed_at): (CallbackKey, Option<i64>) = if state.keys.is_empty() {
        let key = read_key(&body).map_err(|e| e.rejection())?;
        (key, None)
    } else {
        match verify(&body, headers, &state.keys, now) {
            Ok(v) => (v.key, i64::try_from(v.timestamp).ok()),
            Err(e) => {
                let rejection = e.rejection();
                if rejection == Rejection::Unauthorized {
                    tracing::debug!(%family, reason = %e, "callback signature rejected");
                }
                return Err(rejection);
            }
        }
    };

    let callback = parse(family, &body).inspect_err(|r| {
        tracing::debug!(%family, task_id = %key.task_id, rejection = %r, "callback body rejected");
    })?;
    if callback.task_id() != &key.task_id {
        // The typed body names another task than the one signed.
        return Err(Rejection::InvalidCallback);
    }

    if state.require_submitted {
        match state.store.is_submitted(&key.task_id).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(%family, task_id = %key.task_id, "callback for a task this system did not submit");
                return Err(Rejection::UnknownTask);
            }
            Err(e) => {
                tracing::error!(
                    error = &e as &dyn std::error::Error,
                    "store unavailable while checking submitted tasks"
                );
                return Err(Rejection::StoreUnavailable);
            }
        }
    }

    let terminal = callback.is_terminal();
    let success = callback.is_success();
    let confirmation = if state.confirming && terminal {
        Confirmation::Pending
    } else {
        Confirmation::NotRequested
    };
    let record = NewCallback {
        family,
        task_id: key.task_id.clone(),
        stage: key.stage.clone(),
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
    let recorded = state.store.record(record).await.map_err(|e| {
        tracing::error!(%family, task_id = %key.task_id, error = &e as &dyn std::error::Error, "callback not stored; answering 503 so it is retried");
        Rejection::StoreUnavailable
    })?;
    if recorded.queued {
        state.confirm_wake.notify_one();
    }
    match recorded.event {
        Some(cursor) => state.outcomes.notify(cursor),
        None => {
            tracing::debug!(%family, task_id = %key.task_id, stage = %key.stage, deliveries = recorded.deliveries, "repeated callback counted");
        }
    }
    Ok(!recorded.is_new())
}
