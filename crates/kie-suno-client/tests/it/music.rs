//! Music family: every submit endpoint on its documented request, details, and
//! the stage-aware waiter.

use std::time::Duration;

use kie_suno_client::types::{
    parse, AddInstrumentalRequest, AddVocalsRequest, CallbackFamily, ExtendMusicRequest,
    GenerateMusicRequest, MashupRequest, MusicStatus, ReplaceSectionRequest, TaskId,
    UploadCoverRequest, UploadExtendRequest,
};
use kie_suno_client::{Client, ClientError, MusicStage, Signal, WaitOptions};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer};

use crate::support::{bearer, client, fixture_json, ok_fixture, ok_json, server};

/// Reads a documented request into its type, and checks that the client sends
/// exactly what the type serialises to (and that this keeps every documented field).
async fn check_submit<R, F, Fut>(endpoint_path: &str, request: &str, response: &str, submit: F)
where
    R: DeserializeOwned + Serialize,
    F: FnOnce(Client, R) -> Fut,
    Fut: std::future::Future<Output = Result<TaskId, ClientError>>,
{
    let documented = fixture_json(request);
    let req: R = serde_json::from_value(documented.clone())
        .unwrap_or_else(|e| panic!("{request} does not parse: {e}"));
    let sent = serde_json::to_value(&req).unwrap();
    for key in documented.as_object().unwrap().keys() {
        assert!(sent.get(key).is_some(), "{request}: {key} dropped");
    }
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(endpoint_path))
        .and(header("authorization", bearer().as_str()))
        .and(body_json(sent))
        .respond_with(ok_fixture(response))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let id = submit(client, req).await.unwrap();
    assert_eq!(id.as_str(), "5c79****be8e", "{endpoint_path}");
}

#[tokio::test]
async fn every_music_submit_endpoint_sends_its_request_and_returns_the_task_id() {
    check_submit::<GenerateMusicRequest, _, _>(
        "/api/v1/generate",
        "music-generate.request.json",
        "music-generate.response.json",
        |c, r| async move { c.music().generate(&r).await },
    )
    .await;
    check_submit::<GenerateMusicRequest, _, _>(
        "/api/v1/generate",
        "music-generate.request.newest-rendered.json",
        "music-generate.response.json",
        |c, r| async move { c.music().generate(&r).await },
    )
    .await;
    check_submit::<ExtendMusicRequest, _, _>(
        "/api/v1/generate/extend",
        "music-extend.request.json",
        "music-extend.response.schema-derived.json",
        |c, r| async move { c.music().extend(&r).await },
    )
    .await;
    check_submit::<UploadCoverRequest, _, _>(
        "/api/v1/generate/upload-cover",
        "upload-cover.request.json",
        "upload-cover.response.json",
        |c, r| async move { c.music().upload_cover(&r).await },
    )
    .await;
    check_submit::<UploadExtendRequest, _, _>(
        "/api/v1/generate/upload-extend",
        "upload-extend.request.json",
        "music-generate.response.json",
        |c, r| async move { c.music().upload_extend(&r).await },
    )
    .await;
    check_submit::<AddInstrumentalRequest, _, _>(
        "/api/v1/generate/add-instrumental",
        "add-instrumental.request.json",
        "add-instrumental.response.json",
        |c, r| async move { c.music().add_instrumental(&r).await },
    )
    .await;
    check_submit::<AddVocalsRequest, _, _>(
        "/api/v1/generate/add-vocals",
        "add-vocals.request.json",
        "add-vocals.response.json",
        |c, r| async move { c.music().add_vocals(&r).await },
    )
    .await;
    check_submit::<ReplaceSectionRequest, _, _>(
        "/api/v1/generate/replace-section",
        "replace-section.request.json",
        "replace-section.response.json",
        |c, r| async move { c.music().replace_section(&r).await },
    )
    .await;
    check_submit::<MashupRequest, _, _>(
        "/api/v1/generate/mashup",
        "mashup.request.json",
        "music-generate.response.json",
        |c, r| async move { c.music().mashup(&r).await },
    )
    .await;
}

#[tokio::test]
async fn details_reads_the_documented_record() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/generate/record-info"))
        .and(query_param("taskId", "5c79****be8e"))
        .respond_with(ok_fixture("music-record-info.response.json"))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let rec = client
        .music()
        .details(&TaskId::new("5c79****be8e"))
        .await
        .unwrap();
    assert_eq!(rec.status, MusicStatus::Success);
    assert_eq!(rec.tracks().len(), 1);
    assert_eq!(rec.tracks()[0].duration, Some(198.44));
}

const TASK: &str = "5c79****be8e";

/// The documented record at another status; `tracks` false empties the result.
fn record(status: &str, tracks: bool) -> Value {
    let mut body = fixture_json("music-record-info.response.json");
    body["data"]["status"] = json!(status);
    if !tracks {
        body["data"]["response"] = Value::Null;
    }
    body
}

async fn stage_mock(server: &MockServer, body: Value, times: u64) {
    Mock::given(method("GET"))
        .and(path("/api/v1/generate/record-info"))
        .and(query_param("taskId", TASK))
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
async fn wait_walks_the_stages_to_success() {
    let server = server().await;
    stage_mock(&server, record("PENDING", false), 1).await;
    stage_mock(&server, record("TEXT_SUCCESS", false), 1).await;
    stage_mock(&server, record("FIRST_SUCCESS", true), 1).await;
    stage_mock(&server, record("SUCCESS", true), 1).await;
    let (client, clock) = client(&server);
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let sink = seen.clone();
    let out = client
        .music()
        .wait(
            &TaskId::new(TASK),
            opts().on_status(move |s| sink.lock().unwrap().push(s.to_owned())),
        )
        .await
        .unwrap();
    assert_eq!(out.status(), &MusicStatus::Success);
    assert_eq!(out.tracks().len(), 1);
    assert_eq!(clock.sleeps().len(), 3);
    assert_eq!(
        *seen.lock().unwrap(),
        ["PENDING", "TEXT_SUCCESS", "FIRST_SUCCESS", "SUCCESS"]
    );
}

#[tokio::test]
async fn wait_can_stop_at_first_success_and_skips_a_stage_without_tracks() {
    let server = server().await;
    stage_mock(&server, record("FIRST_SUCCESS", false), 1).await;
    stage_mock(&server, record("FIRST_SUCCESS", true), 1).await;
    let (client, _) = client(&server);
    let out = client
        .music()
        .wait(
            &TaskId::new(TASK),
            opts().with_stop_at(MusicStage::FirstSuccess),
        )
        .await
        .unwrap();
    assert_eq!(out.status(), &MusicStatus::FirstSuccess);
    assert!(!out.tracks().is_empty());
}

#[tokio::test]
async fn wait_reports_a_failure_status_and_an_empty_success() {
    let server = server().await;
    let mut failed = record("GENERATE_AUDIO_FAILED", false);
    failed["data"]["errorCode"] = json!(413);
    failed["data"]["errorMessage"] =
        json!("Conflict - Uploaded audio matches existing work of art.");
    stage_mock(&server, failed, 1).await;
    stage_mock(&server, record("SUCCESS", false), 1).await;
    let (client, _) = client(&server);
    let err = client
        .music()
        .wait(&TaskId::new(TASK), opts())
        .await
        .unwrap_err();
    let ClientError::TaskFailed(f) = &err else {
        panic!("expected TaskFailed, got {err:?}")
    };
    assert_eq!(f.status(), Some("GENERATE_AUDIO_FAILED"));
    assert_eq!(f.code(), Some(413));
    let err = client
        .music()
        .wait(&TaskId::new(TASK), opts())
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::EmptyResult { .. }), "{err:?}");
}

fn music_signal(name: &str, task: &str) -> Signal {
    let mut body = fixture_json(name);
    body["data"]["task_id"] = json!(task);
    Signal::from(parse(CallbackFamily::Music, body.to_string().as_bytes()).unwrap())
}

#[tokio::test]
async fn callbacks_settle_or_fail_a_music_wait() {
    let server = server().await;
    stage_mock(&server, record("PENDING", false), 2).await;
    let (client, clock) = client(&server);

    let signal = music_signal("upload-cover-callback.first.json", TASK);
    let out = client
        .music()
        .wait(
            &TaskId::new(TASK),
            opts()
                .with_stop_at(MusicStage::FirstSuccess)
                .with_signal_stream(futures::stream::iter([signal])),
        )
        .await
        .unwrap();
    assert_eq!(out.status(), &MusicStatus::FirstSuccess);
    assert_eq!(out.tracks()[0].title.as_deref(), Some("Iron Man"));

    let signal = music_signal("music-callback.error.json", TASK);
    let err = client
        .music()
        .wait(
            &TaskId::new(TASK),
            opts().with_signal_stream(futures::stream::iter([signal])),
        )
        .await
        .unwrap_err();
    let ClientError::TaskFailed(f) = &err else {
        panic!("expected TaskFailed, got {err:?}")
    };
    assert_eq!(f.code(), Some(501));
    assert_eq!(f.message(), Some("Audio generation failed"));
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn a_progress_callback_below_the_stage_polls_now() {
    let server = server().await;
    stage_mock(&server, record("PENDING", false), 1).await;
    stage_mock(&server, record("SUCCESS", true), 1).await;
    let (client, clock) = client(&server);
    let signal = music_signal("upload-cover-callback.first.json", TASK);
    let out = client
        .music()
        .wait(
            &TaskId::new(TASK),
            opts().with_signal_stream(futures::stream::iter([signal])),
        )
        .await
        .unwrap();
    assert_eq!(out.status(), &MusicStatus::Success);
    assert!(clock.sleeps().is_empty());
}

/// The documented record at `FIRST_SUCCESS`, with a second track whose
/// `audioUrl` is still `""` (what the live API sends at that stage); with
/// `first_playable` false the first track's `audioUrl` is emptied too.
fn first_stage_record(first_playable: bool) -> Value {
    let mut body = record("FIRST_SUCCESS", true);
    let tracks = body["data"]["response"]["sunoData"].as_array_mut().unwrap();
    let mut second = tracks[0].clone();
    second["id"] = json!("second-track");
    second["audioUrl"] = json!("");
    tracks.push(second);
    if !first_playable {
        tracks[0]["audioUrl"] = json!("");
    }
    body
}

/// The documented first-stage callback with a second track whose `audio_url`
/// is `""`.
fn first_stage_signal(task: &str) -> Signal {
    let mut body = fixture_json("upload-cover-callback.first.json");
    body["data"]["task_id"] = json!(task);
    let mut second = body["data"]["data"][0].clone();
    second["id"] = json!("second-track");
    second["audio_url"] = json!("");
    body["data"]["data"].as_array_mut().unwrap().push(second);
    Signal::from(parse(CallbackFamily::Music, body.to_string().as_bytes()).unwrap())
}

#[tokio::test]
async fn a_track_without_audio_yet_is_not_handed_out_as_playable() {
    let server = server().await;
    // No playable track yet at FIRST_SUCCESS: keep polling.
    stage_mock(&server, first_stage_record(false), 1).await;
    stage_mock(&server, first_stage_record(true), 1).await;
    let (client, clock) = client(&server);
    let out = client
        .music()
        .wait(
            &TaskId::new(TASK),
            opts().with_stop_at(MusicStage::FirstSuccess),
        )
        .await
        .unwrap();
    assert_eq!(clock.sleeps().len(), 1, "the unplayable stage was skipped");
    assert_eq!(out.status(), &MusicStatus::FirstSuccess);
    assert_eq!(out.all_tracks().len(), 2);
    let tracks = out.tracks();
    assert_eq!(tracks.len(), 1);
    assert!(tracks.iter().all(|t| t.is_playable()));
    assert_ne!(
        tracks[0].id.as_ref().map(|i| i.as_str()),
        Some("second-track")
    );
    assert_eq!(out.all_tracks()[1].audio_url(), None);
}

#[tokio::test]
async fn a_first_stage_callback_hands_out_only_its_playable_track() {
    let server = server().await;
    stage_mock(&server, record("PENDING", false), 1).await;
    let (client, _) = client(&server);
    let out = client
        .music()
        .wait(
            &TaskId::new(TASK),
            opts()
                .with_stop_at(MusicStage::FirstSuccess)
                .with_signal_stream(futures::stream::iter([first_stage_signal(TASK)])),
        )
        .await
        .unwrap();
    assert_eq!(out.all_tracks().len(), 2);
    assert_eq!(out.tracks().len(), 1);
    assert_eq!(out.tracks()[0].title.as_deref(), Some("Iron Man"));
}

#[tokio::test]
async fn success_with_no_playable_track_is_an_empty_result() {
    let server = server().await;
    let mut body = first_stage_record(false);
    body["data"]["status"] = json!("SUCCESS");
    stage_mock(&server, body, 1).await;
    let (client, _) = client(&server);
    let err = client
        .music()
        .wait(&TaskId::new(TASK), opts())
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::EmptyResult { .. }), "{err:?}");
}
