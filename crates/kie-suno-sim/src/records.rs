//! What a task looks like at each of its states: the record-info envelope and the
//! callback body, rendered once when the task is created so that a poll is a map
//! lookup and a copy of bytes.

use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use kie_suno_types::{
    ApiCode, ApiResponse, GenerateLyricsRequest, LyricsCallback, LyricsCallbackData,
    LyricsCallbackItem, LyricsRecord, LyricsResponse, LyricsStatus, LyricsVariation, RawParam,
    TaskId,
};
use serde::Serialize;
use serde_json::{json, Value};

use crate::keywords::Outcome;
use crate::lyricsgen;

/// The task families with a record-info endpoint of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Family {
    Lyrics,
    Music,
    Wav,
    Separation,
    Midi,
    Video,
    CoverImage,
}

/// One state of a task.
#[derive(Debug, Clone)]
pub(crate) struct Stage {
    /// The status as the record spells it (`PENDING`, `SUCCESS`, `1`, ...).
    pub(crate) status: String,
    /// Time spent in the previous stage before this one is reached.
    pub(crate) delay: Duration,
    /// The whole details response (envelope included).
    pub(crate) details: Bytes,
    /// The callback sent on entering this stage: (stage name, body).
    pub(crate) callback: Option<(String, Bytes)>,
    /// Whether entering this stage refunds the task's cost (code 531).
    pub(crate) refund: bool,
}

/// What every family's builder needs.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    pub(crate) task_id: TaskId,
    pub(crate) now: DateTime<Utc>,
    pub(crate) files_base: String,
    pub(crate) callback_url: Option<String>,
    pub(crate) outcome: Outcome,
}

impl Ctx {
    fn file(&self, name: &str) -> String {
        format!("{}/sim/files/{}/{name}", self.files_base, self.task_id)
    }

    /// `now + offset` as `"YYYY-MM-DD HH:MM:SS"`.
    fn text_time(&self, offset: Duration) -> String {
        self.at(offset).format("%Y-%m-%d %H:%M:%S").to_string()
    }

    /// `now + offset` in epoch milliseconds.
    fn millis(&self, offset: Duration) -> i64 {
        self.at(offset).timestamp_millis()
    }

    /// `now + offset` as ISO 8601 with milliseconds (`2025-01-15T10:35:27.000Z`).
    fn iso(&self, offset: Duration) -> String {
        self.at(offset).format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
    }

    fn at(&self, offset: Duration) -> DateTime<Utc> {
        self.now + chrono::Duration::from_std(offset).unwrap_or_else(|_| chrono::Duration::zero())
    }
}

fn to_bytes<T: Serialize>(value: &T) -> Bytes {
    // Serialising our own in-memory values (string keys, no maps with non-string
    // keys, no failing Serialize impls) cannot fail.
    Bytes::from(serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec()))
}

fn success_envelope(data: Value) -> Bytes {
    to_bytes(&json!({"code": 200, "msg": "success", "data": data}))
}

/// A deterministic id shaped like a UUID, derived from the task id and a label.
pub(crate) fn derived_uuid(task_id: &TaskId, label: &str) -> String {
    let a = lyricsgen::mix(lyricsgen::fnv1a(&[
        task_id.as_str().as_bytes(),
        label.as_bytes(),
        b"hi",
    ]));
    let b = lyricsgen::mix(
        a ^ lyricsgen::fnv1a(&[task_id.as_str().as_bytes(), label.as_bytes(), b"lo"]),
    );
    let hex = format!("{a:016x}{b:016x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// How a failing task reports itself: (callback / error code, message, refund).
fn failure_code(
    outcome: Outcome,
    generation_code: i64,
    generation_msg: &str,
) -> (i64, String, bool) {
    match outcome {
        Outcome::Sensitive => (400, "Song Description flagged for moderation".to_owned(), false),
        Outcome::CreateFailed => (500, "Failed to create the task".to_owned(), false),
        Outcome::FailedRefunded => (
            531,
            "Sorry, the generation failed due to an issue. Your credits have been refunded. Please try again"
                .to_owned(),
            true,
        ),
        _ => (generation_code, generation_msg.to_owned(), false),
    }
}

// ---------------------------------------------------------------- lyrics

/// Lyrics: `PENDING` -> `SUCCESS` (2-3 variations) or a failure status.
pub(crate) fn lyrics(ctx: &Ctx, req: &GenerateLyricsRequest, delay: Duration) -> Vec<Stage> {
    let id = ctx.task_id.clone();
    let param = RawParam::from_value(req).ok();
    let record = |status: LyricsStatus| {
        let mut r = LyricsRecord::new(id.clone(), status);
        r.param = param.clone();
        r.task_type = Some("LYRICS".to_owned());
        r
    };
    let pending = Stage {
        status: LyricsStatus::Pending.as_str().to_owned(),
        delay: Duration::ZERO,
        details: to_bytes(&ApiResponse::success(record(LyricsStatus::Pending))),
        callback: None,
        refund: false,
    };
    if ctx.outcome == Outcome::Stall {
        return vec![pending];
    }
    let prompt = crate::keywords::strip(req.prompt().as_str());
    let last = match ctx.outcome {
        Outcome::Success => {
            let variations: Vec<LyricsVariation> = (0..lyricsgen::variation_count(&prompt))
                .map(|i| {
                    LyricsVariation::complete(
                        lyricsgen::title(&prompt, i),
                        lyricsgen::lyrics(&prompt, i),
                    )
                })
                .collect();
            let mut r = record(LyricsStatus::Success);
            let mut response = LyricsResponse::default();
            response.task_id = Some(id.clone());
            response.data = Some(variations.clone());
            r.response = Some(response);
            let items: Vec<LyricsCallbackItem> = variations.into_iter().map(Into::into).collect();
            let cb = LyricsCallback::new(
                ApiCode::Success,
                "All generated successfully.",
                LyricsCallbackData::new(id.clone(), Some(items)),
            );
            Stage {
                status: LyricsStatus::Success.as_str().to_owned(),
                delay,
                details: to_bytes(&ApiResponse::success(r)),
                callback: Some(("complete".to_owned(), to_bytes(&cb))),
                refund: false,
            }
        }
        outcome => {
            let status = match outcome {
                Outcome::Sensitive => LyricsStatus::SensitiveWordError,
                Outcome::CreateFailed => LyricsStatus::CreateTaskFailed,
                _ => LyricsStatus::GenerateLyricsFailed,
            };
            let (code, msg, refund) =
                failure_code(outcome, 500, "Internal Error - Please try again later.");
            let mut r = record(status.clone());
            r.error_code = Some(code.into());
            r.error_message = Some(msg.clone());
            let cb = LyricsCallback::new(
                ApiCode::from_i64(code),
                msg,
                LyricsCallbackData::new(id.clone(), None),
            );
            Stage {
                status: status.as_str().to_owned(),
                delay,
                details: to_bytes(&ApiResponse::success(r)),
                callback: Some(("complete".to_owned(), to_bytes(&cb))),
                refund,
            }
        }
    };
    vec![pending, last]
}

// ---------------------------------------------------------------- music

/// Which music-family call created the task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MusicOp {
    Generate,
    Extend,
    UploadCover,
    UploadExtend,
    AddInstrumental,
    AddVocals,
    ReplaceSection,
    Mashup,
}

impl MusicOp {
    /// `operationType` where the docs name one.
    fn operation_type(self) -> Option<&'static str> {
        match self {
            Self::Generate => Some("generate"),
            Self::Extend => Some("extend"),
            Self::UploadCover => Some("upload_cover"),
            Self::UploadExtend => Some("upload_extend"),
            _ => None,
        }
    }

    /// `type` of the record (the docs only show `GENERATE`; the rest follow suit).
    fn task_type(self) -> &'static str {
        match self {
            Self::Generate => "GENERATE",
            Self::Extend => "EXTEND",
            Self::UploadCover => "UPLOAD_COVER",
            Self::UploadExtend => "UPLOAD_EXTEND",
            Self::AddInstrumental => "ADD_INSTRUMENTAL",
            Self::AddVocals => "ADD_VOCALS",
            Self::ReplaceSection => "REPLACE_SECTION",
            Self::Mashup => "MASHUP",
        }
    }
}

/// The parts of a music request the records are built from.
#[derive(Debug, Clone)]
pub(crate) struct MusicSpec {
    pub(crate) op: MusicOp,
    /// The request body as received, for `param`.
    pub(crate) param: String,
    pub(crate) prompt: Option<String>,
    pub(crate) style: Option<String>,
    pub(crate) title: Option<String>,
    pub(crate) custom_mode: bool,
    pub(crate) instrumental: bool,
    pub(crate) model: String,
    pub(crate) duration: Option<f64>,
    pub(crate) parent_music_id: Option<String>,
    pub(crate) source_audio_url: Option<String>,
    /// Skip `text` / `first` (keyword, or replace-section which has none).
    pub(crate) skip_stages: bool,
}

/// Music timing: delays of the text, first and complete stages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MusicDelays {
    pub(crate) text: Duration,
    pub(crate) first: Duration,
    pub(crate) complete: Duration,
}

fn model_name(model: &str) -> String {
    match model {
        "V3_5" => "chirp-v3-5".to_owned(),
        "V4" => "chirp-v4".to_owned(),
        "V4_5" => "chirp-v4-5".to_owned(),
        "V4_5PLUS" => "chirp-v4-5plus".to_owned(),
        "V4_5ALL" => "chirp-v4-5all".to_owned(),
        "V5" => "chirp-v5".to_owned(),
        "V5_5" => "chirp-v5-5".to_owned(),
        other => format!("chirp-{}", other.to_lowercase()),
    }
}

/// One generated track, with enough to render it in either casing.
#[derive(Debug, Clone)]
pub(crate) struct Track {
    pub(crate) id: String,
    audio_url: String,
    stream_url: String,
    image_url: String,
    prompt: String,
    model_name: String,
    title: String,
    tags: String,
    create_time: String,
    duration: f64,
    source_audio_url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TrackState {
    /// Text only: no audio yet.
    Text,
    /// Streamable, not downloadable yet.
    Streaming,
    /// Done.
    Done,
}

impl Track {
    fn camel(&self, state: TrackState) -> Value {
        let (audio, stream, image, duration) = self.urls(state);
        let mut v = json!({
            "id": self.id,
            "audioUrl": audio,
            "streamAudioUrl": stream,
            "imageUrl": image,
            "prompt": self.prompt,
            "modelName": self.model_name,
            "title": self.title,
            "tags": self.tags,
            "createTime": self.create_time,
            "duration": duration,
        });
        if let (Some(src), Some(obj)) = (&self.source_audio_url, v.as_object_mut()) {
            obj.insert("sourceAudioUrl".into(), json!(src));
        }
        v
    }

    fn snake(&self, state: TrackState) -> Value {
        let (audio, stream, image, duration) = self.urls(state);
        let mut v = json!({
            "id": self.id,
            "audio_url": audio,
            "stream_audio_url": stream,
            "image_url": image,
            "prompt": self.prompt,
            "model_name": self.model_name,
            "title": self.title,
            "tags": self.tags,
            "createTime": self.create_time,
            "duration": duration,
        });
        if let (Some(src), Some(obj)) = (&self.source_audio_url, v.as_object_mut()) {
            obj.insert("source_audio_url".into(), json!(src));
        }
        v
    }

    /// (audio, stream, image, duration); `None` (null) where not ready yet.
    fn urls(&self, state: TrackState) -> (Option<&str>, Option<&str>, Option<&str>, Option<f64>) {
        match state {
            TrackState::Text => (None, None, None, None),
            TrackState::Streaming => (None, Some(&self.stream_url), Some(&self.image_url), None),
            TrackState::Done => (
                Some(&self.audio_url),
                Some(&self.stream_url),
                Some(&self.image_url),
                Some(self.duration),
            ),
        }
    }
}

fn tracks(ctx: &Ctx, spec: &MusicSpec) -> Vec<Track> {
    let prompt = spec
        .prompt
        .as_deref()
        .map(crate::keywords::strip)
        .unwrap_or_default();
    let seed_text = if prompt.is_empty() {
        spec.title.clone().unwrap_or_default()
    } else {
        prompt.clone()
    };
    let count = if spec.op == MusicOp::ReplaceSection {
        1
    } else {
        2
    };
    (0..count)
        .map(|i| {
            let id = derived_uuid(&ctx.task_id, &format!("track{i}"));
            let lyrics = if spec.instrumental {
                String::new()
            } else if spec.custom_mode {
                prompt.clone()
            } else {
                lyricsgen::lyrics(&seed_text, i)
            };
            let title = match &spec.title {
                Some(t) if !t.trim().is_empty() => crate::keywords::strip(t),
                _ => lyricsgen::title(&seed_text, i),
            };
            let tags = match &spec.style {
                Some(s) if !s.trim().is_empty() => crate::keywords::strip(s),
                _ => lyricsgen::tags(&seed_text),
            };
            let hash = lyricsgen::fnv1a(&[id.as_bytes(), b"duration"]);
            let duration = spec
                .duration
                .unwrap_or(120.0 + (hash % 12_000) as f64 / 100.0);
            Track {
                audio_url: ctx.file(&format!("{id}.mp3")),
                stream_url: ctx.file(&format!("stream/{id}")),
                image_url: ctx.file(&format!("{id}.png")),
                id,
                prompt: lyrics,
                model_name: model_name(&spec.model),
                title,
                tags,
                create_time: ctx.text_time(Duration::ZERO),
                duration,
                source_audio_url: spec.source_audio_url.clone(),
            }
        })
        .collect()
}

/// Music family: `PENDING` -> `TEXT_SUCCESS` -> `FIRST_SUCCESS` -> `SUCCESS`, with the
/// `text`, `first` and `complete` callbacks; or `PENDING` -> a failure with `error`.
/// Returns the stages and the track ids (for WAV, video, separation requests).
pub(crate) fn music(ctx: &Ctx, spec: &MusicSpec, delays: MusicDelays) -> (Vec<Stage>, Vec<String>) {
    let tracks = tracks(ctx, spec);
    let ids = tracks.iter().map(|t| t.id.clone()).collect::<Vec<_>>();
    let record = |status: &str, sunodata: Option<Value>, error: Option<(i64, &str)>| {
        let mut data = json!({
            "taskId": ctx.task_id,
            "parentMusicId": spec.parent_music_id.clone().unwrap_or_default(),
            "param": spec.param,
            "response": sunodata.map(|d| json!({"taskId": ctx.task_id, "sunoData": d})),
            "status": status,
            "type": spec.op.task_type(),
            "errorCode": error.map(|e| e.0),
            "errorMessage": error.map(|e| e.1),
        });
        if let (Some(op), Some(obj)) = (spec.op.operation_type(), data.as_object_mut()) {
            obj.insert("operationType".into(), json!(op));
        }
        success_envelope(data)
    };
    let callback = |code: i64, msg: &str, kind: &str, data: Value| {
        to_bytes(&json!({
            "code": code,
            "msg": msg,
            "data": {"callbackType": kind, "task_id": ctx.task_id, "data": data},
        }))
    };
    let all = |state: TrackState| Value::Array(tracks.iter().map(|t| t.camel(state)).collect());
    let mut stages = vec![Stage {
        status: "PENDING".into(),
        delay: Duration::ZERO,
        details: record("PENDING", None, None),
        callback: None,
        refund: false,
    }];
    match ctx.outcome {
        Outcome::Stall => {}
        Outcome::Success => {
            if !spec.skip_stages {
                stages.push(Stage {
                    status: "TEXT_SUCCESS".into(),
                    delay: delays.text,
                    details: record("TEXT_SUCCESS", Some(all(TrackState::Text)), None),
                    callback: Some((
                        "text".into(),
                        callback(200, "Text generation completed.", "text", json!([])),
                    )),
                    refund: false,
                });
                let first: Vec<Value> = tracks
                    .iter()
                    .enumerate()
                    .map(|(i, t)| {
                        t.camel(if i == 0 {
                            TrackState::Done
                        } else {
                            TrackState::Streaming
                        })
                    })
                    .collect();
                stages.push(Stage {
                    status: "FIRST_SUCCESS".into(),
                    delay: delays.first,
                    details: record("FIRST_SUCCESS", Some(Value::Array(first)), None),
                    callback: Some((
                        "first".into(),
                        callback(
                            200,
                            "First track generated successfully.",
                            "first",
                            json!([tracks[0].snake(TrackState::Done)]),
                        ),
                    )),
                    refund: false,
                });
            }
            let done: Vec<Value> = tracks.iter().map(|t| t.snake(TrackState::Done)).collect();
            let delay = if spec.skip_stages {
                delays.text + delays.first + delays.complete
            } else {
                delays.complete
            };
            stages.push(Stage {
                status: "SUCCESS".into(),
                delay,
                details: record("SUCCESS", Some(all(TrackState::Done)), None),
                callback: Some((
                    "complete".into(),
                    callback(
                        200,
                        "All generated successfully.",
                        "complete",
                        Value::Array(done),
                    ),
                )),
                refund: false,
            });
        }
        outcome => {
            let status = match outcome {
                Outcome::Sensitive => "SENSITIVE_WORD_ERROR",
                Outcome::CreateFailed => "CREATE_TASK_FAILED",
                _ => "GENERATE_AUDIO_FAILED",
            };
            let (code, msg, refund) = failure_code(outcome, 501, "Audio generation failed");
            let body = if spec.op == MusicOp::ReplaceSection {
                to_bytes(&json!({
                    "code": code,
                    "msg": msg,
                    "data": {"callbackType": "error", "task_id": ctx.task_id, "error": msg},
                }))
            } else {
                callback(code, &msg, "error", Value::Null)
            };
            stages.push(Stage {
                status: status.into(),
                delay: delays.text + delays.first,
                details: record(status, None, Some((code, &msg))),
                callback: Some(("error".into(), body)),
                refund,
            });
        }
    }
    (stages, ids)
}

// ---------------------------------------------------------------- media

/// A media request: the parent task and track it works on.
#[derive(Debug, Clone)]
pub(crate) struct MediaSpec {
    pub(crate) parent_task: String,
    pub(crate) audio_id: Option<String>,
    pub(crate) music_index: usize,
}

fn media_pending(status: Value, details: Bytes) -> Stage {
    Stage {
        status: status.to_string().trim_matches('"').to_owned(),
        delay: Duration::ZERO,
        details,
        callback: None,
        refund: false,
    }
}

fn media_end(
    status: Value,
    delay: Duration,
    details: Bytes,
    callback: Bytes,
    refund: bool,
) -> Stage {
    let success = status == json!("SUCCESS") || status == json!(1);
    Stage {
        status: status.to_string().trim_matches('"').to_owned(),
        delay,
        details,
        // A failure (refund or not) is the `error` stage, as `callback_key` names it.
        callback: Some((if success { "complete" } else { "error" }.into(), callback)),
        refund,
    }
}

/// WAV conversion: `successFlag` `PENDING` -> `SUCCESS` / `GENERATE_WAV_FAILED`.
pub(crate) fn wav(ctx: &Ctx, spec: &MediaSpec, delay: Duration) -> Vec<Stage> {
    single_file_task(
        ctx,
        spec,
        delay,
        &SingleFile {
            file: ("wav", "audio"),
            failed_flag: "GENERATE_WAV_FAILED",
            response: |url| json!({"audioWavUrl": url}),
            callback_data: |task, url| json!({"audioWavUrl": url, "task_id": task}),
        },
    )
}

/// What differs between the single-file media families (WAV, video).
struct SingleFile {
    /// The file's extension, and its stem when the request names no audio id.
    file: (&'static str, &'static str),
    /// The `successFlag` of a generation failure.
    failed_flag: &'static str,
    /// Record-info `response` around the file URL.
    response: fn(&str) -> Value,
    /// Callback `data` for the task id and the file URL (`null` on failure).
    callback_data: fn(&str, Option<&str>) -> Value,
}

/// A task with a string `successFlag` whose result is one file: `PENDING` ->
/// `SUCCESS`, or `CREATE_TASK_FAILED` / the family's generation failure.
fn single_file_task(ctx: &Ctx, spec: &MediaSpec, delay: Duration, kind: &SingleFile) -> Vec<Stage> {
    let (ext, stem) = kind.file;
    let url = ctx.file(&format!(
        "{}.{ext}",
        spec.audio_id.as_deref().unwrap_or(stem)
    ));
    let record = |flag: &str, response: Value, complete: Value, err: Value, msg: Value| {
        success_envelope(json!({
            "taskId": ctx.task_id,
            "musicId": spec.audio_id,
            "callbackUrl": ctx.callback_url,
            "musicIndex": spec.music_index,
            "completeTime": complete,
            "response": response,
            "successFlag": flag,
            "createTime": ctx.text_time(Duration::ZERO),
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
        Outcome::Stall => return vec![pending],
        Outcome::Success => media_end(
            json!("SUCCESS"),
            delay,
            record(
                "SUCCESS",
                (kind.response)(&url),
                json!(ctx.text_time(delay)),
                Value::Null,
                Value::Null,
            ),
            to_bytes(&json!({
                "code": 200,
                "msg": "success",
                "data": (kind.callback_data)(ctx.task_id.as_str(), Some(&url)),
            })),
            false,
        ),
        outcome => {
            let flag = if outcome == Outcome::CreateFailed {
                "CREATE_TASK_FAILED"
            } else {
                kind.failed_flag
            };
            let (code, msg, refund) =
                failure_code(outcome, 500, "Internal Error - Please try again later");
            media_end(
                json!(flag),
                delay,
                record(
                    flag,
                    Value::Null,
                    json!(ctx.text_time(delay)),
                    json!(code),
                    json!(msg),
                ),
                to_bytes(&json!({
                    "code": code,
                    "msg": msg,
                    "data": (kind.callback_data)(ctx.task_id.as_str(), None),
                })),
                refund,
            )
        }
    };
    vec![pending, end]
}

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
) -> (Vec<Stage>, Vec<String>) {
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
    let duration = 120.0
        + (lyricsgen::fnv1a(&[ctx.task_id.as_str().as_bytes(), b"sep"]) % 12_000) as f64 / 100.0;
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
        ids.push(id);
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

/// MIDI from a separation: `successFlag` 0 -> 1 (or 2 / 3 on failure).
pub(crate) fn midi(ctx: &Ctx, spec: &MediaSpec, delay: Duration) -> Vec<Stage> {
    let seed = lyricsgen::fnv1a(&[ctx.task_id.as_str().as_bytes(), b"midi"]);
    let instruments: Vec<Value> = ["Drums", "Electric Bass (finger)", "Acoustic Grand Piano"]
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let notes: Vec<Value> = (0..8u64)
                .map(|n| {
                    let h = seed.rotate_left((i as u32) * 7 + n as u32);
                    let start = n as f64 * 0.5 + (h % 100) as f64 / 1000.0;
                    json!({
                        "pitch": 36 + (h % 48),
                        "start": start,
                        "end": start + 0.25,
                        "velocity": 0.5 + (h % 50) as f64 / 100.0,
                    })
                })
                .collect();
            json!({"name": name, "notes": notes})
        })
        .collect();
    let record = |flag: i64, midi: Value, complete: Value, err: Value, msg: Value| {
        success_envelope(json!({
            "taskId": ctx.task_id,
            "recordTaskId": -1,
            "audioId": spec.audio_id.clone().unwrap_or_default(),
            "callbackUrl": ctx.callback_url,
            "completeTime": complete,
            "midiData": midi,
            "successFlag": flag,
            "createTime": ctx.millis(Duration::ZERO),
            "errorCode": err,
            "errorMessage": msg,
        }))
    };
    let pending = media_pending(
        json!(0),
        record(0, Value::Null, Value::Null, Value::Null, Value::Null),
    );
    let end = match ctx.outcome {
        Outcome::Stall => return vec![pending],
        Outcome::Success => media_end(
            json!(1),
            delay,
            record(
                1,
                json!({"state": "complete", "instruments": instruments}),
                json!(ctx.millis(delay)),
                Value::Null,
                Value::Null,
            ),
            to_bytes(&json!({
                "code": 200,
                "msg": "success",
                "data": {"taskId": ctx.task_id, "state": "complete", "instruments": instruments},
            })),
            false,
        ),
        outcome => {
            let flag = if outcome == Outcome::CreateFailed {
                2
            } else {
                3
            };
            let (code, msg, refund) = failure_code(outcome, 500, "MIDI generation failed");
            media_end(
                json!(flag),
                delay,
                record(
                    flag,
                    Value::Null,
                    json!(ctx.millis(delay)),
                    json!(code.to_string()),
                    json!(msg),
                ),
                to_bytes(&json!({"code": code, "msg": msg, "data": {"taskId": ctx.task_id}})),
                refund,
            )
        }
    };
    vec![pending, end]
}

/// Music video: `successFlag` `PENDING` -> `SUCCESS` / `GENERATE_MP4_FAILED`.
pub(crate) fn video(ctx: &Ctx, spec: &MediaSpec, delay: Duration) -> Vec<Stage> {
    single_file_task(
        ctx,
        spec,
        delay,
        &SingleFile {
            file: ("mp4", "video"),
            failed_flag: "GENERATE_MP4_FAILED",
            response: |url| json!({"videoUrl": url}),
            callback_data: |task, url| json!({"task_id": task, "video_url": url}),
        },
    )
}

/// Cover art images: `successFlag` 0 -> 1 (or 3 on failure).
pub(crate) fn cover_image(ctx: &Ctx, spec: &MediaSpec, delay: Duration) -> Vec<Stage> {
    let images: Vec<String> = (0..2)
        .map(|i| {
            ctx.file(&format!(
                "{}.png",
                derived_uuid(&ctx.task_id, &format!("cover{i}"))
            ))
        })
        .collect();
    let record = |flag: i64, response: Value, complete: Value, err: Value, msg: Value| {
        success_envelope(json!({
            "taskId": ctx.task_id,
            "parentTaskId": spec.parent_task,
            "callbackUrl": ctx.callback_url,
            "completeTime": complete,
            "response": response,
            "successFlag": flag,
            "createTime": ctx.iso(Duration::ZERO),
            "errorCode": err,
            "errorMessage": msg,
        }))
    };
    let pending = media_pending(
        json!(0),
        record(0, Value::Null, Value::Null, Value::Null, Value::Null),
    );
    let end = match ctx.outcome {
        Outcome::Stall => return vec![pending],
        Outcome::Success => media_end(
            json!(1),
            delay,
            record(
                1,
                json!({"images": images}),
                json!(ctx.iso(delay)),
                json!(200),
                json!(""),
            ),
            to_bytes(
                &json!({"code": 200, "msg": "success", "data": {"images": images, "taskId": ctx.task_id}}),
            ),
            false,
        ),
        outcome => {
            let (code, msg, refund) = failure_code(outcome, 501, "Cover generation failed");
            media_end(
                json!(3),
                delay,
                record(
                    3,
                    Value::Null,
                    json!(ctx.iso(delay)),
                    json!(code),
                    json!(msg),
                ),
                to_bytes(
                    &json!({"code": code, "msg": msg, "data": {"taskId": ctx.task_id, "images": null}}),
                ),
                refund,
            )
        }
    };
    vec![pending, end]
}
