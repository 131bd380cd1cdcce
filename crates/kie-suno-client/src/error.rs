//! The crate's one error type, [`ClientError`], and the details it carries.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use http::StatusCode;
use kie_suno_types::{ApiCode, CodeMeaning, Endpoint, TaskId, ValidationError};

/// Shorthand for `Result<T, ClientError>`.
pub type Result<T, E = ClientError> = std::result::Result<T, E>;

/// How many bytes of a response body a [`DecodeError`] or an [`ApiError`] keeps.
pub const BODY_EXCERPT_BYTES: usize = 512;

/// The server answered, and refused or failed the request.
///
/// Keeps the HTTP status, the envelope `code` and `msg`, and what the code means
/// on the endpoint that answered (see the code table in the crate docs).
///
/// The client builds these; [`new`](Self::new) and the `with_` setters are there
/// for your own tests (e.g. a fake that returns `ClientError::Server(..)`).
///
/// ```
/// use kie_suno_client::reqwest::StatusCode;
/// use kie_suno_client::types::{ApiCode, CodeMeaning};
/// use kie_suno_client::{ApiError, ClientError};
///
/// let e = ApiError::new("/api/v1/generate", StatusCode::OK, CodeMeaning::Server)
///     .with_code(ApiCode::ServerError)
///     .with_msg("Server Error");
/// assert_eq!(e.status(), StatusCode::OK);
/// assert!(ClientError::Server(e).is_retryable());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    pub(crate) endpoint: Option<Endpoint>,
    pub(crate) path: String,
    pub(crate) status: StatusCode,
    pub(crate) code: Option<ApiCode>,
    pub(crate) meaning: CodeMeaning,
    pub(crate) msg: String,
    pub(crate) retry_after: Option<Duration>,
}

impl ApiError {
    /// An answer of `status` from `path` whose code means `meaning`; no endpoint,
    /// code, message or `Retry-After` until set.
    pub fn new(path: impl Into<String>, status: StatusCode, meaning: CodeMeaning) -> Self {
        Self {
            endpoint: None,
            path: path.into(),
            status,
            code: None,
            meaning,
            msg: String::new(),
            retry_after: None,
        }
    }

    /// Sets the endpoint that answered. Default: none.
    pub fn with_endpoint(mut self, endpoint: Endpoint) -> Self {
        self.endpoint = Some(endpoint);
        self
    }

    /// Sets the envelope `code`. Default: none (read from the HTTP status alone).
    pub fn with_code(mut self, code: ApiCode) -> Self {
        self.code = Some(code);
        self
    }

    /// Sets the envelope `msg`. Default: empty.
    pub fn with_msg(mut self, msg: impl Into<String>) -> Self {
        self.msg = msg.into();
        self
    }

    /// Sets the server's `Retry-After`. Default: none.
    pub fn with_retry_after(mut self, retry_after: Duration) -> Self {
        self.retry_after = Some(retry_after);
        self
    }

    /// The endpoint called, when it is one of the documented ones.
    pub fn endpoint(&self) -> Option<Endpoint> {
        self.endpoint
    }

    /// The request path, e.g. `/api/v1/lyrics`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The envelope `code`; `None` when the body was not an envelope (the error was
    /// read from the HTTP status alone).
    pub fn code(&self) -> Option<ApiCode> {
        self.code
    }

    /// What the code means on this endpoint.
    pub fn meaning(&self) -> CodeMeaning {
        self.meaning
    }

    /// The envelope `msg`, or a bounded excerpt of the body when there was no
    /// envelope; empty when the server sent none.
    pub fn msg(&self) -> &str {
        &self.msg
    }

    /// The server's `Retry-After`, when it sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} answered http {}", self.path, self.status.as_u16())?;
        if let Some(code) = self.code {
            write!(f, " with code {code}")?;
        }
        if !self.msg.is_empty() {
            write!(f, ": {}", self.msg)?;
        }
        Ok(())
    }
}

/// A response that could not be read as the expected type.
///
/// When the body did not match the type, [`source`](std::error::Error::source)
/// is the `serde_json::Error`; [`message`](Self::message) is its text either way.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DecodeError {
    pub(crate) endpoint: Option<Endpoint>,
    pub(crate) path: String,
    pub(crate) status: StatusCode,
    pub(crate) json_path: String,
    pub(crate) message: String,
    pub(crate) body_excerpt: String,
    pub(crate) source: Option<Arc<serde_json::Error>>,
}

impl DecodeError {
    /// An answer of `status` from `path` that was wrong at `json_path` (`.` for the
    /// whole body) for the reason `message`; no endpoint, body excerpt or source
    /// until set.
    pub fn new(
        path: impl Into<String>,
        status: StatusCode,
        json_path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            endpoint: None,
            path: path.into(),
            status,
            json_path: json_path.into(),
            message: message.into(),
            body_excerpt: String::new(),
            source: None,
        }
    }

    /// A body that did not match the type: the message is `source`'s.
    pub(crate) fn json(
        path: &str,
        status: StatusCode,
        json_path: String,
        source: serde_json::Error,
    ) -> Self {
        let mut e = Self::new(path, status, json_path, source.to_string());
        e.source = Some(Arc::new(source));
        e
    }

    /// Sets the endpoint that answered. Default: none.
    pub fn with_endpoint(mut self, endpoint: Endpoint) -> Self {
        self.endpoint = Some(endpoint);
        self
    }

    /// Keeps the first [`BODY_EXCERPT_BYTES`] bytes of `body` (cut at a character
    /// boundary). Default: empty.
    pub fn with_body(mut self, body: &[u8]) -> Self {
        self.body_excerpt = excerpt(body);
        self
    }

    /// The endpoint called, when it is one of the documented ones.
    pub fn endpoint(&self) -> Option<Endpoint> {
        self.endpoint
    }

    /// The request path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// JSON path of the first mismatch, e.g. `data.response.data[0].status`
    /// (`.` when the body is not JSON at all).
    pub fn json_path(&self) -> &str {
        &self.json_path
    }

    /// What was wrong there.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The first [`BODY_EXCERPT_BYTES`] bytes of the body (cut at a character
    /// boundary, `…` when cut).
    pub fn body_excerpt(&self) -> &str {
        &self.body_excerpt
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot decode the answer of {} (http {}) at {}: {}",
            self.path,
            self.status.as_u16(),
            self.json_path,
            self.message
        )
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// A task that reached a failure status (or was reported failed by a callback).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TaskFailure {
    pub(crate) task_id: TaskId,
    pub(crate) status: Option<String>,
    pub(crate) code: Option<i64>,
    pub(crate) message: Option<String>,
}

impl TaskFailure {
    /// `task_id` failed; no status, code or message until set.
    pub fn new(task_id: TaskId) -> Self {
        Self {
            task_id,
            status: None,
            code: None,
            message: None,
        }
    }

    /// Sets the status as the server spelled it. Default: none (a callback).
    pub fn with_status(mut self, status: impl Into<String>) -> Self {
        self.status = Some(status.into());
        self
    }

    /// Sets the task's error code. Default: none.
    pub fn with_code(mut self, code: i64) -> Self {
        self.code = Some(code);
        self
    }

    /// Sets the server's message. Default: none.
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// The task.
    pub fn task_id(&self) -> &TaskId {
        &self.task_id
    }

    /// The status as the server spelled it, e.g. `SENSITIVE_WORD_ERROR`, or `None`
    /// when the failure came from a callback, which has no status field.
    pub fn status(&self) -> Option<&str> {
        self.status.as_deref()
    }

    /// The task's error code (record-info `errorCode`, or the callback `code`).
    pub fn code(&self) -> Option<i64> {
        self.code
    }

    /// The server's message, when it gave one.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// Whether the task was rejected by the content filter (`SENSITIVE_WORD_ERROR`).
    pub fn is_content_policy(&self) -> bool {
        self.status.as_deref() == Some("SENSITIVE_WORD_ERROR")
    }
}

impl fmt::Display for TaskFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "task {} failed", self.task_id)?;
        match (&self.status, self.code) {
            (Some(s), Some(c)) => write!(f, " with status {s} (code {c})")?,
            (Some(s), None) => write!(f, " with status {s}")?,
            (None, Some(c)) => write!(f, " with code {c}")?,
            (None, None) => {}
        }
        if let Some(m) = self.message.as_deref().filter(|m| !m.is_empty()) {
            write!(f, ": {m}")?;
        }
        Ok(())
    }
}

/// Why a [`Client`](crate::Client) could not be configured, in
/// [`ClientError::Config`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A required environment variable is unset or blank.
    #[error("{0} is not set")]
    MissingEnv(&'static str),
    /// [`ClientBuilder::build`](crate::ClientBuilder::build) without an api key.
    #[error("no api key given")]
    MissingApiKey,
    /// The api key is empty or blank.
    #[error("the api key is empty")]
    EmptyApiKey,
    /// The api key cannot be sent in a header (the key itself is not kept).
    #[error("the api key contains characters not allowed in a header")]
    InvalidApiKey(#[source] http::header::InvalidHeaderValue),
    /// The user agent cannot be sent in a header.
    #[error("the user agent is not a valid header value")]
    InvalidUserAgent(#[source] http::header::InvalidHeaderValue),
    /// A base URL does not parse.
    #[error("invalid {what} {url:?}: {source}")]
    #[non_exhaustive]
    InvalidUrl {
        /// Which URL (`base url`, `upload base url`).
        what: &'static str,
        /// The URL as given.
        url: String,
        /// Why it does not parse.
        #[source]
        source: url::ParseError,
    },
    /// A base URL is not `http` or `https`, or has no host.
    #[error("invalid {what} {url:?}: not an http(s) url with a host")]
    #[non_exhaustive]
    UnsupportedUrl {
        /// Which URL (`base url`, `upload base url`).
        what: &'static str,
        /// The URL as given.
        url: String,
    },
    /// An `https` URL on a client built without a TLS feature, with the reqwest
    /// client it built itself.
    #[error(
        "{what} {url:?} is https, but kie-suno-client was built without tls: enable its \
         `rustls-tls`, `rustls-tls-native-roots` or `native-tls` feature, or pass a reqwest \
         client with tls to `ClientBuilder::http_client`"
    )]
    #[non_exhaustive]
    TlsDisabled {
        /// Which URL (`base url`, `upload base url`).
        what: &'static str,
        /// The URL as given.
        url: String,
    },
    /// reqwest refused to build its client.
    #[error("cannot build the http client: {0}")]
    HttpClient(#[source] reqwest::Error),
}

/// Everything that can go wrong. Match on the variant; the predicates
/// ([`is_retryable`](Self::is_retryable), [`code`](Self::code), ...) work across them.
///
/// The API key never appears in any variant: it lives only in the `Authorization`
/// header, which neither reqwest's errors nor ours print.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// Missing or invalid API key (401).
    #[error("unauthorized: {0}")]
    Unauthorized(ApiError),
    /// The account has too few credits (402; 429 on the lyrics endpoint).
    #[error("insufficient credits: {0}")]
    InsufficientCredits(ApiError),
    /// The server refused the request for its rate (429, 430; 405 on the lyrics
    /// endpoint). Refused requests do not enter the queue.
    #[error("rate limited: {0}")]
    RateLimited(ApiError),
    /// The service is under maintenance (455).
    #[error("service under maintenance: {0}")]
    Maintenance(ApiError),
    /// The request failed validation (422; also 400 invalid parameters and, on the
    /// lyrics endpoint, 413 prompt too long).
    #[error("request rejected as invalid: {0}")]
    Validation(ApiError),
    /// The content or an input was rejected (451).
    #[error("rejected by content policy: {0}")]
    ContentPolicy(ApiError),
    /// A server-side failure (500, 501, 505, 531, other 5xx; 408 upstream timeout).
    #[error("server error: {0}")]
    Server(ApiError),
    /// Any other code (404, 405 method not allowed, 409 conflict, 433 sub-key
    /// limit, unknown codes).
    #[error("api error: {0}")]
    Api(ApiError),
    /// The request did not complete at the transport level.
    #[error("transport error calling {path}: {source}")]
    #[non_exhaustive]
    Transport {
        /// The request path.
        path: String,
        /// Whether the connection failed before the request was sent.
        connect: bool,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// A request, or the whole retry sequence, ran out of time.
    #[error("timed out calling {path}")]
    #[non_exhaustive]
    Timeout {
        /// The request path.
        path: String,
        /// The underlying error, when reqwest's own timeout fired.
        #[source]
        source: Option<reqwest::Error>,
    },
    /// The answer could not be read as the expected type.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// The request was refused before it was sent (a value broke a documented rule).
    #[error("invalid request: {0}")]
    InvalidRequest(#[from] ValidationError),
    /// The request body could not be serialised as JSON (a body of your own given
    /// to [`Client::call`](crate::Client::call) or [`Raw::post`](crate::Raw::post)).
    #[error("cannot serialise the request body: {0}")]
    Encode(#[source] serde_json::Error),
    /// A local file to upload could not be read.
    #[error("cannot read {}: {source}", path.display())]
    #[non_exhaustive]
    ReadFile {
        /// The file.
        path: PathBuf,
        /// Why it could not be read.
        #[source]
        source: std::io::Error,
    },
    /// The client could not be configured (missing environment variable, bad URL,
    /// an `https` URL without TLS).
    #[error("invalid client configuration: {0}")]
    Config(#[from] ConfigError),
    /// A waited-for task reached a failure status.
    #[error("{0}")]
    TaskFailed(Box<TaskFailure>),
    /// A waited-for task reported success but carried no result (no lyrics, no tracks).
    #[error("task {task_id} reported {status} but carried no result")]
    #[non_exhaustive]
    EmptyResult {
        /// The task.
        task_id: TaskId,
        /// The status it reported.
        status: String,
    },
    /// A waiter gave up: the task was still running at the deadline.
    #[error("gave up waiting for task {task_id} after {waited:.1?} (last status {})", last_status.as_deref().unwrap_or("unknown"))]
    #[non_exhaustive]
    WaitDeadline {
        /// The task.
        task_id: TaskId,
        /// How long the waiter waited.
        waited: Duration,
        /// The last status seen.
        last_status: Option<String>,
    },
    /// A waiter's poll request failed (after the client's own retries).
    #[error("polling task {task_id} failed: {source}")]
    #[non_exhaustive]
    PollFailed {
        /// The task.
        task_id: TaskId,
        /// Why the poll failed.
        #[source]
        source: Box<ClientError>,
    },
}

impl ClientError {
    /// The [`ApiError`] of the API-level variants.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Self::Unauthorized(e)
            | Self::InsufficientCredits(e)
            | Self::RateLimited(e)
            | Self::Maintenance(e)
            | Self::Validation(e)
            | Self::ContentPolicy(e)
            | Self::Server(e)
            | Self::Api(e) => Some(e),
            Self::PollFailed { source, .. } => source.api(),
            _ => None,
        }
    }

    /// The envelope `code`, when the server sent one.
    pub fn code(&self) -> Option<ApiCode> {
        self.api().and_then(ApiError::code)
    }

    /// What the code means on the endpoint that answered.
    pub fn meaning(&self) -> Option<CodeMeaning> {
        self.api().map(ApiError::meaning)
    }

    /// The HTTP status, when the server answered.
    pub fn http_status(&self) -> Option<StatusCode> {
        match self {
            Self::Decode(d) => Some(d.status()),
            Self::PollFailed { source, .. } => source.http_status(),
            other => other.api().map(ApiError::status),
        }
    }

    /// The envelope `msg`, when the server sent one.
    pub fn msg(&self) -> Option<&str> {
        self.api().map(ApiError::msg)
    }

    /// The server's `Retry-After`, when it sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api().and_then(ApiError::retry_after)
    }

    /// Whether the same request may succeed later: transport failures, timeouts,
    /// rate limiting, maintenance and transient server errors (not 501 generation
    /// failed or 505 feature disabled).
    ///
    /// This says nothing about whether a retry is *safe*: a task-creating POST that
    /// may have reached the server must not be repeated (see the crate docs).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transport { .. } | Self::Timeout { .. } => true,
            Self::RateLimited(_) | Self::Maintenance(_) => true,
            Self::Server(e) => !matches!(
                e.code,
                Some(ApiCode::GenerationFailed | ApiCode::FeatureDisabled)
            ),
            Self::PollFailed { source, .. } => source.is_retryable(),
            _ => false,
        }
    }

    /// Whether the connection failed before the request was sent (so it certainly
    /// did not reach the server).
    pub fn is_connect(&self) -> bool {
        matches!(self, Self::Transport { connect: true, .. })
    }

    /// Whether content was rejected: code 451, or a task that ended in
    /// `SENSITIVE_WORD_ERROR`.
    pub fn is_content_policy(&self) -> bool {
        match self {
            Self::ContentPolicy(_) => true,
            Self::TaskFailed(f) => f.is_content_policy(),
            _ => false,
        }
    }

    /// The task of a waiter error.
    pub fn task_id(&self) -> Option<&TaskId> {
        match self {
            Self::TaskFailed(f) => Some(&f.task_id),
            Self::EmptyResult { task_id, .. }
            | Self::WaitDeadline { task_id, .. }
            | Self::PollFailed { task_id, .. } => Some(task_id),
            _ => None,
        }
    }
}

/// The first [`BODY_EXCERPT_BYTES`] bytes of `body` as text, cut at a character
/// boundary, with `…` when cut.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if text.len() <= BODY_EXCERPT_BYTES {
        return text.into_owned();
    }
    let mut end = BODY_EXCERPT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = text[..end].to_owned();
    out.push('…');
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap
mod tests {
    use super::*;

    #[test]
    fn excerpt_is_bounded_at_a_char_boundary() {
        let body = "é".repeat(BODY_EXCERPT_BYTES);
        let e = excerpt(body.as_bytes());
        assert!(e.len() <= BODY_EXCERPT_BYTES + '…'.len_utf8());
        assert!(e.ends_with('…'));
        assert_eq!(excerpt(b"short"), "short");
    }
}
