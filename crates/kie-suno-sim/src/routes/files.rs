//! The simulator's own routes: `GET /sim/files/...` serves the generated stand-ins
//! and the uploads, `POST /sim/sink` acknowledges any callback.

use axum::extract::{Path, State};
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

async fn serve(State(state): State<SimState>, Path(path): Path<String>) -> Response {
    match crate::files::lookup(&state.inner.uploads, &path) {
        Some((mime, bytes)) => ([(header::CONTENT_TYPE, mime)], bytes).into_response(),
        None => (StatusCode::NOT_FOUND, "no such simulated file").into_response(),
    }
}

async fn sink() -> Response {
    json_response(StatusCode::OK, r#"{"status":"received"}"#)
}
