//! KIE's retention on the simulator's clock (`SimConfig::clock`): generated files 14
//! days, uploads 3 days, download links 20 minutes, lyrics records 14 days, other
//! records 2 months. A test moves the injected clock; nothing sleeps.

use std::time::Duration;

use kie_suno_sim::Retention;
use serde_json::json;

use crate::support::*;

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

async fn status_of(url: &str) -> u16 {
    reqwest::get(url).await.unwrap().status().as_u16()
}

#[tokio::test(start_paused = true)]
async fn files_expire_on_the_simulators_clock() {
    let (clock, sim_clock) = ManualClock::start(1_767_225_600);
    let sim = sim(fast().with_clock(sim_clock)).await;
    let (music, _) = finished_music(&sim).await;
    let lyrics = submit(
        &sim,
        "/api/v1/lyrics",
        lyrics_body("the sea", "http://127.0.0.1:9/cb"),
    )
    .await;
    sim.settle().await;
    let music_path = format!("/api/v1/generate/record-info?taskId={music}");
    let lyrics_path = format!("/api/v1/lyrics/record-info?taskId={lyrics}");
    let (_, record) = get(&sim, &music_path).await;
    let track = &record["data"]["response"]["sunoData"][0];
    let files: Vec<String> = ["audioUrl", "streamAudioUrl", "imageUrl"]
        .iter()
        .map(|k| track[*k].as_str().unwrap().to_owned())
        .collect();
    let (_, up) = post(
        &sim,
        "/api/file-base64-upload",
        json!({"base64Data": "aGk=", "uploadPath": "u", "fileName": "a.txt"}),
    )
    .await;
    let upload = up["data"]["downloadUrl"].as_str().unwrap().to_owned();
    let (_, link) = post(
        &sim,
        "/api/v1/common/download-url",
        json!({"url": files[0]}),
    )
    .await;
    let link = link["data"].as_str().unwrap().to_owned();
    for url in files.iter().chain([&upload, &link]) {
        assert_eq!(status_of(url).await, 200, "{url}");
    }

    // A download link lasts 20 minutes; the file itself stays.
    clock.advance(Duration::from_secs(21 * 60));
    assert_eq!(status_of(&link).await, 404);
    assert_eq!(status_of(&files[0]).await, 200);

    // Uploads are kept 3 days.
    clock.advance(3 * DAY);
    assert_eq!(status_of(&upload).await, 404);
    assert_eq!(status_of(&files[0]).await, 200);

    // Generated files 14 days. The record still lists them (log records are kept 2
    // months); the lyrics, generated content, are gone with the files.
    clock.advance(11 * DAY);
    for url in &files {
        assert_eq!(status_of(url).await, 404, "{url}");
    }
    let (status, v) = get(&sim, &music_path).await;
    assert_eq!(status, 200);
    assert_eq!(
        v["data"]["response"]["sunoData"][0]["audioUrl"],
        files[0].as_str()
    );
    assert_eq!(get(&sim, &lyrics_path).await.0, 404);
    let (status, v) = post(
        &sim,
        "/api/v1/common/download-url",
        json!({"url": files[0]}),
    )
    .await;
    assert_eq!((status, v["code"].as_i64()), (404, Some(404)), "{v}");
    let (status, v) = post(
        &sim,
        "/api/file-url-upload",
        json!({"fileUrl": files[0], "uploadPath": "u"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        v["data"]["fileSize"], 0,
        "an expired file copies as nothing"
    );

    // Records: 2 months.
    clock.advance(46 * DAY);
    let (status, v) = get(&sim, &music_path).await;
    assert_eq!((status, v["code"].as_i64()), (404, Some(404)));
}

#[tokio::test(start_paused = true)]
async fn retention_is_configurable() {
    let (clock, sim_clock) = ManualClock::start(1_767_225_600);
    let retention = Retention::new(
        Duration::from_secs(60),
        Duration::from_secs(30),
        Duration::from_secs(120),
    );
    let sim = sim(fast().with_clock(sim_clock).with_retention(retention)).await;
    let (music, _) = finished_music(&sim).await;
    let (_, record) = get(
        &sim,
        &format!("/api/v1/generate/record-info?taskId={music}"),
    )
    .await;
    let audio = record["data"]["response"]["sunoData"][0]["audioUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    clock.advance(Duration::from_secs(59));
    assert_eq!(status_of(&audio).await, 200);
    clock.advance(Duration::from_secs(1));
    assert_eq!(status_of(&audio).await, 404);
    clock.advance(Duration::from_secs(60));
    assert_eq!(
        get(
            &sim,
            &format!("/api/v1/generate/record-info?taskId={music}")
        )
        .await
        .0,
        404
    );
}

/// A generated file answers a byte range with 206 and `Content-Range`, the rest of
/// a resumed download is byte-for-byte the tail of the whole file, and a range past
/// the end is 416.
#[tokio::test]
async fn files_answer_byte_ranges() {
    let sim = sim(fast()).await;
    let (music, _) = finished_music(&sim).await;
    let (_, record) = get(
        &sim,
        &format!("/api/v1/generate/record-info?taskId={music}"),
    )
    .await;
    let url = record["data"]["response"]["sunoData"][0]["audioUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    let http = reqwest::Client::new();
    let whole = http.get(&url).send().await.unwrap();
    assert_eq!(whole.status().as_u16(), 200);
    assert_eq!(whole.headers()["accept-ranges"].to_str().unwrap(), "bytes");
    let whole = whole.bytes().await.unwrap();
    assert!(whole.len() > 100, "{}", whole.len());
    let part = http
        .get(&url)
        .header("range", "bytes=100-")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status().as_u16(), 206);
    assert_eq!(
        part.headers()["content-range"].to_str().unwrap(),
        format!("bytes 100-{}/{}", whole.len() - 1, whole.len())
    );
    assert_eq!(part.bytes().await.unwrap(), whole.slice(100..));
    let past = http
        .get(&url)
        .header("range", format!("bytes={}-", whole.len()))
        .send()
        .await
        .unwrap();
    assert_eq!(past.status().as_u16(), 416);
    assert_eq!(
        past.headers()["content-range"].to_str().unwrap(),
        format!("bytes */{}", whole.len())
    );
}
