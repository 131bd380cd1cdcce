//! The simulator's own routes: `GET /sim/files/...` serves the generated stand-ins
//! and the uploads while they are kept (`SimConfig::retention`; a download link of
//! `download-url` for its 20 minutes), with single byte ranges (`Range: bytes=N-`,
//! `bytes=N-M`, `bytes=-N`: 206 with `Content-Range`, 416 past the end), a strong
//! `ETag` of the content and `If-Range` (a range is served only while the tag
//! still matches, else the whole file), so resumed downloads can be tested;
//! `POST /sim/sink` acknowledges any callback.

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
///
/// With `If-Range`, the range is served only when it names this content's
/// `ETag` (a date, or another tag, gets the whole file: RFC 9110 13.1.5).
fn ranged(headers: &HeaderMap, mime: String, bytes: bytes::Bytes) -> Response {
    let len = bytes.len() as u64;
    let tag = etag(&bytes);
    let current = headers
        .get(header::IF_RANGE)
        .is_none_or(|v| v.as_bytes() == tag.as_bytes());
    let wanted = headers
        .get(header::RANGE)
        .filter(|_| current)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_range(v, len));
    match wanted {
        None => (
            [
                (header::CONTENT_TYPE, mime),
                (header::ACCEPT_RANGES, "bytes".to_owned()),
                (header::ETAG, tag),
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
                    (header::ETAG, tag),
                ],
                part,
            )
                .into_response()
        }
    }
}

/// A strong entity tag of the content (the same bytes, the same tag).
fn etag(bytes: &[u8]) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    format!("\"{:016x}-{:x}\"", h.finish(), bytes.len())
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
#[allow(clippy::unwrap_used)] // tests may unwrap
mod tests {
    use super::{parse_range, ranged};
    use axum::http::{header, HeaderMap, HeaderValue, StatusCode};

    fn answer(range: Option<&str>, if_range: Option<&str>) -> (StatusCode, HeaderMap) {
        let mut headers = HeaderMap::new();
        for (name, value) in [(header::RANGE, range), (header::IF_RANGE, if_range)] {
            if let Some(v) = value {
                headers.insert(name, HeaderValue::from_str(v).unwrap());
            }
        }
        let body = bytes::Bytes::from_static(b"0123456789");
        let res = ranged(&headers, "audio/mpeg".to_owned(), body);
        (res.status(), res.headers().clone())
    }

    #[test]
    fn if_range_serves_the_range_only_for_the_current_tag() {
        let (status, headers) = answer(None, None);
        assert_eq!(status, StatusCode::OK);
        let tag = headers[header::ETAG].to_str().unwrap().to_owned();
        assert!(
            tag.starts_with('"') && tag.ends_with('"'),
            "a strong tag: {tag}"
        );

        let (status, headers) = answer(Some("bytes=4-"), Some(&tag));
        assert_eq!(status, StatusCode::PARTIAL_CONTENT);
        assert_eq!(headers[header::CONTENT_RANGE], "bytes 4-9/10");
        assert_eq!(headers[header::ETAG], tag.as_str());
        // Another tag, a weak form of this one, or a date: the whole file.
        for other in [
            "\"0000\"",
            &format!("W/{tag}"),
            "Tue, 01 Dec 2026 10:00:00 GMT",
        ] {
            let (status, headers) = answer(Some("bytes=4-"), Some(other));
            assert_eq!(status, StatusCode::OK, "{other}");
            assert!(!headers.contains_key(header::CONTENT_RANGE), "{other}");
        }
        // A stale tag also turns a range past the end into the whole file, not 416.
        assert_eq!(
            answer(Some("bytes=50-"), Some("\"0000\"")).0,
            StatusCode::OK
        );
        assert_eq!(
            answer(Some("bytes=50-"), Some(&tag)).0,
            StatusCode::RANGE_NOT_SATISFIABLE
        );
    }

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
