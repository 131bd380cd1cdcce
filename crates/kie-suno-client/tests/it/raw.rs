//! The raw escape hatch and the generic endpoint machinery.

use kie_suno_client::types::{Endpoint, Host, TaskId};
use kie_suno_client::ClientError;
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::support::{client, envelope, ok_fixture, ok_json, server};

#[tokio::test]
async fn raw_get_returns_data_and_checks_the_envelope() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/something/new"))
        .and(query_param("x", "1"))
        .respond_with(ok_json(envelope(200, "success", json!({"a": 1}))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/something/denied"))
        .respond_with(ok_json(envelope(401, "no", json!(null))))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let v: serde_json::Value = client
        .raw()
        .get("/api/v1/something/new", &[("x", "1")])
        .await
        .unwrap();
    assert_eq!(v, json!({"a": 1}));
    let err = client
        .raw()
        .get::<serde_json::Value>("/api/v1/something/denied", &[])
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::Unauthorized(_)), "{err:?}");
}

#[tokio::test]
async fn raw_post_to_an_unknown_path_is_treated_as_billed_and_not_retried() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/generate/sounds"))
        .and(body_json(json!({"prompt": "rain"})))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    let (client, clock) = client(&server);
    let err = client
        .raw()
        .post::<serde_json::Value>("/api/v1/generate/sounds", &json!({"prompt": "rain"}))
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::Server(_)), "{err:?}");
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn raw_calls_reach_the_upload_host() {
    let (api, upload) = (server().await, server().await);
    Mock::given(method("POST"))
        .and(path("/api/file-url-upload"))
        .respond_with(ok_fixture("file-upload.response.json"))
        .expect(1)
        .mount(&upload)
        .await;
    let client = kie_suno_client::Client::builder()
        .api_key(crate::support::KEY)
        .base_url(api.uri())
        .upload_base_url(upload.uri())
        .build()
        .unwrap();
    let v: serde_json::Value = client
        .raw()
        .on(Host::Upload)
        .post(
            "/api/file-url-upload",
            &json!({"fileUrl": "https://e.com/a", "uploadPath": "a"}),
        )
        .await
        .unwrap();
    assert_eq!(v["fileSize"], 154832);
}

#[tokio::test]
async fn generic_details_reads_any_record_type() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/generate/record-info"))
        .and(query_param("taskId", "5c79****be8e"))
        .respond_with(ok_fixture("music-record-info.response.json"))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let v: serde_json::Value = client
        .details(Endpoint::MusicDetails, &TaskId::new("5c79****be8e"))
        .await
        .unwrap();
    assert_eq!(v["status"], "SUCCESS");
}
