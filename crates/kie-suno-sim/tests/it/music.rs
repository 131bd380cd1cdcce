//! Music: PENDING -> TEXT_SUCCESS -> FIRST_SUCCESS -> SUCCESS with the text, first and
//! complete callbacks, all readable by the kie-suno-types music types.

use kie_suno_sim::{SimConfig, Timing};
use kie_suno_types::{
    ApiResponse, CallbackType, MusicCallback, MusicRecord, MusicStatus, OperationType, TaskId,
};

use crate::support::*;

async fn record(sim: &kie_suno_sim::SimHandle, task: &str) -> MusicRecord {
    let (_, v) = get(sim, &format!("/api/v1/generate/record-info?taskId={task}")).await;
    let env: ApiResponse<MusicRecord> = serde_json::from_value(v).unwrap();
    env.data.unwrap()
}

#[tokio::test(start_paused = true)]
async fn music_steps_through_every_state_with_its_callbacks() {
    let rx = Receiver::start().await;
    let sim = sim(SimConfig::default().with_timing(Timing::manual())).await;
    let task = submit(
        &sim,
        "/api/v1/generate",
        music_body("a calm piano piece about rain", &rx.url),
    )
    .await;
    let id = TaskId::new(&task);

    let r = record(&sim, &task).await;
    assert_eq!(r.status, MusicStatus::Pending);
    assert_eq!(r.operation_type, Some(OperationType::Generate));
    assert!(r.tracks().is_empty());

    assert_eq!(sim.advance(&id).as_deref(), Some("TEXT_SUCCESS"));
    let r = record(&sim, &task).await;
    assert_eq!(r.tracks().len(), 2);
    assert!(r.tracks()[0].audio_url.is_none());
    assert!(r.tracks()[0].prompt.as_deref().unwrap().contains("[Verse]"));

    assert_eq!(sim.advance(&id).as_deref(), Some("FIRST_SUCCESS"));
    let r = record(&sim, &task).await;
    assert!(r.tracks()[0].audio_url.is_some());
    assert!(r.tracks()[1].audio_url.is_none());
    assert!(r.tracks()[1].stream_audio_url.is_some());

    assert_eq!(sim.advance(&id).as_deref(), Some("SUCCESS"));
    let r = record(&sim, &task).await;
    assert_eq!(r.status, MusicStatus::Success);
    assert!(r
        .tracks()
        .iter()
        .all(|t| t.audio_url.is_some() && t.duration.is_some()));

    let got = rx.wait_for(3).await;
    let cbs: Vec<MusicCallback> = got
        .iter()
        .map(|g| serde_json::from_value(g.body.clone()).unwrap())
        .collect();
    let stages: Vec<&CallbackType> = cbs.iter().map(|c| c.stage()).collect();
    assert_eq!(
        stages,
        [
            &CallbackType::Text,
            &CallbackType::First,
            &CallbackType::Complete
        ]
    );
    assert_eq!(
        cbs.iter().map(|c| c.tracks().len()).collect::<Vec<_>>(),
        [0, 1, 2]
    );
    assert!(cbs[2].is_success());
    assert_eq!(cbs[2].data.task_id, id);
    assert_eq!(
        cbs[2].tracks()[0].audio_url,
        r.tracks()[0].audio_url,
        "the callback and the record name the same file"
    );
    // Snake case on the wire, as documented.
    assert!(got[2].body["data"]["data"][0]["audio_url"].is_string());
}

#[tokio::test(start_paused = true)]
async fn custom_mode_keeps_the_given_title_style_and_lyrics() {
    let sim = sim(fast()).await;
    let body = serde_json::json!({
        "prompt": "[Verse]\nmy own words",
        "style": "Jazz",
        "title": "Mine",
        "customMode": true,
        "instrumental": false,
        "model": "V5",
        "callBackUrl": "http://127.0.0.1:9/cb",
    });
    let task = submit(&sim, "/api/v1/generate", body).await;
    poll_until(&sim, "/api/v1/generate/record-info", &task, |d| {
        d["status"] == "SUCCESS"
    })
    .await;
    let r = record(&sim, &task).await;
    let t = &r.tracks()[0];
    assert_eq!(t.title.as_deref(), Some("Mine"));
    assert_eq!(t.tags.as_deref(), Some("Jazz"));
    assert_eq!(t.prompt.as_deref(), Some("[Verse]\nmy own words"));
    assert_eq!(t.model_name.as_deref(), Some("chirp-v5"));
}

#[tokio::test(start_paused = true)]
async fn the_other_music_endpoints_create_music_tasks() {
    let sim = sim(fast()).await;
    let (_, tracks) = finished_music(&sim).await;
    let cb = "http://127.0.0.1:9/cb";
    let bodies = [
        (
            "/api/v1/generate/extend",
            serde_json::json!({"defaultParamFlag": false, "audioId": tracks[0], "model": "V4_5", "callBackUrl": cb}),
        ),
        (
            "/api/v1/generate/upload-cover",
            serde_json::json!({"uploadUrl": "https://example.com/a.mp3", "customMode": false, "instrumental": false, "prompt": "a cover", "model": "V4_5", "callBackUrl": cb}),
        ),
        (
            "/api/v1/generate/upload-extend",
            serde_json::json!({"uploadUrl": "https://example.com/a.mp3", "defaultParamFlag": false, "instrumental": false, "prompt": "more", "model": "V4_5", "callBackUrl": cb}),
        ),
        (
            "/api/v1/generate/add-instrumental",
            serde_json::json!({"uploadUrl": "https://example.com/a.mp3", "title": "T", "negativeTags": "metal", "tags": "piano", "callBackUrl": cb}),
        ),
        (
            "/api/v1/generate/add-vocals",
            serde_json::json!({"uploadUrl": "https://example.com/a.mp3", "title": "T", "negativeTags": "metal", "style": "pop", "prompt": "la la", "callBackUrl": cb}),
        ),
        (
            "/api/v1/generate/mashup",
            serde_json::json!({"uploadUrlList": ["https://example.com/a.mp3", "https://example.com/b.mp3"], "customMode": false, "prompt": "mix", "model": "V4_5", "callBackUrl": cb}),
        ),
    ];
    for (path, body) in bodies {
        let (status, v) = post(&sim, path, body).await;
        assert_eq!(v["code"], 200, "{path}: {v}");
        assert_eq!(status, 200);
        let task = v["data"]["taskId"].as_str().unwrap();
        let done = poll_until(&sim, "/api/v1/generate/record-info", task, |d| {
            d["status"] == "SUCCESS"
        })
        .await;
        let env: ApiResponse<MusicRecord> = serde_json::from_value(done).unwrap();
        assert_eq!(env.data.unwrap().tracks().len(), 2, "{path}");
    }
}

#[tokio::test(start_paused = true)]
async fn replace_section_sends_only_the_complete_callback() {
    let rx = Receiver::start().await;
    let sim = sim(fast()).await;
    let (task, tracks) = finished_music(&sim).await;
    let body = serde_json::json!({
        "taskId": task, "audioId": tracks[0], "prompt": "new words", "tags": "Jazz",
        "title": "Fixed", "infillStartS": 10.0, "infillEndS": 25.0, "callBackUrl": rx.url,
        "fullLyrics": "[Verse]\nnew words",
    });
    let replace = submit(&sim, "/api/v1/generate/replace-section", body).await;
    poll_until(&sim, "/api/v1/generate/record-info", &replace, |d| {
        d["status"] == "SUCCESS"
    })
    .await;
    let got = rx.wait_for(1).await;
    sim.settle().await;
    let got_all = rx.received();
    assert_eq!(got_all.len(), 1, "{got:?}");
    let cb: MusicCallback = serde_json::from_value(got_all[0].body.clone()).unwrap();
    assert_eq!(cb.stage(), &CallbackType::Complete);
    assert_eq!(cb.tracks().len(), 1);
}

/// The default timing, on the paused clock: each stage arrives exactly when
/// `Timing::default()` says (300 ms, 300 ms, 400 ms), its callback with it, and the
/// injected wall clock stamps the callbacks with the simulated time.
#[tokio::test(start_paused = true)]
async fn music_stages_follow_the_default_timing_in_simulated_time() {
    use std::time::Duration;
    use tokio::time::{sleep_until, Instant};

    const EPOCH: i64 = 1_767_225_600;
    let rx = Receiver::start().await;
    let sim = sim(SimConfig::default()
        .with_hmac_key("timing-key")
        .with_clock(tokio_clock(EPOCH)))
    .await;
    let start = Instant::now();
    let task = submit(
        &sim,
        "/api/v1/generate",
        music_body("a song on a schedule", &rx.url),
    )
    .await;
    let id = TaskId::new(&task);
    let t = Timing::default();
    let ms = Duration::from_millis(1);
    let stages = [
        (t.music_text, "PENDING", "TEXT_SUCCESS"),
        (
            t.music_text + t.music_first,
            "TEXT_SUCCESS",
            "FIRST_SUCCESS",
        ),
        (
            t.music_text + t.music_first + t.music_complete,
            "FIRST_SUCCESS",
            "SUCCESS",
        ),
    ];
    assert_eq!(
        stages.map(|s| s.0),
        [300, 600, 1000].map(Duration::from_millis)
    );
    for (at, before, after) in stages {
        sleep_until(start + at - ms).await;
        assert_eq!(sim.task_status(&id).as_deref(), Some(before), "{at:?}");
        sleep_until(start + at + ms).await;
        assert_eq!(sim.task_status(&id).as_deref(), Some(after), "{at:?}");
    }
    let got = rx.wait_for(3).await;
    for (g, (at, ..)) in got.iter().zip(stages) {
        let arrived = g.at - start;
        assert!(arrived >= at && arrived < at + ms, "{arrived:?} for {at:?}");
        let ts = EPOCH + i64::try_from(at.as_secs()).unwrap();
        assert_eq!(g.headers["x-webhook-timestamp"], ts.to_string().as_str());
        let ts = u64::try_from(ts).unwrap();
        assert_eq!(
            g.headers["x-webhook-signature"],
            kie_suno_sim::sign(b"timing-key", &task, ts).as_str()
        );
    }
}
