//! Lyrics: generate and details, on the documented payloads.

use kie_suno_client::types::{GenerateLyricsRequest, LyricsStatus, TaskId, TaskState};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::Mock;

use crate::support::{bearer, client, fixture_json, ok_fixture, server};

#[tokio::test]
async fn generate_posts_the_documented_request_and_returns_the_task_id() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/lyrics"))
        .and(header("authorization", bearer().as_str()))
        .and(header("content-type", "application/json"))
        .and(body_json(fixture_json("lyrics-generate.request.json")))
        .respond_with(ok_fixture("lyrics-generate.response.json"))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let req = GenerateLyricsRequest::new(
        "A nostalgic song about childhood memories and growing up in a small town",
        "https://api.example.com/callback",
    )
    .unwrap();
    let id = client.lyrics().generate(&req).await.unwrap();
    assert_eq!(id, TaskId::new("5c79****be8e"));
}

async fn check_details(fixture: &str, task: &str, title: &str) {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/lyrics/record-info"))
        .and(query_param("taskId", task))
        .and(header("authorization", bearer().as_str()))
        .respond_with(ok_fixture(fixture))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let record = client.lyrics().details(&TaskId::new(task)).await.unwrap();
    assert_eq!(record.task_id.as_str(), task);
    assert_eq!(record.status, LyricsStatus::Success);
    assert!(record.status.is_success());
    let variations = record.variations();
    assert!(!variations.is_empty(), "{fixture}");
    assert_eq!(variations[0].title.as_deref(), Some(title), "{fixture}");
}

#[tokio::test]
async fn details_reads_every_documented_record_variant() {
    for (fixture, title) in [
        ("lyrics-record-info.success.json", "钢铁侠"),
        ("lyrics-record-info.success.apidog-rendered.json", ""),
        ("lyrics-record-info.success.mintlify-lyricsData.json", ""),
    ] {
        let body = fixture_json(fixture);
        let task = body["data"]["taskId"].as_str().unwrap().to_owned();
        let expected = if title.is_empty() {
            let resp = &body["data"]["response"];
            let list = resp.get("data").or_else(|| resp.get("lyricsData")).unwrap();
            list[0]["title"].as_str().unwrap().to_owned()
        } else {
            title.to_owned()
        };
        check_details(fixture, &task, &expected).await;
    }
}
