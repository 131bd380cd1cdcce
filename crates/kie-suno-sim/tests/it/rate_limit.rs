//! The documented rate limit: 20 new generation requests per 10 s; the 21st gets
//! 429 generically and 405 on the lyrics endpoint. The windows run on tokio's clock,
//! so the sliding tests use the paused clock and step simulated time exactly.

use std::time::Duration;

use kie_suno_types::{ApiCode, CodeMeaning, Endpoint};

use crate::support::*;

#[tokio::test(start_paused = true)]
async fn the_twenty_first_generation_request_in_the_window_is_refused() {
    let sim = sim(fast()).await;
    for i in 0..20 {
        let path = if i % 2 == 0 {
            "/api/v1/lyrics"
        } else {
            "/api/v1/generate"
        };
        let body = if i % 2 == 0 {
            lyrics_body(&format!("song {i}"), "http://127.0.0.1:9/cb")
        } else {
            music_body(&format!("song {i}"), "http://127.0.0.1:9/cb")
        };
        submit(&sim, path, body).await;
    }
    let (status, v) = post(
        &sim,
        "/api/v1/generate",
        music_body("one too many", "http://127.0.0.1:9/cb"),
    )
    .await;
    assert_eq!((status, v["code"].as_i64()), (429, Some(429)));
    let (status, v) = post(
        &sim,
        "/api/v1/lyrics",
        lyrics_body("one too many", "http://127.0.0.1:9/cb"),
    )
    .await;
    assert_eq!((status, v["code"].as_i64()), (405, Some(405)));
    assert_eq!(
        ApiCode::from_i64(405).meaning(Endpoint::GenerateLyrics),
        CodeMeaning::RateLimited
    );

    // Polling and credits are not generation requests.
    let (status, _) = get(&sim, "/api/v1/chat/credit").await;
    assert_eq!(status, 200);
    let stats = sim.stats();
    assert_eq!(
        stats.tasks_via(Endpoint::GenerateLyrics) + stats.tasks_via(Endpoint::GenerateMusic),
        20
    );
    assert_eq!(
        stats.credits_remaining,
        10_000 - 20,
        "refused calls cost nothing"
    );
}

#[tokio::test(start_paused = true)]
async fn the_window_slides() {
    let window = Duration::from_millis(100);
    let config = fast().with_rate_limit(Some(kie_suno_sim::SimRateLimit::new(1, window)));
    let sim = sim(config).await;
    let start = tokio::time::Instant::now();
    submit(
        &sim,
        "/api/v1/lyrics",
        lyrics_body("a", "http://127.0.0.1:9/cb"),
    )
    .await;
    let (_, v) = post(
        &sim,
        "/api/v1/lyrics",
        lyrics_body("b", "http://127.0.0.1:9/cb"),
    )
    .await;
    assert_eq!(v["code"], 405);
    // Still inside the window just before it ends (refused calls take no slot)...
    tokio::time::sleep_until(start + window - Duration::from_millis(1)).await;
    let (_, v) = post(
        &sim,
        "/api/v1/lyrics",
        lyrics_body("b", "http://127.0.0.1:9/cb"),
    )
    .await;
    assert_eq!(v["code"], 405);
    // ...and admitted once it has passed.
    tokio::time::sleep_until(start + window).await;
    submit(
        &sim,
        "/api/v1/lyrics",
        lyrics_body("c", "http://127.0.0.1:9/cb"),
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn no_limit_when_disabled() {
    let sim = sim(fast().with_rate_limit(None)).await;
    for i in 0..25 {
        submit(
            &sim,
            "/api/v1/lyrics",
            lyrics_body(&format!("{i}"), "http://127.0.0.1:9/cb"),
        )
        .await;
    }
}

#[tokio::test(start_paused = true)]
async fn the_documented_poll_limit_is_opt_in() {
    let window = Duration::from_secs(60);
    let config = fast()
        .with_timing(kie_suno_sim::Timing::manual())
        .with_poll_limit(Some(kie_suno_sim::SimRateLimit::new(3, window)));
    let sim = sim(config).await;
    let task = submit(
        &sim,
        "/api/v1/generate",
        music_body("poll me", "http://127.0.0.1:9/cb"),
    )
    .await;
    let path = format!("/api/v1/generate/record-info?taskId={task}");
    for _ in 0..3 {
        assert_eq!(get(&sim, &path).await.0, 200);
    }
    let (status, v) = get(&sim, &path).await;
    assert_eq!((status, v["code"].as_i64()), (429, Some(429)));
    // The per-task window slides too (simulated time).
    tokio::time::sleep(window).await;
    assert_eq!(get(&sim, &path).await.0, 200);
    // The limit is per task.
    let other = submit(
        &sim,
        "/api/v1/generate",
        music_body("another", "http://127.0.0.1:9/cb"),
    )
    .await;
    assert_eq!(
        get(
            &sim,
            &format!("/api/v1/generate/record-info?taskId={other}")
        )
        .await
        .0,
        200
    );

    // Off by default.
    let sim = crate::support::sim(fast().with_timing(kie_suno_sim::Timing::manual())).await;
    let task = submit(
        &sim,
        "/api/v1/generate",
        music_body("poll me", "http://127.0.0.1:9/cb"),
    )
    .await;
    for _ in 0..10 {
        assert_eq!(
            get(&sim, &format!("/api/v1/generate/record-info?taskId={task}"))
                .await
                .0,
            200
        );
    }
}
