//! The file-upload host's three endpoints (`POST /api/file-base64-upload`,
//! `/api/file-url-upload`, `/api/file-stream-upload`), with that host's own envelope.
//! Uploaded bytes are kept in memory and served back at their `downloadUrl`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use base64::Engine as _;
use kie_suno_types::{
    ApiCode, Endpoint, FileUploadBase64Request, FileUploadResponse, FileUploadResult,
    FileUploadUrlRequest, KieTime, TaskId,
};

use super::parents::task_of_url;
use crate::config::ErrorStatus;
use crate::files::Upload;
use crate::state::{Shared, SimState};

/// The largest upload body accepted (other calls keep axum's 2 MiB default).
const UPLOAD_BODY_MAX: usize = 64 * 1024 * 1024;

/// Adds the three upload routes.
pub(crate) fn routes(router: Router<SimState>) -> Router<SimState> {
    router
        .route(
            Endpoint::FileUploadBase64.path(),
            post(base64_upload).layer(DefaultBodyLimit::max(UPLOAD_BODY_MAX)),
        )
        .route(Endpoint::FileUploadUrl.path(), post(url_upload))
        .route(
            Endpoint::FileUploadStream.path(),
            post(stream_upload).layer(DefaultBodyLimit::max(UPLOAD_BODY_MAX)),
        )
}

fn answer(shared: &Shared, status: StatusCode, body: &FileUploadResponse) -> Response {
    if !body.is_success() {
        shared.count_rejection(body.code);
    }
    let status = match shared.config.error_status {
        ErrorStatus::Mirror => status,
        ErrorStatus::AlwaysOk => StatusCode::OK,
    };
    let json = serde_json::to_vec(body).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, "application/json")], json).into_response()
}

fn bad_request(shared: &Shared, msg: impl Into<String>) -> Response {
    answer(
        shared,
        StatusCode::BAD_REQUEST,
        &FileUploadResponse::error(ApiCode::BadRequest, msg),
    )
}

/// Auth for the upload host; its 401 body is the upload pages' own.
fn check_auth(shared: &Shared, headers: &HeaderMap) -> Option<Response> {
    if crate::auth::authorized(&shared.config.auth, headers) {
        None
    } else {
        Some(answer(
            shared,
            StatusCode::UNAUTHORIZED,
            &FileUploadResponse::error(
                ApiCode::Unauthorized,
                "Authentication failed: Invalid API Key",
            ),
        ))
    }
}

fn mime_for(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("mp3") => "audio/mpeg",
        Some("wav") => "audio/wav",
        Some("m4a") => "audio/mp4",
        Some("flac") => "audio/flac",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("mp4") => "video/mp4",
        Some("txt") => "text/plain",
        Some("json") => "application/json",
        Some("pdf") => "application/pdf",
        _ => "application/octet-stream",
    }
}

fn ext_for(mime: &str) -> &'static str {
    match mime {
        "audio/mpeg" => "mp3",
        "audio/wav" | "audio/x-wav" => "wav",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "video/mp4" => "mp4",
        "text/plain" => "txt",
        _ => "bin",
    }
}

/// Stores the bytes (with the task they were copied from, if any) and answers with
/// the documented result shape.
fn store(
    shared: &Arc<Shared>,
    path: &str,
    file_name: Option<&str>,
    mime: Option<String>,
    (bytes, origin): (Bytes, Option<TaskId>),
) -> Response {
    let name = match file_name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => n.to_owned(),
        None => {
            let id = shared.new_task_id();
            let ext = mime.as_deref().map(ext_for).unwrap_or("bin");
            format!("{}.{ext}", &id.as_str()[..16])
        }
    };
    if name.contains('/') {
        return bad_request(shared, "fileName must not contain '/'");
    }
    let mime = mime.unwrap_or_else(|| mime_for(&name).to_owned());
    let file_path = format!("{path}/{name}");
    let size = bytes.len() as u64;
    let now = shared.config.clock.now();
    shared.uploads.insert(
        file_path.clone(),
        Upload {
            mime: mime.clone(),
            bytes,
            uploaded_at: now,
            origin,
        },
    );
    let mut result = FileUploadResult::default();
    result.download_url = Some(format!(
        "{}/sim/files/uploads/{file_path}",
        shared.files_base
    ));
    result.file_name = Some(name);
    result.file_path = Some(file_path);
    result.file_size = Some(size);
    result.mime_type = Some(mime);
    result.uploaded_at = Some(KieTime::Text(
        now.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
    ));
    answer(shared, StatusCode::OK, &FileUploadResponse::success(result))
}

/// `POST /api/file-base64-upload`: pure base64 or a `data:<mime>;base64,` URL.
async fn base64_upload(State(state): State<SimState>, headers: HeaderMap, body: Bytes) -> Response {
    let shared = &state.inner;
    shared.count_request(Endpoint::FileUploadBase64);
    if let Some(r) = check_auth(shared, &headers) {
        return r;
    }
    let req: FileUploadBase64Request = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return bad_request(shared, e.to_string()),
    };
    let data = req.base64_data().trim();
    let (mime, payload) = match data
        .strip_prefix("data:")
        .and_then(|d| d.split_once(";base64,"))
    {
        Some((mime, payload)) => (Some(mime.to_owned()), payload),
        None => (None, data),
    };
    let bytes = match base64::engine::general_purpose::STANDARD.decode(payload) {
        Ok(b) => Bytes::from(b),
        Err(_) => return bad_request(shared, "Base64 decoding failed: Invalid Base64 format"),
    };
    store(
        shared,
        req.upload_path().as_str(),
        req.file_name(),
        mime,
        (bytes, None),
    )
}

/// `POST /api/file-url-upload`. The simulator never fetches from the network: a URL
/// of its own files is copied, any other URL is stored as an empty file.
async fn url_upload(State(state): State<SimState>, headers: HeaderMap, body: Bytes) -> Response {
    let shared = &state.inner;
    shared.count_request(Endpoint::FileUploadUrl);
    if let Some(r) = check_auth(shared, &headers) {
        return r;
    }
    let req: FileUploadUrlRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return bad_request(shared, e.to_string()),
    };
    let url = req.file_url().as_str();
    // An expired file of the simulator's is gone, as an unreachable URL is.
    let (mime, bytes) = match shared
        .own_file_path(url)
        .filter(|rest| shared.file_alive(rest))
        .and_then(|rest| crate::files::lookup(&shared.uploads, rest))
    {
        Some((mime, bytes)) => (Some(mime), bytes),
        None => (None, Bytes::new()),
    };
    let origin = task_of_url(shared, url);
    let name = req.file_name().map(str::to_owned).or_else(|| {
        url.split(['?', '#'])
            .next()
            .and_then(|u| u.rsplit('/').next())
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
    });
    store(
        shared,
        req.upload_path().as_str(),
        name.as_deref(),
        mime,
        (bytes, origin),
    )
}

/// `POST /api/file-stream-upload` (multipart: `file`, `uploadPath`, `fileName`).
async fn stream_upload(
    State(state): State<SimState>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let shared = &state.inner;
    shared.count_request(Endpoint::FileUploadStream);
    if let Some(r) = check_auth(shared, &headers) {
        return r;
    }
    let mut multipart = match multipart {
        Ok(m) => m,
        Err(e) => return bad_request(shared, e.body_text()),
    };
    let mut file: Option<(Option<String>, Option<String>, Bytes)> = None;
    let mut path: Option<String> = None;
    let mut name: Option<String> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return bad_request(shared, e.body_text()),
        };
        let field_name = field.name().unwrap_or_default().to_owned();
        let original = field.file_name().map(str::to_owned);
        let mime = field.content_type().map(str::to_owned);
        let data = match field.bytes().await {
            Ok(d) => d,
            Err(e) => return bad_request(shared, e.body_text()),
        };
        match field_name.as_str() {
            "file" => file = Some((original, mime, data)),
            "uploadPath" => path = Some(String::from_utf8_lossy(&data).into_owned()),
            "fileName" => name = Some(String::from_utf8_lossy(&data).into_owned()),
            _ => {}
        }
    }
    let Some((original, mime, data)) = file else {
        return bad_request(shared, "Missing required parameter: file");
    };
    let path = match path.map(kie_suno_types::UploadPath::new) {
        Some(Ok(p)) => p,
        Some(Err(e)) => return bad_request(shared, e.to_string()),
        None => return bad_request(shared, "Missing required parameter: uploadPath"),
    };
    let mime = mime.filter(|m| m != "application/octet-stream");
    store(
        shared,
        path.as_str(),
        name.or(original).as_deref(),
        mime,
        (data, None),
    )
}
