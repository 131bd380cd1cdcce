//! Error mapping: every documented code on the endpoints where its meaning
//! differs, HTTP-only errors, and decode errors with their JSON path.

use kie_suno_client::types::{ApiCode, CodeMeaning, Endpoint, GenerateLyricsRequest, TaskId};
use kie_suno_client::{Client, ClientError};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{client_no_retry, envelope, fixture, ok_json, server};

/// Which variant an error is, by name (the enum is non-exhaustive).
fn variant(e: &ClientError) -> &'static str {
    match e {
        ClientError::Unauthorized(_) => "unauthorized",
        ClientError::InsufficientCredits(_) => "insufficient_credits",
        ClientError::RateLimited(_) => "rate_limited",
        ClientError::Maintenance(_) => "maintenance",
        ClientError::Validation(_) => "validation",
        ClientError::ContentPolicy(_) => "content_policy",
        ClientError::Server(_) => "server",
        ClientError::Api(_) => "api",
        ClientError::Transport { .. } => "transport",
        ClientError::Timeout { .. } => "timeout",
        ClientError::Decode(_) => "decode",
        ClientError::InvalidRequest(_) => "invalid_request",
        _ => "other",
    }
}

async fn call(client: &Client, endpoint: Endpoint) -> ClientError {
    let id = TaskId::new("t-1");
    match endpoint {
        Endpoint::GenerateLyrics => {
            let req = GenerateLyricsRequest::new("a song", "https://example.com/cb").unwrap();
            client.lyrics().generate(&req).await.unwrap_err()
        }
        Endpoint::LyricsDetails => client.lyrics().details(&id).await.unwrap_err(),
        Endpoint::Credits => client.credits().await.unwrap_err(),
        Endpoint::FileUploadBase64 => {
            let req = kie_suno_client::types::FileUploadBase64Request::new("aGk=", "a").unwrap();
            client.files().upload_base64(&req).await.unwrap_err()
        }
        other => client
            .post_task(other, &json!({"prompt": "x"}))
            .await
            .unwrap_err(),
    }
}

async fn check(endpoint: Endpoint, code: i64, expected: &str, meaning: CodeMeaning) {
    let server = server().await;
    let msg = format!("message for {code}");
    Mock::given(method(
        if endpoint.path().contains("record-info") || endpoint == Endpoint::Credits {
            "GET"
        } else {
            "POST"
        },
    ))
    .and(path(endpoint.path()))
    .respond_with(ok_json(envelope(code, &msg, serde_json::Value::Null)))
    .expect(1)
    .mount(&server)
    .await;
    let client = client_no_retry(&server);
    let err = call(&client, endpoint).await;
    assert_eq!(variant(&err), expected, "{endpoint:?} code {code}: {err:?}");
    assert_eq!(
        err.code(),
        Some(ApiCode::from_i64(code)),
        "{endpoint:?} {code}"
    );
    assert_eq!(err.meaning(), Some(meaning), "{endpoint:?} {code}");
    assert_eq!(err.msg(), Some(msg.as_str()));
    assert_eq!(err.http_status().map(|s| s.as_u16()), Some(200));
}

#[tokio::test]
async fn lyrics_generate_codes_follow_the_lyrics_table() {
    use CodeMeaning as M;
    for (code, variant, meaning) in [
        (400, "validation", M::InvalidRequest),
        (401, "unauthorized", M::Unauthorized),
        (404, "api", M::NotFound),
        (405, "rate_limited", M::RateLimited),
        (413, "validation", M::PromptTooLong),
        (429, "insufficient_credits", M::InsufficientCredits),
        (430, "rate_limited", M::RateLimited),
        (455, "maintenance", M::Maintenance),
        (500, "server", M::Server),
    ] {
        check(Endpoint::GenerateLyrics, code, variant, meaning).await;
    }
}

#[tokio::test]
async fn lyrics_details_codes() {
    use CodeMeaning as M;
    for (code, variant, meaning) in [
        (400, "validation", M::InvalidRequest),
        (401, "unauthorized", M::Unauthorized),
        (404, "api", M::NotFound),
        (422, "validation", M::Validation),
        (451, "content_policy", M::ContentPolicy),
        (455, "maintenance", M::Maintenance),
        (500, "server", M::Server),
    ] {
        check(Endpoint::LyricsDetails, code, variant, meaning).await;
    }
}

#[tokio::test]
async fn generic_codes_on_a_music_endpoint() {
    use CodeMeaning as M;
    for (code, variant, meaning) in [
        (401, "unauthorized", M::Unauthorized),
        (402, "insufficient_credits", M::InsufficientCredits),
        (404, "api", M::NotFound),
        (405, "api", M::MethodNotAllowed),
        (408, "server", M::UpstreamTimeout),
        (409, "api", M::Conflict),
        (413, "api", M::Conflict),
        (422, "validation", M::Validation),
        (429, "rate_limited", M::RateLimited),
        (430, "rate_limited", M::RateLimited),
        (433, "api", M::SubKeyLimit),
        (451, "content_policy", M::ContentPolicy),
        (455, "maintenance", M::Maintenance),
        (500, "server", M::Server),
        (501, "server", M::Server),
        (505, "server", M::Server),
        (531, "server", M::Server),
        (777, "api", M::Unknown),
    ] {
        check(Endpoint::GenerateMusic, code, variant, meaning).await;
    }
}

#[tokio::test]
async fn common_and_upload_codes() {
    use CodeMeaning as M;
    check(
        Endpoint::Credits,
        402,
        "insufficient_credits",
        M::InsufficientCredits,
    )
    .await;
    check(Endpoint::Credits, 429, "rate_limited", M::RateLimited).await;
    check(Endpoint::Credits, 505, "server", M::Server).await;
    check(Endpoint::FileUploadBase64, 405, "api", M::MethodNotAllowed).await;
    check(
        Endpoint::FileUploadBase64,
        400,
        "validation",
        M::InvalidRequest,
    )
    .await;
}

async fn error_for(server: &MockServer, response: ResponseTemplate) -> ClientError {
    Mock::given(method("GET"))
        .and(path("/api/v1/chat/credit"))
        .respond_with(response)
        .expect(1)
        .mount(server)
        .await;
    client_no_retry(server).credits().await.unwrap_err()
}

#[tokio::test]
async fn documented_error_bodies_map_with_their_http_status() {
    let server = server().await;
    let err = error_for(
        &server,
        ResponseTemplate::new(401)
            .set_body_string(fixture("error-401.missing-or-bad-auth-headers.json")),
    )
    .await;
    assert_eq!(variant(&err), "unauthorized");
    assert_eq!(err.code(), Some(ApiCode::Unauthorized));
    assert_eq!(err.http_status().map(|s| s.as_u16()), Some(401));
    assert_eq!(err.msg(), Some("You do not have access permissions"));
    assert!(!err.is_retryable());

    let server = crate::support::server().await;
    let err = error_for(
        &server,
        ResponseTemplate::new(500).set_body_string(fixture("error-500.request-failed.json")),
    )
    .await;
    assert_eq!(variant(&err), "server");
    assert_eq!(err.code(), Some(ApiCode::ServerError));
    assert!(err.is_retryable());
}

#[tokio::test]
async fn http_errors_without_an_envelope_map_by_status() {
    let server = server().await;
    let err = error_for(&server, ResponseTemplate::new(429)).await;
    assert_eq!(variant(&err), "rate_limited");
    assert_eq!(err.code(), None);
    assert_eq!(err.http_status().map(|s| s.as_u16()), Some(429));

    let server = crate::support::server().await;
    let err = error_for(
        &server,
        ResponseTemplate::new(502).set_body_string("<html>bad gateway</html>"),
    )
    .await;
    assert_eq!(variant(&err), "server");
    assert_eq!(err.msg(), Some("<html>bad gateway</html>"));
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_success_envelope_with_a_wrong_shape_is_a_decode_error_with_the_json_path() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/lyrics/record-info"))
        .respond_with(ok_json(json!({
            "code": 200,
            "msg": "success",
            "data": {
                "taskId": "t-1",
                "status": "SUCCESS",
                "response": {"taskId": "t-1", "data": [{"title": "x", "status": 7}]}
            }
        })))
        .expect(1)
        .mount(&server)
        .await;
    let err = client_no_retry(&server)
        .lyrics()
        .details(&TaskId::new("t-1"))
        .await
        .unwrap_err();
    let ClientError::Decode(d) = &err else {
        panic!("expected a decode error, got {err:?}")
    };
    assert_eq!(d.json_path(), "data.response.data[0].status");
    assert!(
        d.body_excerpt().contains("\"status\": 7") || d.body_excerpt().contains("\"status\":7")
    );
    assert_eq!(d.status().as_u16(), 200);
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_decode_error_and_the_excerpt_is_bounded() {
    let server = server().await;
    let body = "x".repeat(10_000);
    let err = error_for(&server, ResponseTemplate::new(200).set_body_string(body)).await;
    let ClientError::Decode(d) = &err else {
        panic!("expected a decode error, got {err:?}")
    };
    assert_eq!(d.json_path(), ".");
    assert!(d.body_excerpt().len() <= kie_suno_client::BODY_EXCERPT_BYTES + 3);
}

#[tokio::test]
async fn a_success_envelope_without_data_is_a_decode_error_at_data() {
    let server = server().await;
    let err = error_for(
        &server,
        ok_json(envelope(200, "success", serde_json::Value::Null)),
    )
    .await;
    let ClientError::Decode(d) = &err else {
        panic!("expected a decode error, got {err:?}")
    };
    assert_eq!(d.json_path(), "data");
}

#[tokio::test]
async fn the_placeholder_code_zero_is_not_success() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/mp4/generate"))
        .respond_with(crate::support::ok_fixture(
            "video.response.placeholder.json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = client_no_retry(&server)
        .post_task(Endpoint::MusicVideo, &json!({}))
        .await
        .unwrap_err();
    assert_eq!(variant(&err), "api");
    assert_eq!(err.code(), Some(ApiCode::from_i64(0)));
}
