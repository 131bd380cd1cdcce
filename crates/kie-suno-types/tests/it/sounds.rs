//! Generate Sounds: the request's rules, its documented example, the create
//! responses (one of which is an error envelope) and the endpoint entry.

use kie_suno_types::{
    ApiCode, ApiResponse, Endpoint, GenerateSoundsRequest, Method, Model, SoundKey, TaskCreated,
    ValidationError, SOUNDS_PROMPT_MAX_CHARS,
};

use crate::fixture;

#[test]
fn the_documented_request_reads_into_typed_fields_and_writes_back_verbatim() {
    let raw = fixture("sounds.request.json");
    let req: GenerateSoundsRequest = serde_json::from_slice(&raw).unwrap();
    assert_eq!(req.prompt(), "sint");
    assert_eq!(req.model(), &Model::V5);
    assert_eq!(req.sound_loop(), Some(true));
    assert_eq!(req.sound_tempo(), Some(166));
    assert_eq!(req.sound_key(), Some(&SoundKey::DSharpMinor));
    assert_eq!(req.grab_lyrics(), Some(true));
    assert_eq!(req.callback_url(), None);
    let original: serde_json::Value = serde_json::from_slice(&raw).unwrap();
    assert_eq!(serde_json::to_value(&req).unwrap(), original);
    // Built by hand, it is the same request.
    let built = GenerateSoundsRequest::builder("sint", Model::V5)
        .with_grab_lyrics(true)
        .with_sound_key("D#m")
        .with_sound_tempo(166)
        .with_sound_loop(true)
        .build()
        .unwrap();
    assert_eq!(built, req);
}

#[test]
fn unset_fields_are_left_out_so_the_documented_defaults_apply() {
    let req = GenerateSoundsRequest::new("waves on pebbles", Model::V5_5).unwrap();
    assert_eq!(
        serde_json::to_string(&req).unwrap(),
        r#"{"prompt":"waves on pebbles","model":"V5_5"}"#
    );
    let req = req
        .into_builder()
        .with_callback_url("https://example.com/cb")
        .build()
        .unwrap();
    assert_eq!(
        req.callback_url().map(|u| u.as_str()),
        Some("https://example.com/cb")
    );
    let err = GenerateSoundsRequest::builder("x", Model::V5)
        .with_callback_url("not a url")
        .build()
        .unwrap_err();
    assert_eq!(err.field(), "callBackUrl");
}

#[test]
fn prompt_is_required_and_at_most_500_characters() {
    assert_eq!(SOUNDS_PROMPT_MAX_CHARS, 500);
    assert!(GenerateSoundsRequest::new("é".repeat(500), Model::V5).is_ok());
    let err = GenerateSoundsRequest::new("é".repeat(501), Model::V5).unwrap_err();
    assert!(
        matches!(
            err,
            ValidationError::TooLong {
                field: "prompt",
                max: 500,
                actual: 501,
                ..
            }
        ),
        "{err:?}"
    );
    let err = GenerateSoundsRequest::new("  ", Model::V5).unwrap_err();
    assert!(matches!(
        err,
        ValidationError::Missing {
            field: "prompt",
            ..
        }
    ));
}

#[test]
fn only_v5_and_v5_5_of_the_known_models_unknown_ones_passed_through() {
    for m in [Model::V5, Model::V5_5, Model::from("V6")] {
        assert!(GenerateSoundsRequest::new("p", m.clone()).is_ok(), "{m}");
    }
    for m in ["V3_5", "V4", "V4_5", "V4_5PLUS", "V4_5ALL"] {
        let err = GenerateSoundsRequest::new("p", Model::from(m)).unwrap_err();
        assert_eq!(err.field(), "model", "{m}");
        assert!(err.to_string().contains("use V5 or V5_5"), "{err}");
    }
}

#[test]
fn tempo_is_1_to_300_bpm() {
    let b = GenerateSoundsRequest::builder("p", Model::V5);
    for ok in [1, 120, 300] {
        assert!(b.clone().with_sound_tempo(ok).build().is_ok(), "{ok}");
    }
    for bad in [0, 301] {
        let err = b.clone().with_sound_tempo(bad).build().unwrap_err();
        assert_eq!(err.field(), "soundTempo", "{bad}");
    }
    // A negative or fractional tempo is not an integer 1-300: refused by serde.
    for body in [
        r#"{"prompt":"p","model":"V5","soundTempo":-1}"#,
        r#"{"prompt":"p","model":"V5","soundTempo":1.5}"#,
    ] {
        assert!(
            serde_json::from_str::<GenerateSoundsRequest>(body).is_err(),
            "{body}"
        );
    }
}

#[test]
fn the_24_keys_are_known_and_any_is_kept_as_an_unknown_value() {
    assert_eq!(SoundKey::KNOWN.len(), 24);
    assert!(
        SoundKey::KNOWN.iter().all(|k| !k.contains('b')),
        "sharps only"
    );
    assert_eq!(SoundKey::from("A#m"), SoundKey::ASharpMinor);
    assert_eq!(SoundKey::from("B"), SoundKey::B);
    // `Any` is the documented default, not in the enum: leave the field out
    // for it; an explicit one still round-trips.
    let body = r#"{"prompt":"p","model":"V5","soundKey":"Any"}"#;
    let req: GenerateSoundsRequest = serde_json::from_str(body).unwrap();
    assert!(!req.sound_key().unwrap().is_known());
    assert_eq!(serde_json::to_string(&req).unwrap(), body);
}

#[test]
fn the_example_response_with_code_422_is_an_error_the_cn_one_a_success() {
    let r: ApiResponse<TaskCreated> =
        serde_json::from_slice(&fixture("sounds.response.json")).unwrap();
    assert_eq!(r.code, ApiCode::from_i64(422));
    assert_eq!(r.msg, "success");
    assert!(!r.is_success());
    let r: ApiResponse<TaskCreated> =
        serde_json::from_slice(&fixture("sounds.response.cn-page.json")).unwrap();
    assert!(r.is_success());
    assert_eq!(r.data.unwrap().task_id.as_str(), "5c79****be8e");
}

#[test]
fn the_endpoint_bills_and_is_a_post_on_the_api_host() {
    let e = Endpoint::GenerateSounds;
    assert_eq!(e.path(), "/api/v1/generate/sounds");
    assert_eq!(e.method(), Method::Post);
    assert!(e.creates_task());
    assert!(Endpoint::ALL.contains(&e));
}
