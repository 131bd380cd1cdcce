//! Media families (cover image, WAV, separation, MIDI, video) and the sync music
//! tools, on the documented payloads; the generic media waiter.

use std::time::Duration;

use kie_suno_client::types::{
    parse, BoostStyleRequest, CallbackFamily, CoverImageRecord, MidiRecord, PersonaRequest,
    SeparationRecord, TaskId, TimestampedLyricsRequest, VideoRecord, WavRecord,
};
use kie_suno_client::{Client, ClientError, MediaTask, Signal, WaitOptions};
use serde::Serialize;
use serde_json::{json, Value};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::Mock;

use crate::support::{client, fixture_json, ok_fixture, ok_json, server};

/// Submits the documented request of `R`'s family and reads the documented record.
async fn check_family<R>(request: &str, response: Option<&str>, record: &str)
where
    R: MediaTask + std::fmt::Debug,
    R::Request: serde::de::DeserializeOwned + Serialize,
{
    let server = server().await;
    let req: R::Request =
        serde_json::from_value(fixture_json(request)).unwrap_or_else(|e| panic!("{request}: {e}"));
    let created = match response {
        Some(name) => fixture_json(name),
        // The documented video create example is a placeholder (code 0, empty id).
        None => json!({"code": 200, "msg": "success", "data": {"taskId": "5c79****be8e"}}),
    };
    let id = created["data"]["taskId"].as_str().unwrap().to_owned();
    Mock::given(method("POST"))
        .and(path(R::SUBMIT.path()))
        .and(body_json(serde_json::to_value(&req).unwrap()))
        .respond_with(ok_json(created))
        .expect(1)
        .mount(&server)
        .await;
    let rec_body = fixture_json(record);
    let rec_id = rec_body["data"]["taskId"].as_str().unwrap().to_owned();
    Mock::given(method("GET"))
        .and(path(R::DETAILS.path()))
        .and(query_param("taskId", rec_id.as_str()))
        .respond_with(ok_fixture(record))
        .expect(2)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let media = client.media::<R>();
    assert_eq!(media.generate(&req).await.unwrap().as_str(), id);
    let rec = media.details(&TaskId::new(&rec_id)).await.unwrap();
    assert!(rec.is_success() && rec.has_result(), "{record}: {rec:?}");
    let waited = media
        .wait(&TaskId::new(&rec_id), WaitOptions::default())
        .await
        .unwrap();
    assert_eq!(waited.task_id().as_str(), rec_id);
}

#[tokio::test]
async fn every_media_family_submits_reads_and_waits() {
    check_family::<CoverImageRecord>(
        "cover-image.request.json",
        Some("cover-image.response.json"),
        "cover-image-record-info.response.json",
    )
    .await;
    check_family::<WavRecord>(
        "wav-convert.request.json",
        Some("wav-convert.response.json"),
        "wav-record-info.response.json",
    )
    .await;
    check_family::<SeparationRecord>(
        "separation.request.json",
        Some("separation.response.json"),
        "separation-record-info.separate_vocal.response.json",
    )
    .await;
    check_family::<SeparationRecord>(
        "separation.request.json",
        Some("separation.response.json"),
        "separation-record-info.split_stem.response.json",
    )
    .await;
    check_family::<MidiRecord>(
        "midi.request.json",
        Some("midi.response.json"),
        "midi-record-info.response.json",
    )
    .await;
    check_family::<VideoRecord>(
        "video.request.json",
        None,
        "video-record-info.response.json",
    )
    .await;
}

#[tokio::test]
async fn the_named_handles_hit_their_own_endpoints() {
    let server = server().await;
    for (p, name) in [
        ("/api/v1/wav/record-info", "wav-record-info.response.json"),
        ("/api/v1/mp4/record-info", "video-record-info.response.json"),
        (
            "/api/v1/wav/record-info",
            "wav-record-info.response.docs-kie-ai-rendered-older.json",
        ),
    ] {
        Mock::given(method("GET"))
            .and(path(p))
            .respond_with(ok_fixture(name))
            .up_to_n_times(1)
            .expect(1)
            .mount(&server)
            .await;
    }
    let (client, _) = client(&server);
    let id = TaskId::new("988e****c8d3");
    let wav = client.wav().details(&id).await.unwrap();
    assert_eq!(
        wav.wav_url(),
        Some("https://example.com/s/04e6****e727.wav")
    );
    let video = client.video().details(&id).await.unwrap();
    // The older render's successFlag is the legend text: read, kept, not a success.
    let older = client.wav().details(&id).await.unwrap();
    assert!(!older.is_success() && !older.is_failure());
    assert!(older.has_result());
    assert_eq!(
        video.video_url(),
        Some("https://example.com/s/04e6****e727.mp4")
    );
}

/// The documented WAV record at another state.
fn wav_record(flag: &str, url: bool) -> Value {
    let mut body = fixture_json("wav-record-info.response.json");
    body["data"]["successFlag"] = json!(flag);
    if !url {
        body["data"]["response"] = Value::Null;
    }
    body
}

async fn wav_mock(server: &wiremock::MockServer, body: Value, times: u64) {
    Mock::given(method("GET"))
        .and(path("/api/v1/wav/record-info"))
        .respond_with(ok_json(body))
        .up_to_n_times(times)
        .expect(times)
        .mount(server)
        .await;
}

fn opts() -> WaitOptions {
    WaitOptions::new().with_delays(Duration::from_secs(10), Duration::from_secs(10))
}

#[tokio::test]
async fn media_wait_pending_then_success_failure_and_empty() {
    let server = server().await;
    wav_mock(&server, wav_record("PENDING", false), 1).await;
    wav_mock(&server, wav_record("SUCCESS", true), 1).await;
    let mut failed = wav_record("GENERATE_WAV_FAILED", false);
    failed["data"]["errorCode"] = json!(500);
    failed["data"]["errorMessage"] = json!("conversion failed");
    wav_mock(&server, failed, 1).await;
    wav_mock(&server, wav_record("SUCCESS", false), 1).await;
    let (client, clock) = client(&server);
    let id = TaskId::new("988e****c8d3");

    let rec = client.wav().wait(&id, opts()).await.unwrap();
    assert!(rec.wav_url().is_some());
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(10)]);

    let err = client.wav().wait(&id, opts()).await.unwrap_err();
    let ClientError::TaskFailed(f) = &err else {
        panic!("expected TaskFailed, got {err:?}")
    };
    assert_eq!(f.status(), Some("GENERATE_WAV_FAILED"));
    assert_eq!(f.code(), Some(500));
    assert_eq!(f.message(), Some("conversion failed"));

    let err = client.wav().wait(&id, opts()).await.unwrap_err();
    assert!(matches!(err, ClientError::EmptyResult { .. }), "{err:?}");
}

#[tokio::test]
async fn media_callbacks_fail_the_wait_or_trigger_a_poll() {
    let server = server().await;
    wav_mock(&server, wav_record("PENDING", false), 2).await;
    wav_mock(&server, wav_record("SUCCESS", true), 1).await;
    let (client, clock) = client(&server);
    let cb = |name: &str| {
        let mut body = fixture_json(name);
        body["data"]["task_id"] = json!("988e****c8d3");
        Signal::from(parse(CallbackFamily::Wav, body.to_string().as_bytes()).unwrap())
    };
    let id = TaskId::new("988e****c8d3");
    let err = client
        .wav()
        .wait(
            &id,
            opts().with_signal_stream(futures::stream::iter([cb("wav-callback.error.json")])),
        )
        .await
        .unwrap_err();
    let ClientError::TaskFailed(f) = &err else {
        panic!("expected TaskFailed, got {err:?}")
    };
    assert_eq!(f.code(), Some(500));
    let rec = client
        .wav()
        .wait(
            &id,
            opts().with_signal_stream(futures::stream::iter([cb("wav-callback.complete.json")])),
        )
        .await
        .unwrap();
    assert!(rec.wav_url().is_some());
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn sync_music_tools() {
    let server = server().await;
    let ts: TimestampedLyricsRequest =
        serde_json::from_value(fixture_json("timestamped-lyrics.request.json")).unwrap();
    Mock::given(method("POST"))
        .and(path("/api/v1/generate/get-timestamped-lyrics"))
        .and(body_json(fixture_json("timestamped-lyrics.request.json")))
        .respond_with(ok_fixture("timestamped-lyrics.response.json"))
        .expect(1)
        .mount(&server)
        .await;
    let boost: BoostStyleRequest =
        serde_json::from_value(fixture_json("boost-style.request.json")).unwrap();
    Mock::given(method("POST"))
        .and(path("/api/v1/style/generate"))
        .and(body_json(fixture_json("boost-style.request.json")))
        .respond_with(ok_fixture("boost-style.response.schema-placeholder.json"))
        .expect(1)
        .mount(&server)
        .await;
    let persona: PersonaRequest =
        serde_json::from_value(fixture_json("persona.request.json")).unwrap();
    Mock::given(method("POST"))
        .and(path("/api/v1/generate/generate-persona"))
        .and(body_json(serde_json::to_value(&persona).unwrap()))
        .respond_with(ok_fixture("persona.response.json"))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let words = client.music().timestamped_lyrics(&ts).await.unwrap();
    assert_eq!(words.aligned_words.unwrap()[0].start_s, Some(1.36));
    let boosted = client.music().boost_style(&boost).await.unwrap();
    assert_eq!(boosted.result.as_deref(), Some("<string>"));
    let p = client.music().create_persona(&persona).await.unwrap();
    assert_eq!(p.persona_id.as_str(), "a1b2****c3d4");
}

#[tokio::test]
async fn billed_sync_tools_are_not_retried_but_timestamped_lyrics_is() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/style/generate"))
        .respond_with(ok_json(
            json!({"code": 500, "msg": "Server Error", "data": null}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/generate/get-timestamped-lyrics"))
        .respond_with(ok_json(
            json!({"code": 500, "msg": "Server Error", "data": null}),
        ))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/generate/get-timestamped-lyrics"))
        .respond_with(ok_fixture("timestamped-lyrics.response.json"))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _): (Client, _) = client(&server);
    let boost: BoostStyleRequest =
        serde_json::from_value(fixture_json("boost-style.request.json")).unwrap();
    let err = client.music().boost_style(&boost).await.unwrap_err();
    assert!(matches!(err, ClientError::Server(_)), "{err:?}");
    let ts: TimestampedLyricsRequest =
        serde_json::from_value(fixture_json("timestamped-lyrics.request.json")).unwrap();
    client.music().timestamped_lyrics(&ts).await.unwrap();
}
