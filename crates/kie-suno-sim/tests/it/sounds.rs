//! Generate Sounds (`POST /api/v1/generate/sounds`): validated with the types crate's
//! request and the documented lists, polled at music record-info through PENDING ->
//! FIRST_SUCCESS -> SUCCESS, with the music `first` and `complete` callbacks when a
//! `callBackUrl` is given.

use kie_suno_sim::{SimConfig, Timing};
use kie_suno_types::{
    ApiResponse, CallbackType, Endpoint, MusicCallback, MusicRecord, MusicStatus, TaskId,
};
use serde_json::{json, Value};

use crate::support::*;

const PATH: &str = "/api/v1/generate/sounds";

/// The documented example request (it has no `callBackUrl`).
fn documented() -> Value {
    let text = kie_suno_types::fixtures::documented("sounds.request.json").unwrap();
    serde_json::from_str(text).unwrap()
}

async fn record(sim: &kie_suno_sim::SimHandle, task: &str) -> MusicRecord {
    let (_, v) = get(sim, &format!("/api/v1/generate/record-info?taskId={task}")).await;
    let env: ApiResponse<MusicRecord> = serde_json::from_value(v).unwrap();
    env.data.unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_sounds_task_steps_through_its_states_with_callbacks() {
    let rx = Receiver::start().await;
    let sim = sim(SimConfig::default()
        .with_seed(5)
        .with_timing(Timing::manual()))
    .await;
    let mut body = documented();
    body["callBackUrl"] = json!(rx.url);
    let task = submit(&sim, PATH, body).await;
    let id = TaskId::new(&task);
    assert_eq!(record(&sim, &task).await.status, MusicStatus::Pending);

    assert_eq!(sim.advance(&id).as_deref(), Some("FIRST_SUCCESS"));
    let r = record(&sim, &task).await;
    assert!(r.tracks()[0].audio_url.is_some());
    assert!(r.tracks()[1].audio_url.is_none());

    assert_eq!(sim.advance(&id).as_deref(), Some("SUCCESS"));
    assert_eq!(sim.advance(&id), None);
    let r = record(&sim, &task).await;
    assert_eq!(r.status, MusicStatus::Success);
    for t in r.tracks() {
        let tags = t.tags.as_deref().unwrap();
        assert!(tags.ends_with("loop, 166 bpm, D#m"), "{tags}");
        assert_eq!(t.prompt.as_deref(), Some(""), "sounds have no lyrics");
        assert_eq!(t.model_name.as_deref(), Some("chirp-v5"));
        let d = t.duration.unwrap();
        assert!((10.0..=60.0).contains(&d), "{d}");
    }

    let got = rx.wait_for(2).await;
    let stages: Vec<CallbackType> = got
        .iter()
        .map(|g| {
            let cb: MusicCallback = serde_json::from_value(g.body.clone()).unwrap();
            cb.stage().clone()
        })
        .collect();
    assert_eq!(stages, [CallbackType::First, CallbackType::Complete]);
    let stats = sim.stats();
    assert_eq!(stats.tasks_via(Endpoint::GenerateSounds), 1);
    assert_eq!(stats.credits_remaining, 9_999);
}

#[tokio::test(start_paused = true)]
async fn without_a_callback_url_it_is_polled_only() {
    let sim = sim(fast()).await;
    let task = submit(&sim, PATH, documented()).await;
    let v = poll_until(&sim, "/api/v1/generate/record-info", &task, |d| {
        d["status"] == "SUCCESS"
    })
    .await;
    assert_eq!(v["data"]["type"], "SOUNDS");
    sim.settle().await;
    assert_eq!(sim.stats().callback_attempts, 0);
}

#[tokio::test(start_paused = true)]
async fn what_the_api_refuses_is_refused() {
    let sim = sim(fast()).await;
    let cases: &[(&str, Value, &str)] = &[
        ("model", json!("V4_5"), "model"),
        ("model", json!("chirp-v5"), "chirp-v5"),
        ("soundKey", json!("Db"), "soundKey"),
        ("soundKey", json!("d#m"), "soundKey"),
        ("soundTempo", json!(0), "soundTempo"),
        ("soundTempo", json!(301), "soundTempo"),
        ("prompt", json!("x".repeat(501)), "prompt"),
        ("prompt", json!("  "), "prompt"),
        ("callBackUrl", json!("not a url"), "callBackUrl"),
    ];
    for (field, value, needle) in cases {
        let mut body = documented();
        body[*field] = value.clone();
        let (status, v) = post(&sim, PATH, body).await;
        assert_eq!(
            (status, v["code"].as_i64()),
            (422, Some(422)),
            "{field}={value}: {v}"
        );
        assert!(v["msg"].as_str().unwrap().contains(needle), "{v}");
    }
    let mut body = documented();
    body.as_object_mut().unwrap().remove("model");
    assert_eq!(post(&sim, PATH, body).await.0, 422);
    assert_eq!(sim.stats().tasks_via(Endpoint::GenerateSounds), 0);
    // `Any`, the documented default and example, and V5_5 are fine.
    let mut body = documented();
    body["soundKey"] = json!("Any");
    body["model"] = json!("V5_5");
    submit(&sim, PATH, body).await;
}

#[tokio::test(start_paused = true)]
async fn fault_keywords_apply_to_sounds_too() {
    let sim = sim(fast()).await;
    let mut body = documented();
    body["prompt"] = json!("rain [sim:generate-failed]");
    let task = submit(&sim, PATH, body).await;
    let v = poll_until(&sim, "/api/v1/generate/record-info", &task, |d| {
        d["status"] != "PENDING"
    })
    .await;
    assert_eq!(v["data"]["status"], "GENERATE_AUDIO_FAILED");
}
