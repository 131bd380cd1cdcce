//! The client-side limiter: 20 task submissions per 10 s, shared by clones.

use std::time::Duration;

use kie_suno_client::types::GenerateLyricsRequest;
use kie_suno_client::{FakeClock, RateLimit};
use wiremock::matchers::{method, path};
use wiremock::Mock;

use crate::support::{builder, client, ok_fixture, server};

fn req() -> GenerateLyricsRequest {
    GenerateLyricsRequest::new("a song", "https://example.com/cb").unwrap()
}

#[tokio::test]
async fn the_21st_submission_of_a_burst_waits_for_the_window() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/lyrics"))
        .respond_with(ok_fixture("lyrics-generate.response.json"))
        .expect(21)
        .mount(&server)
        .await;
    let (client, clock) = client(&server);
    let other = client.clone();
    for i in 0..20 {
        // Alternate clones: they share one limiter.
        let c = if i % 2 == 0 { &client } else { &other };
        c.lyrics().generate(&req()).await.unwrap();
    }
    assert!(clock.sleeps().is_empty(), "the first 20 go at once");
    other.lyrics().generate(&req()).await.unwrap();
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(10)]);
}

#[tokio::test]
async fn reads_are_not_limited() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/chat/credit"))
        .respond_with(ok_fixture("credits.response.json"))
        .expect(25)
        .mount(&server)
        .await;
    let (client, clock) = client(&server);
    for _ in 0..25 {
        client.credits().await.unwrap();
    }
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn the_limit_is_configurable_or_off() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/lyrics"))
        .respond_with(ok_fixture("lyrics-generate.response.json"))
        .expect(8)
        .mount(&server)
        .await;
    let clock = FakeClock::new();
    let tight = builder(&server, &clock)
        .rate_limit(Some(RateLimit::new(2, Duration::from_secs(1))))
        .build()
        .unwrap();
    for _ in 0..3 {
        tight.lyrics().generate(&req()).await.unwrap();
    }
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(1)]);

    let clock = FakeClock::new();
    let off = builder(&server, &clock).rate_limit(None).build().unwrap();
    for _ in 0..5 {
        off.lyrics().generate(&req()).await.unwrap();
    }
    assert!(clock.sleeps().is_empty());
}
