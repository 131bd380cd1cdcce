//! Counters: submissions per prompt (to assert "submitted once"), per endpoint,
//! rejections per code, callbacks.

use kie_suno_types::{ApiCode, Endpoint};

use crate::support::*;

#[tokio::test(start_paused = true)]
async fn submissions_are_counted_per_prompt_and_endpoint() {
    let sim = sim(fast()).await;
    assert_eq!(sim.count_generate("alpha"), 0);
    submit(
        &sim,
        "/api/v1/lyrics",
        lyrics_body("alpha", "http://127.0.0.1:9/cb"),
    )
    .await;
    submit(
        &sim,
        "/api/v1/generate",
        music_body("alpha", "http://127.0.0.1:9/cb"),
    )
    .await;
    submit(
        &sim,
        "/api/v1/lyrics",
        lyrics_body("beta", "http://127.0.0.1:9/cb"),
    )
    .await;
    // Rejected submissions count too: they reached the server.
    let (_, v) = post(
        &sim,
        "/api/v1/lyrics",
        lyrics_body("beta [sim:500]", "http://127.0.0.1:9/cb"),
    )
    .await;
    assert_eq!(v["code"], 500);
    let (_, v) = post(
        &sim,
        "/api/v1/lyrics",
        serde_json::json!({"prompt": "gamma", "callBackUrl": "not a url"}),
    )
    .await;
    assert_eq!(v["code"], 422);

    assert_eq!(sim.count_generate("alpha"), 2);
    assert_eq!(sim.count_generate("beta"), 1);
    assert_eq!(sim.count_generate("beta [sim:500]"), 1);
    assert_eq!(sim.count_generate("gamma"), 1);
    // Even a call refused for its key was received.
    let (status, _) = post_raw(
        &sim,
        "/api/v1/lyrics",
        lyrics_body("epsilon", "http://127.0.0.1:9/cb").to_string(),
        None,
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(sim.count_generate("epsilon"), 1);

    let task = submit(
        &sim,
        "/api/v1/lyrics",
        lyrics_body("delta", "http://127.0.0.1:9/cb"),
    )
    .await;
    get(&sim, &format!("/api/v1/lyrics/record-info?taskId={task}")).await;
    get(&sim, &format!("/api/v1/lyrics/record-info?taskId={task}")).await;

    let stats = sim.stats();
    assert_eq!(stats.requests_to(Endpoint::GenerateLyrics), 6);
    assert_eq!(stats.requests_to(Endpoint::GenerateMusic), 1);
    assert_eq!(stats.requests_to(Endpoint::LyricsDetails), 2);
    assert_eq!(stats.tasks_via(Endpoint::GenerateLyrics), 3);
    assert_eq!(stats.tasks_via(Endpoint::GenerateMusic), 1);
    assert_eq!(stats.rejected_with(ApiCode::ServerError), 1);
    assert_eq!(stats.rejected_with(ApiCode::ValidationError), 1);
}

#[tokio::test(start_paused = true)]
async fn delivered_callbacks_are_listed_per_task() {
    let rx = Receiver::start().await;
    let sim = sim(fast()).await;
    let task = submit(
        &sim,
        "/api/v1/generate",
        music_body("count my callbacks", &rx.url),
    )
    .await;
    rx.wait_for(3).await;
    sim.settle().await;
    let stats = sim.stats();
    let stages: Vec<&str> = stats
        .delivered_for(&kie_suno_types::TaskId::new(&task))
        .iter()
        .map(|d| d.stage.as_str())
        .collect();
    assert_eq!(stages, ["text", "first", "complete"]);
    assert_eq!(stats.callbacks_delivered, 3);
}
