//! The payloads captured from the live API: the fields no docs page shows
//! (`data.createTime` of music record-info, `data.success` of a stream upload)
//! are typed and written back.

use kie_suno_types::{
    ApiResponse, Credits, FileUploadResponse, KieTime, MusicRecord, MusicStatus, TaskState,
    TimestampedLyrics,
};

use crate::captured_fixture;

fn reencoded<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap()
}

#[test]
fn live_music_record_info_keeps_its_top_level_create_time() {
    let name = "music-record-info.response.kie-live-2026-03-04.author-redacted.json";
    let raw = captured_fixture(name);
    let r: ApiResponse<MusicRecord> = serde_json::from_slice(&raw).unwrap();
    let record = r.data.as_ref().unwrap();
    assert_eq!(record.status, MusicStatus::Success);
    assert!(record.status.is_success());
    assert_eq!(
        record.create_time,
        Some(KieTime::EpochMillis(1772624550000))
    );
    assert_eq!(record.tracks().len(), 2);
    assert_eq!(record.task_type.as_deref(), Some("chirp-crow"));
    let back = reencoded(&r);
    assert_eq!(back["data"]["createTime"], 1772624550000_i64);
    // The second (shortened) track keeps only what it had.
    assert_eq!(
        back["data"]["response"]["sunoData"][1],
        serde_json::json!({
            "id": "7d3a0f7b-b0d2-481e-8ae5-f1e54ef9b39a",
            "audioUrl": "https://tempfile.aiquickdraw.com/r/yyyy.mp3",
            "duration": 192.0
        })
    );
    // The record without a top-level time has none, and writes none.
    let raw = captured_fixture("music-record-info.response.kie-live-shape.author-sanitized.json");
    let r: ApiResponse<MusicRecord> = serde_json::from_slice(&raw).unwrap();
    assert_eq!(r.data.as_ref().unwrap().create_time, None);
    assert!(reencoded(&r)["data"].get("createTime").is_none());
}

#[test]
fn live_stream_upload_keeps_data_success() {
    let raw = captured_fixture("file-upload-stream.response.kie-live-2026-03-26-a.json");
    let r: FileUploadResponse = serde_json::from_slice(&raw).unwrap();
    assert!(r.is_success());
    let data = r.data.as_ref().unwrap();
    assert_eq!(data.success, Some(true));
    assert_eq!(data.file_size, Some(2352983));
    assert!(data.url().unwrap().ends_with("2way-person1.jpg"));
    assert_eq!(reencoded(&r)["data"]["success"], true);
}

#[test]
fn live_credits_are_fractional_and_the_lyrics_data_is_bare() {
    let raw = captured_fixture("credits.response.kie-live-2026-03-26-a.json");
    let r: ApiResponse<Credits> = serde_json::from_slice(&raw).unwrap();
    assert_eq!(r.data.unwrap().as_f64(), Some(72.62));
    let raw = captured_fixture("timestamped-lyrics.data.kie-observed-live.author-trimmed.json");
    let t: TimestampedLyrics = serde_json::from_slice(&raw).unwrap();
    let back = reencoded(&t);
    assert_eq!(back["hootCer"], 0.6);
    assert_eq!(back["alignedWords"].as_array().unwrap().len(), 2);
    assert_eq!(back["alignedWords"][1]["startS"], 16.835);
    assert_eq!(back["alignedWords"][1]["success"], true);
}
