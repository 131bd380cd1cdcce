//! The `{code, msg, data}` envelope: decoding a response body into `T` or a typed
//! error, the meaning of each code per endpoint, and transport errors.

use http::StatusCode;
use kie_suno_types::{ApiCode, CodeMeaning, Endpoint, Method};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::time::Duration;

use crate::error::{excerpt, ApiError, DecodeError};
use crate::{ClientError, Result};

pub(crate) fn method_str(m: Method) -> &'static str {
    match m {
        Method::Get => "GET",
        Method::Post => "POST",
        _ => "POST",
    }
}

/// What an envelope code means when the endpoint is not a documented one: the
/// generic table (05 §3a), which the credits endpoint follows.
fn meaning_of(code: ApiCode, endpoint: Option<Endpoint>) -> CodeMeaning {
    code.meaning(endpoint.unwrap_or(Endpoint::Credits))
}

/// What an HTTP status means when the body carried no envelope code. Plain HTTP
/// semantics: 429 is rate limiting everywhere, 405 is "method not allowed".
fn http_meaning(status: StatusCode) -> CodeMeaning {
    match status.as_u16() {
        400 => CodeMeaning::InvalidRequest,
        401 | 403 => CodeMeaning::Unauthorized,
        402 => CodeMeaning::InsufficientCredits,
        404 => CodeMeaning::NotFound,
        405 => CodeMeaning::MethodNotAllowed,
        408 => CodeMeaning::UpstreamTimeout,
        409 => CodeMeaning::Conflict,
        413 => CodeMeaning::InvalidRequest,
        422 => CodeMeaning::Validation,
        429 => CodeMeaning::RateLimited,
        451 => CodeMeaning::ContentPolicy,
        455 => CodeMeaning::Maintenance,
        s if (500..600).contains(&s) => CodeMeaning::Server,
        _ => CodeMeaning::Unknown,
    }
}

/// The error variant for a meaning.
pub(crate) fn classify(e: ApiError) -> ClientError {
    match e.meaning {
        CodeMeaning::Unauthorized => ClientError::Unauthorized(e),
        CodeMeaning::InsufficientCredits => ClientError::InsufficientCredits(e),
        CodeMeaning::RateLimited => ClientError::RateLimited(e),
        CodeMeaning::Maintenance => ClientError::Maintenance(e),
        CodeMeaning::Validation | CodeMeaning::InvalidRequest | CodeMeaning::PromptTooLong => {
            ClientError::Validation(e)
        }
        CodeMeaning::ContentPolicy => ClientError::ContentPolicy(e),
        CodeMeaning::Server | CodeMeaning::UpstreamTimeout => ClientError::Server(e),
        _ => ClientError::Api(e),
    }
}

/// The envelope as this client reads it. Not `kie_suno_types::ApiResponse`: its
/// derive asks `T: Default` (because of `#[serde(default)]` on `data`), which the
/// record types do not implement; a missing `data` is `None` here anyway.
#[derive(Deserialize)]
struct Envelope<T> {
    /// Only the upload host sends it.
    #[serde(default)]
    success: Option<bool>,
    code: ApiCode,
    #[serde(default)]
    msg: Option<String>,
    data: Option<T>,
}

#[derive(Deserialize)]
struct Probe {
    #[serde(default)]
    success: Option<bool>,
    #[serde(default)]
    code: Option<ApiCode>,
    #[serde(default)]
    msg: Option<serde_json::Value>,
}

/// Reads an answer: `data` of a `code == 200` envelope with a 2xx status, else the
/// matching error. Decodes straight from the bytes into the typed envelope; the
/// slower probes run only when that fails.
pub(crate) fn decode<T: DeserializeOwned>(
    endpoint: Option<Endpoint>,
    path: &str,
    status: StatusCode,
    retry_after: Option<Duration>,
    body: &[u8],
) -> Result<T> {
    let api_error = |code: Option<ApiCode>, msg: String| {
        let meaning = match code {
            // An error with code 200 (`success: false`): no documented meaning.
            Some(ApiCode::Success) => CodeMeaning::Unknown,
            Some(c) => meaning_of(c, endpoint),
            None => http_meaning(status),
        };
        classify(ApiError {
            endpoint,
            path: path.to_owned(),
            status,
            code,
            meaning,
            msg,
            retry_after,
        })
    };
    if status.is_success() {
        if let Ok(env) = serde_json::from_slice::<Envelope<T>>(body) {
            if env.code == ApiCode::Success && env.success != Some(false) {
                return env.data.ok_or_else(|| {
                    let mut e = DecodeError::new(
                        path,
                        status,
                        "data",
                        "a successful envelope carried no data",
                    )
                    .with_body(body);
                    e.endpoint = endpoint;
                    ClientError::Decode(Box::new(e))
                });
            }
            // `success: false` with code 200 (upload host) keeps the code, meaning unknown.
            return Err(api_error(Some(env.code), env.msg.unwrap_or_default()));
        }
    }
    let probe = serde_json::from_slice::<Probe>(body).ok();
    let code = probe.as_ref().and_then(|p| p.code);
    let probe_success = probe.as_ref().and_then(|p| p.success);
    let msg = probe.and_then(|p| p.msg).map(|m| match m {
        serde_json::Value::String(s) => s,
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    });
    if let Some(c) = code.filter(|c| *c != ApiCode::Success) {
        return Err(api_error(Some(c), msg.unwrap_or_default()));
    }
    if !status.is_success() {
        return Err(api_error(None, msg.unwrap_or_else(|| excerpt(body))));
    }
    if probe_success == Some(false) {
        return Err(api_error(code, msg.unwrap_or_default()));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let mut e = match serde_path_to_error::deserialize::<_, Envelope<T>>(&mut de) {
        Err(e) => {
            let json_path = e.path().to_string();
            DecodeError::json(path, status, json_path, e.into_inner())
        }
        // Only trailing data can fail the fast path and pass this one.
        Ok(_) => match de.end() {
            Err(source) => DecodeError::json(path, status, ".".to_owned(), source),
            Ok(()) => DecodeError::new(path, status, ".", "the body does not match the type"),
        },
    }
    .with_body(body);
    e.endpoint = endpoint;
    Err(ClientError::Decode(Box::new(e)))
}

pub(crate) fn transport_error(path: &str, e: reqwest::Error) -> ClientError {
    if e.is_timeout() && !e.is_connect() {
        ClientError::Timeout {
            path: path.to_owned(),
            source: Some(e),
        }
    } else {
        ClientError::Transport {
            path: path.to_owned(),
            connect: e.is_connect(),
            source: e,
        }
    }
}
