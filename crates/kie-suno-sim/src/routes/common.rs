//! The common API: `GET /api/v1/chat/credit` (the balance) and
//! `POST /api/v1/common/download-url` (a download link for one of this simulator's
//! files while it is kept, valid 20 minutes).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use kie_suno_types::{ApiCode, DownloadUrlRequest, Endpoint};
use serde_json::json;

use super::envelope::{gate, reject, success, Reject};
use crate::state::SimState;

/// Adds the common routes.
pub(crate) fn routes(router: Router<SimState>) -> Router<SimState> {
    router
        .route(Endpoint::Credits.path(), get(credits))
        .route(Endpoint::DownloadUrl.path(), post(download_url))
}

async fn credits(State(state): State<SimState>, headers: HeaderMap) -> Response {
    let shared = &state.inner;
    shared.count_request(Endpoint::Credits);
    if let Err(r) = gate(shared, &headers) {
        return reject(shared, r);
    }
    success(json!(shared.balance()))
}

async fn download_url(State(state): State<SimState>, headers: HeaderMap, body: Bytes) -> Response {
    let shared = &state.inner;
    shared.count_request(Endpoint::DownloadUrl);
    if let Err(r) = gate(shared, &headers) {
        return reject(shared, r);
    }
    let req: DownloadUrlRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return reject(shared, Reject::validation(e.to_string())),
    };
    let Some(path) = shared.own_file_path(req.url().as_str()) else {
        return reject(
            shared,
            Reject::validation(
                "Validation Error - Invalid URL (External file URLs are not supported)",
            ),
        );
    };
    if !shared.file_alive(path) {
        return reject(
            shared,
            Reject::new(
                ApiCode::NotFound,
                "Not Found - The file has expired (generated files are kept 14 days)",
            ),
        );
    }
    let expires = shared.config.clock.now().timestamp() + 20 * 60;
    success(json!(format!(
        "{}/sim/files/{path}?download=1&expires={expires}",
        shared.files_base
    )))
}
