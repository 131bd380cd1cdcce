//! Generate Sounds: the documented request is sent as is, the documented 422
//! example is an error, and the result is polled through music record-info.

use std::time::Duration;

use kie_suno_client::types::{
    ApiCode, CallbackFamily, CodeMeaning, Endpoint, GenerateSoundsRequest, Model, MusicStatus,
    TaskId,
};
use kie_suno_client::{ClientError, Signal, WaitOptions};
use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::Mock;

use crate::support::{bearer, client, fixture_json, ok_fixture, ok_json, server};

const TASK: &str = "5c79****be8e";

#[tokio::test]
async fn generate_sends_the_documented_request_and_returns_the_task_id() {
    let server = server().await;
    let documented = fixture_json("sounds.request.json");
    let req: GenerateSoundsRequest = serde_json::from_value(documented.clone()).unwrap();
    Mock::given(method("POST"))
        .and(path("/api/v1/generate/sounds"))
        .and(header("authorization", bearer().as_str()))
        .and(body_json(documented))
        .respond_with(ok_fixture("sounds.response.cn-page.json"))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let id = client.sounds().generate(&req).await.unwrap();
    assert_eq!(id.as_str(), TASK);
    assert_eq!(Endpoint::GenerateSounds.path(), "/api/v1/generate/sounds");
}

#[tokio::test]
async fn the_documented_422_example_is_an_error_and_is_not_retried() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/generate/sounds"))
        .respond_with(ok_fixture("sounds.response.json"))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let req = GenerateSoundsRequest::new("waves", Model::V5_5).unwrap();
    let err = client.sounds().generate(&req).await.unwrap_err();
    let ClientError::Validation(api) = &err else {
        panic!("expected a validation error, got {err:?}")
    };
    assert_eq!(api.code(), Some(ApiCode::from_i64(422)));
    assert_eq!(api.meaning(), CodeMeaning::Validation);
    assert_eq!(api.endpoint(), Some(Endpoint::GenerateSounds));
}

/// The documented music record at `status`, with its tracks.
fn record(status: &str) -> Value {
    let mut body = fixture_json("music-record-info.response.json");
    body["data"]["status"] = json!(status);
    if status == "PENDING" {
        body["data"]["response"] = Value::Null;
    }
    body
}

async fn stage(server: &wiremock::MockServer, status: &str) {
    Mock::given(method("GET"))
        .and(path("/api/v1/generate/record-info"))
        .and(query_param("taskId", TASK))
        .respond_with(ok_json(record(status)))
        .up_to_n_times(1)
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn the_result_is_polled_through_music_record_info() {
    let server = server().await;
    stage(&server, "PENDING").await;
    stage(&server, "SUCCESS").await;
    let (client, clock) = client(&server);
    let task = TaskId::new(TASK);
    let options = WaitOptions::new().with_delays(Duration::from_secs(30), Duration::from_secs(30));
    let out = client.sounds().wait(&task, options).await.unwrap();
    assert_eq!(out.status(), &MusicStatus::Success);
    assert!(!out.tracks().is_empty());
    assert_eq!(clock.sleeps().len(), 1);
}

#[tokio::test]
async fn a_callback_does_not_settle_a_sounds_wait_by_itself() {
    // No sounds callback is documented: a music-shaped one only makes the
    // waiter poll, and the record decides.
    let server = server().await;
    stage(&server, "PENDING").await;
    stage(&server, "SUCCESS").await;
    let (client, _) = client(&server);
    let mut body = fixture_json("music-callback.complete.json");
    body["data"]["task_id"] = json!(TASK);
    let cb =
        kie_suno_client::types::parse(CallbackFamily::Music, body.to_string().as_bytes()).unwrap();
    let options = WaitOptions::new()
        .with_delays(Duration::from_secs(30), Duration::from_secs(30))
        .with_signal_stream(futures::stream::iter([Signal::from(cb)]));
    let out = client
        .sounds()
        .wait(&TaskId::new(TASK), options)
        .await
        .unwrap();
    // Both stages were polled (each mock expects exactly one request).
    assert_eq!(out.status(), &MusicStatus::Success);
}
