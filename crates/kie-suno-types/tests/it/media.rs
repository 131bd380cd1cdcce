//! Media families and the synchronous tools: fixtures parse, states classify,
//! requests validate.

use kie_suno_types::{
    parse, ApiResponse, BoostStatus, BoostStyleResult, Callback, CallbackFamily, CallbackType,
    CoverImageRecord, CoverImageStatus, LenientNumber, MidiRecord, MidiStatus, MusicVideoRequest,
    PersonaRequest, SeparationRecord, SeparationRequest, SeparationType, StemName, TaskState,
    ValidationError, VideoRecord, WavRecord, WavStatus,
};

use crate::fixture;

fn check(family: CallbackFamily, name: &str, success: bool) -> Callback {
    let cb = parse(family, &fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(cb.is_terminal(), "{name}");
    assert_eq!(cb.is_success(), success, "{name}");
    let stage = if success {
        CallbackType::Complete
    } else {
        CallbackType::Error
    };
    assert_eq!(cb.stage(), stage, "{name}");
    assert_eq!(cb.family(), family);
    cb
}

#[test]
fn media_callbacks_parse_and_classify() {
    use CallbackFamily as F;
    for (family, stem) in [
        (F::CoverImage, "cover-image-callback"),
        (F::Wav, "wav-callback"),
        (F::Midi, "midi-callback"),
        (F::Video, "video-callback"),
        (F::Separation, "separation-callback.separate_vocal"),
        (F::Separation, "separation-callback.split_stem"),
        (F::ReplaceSection, "replace-section-callback"),
    ] {
        let ok = check(family, &format!("{stem}.complete.json"), true);
        let err = check(family, &format!("{stem}.error.json"), false);
        assert!(!ok.task_id().as_str().is_empty());
        assert!(!err.task_id().as_str().is_empty());
    }
}

#[test]
fn midi_callback_reads_top_level_task_id_and_rejects_none() {
    let cb = parse(
        CallbackFamily::Midi,
        br#"{"code":200,"msg":"ok","taskId":"t9","data":{"state":"complete"}}"#,
    )
    .unwrap();
    assert_eq!(cb.task_id().as_str(), "t9");
    let err = parse(
        CallbackFamily::Midi,
        br#"{"code":200,"msg":"ok","data":{}}"#,
    )
    .unwrap_err();
    assert!(
        matches!(err, kie_suno_types::ParseError::Data { .. }),
        "{err:?}"
    );
}

#[test]
fn video_code_zero_with_url_is_success() {
    let cb = parse(
        CallbackFamily::Video,
        br#"{"code":0,"msg":"","data":{"task_id":"t","video_url":"https://x/v.mp4"}}"#,
    )
    .unwrap();
    assert!(cb.is_success());
    let cb = parse(
        CallbackFamily::Video,
        br#"{"code":0,"msg":"","data":{"task_id":"t","video_url":null}}"#,
    )
    .unwrap();
    assert!(!cb.is_success());
}

#[test]
fn integer_flags_keep_their_family_meaning() {
    let env: ApiResponse<CoverImageRecord> =
        serde_json::from_slice(&fixture("cover-image-record-info.response.json")).unwrap();
    let rec = env.data.unwrap();
    assert_eq!(rec.success_flag, CoverImageStatus::Success);
    assert_eq!(rec.images().len(), 2);
    let env: ApiResponse<MidiRecord> =
        serde_json::from_slice(&fixture("midi-record-info.response.json")).unwrap();
    assert!(env.data.unwrap().success_flag.is_success());
    // 2 is "generating" for cover images but a failure for MIDI.
    let cover: CoverImageStatus = serde_json::from_str("2").unwrap();
    let midi: MidiStatus = serde_json::from_str("\"2\"").unwrap();
    assert!(!cover.is_terminal());
    assert!(midi.is_failure());
    let named: CoverImageStatus = serde_json::from_str("\"GENERATE_COVER_FAILED\"").unwrap();
    assert!(named.is_failure());
    assert_eq!(
        serde_json::to_string(&named).unwrap(),
        "\"GENERATE_COVER_FAILED\""
    );
    let unseen: MidiStatus = serde_json::from_str("7").unwrap();
    assert_eq!(unseen, MidiStatus::from_i64(7));
    assert!(matches!(unseen, MidiStatus::Unknown(u) if u.as_i64() == 7));
    assert_eq!(serde_json::to_string(&unseen).unwrap(), "7");
}

#[test]
fn string_flags_and_legacy_names() {
    let env: ApiResponse<WavRecord> = serde_json::from_slice(&fixture(
        "wav-record-info.response.docs-kie-ai-rendered-older.json",
    ))
    .unwrap();
    let rec = env.data.unwrap();
    assert!(matches!(rec.success_flag, WavStatus::Unknown(_)));
    assert_eq!(rec.music_index, Some(LenientNumber::Text("0".into())));
    let s: WavStatus = serde_json::from_str("\"GENERATE_AUDIO_FAILED\"").unwrap();
    assert!(s.is_failure());
    let env: ApiResponse<SeparationRecord> =
        serde_json::from_slice(&fixture("separation-record-info.split_stem.response.json"))
            .unwrap();
    let rec = env.data.unwrap();
    assert!(rec.success_flag.is_success());
    assert!(rec.complete_time.unwrap().to_unix_millis().is_some());
    let env: ApiResponse<VideoRecord> =
        serde_json::from_slice(&fixture("video-record-info.response.json")).unwrap();
    assert_eq!(
        env.data.unwrap().video_url(),
        Some("https://example.com/s/04e6****e727.mp4")
    );
}

#[test]
fn boost_flag_reads_digits_and_integers() {
    let r: BoostStyleResult = serde_json::from_str(r#"{"successFlag":"1"}"#).unwrap();
    assert_eq!(r.success_flag, Some(BoostStatus::Success));
    let r: BoostStyleResult = serde_json::from_str(r#"{"successFlag":2}"#).unwrap();
    assert!(r.success_flag.unwrap().is_failure());
}

#[test]
fn media_request_rules() {
    let err = SeparationRequest::new("t", "a", "https://x.y/cb")
        .unwrap()
        .into_builder()
        .with_separation_type(SeparationType::SplitStemAdvanced)
        .build()
        .unwrap_err();
    assert!(matches!(
        err,
        ValidationError::Missing {
            field: "stemName",
            ..
        }
    ));
    // The stem is an open enum of the documented names.
    let adv = SeparationRequest::new("t", "a", "https://x.y/cb")
        .unwrap()
        .into_builder()
        .with_separation_type(SeparationType::SplitStemAdvanced)
        .with_stem_name(StemName::LeadVocal)
        .build()
        .unwrap();
    assert_eq!(adv.stem_name(), Some(&StemName::from("Lead Vocal")));
    let json = serde_json::to_value(&adv).unwrap();
    assert_eq!(json["stemName"], "Lead Vocal");
    assert_eq!(StemName::from("808"), StemName::EightOhEight);
    assert_eq!(StemName::from("Hi-Hat").as_str(), "Hi-Hat");
    assert_eq!(StemName::KNOWN.len(), 98);
    let body = r#"{"taskId":"t","audioId":"a","callBackUrl":"https://x.y/cb","type":"split_stem_advanced","stemName":"Nose Flute"}"#;
    let odd: SeparationRequest = serde_json::from_str(body).unwrap();
    assert!(!odd.stem_name().unwrap().is_known());
    assert_eq!(serde_json::to_string(&odd).unwrap(), body);
    let err = SeparationRequest::from_upload("https://x.y/a.mp3", "https://x.y/cb")
        .unwrap()
        .into_builder()
        .with_audio_id("a")
        .build()
        .unwrap_err();
    assert_eq!(err.field(), "audioId");
    let err = MusicVideoRequest::builder("t", "a", "https://x.y/cb")
        .with_author("x".repeat(51))
        .build()
        .unwrap_err();
    assert!(matches!(
        err,
        ValidationError::TooLong {
            field: "author",
            max: 50,
            ..
        }
    ));
    let p = PersonaRequest::new("t", "a", "n", "d").unwrap();
    assert!(matches!(
        p.into_builder().with_vocal_end(5.0).build().unwrap_err(),
        ValidationError::OutOfRange { .. }
    ));
    let p: PersonaRequest = serde_json::from_str(
        r#"{"taskId":"t","audioId":"a","name":"n","description":"d"," vocalStart":2," vocalEnd":20}"#,
    )
    .unwrap();
    assert_eq!(p.vocal_start(), Some(2.0));
    assert!(serde_json::to_string(&p)
        .unwrap()
        .contains("\"vocalStart\":2"));
}
