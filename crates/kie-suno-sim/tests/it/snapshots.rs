//! The exact bodies the simulator writes, pinned: with a fixed clock, a fixed seed
//! and a fixed files URL, a run is byte-for-byte reproducible.

use kie_suno_sim::{SimClock, SimConfig, Timing};
use kie_suno_types::TaskId;

use crate::support::*;

fn pinned() -> SimConfig {
    SimConfig::default()
        .with_seed(0)
        .with_timing(Timing::manual())
        .with_clock(SimClock::fixed(1_767_225_600)) // 2026-01-01T00:00:00Z
        .with_files_base_url("http://sim.test")
}

#[tokio::test(start_paused = true)]
async fn lyrics_record_and_callback() {
    let rx = Receiver::start().await;
    let sim = sim(pinned()).await;
    let task = submit(
        &sim,
        "/api/v1/lyrics",
        lyrics_body(
            "A nostalgic song about childhood memories and growing up in a small town",
            &rx.url,
        ),
    )
    .await;
    sim.advance(&TaskId::new(&task));
    let (_, mut record) = get(&sim, &format!("/api/v1/lyrics/record-info?taskId={task}")).await;
    // `param` holds the callback URL, whose port is random.
    let param: serde_json::Value =
        serde_json::from_str(record["data"]["param"].as_str().unwrap()).unwrap();
    assert_eq!(param["callBackUrl"], rx.url.as_str());
    record["data"]["param"] = "[param]".into();
    let mut callback = rx.wait_for(1).await[0].body.clone();
    insta::assert_json_snapshot!("lyrics_record", record);
    callback["data"]["data"].as_array_mut().unwrap().truncate(1);
    insta::assert_json_snapshot!("lyrics_callback_first_variation", callback);
}

#[tokio::test(start_paused = true)]
async fn music_first_stage_callback() {
    let rx = Receiver::start().await;
    let sim = sim(pinned()).await;
    let task = submit(
        &sim,
        "/api/v1/generate",
        music_body("rain on a neon city", &rx.url),
    )
    .await;
    let id = TaskId::new(&task);
    sim.advance(&id);
    sim.advance(&id);
    let got = rx.wait_for(2).await;
    insta::assert_json_snapshot!("music_first_callback", got[1].body);
}
