//! Lyrics: submit, poll through PENDING to SUCCESS, typed records, determinism.

use kie_suno_sim::{SimConfig, Timing};
use kie_suno_types::{ApiResponse, LyricsRecord, LyricsStatus, TaskId, TaskState};

use crate::support::*;

const PROMPT: &str = "A nostalgic song about childhood memories and growing up in a small town";

fn record(v: serde_json::Value) -> LyricsRecord {
    let env: ApiResponse<LyricsRecord> = serde_json::from_value(v).unwrap();
    assert!(env.is_success());
    env.data.unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_lyrics_task_goes_from_pending_to_success_by_polling() {
    let sim = sim(SimConfig::default().with_timing(Timing::manual())).await;
    let task = submit(
        &sim,
        "/api/v1/lyrics",
        lyrics_body(PROMPT, "http://127.0.0.1:9/cb"),
    )
    .await;
    assert_eq!(task.len(), 32);

    let (_, v) = get(&sim, &format!("/api/v1/lyrics/record-info?taskId={task}")).await;
    let pending = record(v);
    assert_eq!(pending.status, LyricsStatus::Pending);
    assert!(pending.variations().is_empty());
    assert_eq!(pending.task_type.as_deref(), Some("LYRICS"));

    assert_eq!(sim.advance(&TaskId::new(&task)).as_deref(), Some("SUCCESS"));
    assert_eq!(
        sim.advance(&TaskId::new(&task)),
        None,
        "success is terminal"
    );

    let (_, v) = get(&sim, &format!("/api/v1/lyrics/record-info?taskId={task}")).await;
    let done = record(v);
    assert!(done.status.is_success());
    assert_eq!(done.task_id.as_str(), task);
    let param: serde_json::Value = done.param.as_ref().unwrap().value().unwrap();
    assert_eq!(param["prompt"], PROMPT);
    let vars = done.variations();
    assert!((2..=3).contains(&vars.len()), "{}", vars.len());
    for v in vars {
        assert!(v.is_complete());
        let text = v.text.as_deref().unwrap();
        assert!(
            text.contains("[Verse]") && text.contains("[Chorus]"),
            "{text}"
        );
    }
    assert_eq!(vars[0].title.as_deref(), Some("Childhood Memories"));
}

#[tokio::test(start_paused = true)]
async fn automatic_timing_finishes_on_its_own() {
    let sim = sim(fast()).await;
    let task = submit(
        &sim,
        "/api/v1/lyrics",
        lyrics_body("the sea at night", "http://127.0.0.1:9/cb"),
    )
    .await;
    let v = poll_until(&sim, "/api/v1/lyrics/record-info", &task, |d| {
        d["status"] == "SUCCESS"
    })
    .await;
    assert!(record(v).variations()[0]
        .text
        .as_deref()
        .unwrap()
        .contains("[Verse]"));
}

#[tokio::test(start_paused = true)]
async fn the_same_prompt_gives_the_same_lyrics_in_two_runs() {
    let a = sim(fast()).await;
    let b = sim(fast()).await;
    let mut texts = Vec::new();
    for s in [&a, &b] {
        let task = submit(
            s,
            "/api/v1/lyrics",
            lyrics_body("rain over the harbor", "http://127.0.0.1:9/cb"),
        )
        .await;
        let v = poll_until(s, "/api/v1/lyrics/record-info", &task, |d| {
            d["status"] == "SUCCESS"
        })
        .await;
        texts.push(v["data"]["response"]["data"].clone());
    }
    assert_eq!(texts[0], texts[1]);
    let other_task = submit(
        &a,
        "/api/v1/lyrics",
        lyrics_body("desert highway", "http://127.0.0.1:9/cb"),
    )
    .await;
    let other = poll_until(&a, "/api/v1/lyrics/record-info", &other_task, |d| {
        d["status"] == "SUCCESS"
    })
    .await;
    assert_ne!(other["data"]["response"]["data"], texts[0]);
}

#[tokio::test(start_paused = true)]
async fn unknown_and_missing_task_ids_are_rejected() {
    let sim = sim(fast()).await;
    let (status, v) = get(&sim, "/api/v1/lyrics/record-info?taskId=nope").await;
    assert_eq!((status, v["code"].as_i64()), (404, Some(404)));
    let (status, v) = get(&sim, "/api/v1/lyrics/record-info").await;
    assert_eq!((status, v["code"].as_i64()), (422, Some(422)));
}

#[tokio::test(start_paused = true)]
async fn a_music_task_id_is_not_a_lyrics_task() {
    let sim = sim(SimConfig::default().with_timing(Timing::manual())).await;
    let task = submit(
        &sim,
        "/api/v1/generate",
        music_body("x y z", "http://127.0.0.1:9/cb"),
    )
    .await;
    let (status, _) = get(&sim, &format!("/api/v1/lyrics/record-info?taskId={task}")).await;
    assert_eq!(status, 404);
}

/// The default timing, on the paused clock: a lyrics task is `PENDING` until 1 s of
/// simulated time has passed, then `SUCCESS`.
#[tokio::test(start_paused = true)]
async fn lyrics_finish_after_the_default_second_in_simulated_time() {
    use std::time::Duration;
    use tokio::time::{sleep_until, Instant};

    let sim = sim(SimConfig::default()).await;
    let start = Instant::now();
    let task = submit(
        &sim,
        "/api/v1/lyrics",
        lyrics_body("a song on a schedule", "http://127.0.0.1:9/cb"),
    )
    .await;
    let id = TaskId::new(&task);
    let at = Timing::default().lyrics;
    assert_eq!(at, Duration::from_secs(1));
    let ms = Duration::from_millis(1);
    sleep_until(start + at - ms).await;
    assert_eq!(sim.task_status(&id).as_deref(), Some("PENDING"));
    sleep_until(start + at + ms).await;
    assert_eq!(sim.task_status(&id).as_deref(), Some("SUCCESS"));
}
