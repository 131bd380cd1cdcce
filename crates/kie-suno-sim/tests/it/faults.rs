//! Fault injection: every `[sim:...]` keyword, and run-wide seeded probabilities.

use std::time::Duration;

use tokio::time::Instant;

use kie_suno_sim::{Faults, SimConfig, Timing};
use kie_suno_types::{
    ApiCode, ApiResponse, CallbackType, LyricsCallback, LyricsRecord, LyricsStatus, MusicCallback,
    MusicRecord, MusicStatus, TaskId,
};

use crate::support::*;

async fn lyrics_outcome(keyword: &str) -> (LyricsRecord, LyricsCallback) {
    let rx = Receiver::start().await;
    let sim = sim(fast()).await;
    let task = submit(
        &sim,
        "/api/v1/lyrics",
        lyrics_body(&format!("a song {keyword}"), &rx.url),
    )
    .await;
    let v = poll_until(&sim, "/api/v1/lyrics/record-info", &task, |d| {
        d["status"] != "PENDING"
    })
    .await;
    let env: ApiResponse<LyricsRecord> = serde_json::from_value(v).unwrap();
    let got = rx.wait_for(1).await;
    (
        env.data.unwrap(),
        serde_json::from_value(got[0].body.clone()).unwrap(),
    )
}

#[tokio::test(start_paused = true)]
async fn sensitive_ends_with_the_documented_failure_callback() {
    let (record, cb) = lyrics_outcome("[sim:sensitive]").await;
    assert_eq!(record.status, LyricsStatus::SensitiveWordError);
    assert_eq!(
        record.error_code.as_ref().and_then(|c| c.as_i64()),
        Some(400)
    );
    assert!(record.variations().is_empty());
    assert_eq!(cb.code, ApiCode::BadRequest);
    assert_eq!(cb.data.callback_type, CallbackType::Complete);
    assert!(cb.data.data.is_none());
}

#[tokio::test(start_paused = true)]
async fn generate_failed_and_create_failed() {
    let (record, cb) = lyrics_outcome("[sim:generate-failed]").await;
    assert_eq!(record.status, LyricsStatus::GenerateLyricsFailed);
    assert_eq!(cb.code, ApiCode::ServerError);
    let (record, cb) = lyrics_outcome("[sim:create-failed]").await;
    assert_eq!(record.status, LyricsStatus::CreateTaskFailed);
    assert_eq!(cb.code, ApiCode::ServerError);
}

#[tokio::test(start_paused = true)]
async fn code_531_on_music_sends_an_error_callback() {
    let rx = Receiver::start().await;
    let sim = sim(fast()).await;
    let task = submit(
        &sim,
        "/api/v1/generate",
        music_body("doomed [sim:531]", &rx.url),
    )
    .await;
    let v = poll_until(&sim, "/api/v1/generate/record-info", &task, |d| {
        d["status"] != "PENDING"
    })
    .await;
    let env: ApiResponse<MusicRecord> = serde_json::from_value(v).unwrap();
    assert_eq!(env.data.unwrap().status, MusicStatus::GenerateAudioFailed);
    let got = rx.wait_for(1).await;
    let cb: MusicCallback = serde_json::from_value(got[0].body.clone()).unwrap();
    assert_eq!(cb.stage(), &CallbackType::Error);
    assert_eq!(cb.code, ApiCode::GenerationFailedRefunded);
}

#[tokio::test(start_paused = true)]
async fn stall_never_leaves_pending() {
    let sim = sim(fast()).await;
    let task = submit(
        &sim,
        "/api/v1/lyrics",
        lyrics_body("wait [sim:stall]", "http://127.0.0.1:9/cb"),
    )
    .await;
    sim.settle().await;
    assert_eq!(
        sim.task_status(&TaskId::new(&task)).as_deref(),
        Some("PENDING")
    );
    assert_eq!(sim.advance(&TaskId::new(&task)), None);
}

#[tokio::test(start_paused = true)]
async fn create_call_faults() {
    let sim = sim(fast()).await;
    for (kw, lyrics_code, music_code) in [
        ("[sim:455]", 455, 455),
        ("[sim:500]", 500, 500),
        ("[sim:rate-limit]", 405, 429),
        ("[sim:no-credits]", 429, 402),
    ] {
        let (status, v) = post(
            &sim,
            "/api/v1/lyrics",
            lyrics_body(&format!("x {kw}"), "http://127.0.0.1:9/cb"),
        )
        .await;
        assert_eq!(
            (status, v["code"].as_i64()),
            (lyrics_code, Some(i64::from(lyrics_code))),
            "{kw}"
        );
        let (status, v) = post(
            &sim,
            "/api/v1/generate",
            music_body(&format!("x {kw}"), "http://127.0.0.1:9/cb"),
        )
        .await;
        assert_eq!(
            (status, v["code"].as_i64()),
            (music_code, Some(i64::from(music_code))),
            "{kw}"
        );
    }
    assert_eq!(sim.stats().tasks_created.values().sum::<u64>(), 0);
}

/// Submits and polls a `[sim:slow]` task; returns how long each answer took, in
/// simulated time.
async fn slow_answers(config: SimConfig) -> (Duration, Duration) {
    let sim = sim(config).await;
    let started = Instant::now();
    let task = submit(
        &sim,
        "/api/v1/lyrics",
        lyrics_body("x [sim:slow]", "http://127.0.0.1:9/cb"),
    )
    .await;
    let create = started.elapsed();
    let started = Instant::now();
    let (status, _) = get(&sim, &format!("/api/v1/lyrics/record-info?taskId={task}")).await;
    assert_eq!(status, 200);
    (create, started.elapsed())
}

#[tokio::test(start_paused = true)]
async fn slow_delays_the_answers() {
    let mut config = fast();
    config.faults.slow_delay = Duration::from_millis(300);
    let (create, details) = slow_answers(config).await;
    // Each answer waits the delay once, in simulated time.
    let delay = Duration::from_millis(300);
    assert!(create >= delay && create < 2 * delay, "{create:?}");
    assert!(details >= delay && details < 2 * delay, "{details:?}");
}

#[tokio::test(start_paused = true)]
async fn slow_defaults_to_three_seconds() {
    let (create, details) = slow_answers(fast()).await;
    let delay = Duration::from_secs(3);
    assert_eq!(Faults::default().slow_delay, delay);
    assert!(create >= delay && create < 2 * delay, "{create:?}");
    assert!(details >= delay && details < 2 * delay, "{details:?}");
}

#[tokio::test(start_paused = true)]
async fn poll_500_fails_the_first_poll_only() {
    let sim = sim(fast()).await;
    let task = submit(
        &sim,
        "/api/v1/lyrics",
        lyrics_body("x [sim:poll-500]", "http://127.0.0.1:9/cb"),
    )
    .await;
    let path = format!("/api/v1/lyrics/record-info?taskId={task}");
    let (status, v) = get(&sim, &path).await;
    assert_eq!((status, v["code"].as_i64()), (500, Some(500)));
    let (status, v) = get(&sim, &path).await;
    assert_eq!((status, v["code"].as_i64()), (200, Some(200)));
}

#[tokio::test(start_paused = true)]
async fn a_dropped_callback_is_recovered_by_polling() {
    let rx = Receiver::start().await;
    let sim = sim(fast()).await;
    let task = submit(
        &sim,
        "/api/v1/lyrics",
        lyrics_body("x [sim:drop-callback]", &rx.url),
    )
    .await;
    poll_until(&sim, "/api/v1/lyrics/record-info", &task, |d| {
        d["status"] == "SUCCESS"
    })
    .await;
    sim.settle().await;
    assert!(rx.received().is_empty());
    assert_eq!(sim.stats().callbacks_dropped, 1);
}

#[tokio::test(start_paused = true)]
async fn duplicate_callbacks_arrive_twice_with_the_same_body() {
    let rx = Receiver::start().await;
    let sim = sim(fast()).await;
    submit(
        &sim,
        "/api/v1/generate",
        music_body("x [sim:duplicate-callback]", &rx.url),
    )
    .await;
    let got = rx.wait_for(6).await;
    let stages: Vec<&str> = got
        .iter()
        .map(|g| g.body["data"]["callbackType"].as_str().unwrap())
        .collect();
    assert_eq!(
        stages,
        ["text", "text", "first", "first", "complete", "complete"]
    );
    assert_eq!(got[4].body, got[5].body);
}

#[tokio::test(start_paused = true)]
async fn skip_stages_goes_straight_to_complete() {
    let rx = Receiver::start().await;
    let sim = sim(fast()).await;
    let task = submit(
        &sim,
        "/api/v1/generate",
        music_body("x [sim:skip-stages]", &rx.url),
    )
    .await;
    poll_until(&sim, "/api/v1/generate/record-info", &task, |d| {
        d["status"] == "SUCCESS"
    })
    .await;
    rx.wait_for(1).await;
    sim.settle().await;
    let got = rx.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].body["data"]["callbackType"], "complete");
}

#[tokio::test(start_paused = true)]
async fn keywords_are_not_in_the_generated_lyrics() {
    let sim = sim(fast()).await;
    let task = submit(
        &sim,
        "/api/v1/lyrics",
        lyrics_body(
            "ocean waves [sim:duplicate-callback]",
            "http://127.0.0.1:9/cb",
        ),
    )
    .await;
    let v = poll_until(&sim, "/api/v1/lyrics/record-info", &task, |d| {
        d["status"] == "SUCCESS"
    })
    .await;
    let text = v["data"]["response"].to_string();
    assert!(!text.contains("sim:"), "{text}");
    assert!(text.contains("Ocean Waves"), "{text}");
}

#[tokio::test(start_paused = true)]
async fn run_wide_maintenance() {
    let mut config = fast();
    config.faults.maintenance = true;
    let sim = sim(config).await;
    let (status, v) = post(
        &sim,
        "/api/v1/lyrics",
        lyrics_body("x", "http://127.0.0.1:9/cb"),
    )
    .await;
    assert_eq!((status, v["code"].as_i64()), (455, Some(455)));
}

/// The sequence of poll outcomes for a given seed.
async fn poll_pattern(seed: u64) -> Vec<u16> {
    let config = SimConfig::default()
        .with_seed(seed)
        .with_timing(Timing::manual())
        .with_faults(Faults::default().with_poll_500(0.3));
    let sim = sim(config).await;
    let task = submit(
        &sim,
        "/api/v1/lyrics",
        lyrics_body("x", "http://127.0.0.1:9/cb"),
    )
    .await;
    let mut out = Vec::new();
    for _ in 0..40 {
        out.push(
            get(&sim, &format!("/api/v1/lyrics/record-info?taskId={task}"))
                .await
                .0,
        );
    }
    out
}

#[tokio::test(start_paused = true)]
async fn run_wide_probabilities_are_reproducible_with_a_seed() {
    let a = poll_pattern(7).await;
    assert_eq!(a, poll_pattern(7).await);
    let failures = a.iter().filter(|s| **s == 500).count();
    assert!(failures > 0 && failures < 40, "{a:?}");
    assert!(a.iter().all(|s| *s == 200 || *s == 500));
}

#[tokio::test(start_paused = true)]
async fn run_wide_task_failure_and_submit_500() {
    let config = fast().with_faults(Faults::default().with_task_failure(1.0));
    let sim = sim(config).await;
    let task = submit(
        &sim,
        "/api/v1/lyrics",
        lyrics_body("x", "http://127.0.0.1:9/cb"),
    )
    .await;
    poll_until(&sim, "/api/v1/lyrics/record-info", &task, |d| {
        d["status"] == "GENERATE_LYRICS_FAILED"
    })
    .await;

    let sim2 =
        crate::support::sim(fast().with_faults(Faults::default().with_submit_500(1.0))).await;
    let (status, _) = post(
        &sim2,
        "/api/v1/lyrics",
        lyrics_body("x", "http://127.0.0.1:9/cb"),
    )
    .await;
    assert_eq!(status, 500);
}

#[tokio::test(start_paused = true)]
async fn run_wide_callback_drops_and_duplicates() {
    let rx = Receiver::start().await;
    let sim = sim(fast().with_faults(Faults::default().with_duplicate_callback(1.0))).await;
    submit(&sim, "/api/v1/lyrics", lyrics_body("twice", &rx.url)).await;
    let got = rx.wait_for(2).await;
    assert_eq!(got[0].body, got[1].body);

    let rx = Receiver::start().await;
    let sim =
        crate::support::sim(fast().with_faults(Faults::default().with_drop_callback(1.0))).await;
    let task = submit(&sim, "/api/v1/lyrics", lyrics_body("never", &rx.url)).await;
    poll_until(&sim, "/api/v1/lyrics/record-info", &task, |d| {
        d["status"] == "SUCCESS"
    })
    .await;
    sim.settle().await;
    assert!(rx.received().is_empty());
    assert_eq!(sim.stats().callbacks_dropped, 1);
}
