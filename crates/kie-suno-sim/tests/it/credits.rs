//! Credits fall per task; when spent, the endpoint's insufficient-credits code:
//! 402 generically, 429 on the lyrics endpoint (its own table).

use kie_suno_sim::{Costs, SimConfig, Timing};
use kie_suno_types::{ApiCode, CodeMeaning, Endpoint};

use crate::support::*;

async fn balance(sim: &kie_suno_sim::SimHandle) -> u64 {
    let (_, v) = get(sim, "/api/v1/chat/credit").await;
    assert_eq!(v["code"], 200);
    v["data"].as_u64().unwrap()
}

#[tokio::test(start_paused = true)]
async fn credits_fall_per_task_and_run_out() {
    let mut config = fast().with_credits(3);
    config.costs = Costs::default().with(Endpoint::GenerateMusic, 2);
    let sim = sim(config).await;
    assert_eq!(balance(&sim).await, 3);
    submit(
        &sim,
        "/api/v1/lyrics",
        lyrics_body("one", "http://127.0.0.1:9/cb"),
    )
    .await;
    assert_eq!(balance(&sim).await, 2);
    submit(
        &sim,
        "/api/v1/generate",
        music_body("two", "http://127.0.0.1:9/cb"),
    )
    .await;
    assert_eq!(balance(&sim).await, 0);

    let (status, v) = post(
        &sim,
        "/api/v1/generate",
        music_body("three", "http://127.0.0.1:9/cb"),
    )
    .await;
    assert_eq!((status, v["code"].as_i64()), (402, Some(402)));
    assert_eq!(
        ApiCode::from_i64(402).meaning(Endpoint::GenerateMusic),
        CodeMeaning::InsufficientCredits
    );

    let (status, v) = post(
        &sim,
        "/api/v1/lyrics",
        lyrics_body("four", "http://127.0.0.1:9/cb"),
    )
    .await;
    assert_eq!((status, v["code"].as_i64()), (429, Some(429)));
    assert_eq!(
        ApiCode::from_i64(429).meaning(Endpoint::GenerateLyrics),
        CodeMeaning::InsufficientCredits
    );
    assert_eq!(sim.stats().credits_remaining, 0);
}

#[tokio::test(start_paused = true)]
async fn a_531_failure_refunds_the_credits() {
    let sim = sim(SimConfig::default()
        .with_timing(Timing::manual())
        .with_credits(5))
    .await;
    let task = submit(
        &sim,
        "/api/v1/generate",
        music_body("refund me [sim:531]", "http://127.0.0.1:9/cb"),
    )
    .await;
    assert_eq!(balance(&sim).await, 4);
    assert_eq!(
        sim.advance(&kie_suno_types::TaskId::new(&task)).as_deref(),
        Some("GENERATE_AUDIO_FAILED")
    );
    assert_eq!(balance(&sim).await, 5);
}

#[tokio::test(start_paused = true)]
async fn separation_costs_what_the_docs_say() {
    let sim = sim(fast().with_credits(100)).await;
    let (task, tracks) = finished_music(&sim).await;
    let mut before = balance(&sim).await;
    for (kind, cost) in [("separate_vocal", 10), ("split_stem", 50)] {
        let body = serde_json::json!({"taskId": task, "audioId": tracks[0], "type": kind, "callBackUrl": "http://127.0.0.1:9/cb"});
        submit(&sim, "/api/v1/vocal-removal/generate", body).await;
        let after = balance(&sim).await;
        assert_eq!(before - after, cost, "{kind}");
        before = after;
    }
}
