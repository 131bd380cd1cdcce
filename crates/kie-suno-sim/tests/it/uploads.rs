//! The file-upload endpoints: base64, URL and multipart stream; bytes served back.

use kie_suno_types::{FileUploadResponse, FileUploadResult};
use serde_json::json;

use crate::support::*;

fn result(v: serde_json::Value) -> FileUploadResult {
    let env: FileUploadResponse = serde_json::from_value(v).unwrap();
    assert!(env.is_success());
    env.data.unwrap()
}

#[tokio::test(start_paused = true)]
async fn base64_uploads_are_stored_and_served() {
    let sim = sim(fast()).await;
    // "hello sim" in base64, as a data URL and as pure base64.
    let (status, v) = post(&sim, "/api/file-base64-upload", json!({"base64Data": "data:text/plain;base64,aGVsbG8gc2lt", "uploadPath": "docs/notes", "fileName": "hello.txt"})).await;
    assert_eq!(status, 200, "{v}");
    let r = result(v);
    assert_eq!(r.file_size, Some(9));
    assert_eq!(r.mime_type.as_deref(), Some("text/plain"));
    assert_eq!(r.file_path.as_deref(), Some("docs/notes/hello.txt"));
    let resp = reqwest::get(r.url().unwrap()).await.unwrap();
    assert_eq!(resp.text().await.unwrap(), "hello sim");

    let (_, v) = post(
        &sim,
        "/api/file-base64-upload",
        json!({"base64Data": "aGVsbG8gc2lt", "uploadPath": "docs"}),
    )
    .await;
    let r = result(v);
    assert!(r.file_name.unwrap().ends_with(".bin"));
}

#[tokio::test(start_paused = true)]
async fn upload_errors_use_the_upload_hosts_envelope() {
    let sim = sim(fast()).await;
    let (status, v) = post(
        &sim,
        "/api/file-base64-upload",
        json!({"base64Data": "@@@", "uploadPath": "x"}),
    )
    .await;
    assert_eq!(
        (status, v["success"].as_bool(), v["code"].as_i64()),
        (400, Some(false), Some(400))
    );
    assert!(v["msg"].as_str().unwrap().contains("Base64"));
    let (status, v) = post(
        &sim,
        "/api/file-url-upload",
        json!({"fileUrl": "https://example.com/a.mp3"}),
    )
    .await;
    assert_eq!((status, v["code"].as_i64()), (400, Some(400)));
    assert!(v["msg"].as_str().unwrap().contains("uploadPath"), "{v}");
    let (status, v) = post_raw(&sim, "/api/file-url-upload", "{}".into(), None).await;
    assert_eq!(
        (status, v["success"].as_bool(), v["code"].as_i64()),
        (401, Some(false), Some(401))
    );
}

#[tokio::test(start_paused = true)]
async fn url_uploads_copy_the_simulators_own_files_and_never_fetch_others() {
    let sim = sim(fast()).await;
    let (_, v) = post(
        &sim,
        "/api/file-url-upload",
        json!({"fileUrl": sim.url("/sim/files/t/track.wav"), "uploadPath": "audio"}),
    )
    .await;
    let r = result(v);
    assert_eq!(r.file_name.as_deref(), Some("track.wav"));
    assert_eq!(r.mime_type.as_deref(), Some("audio/wav"));
    assert!(r.file_size.unwrap() > 44);

    let (_, v) = post(
        &sim,
        "/api/file-url-upload",
        json!({"fileUrl": "https://example.com/song.mp3", "uploadPath": "audio"}),
    )
    .await;
    let r = result(v);
    assert_eq!(
        (r.file_size, r.mime_type.as_deref()),
        (Some(0), Some("audio/mpeg"))
    );
}

#[tokio::test(start_paused = true)]
async fn stream_uploads_take_multipart_and_feed_upload_cover() {
    let sim = sim(fast()).await;
    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"ID3 fake".to_vec())
                .file_name("mine.mp3")
                .mime_str("audio/mpeg")
                .unwrap(),
        )
        .text("uploadPath", "user/audio");
    let resp = reqwest::Client::new()
        .post(sim.url("/api/file-stream-upload"))
        .bearer_auth(KEY)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let r = result(resp.json().await.unwrap());
    assert_eq!(r.file_name.as_deref(), Some("mine.mp3"));
    assert_eq!(r.file_size, Some(8));
    let url = r.url().unwrap().to_owned();

    let body = json!({"uploadUrl": url, "customMode": false, "instrumental": false, "prompt": "a cover of my song", "model": "V4_5", "callBackUrl": "http://127.0.0.1:9/cb"});
    let task = submit(&sim, "/api/v1/generate/upload-cover", body).await;
    let v = poll_until(&sim, "/api/v1/generate/record-info", &task, |d| {
        d["status"] == "SUCCESS"
    })
    .await;
    assert_eq!(
        v["data"]["response"]["sunoData"][0]["sourceAudioUrl"],
        url.as_str()
    );
    let stats = sim.stats();
    assert_eq!(
        stats.requests_to(kie_suno_types::Endpoint::FileUploadStream),
        1
    );
}

#[tokio::test(start_paused = true)]
async fn a_large_base64_upload_is_accepted() {
    use base64::Engine as _;
    let sim = sim(fast()).await;
    let data = vec![7u8; 3 * 1024 * 1024];
    let b64 = base64::engine::general_purpose::STANDARD.encode(&data);
    let (status, v) = post(
        &sim,
        "/api/file-base64-upload",
        json!({"base64Data": b64, "uploadPath": "big", "fileName": "big.bin"}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(result(v).file_size, Some(3 * 1024 * 1024));
}

#[tokio::test(start_paused = true)]
async fn upload_cover_and_upload_extend_tracks_carry_every_source_url() {
    let rx = Receiver::start().await;
    let sim = sim(fast()).await;
    let source = "https://example.com/mine.mp3";
    let cover = json!({"uploadUrl": source, "customMode": false, "instrumental": false,
                       "prompt": "a cover", "model": "V4_5", "callBackUrl": rx.url});
    let extend = json!({"uploadUrl": source, "defaultParamFlag": false, "instrumental": false,
                        "model": "V4_5", "callBackUrl": rx.url});
    let tasks = [
        submit(&sim, "/api/v1/generate/upload-cover", cover).await,
        submit(&sim, "/api/v1/generate/upload-extend", extend).await,
    ];
    sim.settle().await;
    let got = rx.wait_for(6).await;
    let tracks: Vec<&serde_json::Value> = got
        .iter()
        .flat_map(|g| g.body["data"]["data"].as_array().unwrap())
        .collect();
    assert_eq!(tracks.len(), 6, "first (1) and complete (2) of each");
    for t in tracks {
        assert_eq!(t["source_audio_url"], source, "{t}");
        for key in ["source_stream_audio_url", "source_image_url"] {
            let url = t[key].as_str().unwrap_or_else(|| panic!("no {key}: {t}"));
            assert_eq!(reqwest::get(url).await.unwrap().status(), 200, "{url}");
        }
        let typed: kie_suno_types::CallbackTrack = serde_json::from_value(t.clone()).unwrap();
        assert!(typed.source_stream_audio_url.is_some() && typed.source_image_url.is_some());
    }
    for task in tasks {
        let (_, v) = get(&sim, &format!("/api/v1/generate/record-info?taskId={task}")).await;
        for t in v["data"]["response"]["sunoData"].as_array().unwrap() {
            assert!(
                t["sourceStreamAudioUrl"].is_string() && t["sourceImageUrl"].is_string(),
                "{t}"
            );
        }
    }
}

#[tokio::test(start_paused = true)]
async fn add_instrumental_tracks_have_no_source_urls_as_documented() {
    let rx = Receiver::start().await;
    let sim = sim(fast()).await;
    let body = json!({"uploadUrl": "https://example.com/a.mp3", "title": "t", "tags": "jazz",
                      "negativeTags": "rock", "callBackUrl": rx.url});
    submit(&sim, "/api/v1/generate/add-instrumental", body).await;
    let complete = rx.wait_for(3).await.pop().unwrap();
    for t in complete.body["data"]["data"].as_array().unwrap() {
        assert!(t.get("source_audio_url").is_none(), "{t}");
    }
}
