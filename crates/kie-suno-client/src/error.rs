//! The crate's one error type, [`ClientError`], and the details it carries.

use std::fmt;
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
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The endpoint called, when it is one of the documented ones.
    pub endpoint: Option<Endpoint>,
    /// The request path, e.g. `/api/v1/lyrics`.
    pub path: String,
    /// The HTTP status of the answer.
    pub status: StatusCode,
    /// The envelope `code`; `None` when the body was not an envelope (the error was
    /// read from the HTTP status alone).
    pub code: Option<ApiCode>,
    /// What the code means on this endpoint.
    pub meaning: CodeMeaning,
    /// The envelope `msg`, or a bounded excerpt of the body when there was no envelope.
    pub msg: String,
    /// The server's `Retry-After`, when it sent one.
    pub retry_after: Option<Duration>,
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
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodeError {
    /// The endpoint called, when it is one of the documented ones.
    pub endpoint: Option<Endpoint>,
    /// The request path.
    pub path: String,
    /// The HTTP status of the answer.
    pub status: StatusCode,
    /// JSON path of the first mismatch, e.g. `data.response.data[0].status`
    /// (`.` when the body is not JSON at all).
    pub json_path: String,
    /// What was wrong there.
    pub message: String,
    /// The first [`BODY_EXCERPT_BYTES`] bytes of the body (cut at a character boundary).
    pub body_excerpt: String,
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

/// A task that reached a failure status (or was reported failed by a callback).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TaskFailure {
    /// The task.
    pub task_id: TaskId,
    /// The status as the server spelled it, e.g. `SENSITIVE_WORD_ERROR`, or `None`
    /// when the failure came from a callback, which has no status field.
    pub status: Option<String>,
    /// The task's error code (record-info `errorCode`, or the callback `code`).
    pub code: Option<i64>,
    /// The server's message, when it gave one.
    pub message: Option<String>,
}

impl TaskFailure {
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
    Timeout {
        /// The request path.
        path: String,
        /// The underlying error, when reqwest's own timeout fired.
        #[source]
        source: Option<reqwest::Error>,
    },
    /// The answer could not be read as the expected type.
    #[error("{0}")]
    Decode(Box<DecodeError>),
    /// The request was refused before it was sent (a value broke a documented rule).
    #[error("invalid request: {0}")]
    InvalidRequest(#[from] ValidationError),
    /// The client could not be configured (missing environment variable, bad URL).
    #[error("invalid client configuration: {0}")]
    Config(String),
    /// A waited-for task reached a failure status.
    #[error("{0}")]
    TaskFailed(Box<TaskFailure>),
    /// A waited-for task reported success but carried no result (no lyrics, no tracks).
    #[error("task {task_id} reported {status} but carried no result")]
    EmptyResult {
        /// The task.
        task_id: TaskId,
        /// The status it reported.
        status: String,
    },
    /// A waiter gave up: the task was still running at the deadline.
    #[error("gave up waiting for task {task_id} after {waited:.1?} (last status {})", last_status.as_deref().unwrap_or("unknown"))]
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
        self.api().and_then(|e| e.code)
    }

    /// What the code means on the endpoint that answered.
    pub fn meaning(&self) -> Option<CodeMeaning> {
        self.api().map(|e| e.meaning)
    }

    /// The HTTP status, when the server answered.
    pub fn http_status(&self) -> Option<StatusCode> {
        match self {
            Self::Decode(d) => Some(d.status),
            Self::PollFailed { source, .. } => source.http_status(),
            other => other.api().map(|e| e.status),
        }
    }

    /// The envelope `msg`, when the server sent one.
    pub fn msg(&self) -> Option<&str> {
        self.api().map(|e| e.msg.as_str())
    }

    /// The server's `Retry-After`, when it sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api().and_then(|e| e.retry_after)
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
