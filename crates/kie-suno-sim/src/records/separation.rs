//! Vocal and stem separation records: `separate_vocal` (2 stems), `split_stem` (12)
//! and `split_stem_advanced` (the one named stem), with their stem ids for MIDI.

use std::time::Duration;

use serde_json::{json, Value};

use super::media::{media_end, media_pending, MediaSpec};
use super::stage::{failure_code, seconds_2dp, success_envelope, to_bytes, Child, Ctx, Stage};
use crate::ids::{derived_uuid, fnv1a};
use crate::keywords::Outcome;

const SPLIT_STEMS: &[(&str, &str, &str)] = &[
    ("Vocals", "vocalUrl", "vocal_url"),
    ("Backing Vocals", "backingVocalsUrl", "backing_vocals_url"),
    ("Drums", "drumsUrl", "drums_url"),
    ("Bass", "bassUrl", "bass_url"),
    ("Guitar", "guitarUrl", "guitar_url"),
    ("Keyboard", "keyboardUrl", "keyboard_url"),
    ("Percussion", "percussionUrl", "percussion_url"),
    ("Strings", "stringsUrl", "strings_url"),
    ("Synth", "synthUrl", "synth_url"),
    ("FX", "fxUrl", "fx_url"),
    ("Brass", "brassUrl", "brass_url"),
    ("Woodwinds", "woodwindsUrl", "woodwinds_url"),
];

const VOCAL_STEMS: &[(&str, &str, &str)] = &[
    ("Vocals", "vocalUrl", "vocal_url"),
    ("Instrumental", "instrumentalUrl", "instrumental_url"),
];

const ALL_STEM_FIELDS: &[&str] = &[
    "instrumentalUrl",
    "vocalUrl",
    "backingVocalsUrl",
    "drumsUrl",
    "bassUrl",
    "guitarUrl",
    "pianoUrl",
    "keyboardUrl",
    "percussionUrl",
    "stringsUrl",
    "synthUrl",
    "fxUrl",
    "brassUrl",
    "woodwindsUrl",
];

/// The kind of separation asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SepKind {
    /// `separate_vocal`: vocals and instrumental.
    Vocal,
    /// `split_stem`: 12 stems.
    Split,
    /// `split_stem_advanced`: the one stem named by `stemName`.
    Advanced(String),
}

/// The record / callback fields an advanced stem is reported under (the docs show
/// no example; the nearest documented field is used).
fn advanced_fields(stem: &str) -> (&'static str, &'static str) {
    let s = stem.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| s.contains(w));
    if has(&["backing"]) {
        ("backingVocalsUrl", "backing_vocals_url")
    } else if has(&["vocal", "choir", "voice"]) {
        ("vocalUrl", "vocal_url")
    } else if has(&[
        "flute", "clarinet", "oboe", "sax", "bassoon", "piccolo", "woodwind", "whistle",
    ]) {
        ("woodwindsUrl", "woodwinds_url")
    } else if has(&["drum", "kick", "snare", "hat", "cymbal", "808", "taiko"]) {
        ("drumsUrl", "drums_url")
    } else if has(&["bass"]) {
        ("bassUrl", "bass_url")
    } else if has(&[
        "guitar", "banjo", "mandolin", "ukulele", "sitar", "koto", "harp",
    ]) {
        ("guitarUrl", "guitar_url")
    } else if has(&["piano", "rhodes", "harpsichord", "celesta"]) {
        ("pianoUrl", "piano_url")
    } else if has(&["key", "organ", "accordion", "melodica"]) {
        ("keyboardUrl", "keyboard_url")
    } else if has(&["string", "violin", "viola", "cello", "fiddle", "orchestra"]) {
        ("stringsUrl", "strings_url")
    } else if has(&["synth", "arpeggiator", "drone", "theremin"]) {
        ("synthUrl", "synth_url")
    } else if has(&["brass", "trumpet", "trombone", "horn", "tuba"]) {
        ("brassUrl", "brass_url")
    } else if has(&["effect", "riser"]) {
        ("fxUrl", "fx_url")
    } else {
        ("percussionUrl", "percussion_url")
    }
}

/// Vocal / stem separation. Returns the stages and the stem ids (MIDI `audioId`s).
pub(crate) fn separation(
    ctx: &Ctx,
    spec: &MediaSpec,
    kind: &SepKind,
    delay: Duration,
) -> (Vec<Stage>, Vec<Child>) {
    let advanced;
    let stems: &[(&str, &str, &str)] = match kind {
        SepKind::Vocal => VOCAL_STEMS,
        SepKind::Split => SPLIT_STEMS,
        SepKind::Advanced(name) => {
            let (camel, snake) = advanced_fields(name);
            advanced = [(name.as_str(), camel, snake)];
            &advanced
        }
    };
    let duration = seconds_2dp(fnv1a(&[ctx.task_id.as_str().as_bytes(), b"sep"]), 120, 120);
    let mut origin = Vec::new();
    let mut response = serde_json::Map::new();
    response.insert("id".into(), Value::Null);
    response.insert("originUrl".into(), Value::Null);
    for f in ALL_STEM_FIELDS {
        response.insert((*f).into(), Value::Null);
    }
    let mut info = serde_json::Map::new();
    info.insert("origin_url".into(), json!(""));
    let mut ids = Vec::new();
    for (name, camel, snake) in stems {
        let id = derived_uuid(&ctx.task_id, name);
        let url = ctx.file(&format!("{id}_{}.mp3", name.replace(' ', "_")));
        origin.push(
            json!({"duration": duration, "audio_url": url, "stem_type_group_name": name, "id": id}),
        );
        response.insert((*camel).into(), json!(url));
        info.insert((*snake).into(), json!(url));
        ids.push(Child {
            id,
            duration,
            model: None,
        });
    }
    response.insert("originData".into(), Value::Array(origin));
    let record = |flag: &str, response: Value, complete: Value, err: Value, msg: Value| {
        success_envelope(json!({
            "taskId": ctx.task_id,
            "musicId": spec.audio_id,
            "callbackUrl": ctx.callback_url,
            "musicIndex": spec.music_index,
            "completeTime": complete,
            "response": response,
            "successFlag": flag,
            "createTime": ctx.millis(Duration::ZERO),
            "errorCode": err,
            "errorMessage": msg,
        }))
    };
    let pending = media_pending(
        json!("PENDING"),
        record(
            "PENDING",
            Value::Null,
            Value::Null,
            Value::Null,
            Value::Null,
        ),
    );
    let end = match ctx.outcome {
        Outcome::Stall => return (vec![pending], ids),
        Outcome::Success => media_end(
            json!("SUCCESS"),
            delay,
            record(
                "SUCCESS",
                Value::Object(response),
                json!(ctx.millis(delay)),
                Value::Null,
                Value::Null,
            ),
            to_bytes(&json!({
                "code": 200,
                "msg": "vocal separation generated successfully.",
                "data": {"task_id": ctx.task_id, "vocal_separation_info": info},
            })),
            false,
        ),
        outcome => {
            let flag = if outcome == Outcome::CreateFailed {
                "CREATE_TASK_FAILED"
            } else {
                "GENERATE_AUDIO_FAILED"
            };
            let (code, msg, refund) =
                failure_code(outcome, 500, "Internal Error - Please try again later");
            media_end(
                json!(flag),
                delay,
                record(
                    flag,
                    Value::Null,
                    json!(ctx.millis(delay)),
                    json!(code),
                    json!(msg),
                ),
                to_bytes(&json!({
                    "code": code,
                    "msg": msg,
                    "data": {"task_id": ctx.task_id, "vocal_separation_info": null},
                })),
                refund,
            )
        }
    };
    (vec![pending, end], ids)
}
