//! `CALLBACK_EXCEPTION`, the status the docs list for music, lyrics, WAV and
//! separation ("error during callback process"): forced for one task by
//! `[sim:callback-exception]`, or reached when a callback is given up with
//! `CallbackPolicy::exception_on_give_up`.

use std::time::Duration;

use kie_suno_sim::CallbackPolicy;
use kie_suno_types::{
    ApiResponse, LyricsRecord, LyricsStatus, MusicRecord, MusicStatus, TaskState as _, WavRecord,
    WavStatus,
};
use serde_json::json;

use crate::support::*;

/// Nothing listens here: every delivery fails.
const DEAD: &str = "http://127.0.0.1:9/cb";

#[tokio::test(start_paused = true)]
async fn the_keyword_ends_the_task_callback_exception_with_its_results() {
    let rx = Receiver::start().await;
    let sim = sim(fast()).await;
    let lyrics = submit(
        &sim,
        "/api/v1/lyrics",
        lyrics_body("sea [sim:callback-exception]", &rx.url),
    )
    .await;
    let music = submit(
        &sim,
        "/api/v1/generate",
        music_body("sea [sim:callback-exception]", &rx.url),
    )
    .await;
    sim.settle().await;

    let (_, v) = get(&sim, &format!("/api/v1/lyrics/record-info?taskId={lyrics}")).await;
    let r: ApiResponse<LyricsRecord> = serde_json::from_value(v).unwrap();
    let r = r.data.unwrap();
    assert_eq!(r.status, LyricsStatus::CallbackException);
    assert!(r.variations().len() >= 2, "the lyrics were generated");

    let (_, v) = get(
        &sim,
        &format!("/api/v1/generate/record-info?taskId={music}"),
    )
    .await;
    let r: ApiResponse<MusicRecord> = serde_json::from_value(v).unwrap();
    let r = r.data.unwrap();
    assert_eq!(r.status, MusicStatus::CallbackException);
    assert!(r.status.is_failure());
    assert_eq!(r.tracks().len(), 2);
    assert_eq!(
        r.error_message.as_deref(),
        Some("Error during callback process")
    );

    assert!(rx.received().is_empty());
    let stats = sim.stats();
    assert_eq!(
        stats.callbacks_failed, 4,
        "1 lyrics + 3 music callbacks given up"
    );
    assert_eq!(stats.callback_attempts, 0);
}

#[tokio::test(start_paused = true)]
async fn a_given_up_callback_ends_the_task_callback_exception_when_asked() {
    let policy = CallbackPolicy::new(2, Duration::from_secs(1), Duration::from_millis(10))
        .with_exception_on_give_up(true);
    let sim = sim(fast().with_callbacks(policy)).await;
    let (music, tracks) = finished_music_at(&sim, DEAD).await;
    sim.settle().await;
    let (_, v) = get(
        &sim,
        &format!("/api/v1/generate/record-info?taskId={music}"),
    )
    .await;
    assert_eq!(v["data"]["status"], "CALLBACK_EXCEPTION", "{v}");
    assert_eq!(sim.stats().callbacks_failed, 3);

    // WAV documents the status too; video does not, so it stays SUCCESS.
    let wav = submit(
        &sim,
        "/api/v1/wav/generate",
        json!({"taskId": music, "audioId": tracks[0], "callBackUrl": DEAD}),
    )
    .await;
    let video = submit(
        &sim,
        "/api/v1/mp4/generate",
        json!({"taskId": music, "audioId": tracks[0], "callBackUrl": DEAD}),
    )
    .await;
    sim.settle().await;
    let (_, v) = get(&sim, &format!("/api/v1/wav/record-info?taskId={wav}")).await;
    let r: ApiResponse<WavRecord> = serde_json::from_value(v).unwrap();
    assert_eq!(r.data.unwrap().success_flag, WavStatus::CallbackException);
    let (_, v) = get(&sim, &format!("/api/v1/mp4/record-info?taskId={video}")).await;
    assert_eq!(v["data"]["successFlag"], "SUCCESS");
}

#[tokio::test(start_paused = true)]
async fn by_default_a_dead_callback_url_leaves_success_alone() {
    let sim = sim(fast()).await;
    let (music, _) = finished_music_at(&sim, DEAD).await;
    sim.settle().await;
    assert!(sim.stats().callbacks_failed > 0);
    let (_, v) = get(
        &sim,
        &format!("/api/v1/generate/record-info?taskId={music}"),
    )
    .await;
    assert_eq!(v["data"]["status"], "SUCCESS");
}

/// A music task with `callback`, polled until it is done; its id and tracks.
async fn finished_music_at(sim: &kie_suno_sim::SimHandle, callback: &str) -> (String, Vec<String>) {
    let task = submit(sim, "/api/v1/generate", music_body("rain", callback)).await;
    let v = poll_until(sim, "/api/v1/generate/record-info", &task, |d| {
        d["status"] == "SUCCESS" || d["status"] == "CALLBACK_EXCEPTION"
    })
    .await;
    let ids = v["data"]["response"]["sunoData"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    (task, ids)
}
