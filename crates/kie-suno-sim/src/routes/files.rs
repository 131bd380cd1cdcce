//! The simulator's own routes: `GET /sim/files/...` serves the generated stand-ins
//! and the uploads while they are kept (`SimConfig::retention`; a download link of
//! `download-url` for its 20 minutes), `POST /sim/sink` acknowledges any callback.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
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
        Some((mime, bytes)) => ([(header::CONTENT_TYPE, mime)], bytes).into_response(),
        None => (StatusCode::NOT_FOUND, "no such simulated file").into_response(),
    }
}

async fn sink() -> Response {
    json_response(StatusCode::OK, r#"{"status":"received"}"#)
}
