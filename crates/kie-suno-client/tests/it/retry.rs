//! Retries: reads retried on 5xx, task-creating POSTs never retried once they may
//! have reached the server, only when refused or not connected.

use std::time::Duration;

use kie_suno_client::types::{Endpoint, GenerateLyricsRequest, TaskId};
use kie_suno_client::{Client, ClientError, FakeClock, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::support::{builder, client, envelope, fixture, ok_fixture, ok_json, server};

fn lyrics_request() -> GenerateLyricsRequest {
    GenerateLyricsRequest::new("a song", "https://example.com/cb").unwrap()
}

#[tokio::test]
async fn a_get_answered_500_is_retried_then_succeeds() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/chat/credit"))
        .respond_with(
            ResponseTemplate::new(500).set_body_string(fixture("error-500.request-failed.json")),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/chat/credit"))
        .respond_with(ok_fixture("credits.response.json"))
        .expect(1)
        .mount(&server)
        .await;
    let (client, clock) = client(&server);
    assert_eq!(client.credits().await.unwrap().as_i64(), Some(100));
    let sleeps = clock.sleeps();
    assert_eq!(sleeps.len(), 1);
    assert!(sleeps[0] <= RetryPolicy::default().ceiling(1));
}

#[tokio::test]
async fn a_get_answered_with_code_500_in_a_200_is_retried_too() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/lyrics/record-info"))
        .respond_with(ok_json(envelope(
            500,
            "Internal Error - Please try again later.",
            json!(null),
        )))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/lyrics/record-info"))
        .respond_with(ok_fixture("lyrics-record-info.success.json"))
        .expect(1)
        .mount(&server)
        .await;
    let (client, clock) = client(&server);
    let rec = client
        .lyrics()
        .details(&TaskId::new("11dc****8b0f"))
        .await
        .unwrap();
    assert_eq!(rec.task_id.as_str(), "11dc****8b0f");
    assert_eq!(clock.sleeps().len(), 2);
}

#[tokio::test]
async fn a_get_gives_up_after_max_attempts() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/chat/credit"))
        .respond_with(ResponseTemplate::new(503))
        .expect(3)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let err = client.credits().await.unwrap_err();
    assert!(matches!(err, ClientError::Server(_)), "{err:?}");
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/chat/credit"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "7")
                .set_body_json(envelope(429, "Rate Limited", json!(null))),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/chat/credit"))
        .respond_with(ok_fixture("credits.response.json"))
        .expect(1)
        .mount(&server)
        .await;
    let (client, clock) = client(&server);
    client.credits().await.unwrap();
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(7)]);
}

#[tokio::test]
async fn a_retry_after_past_the_cap_ends_the_retries() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/chat/credit"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "3600"))
        .expect(1)
        .mount(&server)
        .await;
    let (client, clock) = client(&server);
    let err = client.credits().await.unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn the_total_deadline_bounds_the_retries() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/chat/credit"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "40"))
        .expect(2)
        .mount(&server)
        .await;
    let clock = FakeClock::new();
    let client = builder(&server, &clock)
        .retry_policy(
            RetryPolicy::default()
                .with_max_attempts(10)
                .with_total_deadline(Duration::from_secs(60)),
        )
        .build()
        .unwrap();
    client.credits().await.unwrap_err();
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(40)]);
}

#[tokio::test]
async fn a_generate_post_answered_500_is_not_retried() {
    for response in [
        ResponseTemplate::new(500)
            .set_body_string(fixture("music-generate.response.error-500.json")),
        ResponseTemplate::new(200).set_body_json(envelope(500, "Server Error", json!(null))),
        ResponseTemplate::new(502),
    ] {
        let server = server().await;
        Mock::given(method("POST"))
            .and(path("/api/v1/lyrics"))
            .respond_with(response)
            .expect(1)
            .mount(&server)
            .await;
        let (client, clock) = client(&server);
        let err = client
            .lyrics()
            .generate(&lyrics_request())
            .await
            .unwrap_err();
        assert!(matches!(err, ClientError::Server(_)), "{err:?}");
        assert!(
            err.is_retryable(),
            "retryable in itself, but not safe to retry"
        );
        assert!(clock.sleeps().is_empty());
    }
}

#[tokio::test]
async fn a_generate_post_that_timed_out_is_not_retried() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/generate"))
        .respond_with(ok_fixture("music-generate.response.json").set_delay(Duration::from_secs(5)))
        .expect(1)
        .mount(&server)
        .await;
    let clock = FakeClock::new();
    let client = builder(&server, &clock)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = client
        .post_task(Endpoint::GenerateMusic, &json!({"prompt": "x"}))
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::Timeout { .. }), "{err:?}");
}

#[tokio::test]
async fn a_generate_post_refused_with_the_rate_limit_code_is_retried() {
    // The lyrics endpoint says "rate limited" with 405; music with 429.
    for (endpoint, code) in [
        (Endpoint::GenerateLyrics, 405),
        (Endpoint::GenerateMusic, 429),
    ] {
        let server = server().await;
        Mock::given(method("POST"))
            .and(path(endpoint.path()))
            .respond_with(ok_json(envelope(code, "Rate limit exceeded", json!(null))))
            .up_to_n_times(1)
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path(endpoint.path()))
            .respond_with(ok_fixture("music-generate.response.json"))
            .expect(1)
            .mount(&server)
            .await;
        let (client, clock) = client(&server);
        let id = match endpoint {
            Endpoint::GenerateLyrics => client.lyrics().generate(&lyrics_request()).await,
            _ => client.post_task(endpoint, &json!({"prompt": "x"})).await,
        }
        .unwrap();
        assert_eq!(id.as_str(), "5c79****be8e");
        assert_eq!(clock.sleeps().len(), 1);
    }
}

#[tokio::test]
async fn lyrics_429_means_insufficient_credits_and_is_not_retried() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/lyrics"))
        .respond_with(ok_json(envelope(429, "Insufficient credits", json!(null))))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let err = client
        .lyrics()
        .generate(&lyrics_request())
        .await
        .unwrap_err();
    assert!(
        matches!(err, ClientError::InsufficientCredits(_)),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_generate_post_whose_connection_failed_is_retried() {
    // A port that was just free: connecting is refused before anything is sent.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let clock = FakeClock::new();
    let client = Client::builder()
        .api_key(crate::support::KEY)
        .base_url(format!("http://{addr}"))
        .clock(std::sync::Arc::new(clock.clone()))
        .build()
        .unwrap();
    let err = client
        .lyrics()
        .generate(&lyrics_request())
        .await
        .unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    assert_eq!(clock.sleeps().len(), 2, "3 attempts, 2 backoffs");
}
