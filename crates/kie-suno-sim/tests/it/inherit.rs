//! Fault keywords are inherited: a task made from a faulty task (extend, WAV, video,
//! stems, MIDI of those stems, cover images, replace-section, a cover of one of its
//! files, ...) is faulty the same way.

use std::time::Duration;

use serde_json::{json, Value};
use tokio::time::Instant;

use crate::support::*;

/// A finished music task made with `keyword`: (task id, track ids, first audio URL).
async fn faulty_music(
    sim: &kie_suno_sim::SimHandle,
    keyword: &str,
    cb: &str,
) -> (String, Vec<String>, String) {
    let task = submit(
        sim,
        "/api/v1/generate",
        music_body(&format!("rain {keyword}"), cb),
    )
    .await;
    let v = poll_until(sim, "/api/v1/generate/record-info", &task, |d| {
        d["status"] == "SUCCESS" || d["status"] == "CALLBACK_EXCEPTION"
    })
    .await;
    let tracks: Vec<Value> = v["data"]["response"]["sunoData"]
        .as_array()
        .unwrap()
        .clone();
    let ids = tracks
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    (
        task,
        ids,
        tracks[0]["audioUrl"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test(start_paused = true)]
async fn every_child_of_a_task_with_dropped_callbacks_drops_its_own() {
    let rx = Receiver::start().await;
    let sim = sim(fast()).await;
    let (music, tracks, audio_url) = faulty_music(&sim, "[sim:drop-callback]", &rx.url).await;
    let cb = rx.url.as_str();
    let children = [
        (
            "/api/v1/wav/generate",
            json!({"taskId": music, "audioId": tracks[0], "callBackUrl": cb}),
        ),
        (
            "/api/v1/mp4/generate",
            json!({"taskId": music, "audioId": tracks[0], "callBackUrl": cb}),
        ),
        (
            "/api/v1/suno/cover/generate",
            json!({"taskId": music, "callBackUrl": cb}),
        ),
        (
            "/api/v1/generate/extend",
            json!({"defaultParamFlag": false, "audioId": tracks[1], "model": "V4_5", "callBackUrl": cb}),
        ),
        (
            "/api/v1/generate/replace-section",
            json!({"taskId": music, "audioId": tracks[0], "prompt": "p", "tags": "t", "title": "t", "fullLyrics": "[Verse] p", "infillStartS": 10, "infillEndS": 30, "callBackUrl": cb}),
        ),
        // A cover of one of the faulty task's own files.
        (
            "/api/v1/generate/upload-cover",
            json!({"uploadUrl": audio_url, "customMode": false, "instrumental": false, "prompt": "p", "model": "V4_5", "callBackUrl": cb}),
        ),
    ];
    for (path, body) in children {
        submit(&sim, path, body).await;
    }
    let stems = submit(
        &sim,
        "/api/v1/vocal-removal/generate",
        json!({"taskId": music, "audioId": tracks[1], "callBackUrl": cb}),
    )
    .await;
    sim.settle().await;
    // A grandchild: MIDI of the stems.
    submit(
        &sim,
        "/api/v1/midi/generate",
        json!({"taskId": stems, "callBackUrl": cb}),
    )
    .await;
    sim.settle().await;
    assert!(
        rx.received().is_empty(),
        "{:?}",
        rx.received().iter().map(|r| &r.body).collect::<Vec<_>>()
    );
    // music 3 + WAV + video + cover + extend 3 + replace 1 + upload-cover 3 + stems + MIDI.
    assert_eq!(sim.stats().callbacks_dropped, 15);
}

#[tokio::test(start_paused = true)]
async fn a_url_upload_of_a_faulty_file_passes_the_fault_on() {
    let rx = Receiver::start().await;
    let sim = sim(fast()).await;
    let (_, _, audio_url) =
        faulty_music(&sim, "[sim:duplicate-callback]", "http://127.0.0.1:9/cb").await;
    let (_, up) = post(
        &sim,
        "/api/file-url-upload",
        json!({"fileUrl": audio_url, "uploadPath": "u"}),
    )
    .await;
    let copy = up["data"]["downloadUrl"].as_str().unwrap();
    let body = json!({"uploadUrl": copy, "title": "t", "tags": "jazz", "negativeTags": "rock", "callBackUrl": rx.url});
    submit(&sim, "/api/v1/generate/add-instrumental", body).await;
    sim.settle().await;
    assert_eq!(rx.received().len(), 6, "every callback twice");
}

#[tokio::test(start_paused = true)]
async fn poll_500_slow_and_callback_exception_are_inherited() {
    let sim = sim(fast()).await;
    let cb = "http://127.0.0.1:9/cb";

    let (music, tracks, _) = faulty_music(&sim, "[sim:poll-500]", cb).await;
    let wav = submit(
        &sim,
        "/api/v1/wav/generate",
        json!({"taskId": music, "audioId": tracks[0], "callBackUrl": cb}),
    )
    .await;
    let path = format!("/api/v1/wav/record-info?taskId={wav}");
    assert_eq!(get(&sim, &path).await.0, 500);
    assert_eq!(get(&sim, &path).await.0, 200);

    let (music, tracks, _) = faulty_music(&sim, "[sim:slow]", cb).await;
    let started = Instant::now();
    let wav = submit(
        &sim,
        "/api/v1/wav/generate",
        json!({"taskId": music, "audioId": tracks[0], "callBackUrl": cb}),
    )
    .await;
    assert!(
        started.elapsed() >= Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let started = Instant::now();
    get(&sim, &format!("/api/v1/wav/record-info?taskId={wav}")).await;
    assert!(started.elapsed() >= Duration::from_secs(3));

    let (music, tracks, _) = faulty_music(&sim, "[sim:callback-exception]", cb).await;
    let wav = submit(
        &sim,
        "/api/v1/wav/generate",
        json!({"taskId": music, "audioId": tracks[0], "callBackUrl": cb}),
    )
    .await;
    poll_until(&sim, "/api/v1/wav/record-info", &wav, |d| {
        d["successFlag"] == "CALLBACK_EXCEPTION"
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_childs_own_keywords_still_count() {
    let rx = Receiver::start().await;
    let sim = sim(fast()).await;
    let (music, tracks, _) =
        faulty_music(&sim, "[sim:duplicate-callback]", "http://127.0.0.1:9/cb").await;
    let body = json!({"taskId": music, "audioId": tracks[0], "author": "[sim:sensitive]", "callBackUrl": rx.url});
    let video = submit(&sim, "/api/v1/mp4/generate", body).await;
    let v = poll_until(&sim, "/api/v1/mp4/record-info", &video, |d| {
        d["successFlag"] != "PENDING"
    })
    .await;
    assert_eq!(v["data"]["errorCode"], 400, "{v}");
    assert_eq!(
        rx.wait_for(2).await.len(),
        2,
        "the parent's duplicate, the child's failure"
    );
}
