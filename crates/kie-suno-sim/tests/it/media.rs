//! Media families: WAV, separation, MIDI, video, cover images, persona,
//! timestamped lyrics, download URLs and the served files.

use serde_json::json;

use crate::support::*;

const CB: &str = "http://127.0.0.1:9/cb";

#[tokio::test(start_paused = true)]
async fn wav_video_and_cover_complete_from_a_finished_music_task() {
    let rx = Receiver::start().await;
    let sim = sim(fast()).await;
    let (task, tracks) = finished_music(&sim).await;

    let wav = submit(
        &sim,
        "/api/v1/wav/generate",
        json!({"taskId": task, "audioId": tracks[1], "callBackUrl": rx.url}),
    )
    .await;
    let v = poll_until(&sim, "/api/v1/wav/record-info", &wav, |d| {
        d["successFlag"] == "SUCCESS"
    })
    .await;
    assert_eq!(v["data"]["musicIndex"], 1);
    let wav_url = v["data"]["response"]["audioWavUrl"]
        .as_str()
        .unwrap()
        .to_owned();

    let video = submit(
        &sim,
        "/api/v1/mp4/generate",
        json!({"taskId": task, "audioId": tracks[0], "callBackUrl": rx.url, "author": "me"}),
    )
    .await;
    let v = poll_until(&sim, "/api/v1/mp4/record-info", &video, |d| {
        d["successFlag"] == "SUCCESS"
    })
    .await;
    assert!(v["data"]["response"]["videoUrl"]
        .as_str()
        .unwrap()
        .ends_with(".mp4"));

    let cover = submit(
        &sim,
        "/api/v1/suno/cover/generate",
        json!({"taskId": task, "callBackUrl": rx.url}),
    )
    .await;
    let v = poll_until(&sim, "/api/v1/suno/cover/record-info", &cover, |d| {
        d["successFlag"] == 1
    })
    .await;
    assert_eq!(v["data"]["response"]["images"].as_array().unwrap().len(), 2);
    assert_eq!(v["data"]["parentTaskId"], task.as_str());
    // One cover per music task: the second request gets 400 and the existing id.
    let (status, v) = post(
        &sim,
        "/api/v1/suno/cover/generate",
        json!({"taskId": task, "callBackUrl": CB}),
    )
    .await;
    assert_eq!((status, v["code"].as_i64()), (400, Some(400)));
    assert_eq!(v["data"]["taskId"], cover.as_str());

    let got = rx.wait_for(3).await;
    let wav_cb = got
        .iter()
        .find(|g| g.body["data"]["task_id"] == wav.as_str())
        .unwrap();
    assert_eq!(wav_cb.body["data"]["audioWavUrl"], wav_url.as_str());
    let cover_cb = got
        .iter()
        .find(|g| g.body["data"]["taskId"] == cover.as_str())
        .unwrap();
    assert_eq!(cover_cb.body["code"], 200);
    for g in &got {
        let key = kie_suno_types::callback_key(g.body.to_string().as_bytes()).unwrap();
        assert_eq!(key.stage, "complete");
    }

    // The generated files are served.
    let resp = reqwest::get(&wav_url).await.unwrap();
    assert_eq!(resp.headers()["content-type"], "audio/wav");
    assert!(resp.bytes().await.unwrap().starts_with(b"RIFF"));
}

#[tokio::test(start_paused = true)]
async fn separation_then_midi() {
    let rx = Receiver::start().await;
    let sim = sim(fast()).await;
    let (task, tracks) = finished_music(&sim).await;
    let sep = submit(
        &sim,
        "/api/v1/vocal-removal/generate",
        json!({"taskId": task, "audioId": tracks[0], "type": "split_stem", "callBackUrl": rx.url}),
    )
    .await;
    let v = poll_until(&sim, "/api/v1/vocal-removal/record-info", &sep, |d| {
        d["successFlag"] == "SUCCESS"
    })
    .await;
    let stems = v["data"]["response"]["originData"].as_array().unwrap();
    assert_eq!(stems.len(), 12);
    let stem = stems[2]["id"].as_str().unwrap().to_owned();
    assert!(v["data"]["response"]["drumsUrl"].is_string());
    assert!(v["data"]["completeTime"].is_i64());

    let midi = submit(
        &sim,
        "/api/v1/midi/generate",
        json!({"taskId": sep, "audioId": stem, "callBackUrl": rx.url}),
    )
    .await;
    let v = poll_until(&sim, "/api/v1/midi/record-info", &midi, |d| {
        d["successFlag"] == 1
    })
    .await;
    let instruments = v["data"]["midiData"]["instruments"].as_array().unwrap();
    assert!(!instruments.is_empty());
    assert!(instruments[0]["notes"][0]["pitch"].is_u64());

    let got = rx.wait_for(2).await;
    let sep_cb = got
        .iter()
        .find(|g| g.body["data"]["task_id"] == sep.as_str())
        .unwrap();
    assert!(sep_cb.body["data"]["vocal_separation_info"]["woodwinds_url"].is_string());
    let midi_cb = got
        .iter()
        .find(|g| g.body["data"]["taskId"] == midi.as_str())
        .unwrap();
    assert_eq!(midi_cb.body["data"]["state"], "complete");

    // A music task is not a separation task.
    let (_, v) = post(
        &sim,
        "/api/v1/midi/generate",
        json!({"taskId": task, "callBackUrl": CB}),
    )
    .await;
    assert_eq!(v["code"], 422);
}

#[tokio::test(start_paused = true)]
async fn media_failures_use_each_familys_failure_shape() {
    let rx = Receiver::start().await;
    let sim = sim(fast()).await;
    let (task, tracks) = finished_music(&sim).await;
    // The keyword may sit in any string of the body.
    let wav = submit(&sim, "/api/v1/wav/generate", json!({"taskId": task, "audioId": tracks[0], "callBackUrl": format!("{}?x=[sim:generate-failed]", rx.url)})).await;
    let v = poll_until(&sim, "/api/v1/wav/record-info", &wav, |d| {
        d["successFlag"] != "PENDING"
    })
    .await;
    assert_eq!(v["data"]["successFlag"], "GENERATE_WAV_FAILED");
    let got = rx.wait_for(1).await;
    assert_eq!(got[0].body["code"], 500);
    assert!(got[0].body["data"]["audioWavUrl"].is_null());
    sim.settle().await;
    let stats = sim.stats();
    let d = stats
        .deliveries
        .iter()
        .find(|d| d.task_id.as_str() == wav)
        .unwrap();
    assert_eq!(d.stage, "error");
}

#[tokio::test(start_paused = true)]
async fn persona_timestamped_lyrics_boost_and_download_url() {
    let sim = sim(fast()).await;
    let (task, tracks) = finished_music(&sim).await;

    let persona = json!({"taskId": task, "audioId": tracks[0], "name": "Singer", "description": "warm voice"});
    let (_, v) = post(&sim, "/api/v1/generate/generate-persona", persona.clone()).await;
    assert_eq!(v["code"], 200, "{v}");
    assert!(v["data"]["personaId"].is_string());
    assert_eq!(v["data"]["name"], "Singer");
    let (status, v) = post(&sim, "/api/v1/generate/generate-persona", persona).await;
    assert_eq!((status, v["code"].as_i64()), (409, Some(409)));

    let (_, v) = post(
        &sim,
        "/api/v1/generate/get-timestamped-lyrics",
        json!({"taskId": task, "audioId": tracks[0]}),
    )
    .await;
    assert_eq!(v["code"], 200);
    let words = v["data"]["alignedWords"].as_array().unwrap();
    assert!(words[0]["word"].as_str().unwrap().starts_with("[Verse]\n"));
    assert!(words[1]["startS"].as_f64().unwrap() > words[0]["startS"].as_f64().unwrap());

    let (_, v) = post(
        &sim,
        "/api/v1/style/generate",
        json!({"content": "Pop, Mysterious"}),
    )
    .await;
    assert_eq!(v["code"], 200);
    assert_eq!(v["data"]["successFlag"], "1");
    assert!(v["data"]["result"]
        .as_str()
        .unwrap()
        .starts_with("Pop, Mysterious"));

    let (_, rec) = get(&sim, &format!("/api/v1/generate/record-info?taskId={task}")).await;
    let audio = rec["data"]["response"]["sunoData"][0]["audioUrl"]
        .as_str()
        .unwrap();
    let (_, v) = post(&sim, "/api/v1/common/download-url", json!({"url": audio})).await;
    assert_eq!(v["code"], 200);
    let link = v["data"].as_str().unwrap();
    let resp = reqwest::get(link).await.unwrap();
    assert_eq!(resp.headers()["content-type"], "audio/mpeg");
    let (_, v) = post(
        &sim,
        "/api/v1/common/download-url",
        json!({"url": "https://elsewhere.example/x.mp3"}),
    )
    .await;
    assert_eq!(v["code"], 422);
}

/// Every record and callback the simulator writes reads back with the
/// kie-suno-types type of its family, and with `parse(family, body)`.
#[tokio::test(start_paused = true)]
async fn every_family_parses_with_the_types() {
    use kie_suno_types::{
        parse, ApiResponse, CallbackFamily, CoverImageRecord, MidiRecord, SeparationRecord,
        TaskState, VideoRecord, WavRecord,
    };
    let rx = Receiver::start().await;
    let sim = sim(fast()).await;
    let (task, tracks) = finished_music(&sim).await;
    let ids = |path: &str, body: serde_json::Value| {
        let sim = &sim;
        let path = path.to_owned();
        async move { submit(sim, &path, body).await }
    };
    let wav = ids(
        "/api/v1/wav/generate",
        json!({"taskId": task, "audioId": tracks[0], "callBackUrl": rx.url}),
    )
    .await;
    let video = ids(
        "/api/v1/mp4/generate",
        json!({"taskId": task, "audioId": tracks[0], "callBackUrl": rx.url}),
    )
    .await;
    let cover = ids(
        "/api/v1/suno/cover/generate",
        json!({"taskId": task, "callBackUrl": rx.url}),
    )
    .await;
    let sep = ids(
        "/api/v1/vocal-removal/generate",
        json!({"taskId": task, "audioId": tracks[0], "callBackUrl": rx.url}),
    )
    .await;
    sim.settle().await;
    let midi = ids(
        "/api/v1/midi/generate",
        json!({"taskId": sep, "callBackUrl": rx.url}),
    )
    .await;
    sim.settle().await;

    let (_, v) = get(&sim, &format!("/api/v1/wav/record-info?taskId={wav}")).await;
    let r: ApiResponse<WavRecord> = serde_json::from_value(v).unwrap();
    let r = r.data.unwrap();
    assert!(r.success_flag.is_success());
    assert!(r.response.unwrap().audio_wav_url.unwrap().ends_with(".wav"));

    let (_, v) = get(&sim, &format!("/api/v1/mp4/record-info?taskId={video}")).await;
    let r: ApiResponse<VideoRecord> = serde_json::from_value(v).unwrap();
    assert!(r.data.unwrap().success_flag.is_success());

    let (_, v) = get(
        &sim,
        &format!("/api/v1/suno/cover/record-info?taskId={cover}"),
    )
    .await;
    let r: ApiResponse<CoverImageRecord> = serde_json::from_value(v).unwrap();
    assert!(r.data.unwrap().success_flag.is_success());

    let (_, v) = get(
        &sim,
        &format!("/api/v1/vocal-removal/record-info?taskId={sep}"),
    )
    .await;
    let r: ApiResponse<SeparationRecord> = serde_json::from_value(v).unwrap();
    assert!(r.data.unwrap().success_flag.is_success());

    let (_, v) = get(&sim, &format!("/api/v1/midi/record-info?taskId={midi}")).await;
    let r: ApiResponse<MidiRecord> = serde_json::from_value(v).unwrap();
    let r = r.data.unwrap();
    assert!(r.success_flag.is_success());
    assert!(!r.midi_data.unwrap().instruments.unwrap().is_empty());

    let got = rx.wait_for(5).await;
    let family_of = |id: &str| {
        if id == wav {
            CallbackFamily::Wav
        } else if id == video {
            CallbackFamily::Video
        } else if id == cover {
            CallbackFamily::CoverImage
        } else if id == sep {
            CallbackFamily::Separation
        } else {
            assert_eq!(id, midi);
            CallbackFamily::Midi
        }
    };
    for g in got {
        let bytes = g.body.to_string();
        let key = kie_suno_types::callback_key(bytes.as_bytes()).unwrap();
        let family = family_of(key.task_id.as_str());
        let cb = parse(family, bytes.as_bytes()).unwrap_or_else(|e| panic!("{family}: {e}"));
        assert!(cb.is_success(), "{family}");
        assert_eq!(cb.family(), family);
    }
}

#[tokio::test(start_paused = true)]
async fn advanced_and_uploaded_separation() {
    let sim = sim(fast().with_credits(100)).await;
    let (task, tracks) = finished_music(&sim).await;
    let body = json!({"taskId": task, "audioId": tracks[0], "type": "split_stem_advanced", "stemName": "Piano", "callBackUrl": CB});
    let sep = submit(&sim, "/api/v1/vocal-removal/generate", body).await;
    let v = poll_until(&sim, "/api/v1/vocal-removal/record-info", &sep, |d| {
        d["successFlag"] == "SUCCESS"
    })
    .await;
    let stems = v["data"]["response"]["originData"].as_array().unwrap();
    assert_eq!(stems.len(), 1);
    assert_eq!(stems[0]["stem_type_group_name"], "Piano");
    assert!(v["data"]["response"]["pianoUrl"].is_string());
    assert_eq!(sim.stats().credits_remaining, 100 - 1 - 20);

    let body = json!({"audioUrl": "https://example.com/mine.mp3", "callBackUrl": CB});
    let sep = submit(&sim, "/api/v1/vocal-removal/generate", body).await;
    poll_until(&sim, "/api/v1/vocal-removal/record-info", &sep, |d| {
        d["successFlag"] == "SUCCESS"
    })
    .await;
    let (_, v) = post(&sim, "/api/v1/vocal-removal/generate", json!({"type": "split_stem_advanced", "taskId": task, "audioId": tracks[0], "callBackUrl": CB})).await;
    assert_eq!(v["code"], 422, "stemName is required: {v}");
}
