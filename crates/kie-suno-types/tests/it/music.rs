//! Music family: fixtures parse into their types, callbacks classify by stage,
//! and requests enforce the documented rules.

use kie_suno_types::{
    parse, ApiResponse, CallbackFamily, CallbackType, ExtendMusicRequest, GenerateMusicRequest,
    KieTime, MashupRequest, Model, MusicRecord, MusicStatus, ReplaceSectionRequest, TaskState,
    UploadCoverRequest, ValidationError, REPLACE_MAX_TRACK_SHARE,
};

use crate::fixture;

fn check_stage(name: &str, stage: CallbackType, terminal: bool, success: bool) {
    let cb = parse(CallbackFamily::Music, &fixture(name)).unwrap();
    assert_eq!(cb.stage(), stage, "{name}");
    assert_eq!(cb.is_terminal(), terminal, "{name}");
    assert_eq!(cb.is_success(), success, "{name}");
    assert!(!cb.task_id().as_str().is_empty());
}

#[test]
fn music_callbacks_of_every_stage_parse() {
    for family in [
        "music-extend",
        "upload-cover",
        "upload-extend",
        "add-instrumental",
        "add-vocals",
    ] {
        check_stage(
            &format!("{family}-callback.text.json"),
            CallbackType::Text,
            false,
            false,
        );
        check_stage(
            &format!("{family}-callback.first.json"),
            CallbackType::First,
            false,
            false,
        );
        check_stage(
            &format!("{family}-callback.complete.json"),
            CallbackType::Complete,
            true,
            true,
        );
        check_stage(
            &format!("{family}-callback.error.json"),
            CallbackType::Error,
            true,
            false,
        );
    }
    check_stage(
        "music-callback.complete.json",
        CallbackType::Complete,
        true,
        true,
    );
    check_stage(
        "music-callback.error.json",
        CallbackType::Error,
        true,
        false,
    );
}

#[test]
fn newest_callback_has_epoch_create_time_and_source_fields() {
    let cb = parse(
        CallbackFamily::Music,
        &fixture("music-callback.complete.newest-rendered.json"),
    )
    .unwrap();
    let kie_suno_types::Callback::Music(m) = cb else {
        panic!("not music")
    };
    let t = &m.tracks()[0];
    assert_eq!(t.create_time, Some(KieTime::EpochMillis(1786343609818)));
    assert!(t.source_audio_url.is_some());
}

#[test]
fn replace_section_error_carries_error_text() {
    let cb = parse(
        CallbackFamily::ReplaceSection,
        &fixture("replace-section-callback.error.json"),
    )
    .unwrap();
    assert!(cb.is_terminal());
    assert!(!cb.is_success());
    let kie_suno_types::Callback::ReplaceSection(m) = cb else {
        panic!("not replace-section")
    };
    assert_eq!(
        m.data.error.as_deref(),
        Some("Generation failed due to technical issues")
    );
}

#[test]
fn record_info_tracks_read_camel_case_and_param() {
    let env: ApiResponse<MusicRecord> =
        serde_json::from_slice(&fixture("music-record-info.response.json")).unwrap();
    let rec = env.data.unwrap();
    assert_eq!(rec.status, MusicStatus::Success);
    assert!(rec.status.is_success());
    assert_eq!(rec.tracks().len(), 1);
    assert!(rec.tracks()[0].audio_url.is_some());
    let param: serde_json::Value = rec.param.unwrap().value().unwrap();
    assert_eq!(param["model"], "V3_5");
}

#[test]
fn snake_case_tracks_are_accepted_in_record_info() {
    let body = r#"{"taskId":"t","status":"FIRST_SUCCESS","response":{"sunoData":[{"id":"a","audio_url":"u","createTime":5}]}}"#;
    let rec: MusicRecord = serde_json::from_str(body).unwrap();
    assert_eq!(rec.tracks()[0].audio_url.as_deref(), Some("u"));
    assert!(!rec.status.is_terminal());
}

const CB: &str = "https://example.com/cb";

#[test]
fn generate_limits_follow_the_model() {
    let long = "x".repeat(201);
    let err = GenerateMusicRequest::custom(Model::V4, long.clone(), "t", None, CB).unwrap_err();
    assert!(matches!(
        err,
        ValidationError::TooLong {
            field: "style",
            max: 200,
            ..
        }
    ));
    assert!(GenerateMusicRequest::custom(Model::V5, long, "t", None, CB).is_ok());
    let lyrics = "l".repeat(3001);
    let err =
        GenerateMusicRequest::custom(Model::V4, "s", "t", Some(lyrics.clone()), CB).unwrap_err();
    assert!(matches!(
        err,
        ValidationError::TooLong {
            field: "prompt",
            max: 3000,
            ..
        }
    ));
    assert!(GenerateMusicRequest::custom(Model::V5_5, "s", "t", Some(lyrics), CB).is_ok());
    let err = GenerateMusicRequest::custom(Model::V5, "s", "t".repeat(81), None, CB).unwrap_err();
    assert!(matches!(
        err,
        ValidationError::TooLong {
            field: "title",
            max: 80,
            ..
        }
    ));
    // Non-custom: 500 characters (every schema and the quickstart), whatever
    // the model.
    assert!(GenerateMusicRequest::new(Model::V5, "é".repeat(500), CB).is_ok());
    for model in [Model::V4, Model::V5_5] {
        let err = GenerateMusicRequest::new(model, "é".repeat(501), CB).unwrap_err();
        assert!(matches!(
            err,
            ValidationError::TooLong {
                field: "prompt",
                max: 500,
                actual: 501,
                ..
            }
        ));
    }
    assert_eq!(kie_suno_types::SIMPLE_PROMPT_MAX_CHARS, 500);
}

#[test]
fn generate_custom_vocal_needs_prompt_and_build_revalidates() {
    let req = GenerateMusicRequest::custom(Model::V5, "s", "t", None, CB).unwrap();
    let err = req
        .to_builder()
        .with_instrumental(false)
        .build()
        .unwrap_err();
    assert!(matches!(
        err,
        ValidationError::Missing {
            field: "prompt",
            ..
        }
    ));
    let err = req.to_builder().with_style_weight(1.5).build().unwrap_err();
    assert!(matches!(
        err,
        ValidationError::OutOfRange {
            field: "styleWeight",
            ..
        }
    ));
    let err = req.into_builder().with_duration(5).build().unwrap_err();
    assert!(matches!(
        err,
        ValidationError::OutOfRange {
            field: "duration",
            ..
        }
    ));
}

#[test]
fn invalid_json_requests_are_rejected_by_serde() {
    let body = r#"{"customMode":true,"instrumental":true,"model":"V4","callBackUrl":"https://x.y/cb","title":"t"}"#;
    let err = serde_json::from_str::<GenerateMusicRequest>(body).unwrap_err();
    assert!(err.to_string().contains("style is required"), "{err}");
    let body = r#"{"customMode":false,"instrumental":false,"model":"V4","callBackUrl":"ftp://x.y/cb","prompt":"p"}"#;
    assert!(serde_json::from_str::<GenerateMusicRequest>(body).is_err());
}

#[test]
fn extend_and_upload_rules() {
    let err = ExtendMusicRequest::custom("a", Model::V5, "p", "s", "t", 0.0, CB).unwrap_err();
    assert!(matches!(
        err,
        ValidationError::OutOfRange {
            field: "continueAt",
            ..
        }
    ));
    assert!(ExtendMusicRequest::new("a", Model::V5, CB).is_ok());
    let err = ExtendMusicRequest::custom("a", Model::V4_5All, "p", "s", "t".repeat(81), 3.0, CB)
        .unwrap_err();
    assert!(matches!(
        err,
        ValidationError::TooLong {
            field: "title",
            max: 80,
            ..
        }
    ));
    assert!(ExtendMusicRequest::custom("a", Model::V5, "p", "s", "t".repeat(100), 3.0, CB).is_ok());
    let err =
        UploadCoverRequest::new("https://a.b/x.mp3", Model::V5, "p".repeat(501), CB).unwrap_err();
    assert!(matches!(
        err,
        ValidationError::TooLong {
            field: "prompt",
            max: 500,
            ..
        }
    ));
    let err = UploadCoverRequest::new("not a url", Model::V5, "p", CB).unwrap_err();
    assert_eq!(err.field(), "uploadUrl");
}

#[test]
fn replace_section_range_rules() {
    let mk = |s: f64, e: f64| ReplaceSectionRequest::new("t", "a", "p", "tags", "title", s, e, "l");
    assert!(mk(10.0, 20.0).is_ok());
    let err = mk(10.0, 15.0).unwrap_err();
    assert!(
        matches!(
            err,
            ValidationError::OutOfRange {
                field: "infillEndS - infillStartS",
                min: 10.0,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "infillEndS - infillStartS must be at least 10, got 5"
    );
    // No 60 s cap any more (the newest docs dropped it): only half the track,
    // which the request does not know.
    let long = mk(0.0, 95.5).unwrap();
    assert!(long.check_track_duration(191.0).is_ok());
    let err = long.check_track_duration(190.0).unwrap_err();
    assert!(
        matches!(err, ValidationError::OutOfRange { max, .. } if max == 95.0),
        "{err:?}"
    );
    assert_eq!(REPLACE_MAX_TRACK_SHARE, 0.5);
    assert!(matches!(
        mk(-1.0, 20.0).unwrap_err(),
        ValidationError::OutOfRange {
            field: "infillStartS",
            ..
        }
    ));
    // `fullLyrics` is required, and always sent.
    let err =
        ReplaceSectionRequest::new("t", "a", "p", "tags", "title", 0.0, 20.0, " ").unwrap_err();
    assert!(matches!(
        err,
        ValidationError::Missing {
            field: "fullLyrics",
            ..
        }
    ));
    let json = serde_json::to_value(mk(0.0, 20.0).unwrap()).unwrap();
    assert_eq!(json["fullLyrics"], "l");
}

#[test]
fn mashup_needs_two_urls() {
    let req =
        MashupRequest::new("https://a.b/1.mp3", "https://a.b/2.mp3", Model::V5, "p", CB).unwrap();
    let err = req
        .into_builder()
        .with_upload_url_list(["https://a.b/1"])
        .build()
        .unwrap_err();
    assert_eq!(err.field(), "uploadUrlList");
}

#[test]
fn unknown_model_round_trips() {
    let m: Model = serde_json::from_str("\"V9\"").unwrap();
    assert_eq!(m, Model::from("V9"));
    assert!(matches!(&m, Model::Unknown(u) if u.as_str() == "V9"));
    assert!(!m.is_known());
    assert_eq!(Model::from("V5"), Model::V5);
    assert_eq!(serde_json::to_string(&m).unwrap(), "\"V9\"");
}

#[test]
fn documented_music_requests_parse() {
    use kie_suno_types::{AddInstrumentalRequest, AddVocalsRequest, UploadExtendRequest};
    fn ok<T: serde::de::DeserializeOwned>(name: &str) {
        if let Err(e) = serde_json::from_slice::<T>(&fixture(name)) {
            panic!("{name}: {e}");
        }
    }
    ok::<GenerateMusicRequest>("music-generate.request.json");
    ok::<GenerateMusicRequest>("music-generate.request.newest-rendered.json");
    ok::<ExtendMusicRequest>("music-extend.request.json");
    ok::<UploadCoverRequest>("upload-cover.request.json");
    ok::<UploadCoverRequest>("upload-cover.request.newest-rendered.json");
    ok::<UploadExtendRequest>("upload-extend.request.json");
    ok::<AddInstrumentalRequest>("add-instrumental.request.json");
    ok::<AddVocalsRequest>("add-vocals.request.json");
    ok::<AddVocalsRequest>("add-vocals.request.docs-kie-ai-rendered-with-tags.json");
    ok::<MashupRequest>("mashup.request.json");
    ok::<ReplaceSectionRequest>("replace-section.request.json");
}

#[test]
fn constructed_requests_serialise_in_the_documented_form() {
    let req = GenerateMusicRequest::custom(Model::V5_5, "Jazz", "Blue", None, CB)
        .unwrap()
        .into_builder()
        .with_duration(20)
        .build()
        .unwrap();
    assert_eq!(
        serde_json::to_value(&req).unwrap(),
        serde_json::json!({
            "style": "Jazz",
            "title": "Blue",
            "customMode": true,
            "instrumental": true,
            "model": "V5_5",
            "callBackUrl": CB,
            "duration": 20
        })
    );
    let back: GenerateMusicRequest =
        serde_json::from_value(serde_json::to_value(&req).unwrap()).unwrap();
    assert_eq!(back, req);
    let ext = ExtendMusicRequest::new("a1", Model::V5, CB).unwrap();
    assert_eq!(
        serde_json::to_value(&ext).unwrap(),
        serde_json::json!({"defaultParamFlag": false, "audioId": "a1", "model": "V5", "callBackUrl": CB})
    );
}

/// The documented first-stage callback with a second track whose `audio_url` is
/// still `""`, as the live API sends at `FIRST_SUCCESS`.
fn first_stage_with_an_empty_audio_url() -> serde_json::Value {
    let mut body: serde_json::Value =
        serde_json::from_slice(&fixture("upload-cover-callback.first.json")).unwrap();
    let mut second = body["data"]["data"][0].clone();
    second["id"] = "second-track".into();
    second["audio_url"] = "".into();
    body["data"]["data"].as_array_mut().unwrap().push(second);
    body
}

#[test]
fn a_track_with_an_empty_audio_url_is_not_playable() {
    let body = first_stage_with_an_empty_audio_url();
    let cb = match parse(CallbackFamily::Music, body.to_string().as_bytes()).unwrap() {
        kie_suno_types::Callback::Music(c) => c,
        other => panic!("{other:?}"),
    };
    assert_eq!(cb.tracks().len(), 2);
    let (first, second) = (&cb.tracks()[0], &cb.tracks()[1]);
    assert!(first.is_playable());
    assert_eq!(first.audio_url(), Some("https://example.cn/****.mp3"));
    assert!(!second.is_playable());
    assert_eq!(second.audio_url(), None);
    // The field keeps what was sent, so nothing changes on re-encoding.
    assert_eq!(second.audio_url.as_deref(), Some(""));
    assert_eq!(second.stream_audio_url(), Some("https://example.cn/****"));
    let playable: Vec<_> = cb.playable_tracks().map(|t| t.id.as_ref()).collect();
    assert_eq!(playable, [first.id.as_ref()]);

    // The same in record-info spelling, at FIRST_SUCCESS.
    let mut rec: serde_json::Value =
        serde_json::from_slice(&fixture("music-record-info.response.json")).unwrap();
    rec["data"]["status"] = "FIRST_SUCCESS".into();
    let tracks = rec["data"]["response"]["sunoData"].as_array_mut().unwrap();
    let mut second = tracks[0].clone();
    second["id"] = "second-track".into();
    second["audioUrl"] = "".into();
    tracks.push(second);
    let r: ApiResponse<MusicRecord> = serde_json::from_value(rec).unwrap();
    let r = r.data.unwrap();
    assert_eq!(r.tracks().len(), 2);
    assert_eq!(r.playable_tracks().count(), 1);
    assert!(r.tracks()[0].is_playable() && !r.tracks()[1].is_playable());
    // Blank counts as empty; absent too.
    let mut t = r.tracks()[1].clone();
    t.audio_url = Some("  ".to_owned());
    assert!(!t.is_playable());
    t.audio_url = None;
    assert!(!t.is_playable());
}
