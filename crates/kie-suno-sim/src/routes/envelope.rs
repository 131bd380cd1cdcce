//! How the API answers: the JSON envelope, error envelopes ([`Reject`]) with the code
//! each endpoint's own table uses, the HTTP status that goes with them, and the gate
//! every `api.kie.ai` call passes first (auth, run-wide maintenance).

use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use kie_suno_types::{ApiCode, CodeMeaning, Endpoint};
use serde_json::{json, Value};

use crate::config::ErrorStatus;
use crate::state::Shared;

/// The body KIE documents for a missing or wrong API key.
pub(super) const UNAUTHORIZED_BODY: &str =
    r#"{"code":401,"msg":"You do not have access permissions"}"#;

/// An error envelope on its way out.
#[derive(Debug)]
pub(crate) struct Reject {
    code: ApiCode,
    msg: String,
    data: Value,
}

impl Reject {
    /// `code` with `msg` and `data: null`.
    pub(crate) fn new(code: ApiCode, msg: impl Into<String>) -> Self {
        Self {
            code,
            msg: msg.into(),
            data: Value::Null,
        }
    }

    /// A 422 (invalid field).
    pub(crate) fn validation(msg: impl Into<String>) -> Self {
        Self::new(ApiCode::ValidationError, msg)
    }

    /// The code that means `meaning` on `endpoint`.
    pub(crate) fn meaning(endpoint: Endpoint, meaning: CodeMeaning, msg: &str) -> Self {
        Self::new(code_for(endpoint, meaning), msg)
    }

    /// The same rejection with `data` instead of `null`.
    pub(crate) fn with_data(mut self, data: Value) -> Self {
        self.data = data;
        self
    }
}

/// The envelope code that means `meaning` on `endpoint`, per the endpoint's own
/// table: the lyrics endpoint says 405 for rate limiting and 429 for insufficient
/// credits; everything else 429 and 402. The choice is checked against
/// [`ApiCode::meaning`] by a test.
pub(crate) fn code_for(endpoint: Endpoint, meaning: CodeMeaning) -> ApiCode {
    let lyrics = endpoint == Endpoint::GenerateLyrics;
    match meaning {
        CodeMeaning::RateLimited if lyrics => ApiCode::Code405,
        CodeMeaning::RateLimited => ApiCode::Code429,
        CodeMeaning::InsufficientCredits if lyrics => ApiCode::Code429,
        CodeMeaning::InsufficientCredits => ApiCode::InsufficientCredits,
        CodeMeaning::PromptTooLong if lyrics => ApiCode::Code413,
        CodeMeaning::Maintenance => ApiCode::Maintenance,
        CodeMeaning::Unauthorized => ApiCode::Unauthorized,
        CodeMeaning::NotFound => ApiCode::NotFound,
        CodeMeaning::InvalidRequest => ApiCode::BadRequest,
        CodeMeaning::Conflict => ApiCode::Conflict,
        CodeMeaning::Server => ApiCode::ServerError,
        _ => ApiCode::ValidationError,
    }
}

/// A JSON body with `status`.
pub(crate) fn json_response(status: StatusCode, body: impl Into<axum::body::Body>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.into(),
    )
        .into_response()
}

/// `{"code": 200, "msg": "success", "data": data}` with HTTP 200.
pub(crate) fn success(data: Value) -> Response {
    json_response(
        StatusCode::OK,
        json!({"code": 200, "msg": "success", "data": data}).to_string(),
    )
}

/// Sends (and counts) an error envelope, with the HTTP status
/// `SimConfig::error_status` asks for.
pub(crate) fn reject(shared: &Shared, r: Reject) -> Response {
    shared.count_rejection(r.code);
    let status = match shared.config.error_status {
        ErrorStatus::AlwaysOk => StatusCode::OK,
        ErrorStatus::Mirror => u16::try_from(r.code.as_i64())
            .ok()
            .filter(|c| (400..600).contains(c))
            .and_then(|c| StatusCode::from_u16(c).ok())
            .unwrap_or(StatusCode::OK),
    };
    if r.code == ApiCode::Unauthorized {
        return json_response(status, UNAUTHORIZED_BODY);
    }
    let body = json!({"code": r.code, "msg": r.msg, "data": r.data});
    json_response(status, body.to_string())
}

/// Auth and run-wide maintenance, common to every call.
pub(crate) fn gate(shared: &Shared, headers: &HeaderMap) -> Result<(), Reject> {
    if !crate::auth::authorized(&shared.config.auth, headers) {
        return Err(Reject::new(
            ApiCode::Unauthorized,
            "You do not have access permissions",
        ));
    }
    if shared.config.faults.maintenance {
        return Err(Reject::new(ApiCode::Maintenance, "System maintenance"));
    }
    Ok(())
}

/// Deserialises `v` into a kie-suno-types request type, which validates every
/// documented rule; a failure is a 422 naming the field and the rule.
pub(crate) fn typed<T: serde::de::DeserializeOwned>(v: &Value) -> Result<T, Reject> {
    serde_json::from_value(v.clone()).map_err(|e| Reject::validation(e.to_string()))
}

/// The 500 envelope of `[sim:500]`, `Faults::submit_500` and `Faults::poll_500`.
pub(crate) fn server_error() -> Reject {
    Reject::new(
        ApiCode::ServerError,
        "Server Error - An unexpected error occurred while processing the request",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The codes the simulator answers with mean, per `ApiCode::meaning`, what the
    /// simulator meant on every endpoint.
    #[test]
    fn chosen_codes_agree_with_the_per_endpoint_table() {
        for endpoint in Endpoint::ALL.iter().copied().filter(|e| e.creates_task()) {
            for meaning in [
                CodeMeaning::RateLimited,
                CodeMeaning::InsufficientCredits,
                CodeMeaning::Maintenance,
                CodeMeaning::Unauthorized,
                CodeMeaning::Validation,
                CodeMeaning::Server,
                CodeMeaning::NotFound,
                CodeMeaning::Conflict,
            ] {
                let code = code_for(endpoint, meaning);
                assert_eq!(
                    code.meaning(endpoint),
                    meaning,
                    "{endpoint:?} {meaning:?} -> {code}"
                );
            }
        }
        let lyrics = Endpoint::GenerateLyrics;
        assert_eq!(code_for(lyrics, CodeMeaning::RateLimited).as_i64(), 405);
        assert_eq!(
            code_for(lyrics, CodeMeaning::InsufficientCredits).as_i64(),
            429
        );
        assert_eq!(code_for(lyrics, CodeMeaning::PromptTooLong).as_i64(), 413);
        assert_eq!(
            code_for(Endpoint::GenerateMusic, CodeMeaning::RateLimited).as_i64(),
            429
        );
        assert_eq!(
            code_for(Endpoint::GenerateMusic, CodeMeaning::InsufficientCredits).as_i64(),
            402
        );
    }

    #[test]
    fn the_401_body_is_the_documented_one() {
        let documented =
            kie_suno_types::fixtures::documented("error-401.missing-or-bad-auth-headers.json")
                .unwrap_or_default();
        let ours: Value = serde_json::from_str(UNAUTHORIZED_BODY).unwrap_or_default();
        let theirs: Value = serde_json::from_str(documented).unwrap_or_default();
        assert_eq!(ours, theirs);
        assert!(ours.is_object());
    }
}
