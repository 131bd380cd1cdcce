//! `SimConfig::files_base_url` (`kie-suno sim --public-base-url`): every file URL the
//! simulator hands out, in records, callbacks and upload answers, is under the public
//! base (a proxy in front of the simulator), and the simulator serves each at its own
//! address; URLs at either base count as its own.

use serde_json::{json, Value};

use crate::support::*;

const PUBLIC: &str = "https://sim.example.com";

/// The files behind `urls` are served at the simulator's own address.
async fn served_locally(sim: &kie_suno_sim::SimHandle, urls: &[(String, String)]) {
    for (key, url) in urls {
        assert!(
            url.starts_with(&format!("{PUBLIC}/sim/files/")),
            "{key}: {url}"
        );
        let local = url.replacen(PUBLIC, &sim.base_url, 1);
        let resp = reqwest::get(&local).await.unwrap();
        assert_eq!(resp.status(), 200, "{key}: {local}");
    }
}

#[tokio::test(start_paused = true)]
async fn every_url_handed_out_is_public_and_served_at_the_simulator() {
    let rx = Receiver::start().await;
    let sim = sim(fast().with_files_base_url(format!("{PUBLIC}/"))).await;
    let mut answers: Vec<Value> = Vec::new();

    let (music, tracks) = finished_music(&sim).await;
    let (_, v) = get(
        &sim,
        &format!("/api/v1/generate/record-info?taskId={music}"),
    )
    .await;
    answers.push(v);

    let (_, up) = post(
        &sim,
        "/api/file-base64-upload",
        json!({"base64Data": "aGVsbG8=", "uploadPath": "mine", "fileName": "a.mp3"}),
    )
    .await;
    let upload_url = up["data"]["downloadUrl"].as_str().unwrap().to_owned();
    answers.push(up);

    let cover = submit(
        &sim,
        "/api/v1/generate/upload-cover",
        json!({"uploadUrl": upload_url, "customMode": false, "instrumental": false,
               "prompt": "a cover", "model": "V4_5", "callBackUrl": rx.url}),
    )
    .await;
    let creates = [
        (
            "/api/v1/wav/generate",
            "/api/v1/wav/record-info",
            json!({"taskId": music, "audioId": tracks[0], "callBackUrl": rx.url}),
        ),
        (
            "/api/v1/mp4/generate",
            "/api/v1/mp4/record-info",
            json!({"taskId": music, "audioId": tracks[0], "callBackUrl": rx.url}),
        ),
        (
            "/api/v1/vocal-removal/generate",
            "/api/v1/vocal-removal/record-info",
            json!({"taskId": music, "audioId": tracks[1], "type": "split_stem", "callBackUrl": rx.url}),
        ),
        (
            "/api/v1/suno/cover/generate",
            "/api/v1/suno/cover/record-info",
            json!({"taskId": music, "callBackUrl": rx.url}),
        ),
    ];
    let mut polls = vec![("/api/v1/generate/record-info", cover)];
    for (create, details, body) in creates {
        polls.push((details, submit(&sim, create, body).await));
    }
    sim.settle().await;
    for (details, task) in polls {
        let (_, v) = get(&sim, &format!("{details}?taskId={task}")).await;
        answers.push(v);
    }
    for cb in rx.wait_for(7).await {
        answers.push(cb.body);
    }
    let urls: Vec<_> = answers.iter().flat_map(handed_out_urls).collect();
    // Tracks (audio, stream, image, source stream and image), upload, WAV, video,
    // 12 stems, 2 cover images: nothing is missed.
    for key in [
        "audioUrl",
        "streamAudioUrl",
        "imageUrl",
        "sourceStreamAudioUrl",
        "sourceImageUrl",
        "downloadUrl",
        "audioWavUrl",
        "videoUrl",
        "video_url",
        "drumsUrl",
        "drums_url",
        "audio_url",
        "images",
        "stream_audio_url",
        "source_image_url",
    ] {
        assert!(urls.iter().any(|(k, _)| k == key), "no {key} in {urls:?}");
    }
    served_locally(&sim, &urls).await;
}

#[tokio::test(start_paused = true)]
async fn urls_at_the_simulators_own_address_still_count_as_its_own() {
    let sim = sim(fast().with_files_base_url(PUBLIC)).await;
    let (music, _) = finished_music(&sim).await;
    let (_, v) = get(
        &sim,
        &format!("/api/v1/generate/record-info?taskId={music}"),
    )
    .await;
    let public = v["data"]["response"]["sunoData"][0]["audioUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    let local = public.replacen(PUBLIC, &sim.base_url, 1);

    // A download link of the local URL is handed out under the public base.
    let (status, v) = post(&sim, "/api/v1/common/download-url", json!({"url": local})).await;
    assert_eq!(status, 200, "{v}");
    assert!(v["data"].as_str().unwrap().starts_with(&public), "{v}");

    // A URL upload of the local URL copies the file (no network involved).
    let (_, v) = post(
        &sim,
        "/api/file-url-upload",
        json!({"fileUrl": local, "uploadPath": "copies"}),
    )
    .await;
    assert!(v["data"]["fileSize"].as_u64().unwrap() > 0, "{v}");
    assert!(
        v["data"]["downloadUrl"]
            .as_str()
            .unwrap()
            .starts_with(PUBLIC),
        "{v}"
    );
}
