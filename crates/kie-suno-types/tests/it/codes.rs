//! Envelope codes mean what each endpoint's table says.

use kie_suno_types::{ApiCode, ApiResponse, CodeMeaning, Endpoint, TaskCreated};

use crate::fixture;

#[test]
fn per_endpoint_meanings() {
    let m = |code: i64, e: Endpoint| ApiCode::from_i64(code).meaning(e);
    assert_eq!(m(405, Endpoint::GenerateLyrics), CodeMeaning::RateLimited);
    assert_eq!(
        m(429, Endpoint::GenerateLyrics),
        CodeMeaning::InsufficientCredits
    );
    assert_eq!(m(413, Endpoint::GenerateLyrics), CodeMeaning::PromptTooLong);
    assert_eq!(m(429, Endpoint::GenerateMusic), CodeMeaning::RateLimited);
    assert_eq!(
        m(402, Endpoint::GenerateMusic),
        CodeMeaning::InsufficientCredits
    );
    assert_eq!(m(413, Endpoint::GenerateMusic), CodeMeaning::Conflict);
    assert_eq!(
        m(405, Endpoint::FileUploadUrl),
        CodeMeaning::MethodNotAllowed
    );
    assert_eq!(m(400, Endpoint::CoverImage), CodeMeaning::Conflict);
    assert_eq!(m(400, Endpoint::GenerateMusic), CodeMeaning::InvalidRequest);
    assert_eq!(m(409, Endpoint::WavConvert), CodeMeaning::Conflict);
    assert_eq!(m(531, Endpoint::GenerateMusic), CodeMeaning::Server);
    assert_eq!(m(0, Endpoint::MusicVideo), CodeMeaning::Unknown);
}

#[test]
fn every_documented_code_is_known() {
    for code in [
        200, 400, 401, 402, 404, 405, 408, 409, 413, 422, 429, 430, 433, 451, 455, 500, 501, 505,
        531,
    ] {
        assert!(ApiCode::KNOWN.contains(&code), "{code}");
    }
}

#[test]
fn error_envelopes_without_data_parse() {
    let env: ApiResponse<TaskCreated> =
        serde_json::from_slice(&fixture("error-401.missing-or-bad-auth-headers.json")).unwrap();
    assert_eq!(env.code, ApiCode::Unauthorized);
    assert!(env.data.is_none());
    let env: ApiResponse<TaskCreated> =
        serde_json::from_slice(&fixture("video.response.placeholder.json")).unwrap();
    assert!(!env.is_success());
}
