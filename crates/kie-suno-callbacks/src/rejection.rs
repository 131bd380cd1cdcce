//! The typed rejection: one fixed HTTP status and one fixed JSON body per variant,
//! never echoing internals (STYLE.md 14).

#[cfg(feature = "router")]
use axum::response::{IntoResponse, Response};
use http::StatusCode;
#[cfg(feature = "router")]
use http::{header, HeaderValue};

/// Why a callback request was refused. Each variant has a fixed status and a fixed
/// JSON body `{"status":"rejected","error":"<code>","message":"<text>"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rejection {
    /// 400: the body is not JSON.
    MalformedJson,
    /// 400: the body could not be read (the connection broke off).
    BodyUnreadable,
    /// 401: the signature is missing, malformed, stale, from the future, or wrong.
    Unauthorized,
    /// 403: the task id was not submitted by this system (when that check is on).
    UnknownTask,
    /// 404: no callback family has this path.
    UnknownFamily,
    /// 405: the path only accepts `POST`.
    MethodNotAllowed,
    /// 408: the body did not arrive within the body read timeout.
    BodyTimeout,
    /// 413: the body is larger than the limit.
    PayloadTooLarge,
    /// 415: the content type is not `application/json`.
    UnsupportedMediaType,
    /// 422: JSON, but not of the family's callback shape.
    InvalidCallback,
    /// 503: the store could not commit; KIE should retry.
    StoreUnavailable,
    /// 503 with `Retry-After: 1`: as many callbacks as allowed are being
    /// handled; retry shortly.
    Overloaded,
    /// 400: arrays and objects nested deeper than [`crate::MAX_JSON_DEPTH`].
    JsonTooDeep,
    /// 415: a `Content-Encoding` other than `identity`.
    UnsupportedEncoding,
    /// 422: the task id is too long or not printable ASCII
    /// ([`crate::check_task_id`]).
    InvalidTaskId,
    /// 422: the body carries another family's fields ([`crate::foreign_family`]).
    WrongFamily,
    /// 422: the store refused the data itself ([`crate::Fault::Input`]): a retry
    /// would fail the same way.
    Unstorable,
}

impl Rejection {
    /// Every variant.
    pub const ALL: &'static [Rejection] = &[
        Self::MalformedJson,
        Self::BodyUnreadable,
        Self::Unauthorized,
        Self::UnknownTask,
        Self::UnknownFamily,
        Self::MethodNotAllowed,
        Self::BodyTimeout,
        Self::PayloadTooLarge,
        Self::UnsupportedMediaType,
        Self::InvalidCallback,
        Self::StoreUnavailable,
        Self::Overloaded,
        Self::JsonTooDeep,
        Self::UnsupportedEncoding,
        Self::InvalidTaskId,
        Self::WrongFamily,
        Self::Unstorable,
    ];

    /// The HTTP status.
    pub fn status(self) -> StatusCode {
        match self {
            Self::MalformedJson | Self::BodyUnreadable | Self::JsonTooDeep => {
                StatusCode::BAD_REQUEST
            }
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::UnknownTask => StatusCode::FORBIDDEN,
            Self::UnknownFamily => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType | Self::UnsupportedEncoding => {
                StatusCode::UNSUPPORTED_MEDIA_TYPE
            }
            Self::InvalidCallback | Self::InvalidTaskId | Self::WrongFamily | Self::Unstorable => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Self::StoreUnavailable | Self::Overloaded => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The stable machine-readable code in the body's `error` field.
    pub fn code(self) -> &'static str {
        match self {
            Self::MalformedJson => "malformed_json",
            Self::BodyUnreadable => "body_unreadable",
            Self::Unauthorized => "invalid_signature",
            Self::UnknownTask => "unknown_task",
            Self::UnknownFamily => "unknown_callback_family",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::BodyTimeout => "body_timeout",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::InvalidCallback => "invalid_callback",
            Self::StoreUnavailable => "store_unavailable",
            Self::Overloaded => "overloaded",
            Self::JsonTooDeep => "json_too_deep",
            Self::UnsupportedEncoding => "unsupported_content_encoding",
            Self::InvalidTaskId => "invalid_task_id",
            Self::WrongFamily => "wrong_callback_family",
            Self::Unstorable => "unstorable_callback",
        }
    }

    /// The fixed human-readable message.
    pub fn message(self) -> &'static str {
        match self {
            Self::MalformedJson => "the request body is not valid json",
            Self::BodyUnreadable => "the request body could not be read",
            Self::Unauthorized => "missing or invalid webhook signature",
            Self::UnknownTask => "the task id is not known to this receiver",
            Self::UnknownFamily => "no callback family at this path",
            Self::MethodNotAllowed => "only post is accepted here",
            Self::BodyTimeout => "the request body was not received in time",
            Self::PayloadTooLarge => "the request body is too large",
            Self::UnsupportedMediaType => "the content type must be application/json",
            Self::InvalidCallback => "the body is not a callback of this family",
            Self::StoreUnavailable => "the callback could not be stored, retry later",
            Self::Overloaded => "too many callbacks in progress, retry shortly",
            Self::JsonTooDeep => "the json nests too deep",
            Self::UnsupportedEncoding => "the content encoding must be identity",
            Self::InvalidTaskId => "the task id is too long or not printable ascii",
            Self::WrongFamily => "the body is a callback of another family",
            Self::Unstorable => "the callback cannot be stored as sent",
        }
    }

    /// The JSON body, as bytes.
    pub fn body(self) -> String {
        // Codes and messages are fixed ASCII without quotes or backslashes.
        format!(
            r#"{{"status":"rejected","error":"{}","message":"{}"}}"#,
            self.code(),
            self.message()
        )
    }
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(feature = "router")]
impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let mut res = (self.status(), self.body()).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        match self {
            Self::MethodNotAllowed => {
                res.headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static("POST"));
            }
            Self::Overloaded => {
                res.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            // The rest of the body is not read (or not all of it): the connection
            // cannot carry another request.
            Self::PayloadTooLarge | Self::BodyTimeout | Self::BodyUnreadable => {
                res.headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            _ => {}
        }
        res
    }
}
