//! The simulator's own routes: `GET /sim/files/...` serves the generated stand-ins
//! and the uploads while they are kept (`SimConfig::retention`; a download link of
//! `download-url` for its 20 minutes), with single byte ranges (`Range: bytes=N-`,
//! `bytes=N-M`, `bytes=-N`: 206 with `Content-Range`, 416 past the end) so resumed
//! downloads can be tested; `POST /sim/sink` acknowledges any callback.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use super::envelope::json_response;
use crate::state::SimState;

/// Adds `/sim/files/{*path}` and `/sim/sink`.
pub(crate) fn routes(router: Router<SimState>) -> Router<SimState> {
    router
        .route("/sim/files/{*path}", get(serve))
        .route("/sim/sink", post(sink))
}

async fn serve(
    State(state): State<SimState>,
    Path(path): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let shared = &state.inner;
    let link_expired = query
        .get("expires")
        .and_then(|e| e.parse::<i64>().ok())
        .is_some_and(|at| shared.config.clock.now().timestamp() > at);
    if link_expired || !shared.file_alive(&path) {
        return (StatusCode::NOT_FOUND, "file expired").into_response();
    }
    match crate::files::lookup(&shared.uploads, &path) {
        Some((mime, bytes)) => ranged(&headers, mime, bytes),
        None => (StatusCode::NOT_FOUND, "no such simulated file").into_response(),
    }
}

/// The whole file (200), the part a single `Range` asks for (206 with
/// `Content-Range`), or 416 when the range starts past the end. A `Range` this does
/// not understand (another unit, several ranges) is ignored, as RFC 9110 allows.
fn ranged(headers: &HeaderMap, mime: String, bytes: bytes::Bytes) -> Response {
    let len = bytes.len() as u64;
    let wanted = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_range(v, len));
    match wanted {
        None => (
            [
                (header::CONTENT_TYPE, mime),
                (header::ACCEPT_RANGES, "bytes".to_owned()),
            ],
            bytes,
        )
            .into_response(),
        Some(Err(())) => (
            StatusCode::RANGE_NOT_SATISFIABLE,
            [(header::CONTENT_RANGE, format!("bytes */{len}"))],
        )
            .into_response(),
        Some(Ok((start, end))) => {
            let part = bytes.slice(start as usize..=end as usize);
            (
                StatusCode::PARTIAL_CONTENT,
                [
                    (header::CONTENT_TYPE, mime),
                    (header::ACCEPT_RANGES, "bytes".to_owned()),
                    (header::CONTENT_RANGE, format!("bytes {start}-{end}/{len}")),
                ],
                part,
            )
                .into_response()
        }
    }
}

/// One `bytes=` range over a body of `len` bytes: `None` to ignore the header,
/// `Some(Err(()))` when it cannot be satisfied, else the inclusive `(start, end)`.
fn parse_range(value: &str, len: u64) -> Option<Result<(u64, u64), ()>> {
    let spec = value.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (first, last) = spec.split_once('-')?;
    let (first, last) = (first.trim(), last.trim());
    if first.is_empty() {
        // A suffix: the last N bytes.
        let n: u64 = last.parse().ok()?;
        if n == 0 || len == 0 {
            return Some(Err(()));
        }
        return Some(Ok((len.saturating_sub(n), len - 1)));
    }
    let start: u64 = first.parse().ok()?;
    let end = if last.is_empty() {
        len.saturating_sub(1)
    } else {
        let end: u64 = last.parse().ok()?;
        if end < start {
            return None;
        }
        end.min(len.saturating_sub(1))
    };
    if start >= len {
        return Some(Err(()));
    }
    Some(Ok((start, end)))
}

async fn sink() -> Response {
    json_response(StatusCode::OK, r#"{"status":"received"}"#)
}

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn byte_ranges() {
        assert_eq!(parse_range("bytes=10-", 100), Some(Ok((10, 99))));
        assert_eq!(parse_range("bytes=10-19", 100), Some(Ok((10, 19))));
        assert_eq!(parse_range("bytes=90-200", 100), Some(Ok((90, 99))));
        assert_eq!(parse_range("bytes=-10", 100), Some(Ok((90, 99))));
        assert_eq!(parse_range("bytes=100-", 100), Some(Err(())));
        assert_eq!(parse_range("bytes=0-", 0), Some(Err(())));
        assert_eq!(parse_range("bytes=5-1", 100), None);
        assert_eq!(parse_range("bytes=0-1,5-6", 100), None);
        assert_eq!(parse_range("items=0-1", 100), None);
        assert_eq!(parse_range("bytes=x-", 100), None);
    }
}
