//! Music records (generate, extend, upload-cover, upload-extend, add-instrumental,
//! add-vocals, replace-section, mashup): `PENDING` -> `TEXT_SUCCESS` ->
//! `FIRST_SUCCESS` -> `SUCCESS` with the `text`, `first` and `complete` callbacks,
//! the generated tracks in both casings, or a failure with the `error` callback.

use std::time::Duration;

use serde_json::{json, Value};

use super::stage::{failure_code, seconds_2dp, success_envelope, to_bytes, Child, Ctx, Stage};
use crate::ids::{derived_uuid, fnv1a};
use crate::keywords::Outcome;
use crate::lyricsgen;

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
    /// Generate Sounds: polled at music record-info (the page's poll link).
    Sounds,
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

    /// Whether the tracks carry `source_audio_url`, `source_stream_audio_url` and
    /// `source_image_url`: the upload-cover and upload-extend callbacks document them
    /// (add-instrumental, add-vocals and mashup use the plain music shape).
    fn has_source(self) -> bool {
        matches!(self, Self::UploadCover | Self::UploadExtend)
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
            Self::Sounds => "SOUNDS",
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
    source: Option<Source>,
}

/// The `source_*` URLs of an upload-cover / upload-extend track: the uploaded audio,
/// and stand-ins the simulator serves for the source stream and image (no page says
/// what they point at; the documented examples fill all three).
#[derive(Debug, Clone)]
struct Source {
    audio: String,
    stream: String,
    image: String,
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
        if let (Some(src), Some(obj)) = (&self.source, v.as_object_mut()) {
            obj.insert("sourceAudioUrl".into(), json!(src.audio));
            obj.insert("sourceStreamAudioUrl".into(), json!(src.stream));
            obj.insert("sourceImageUrl".into(), json!(src.image));
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
        if let (Some(src), Some(obj)) = (&self.source, v.as_object_mut()) {
            obj.insert("source_audio_url".into(), json!(src.audio));
            obj.insert("source_stream_audio_url".into(), json!(src.stream));
            obj.insert("source_image_url".into(), json!(src.image));
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
            let hash = fnv1a(&[id.as_bytes(), b"duration"]);
            // Songs run 2-4 minutes; sounds (loops, ambience, effects) 10-60 s.
            let (min, span) = if spec.op == MusicOp::Sounds {
                (10, 50)
            } else {
                (120, 120)
            };
            let duration = spec.duration.unwrap_or(seconds_2dp(hash, min, span));
            let source = spec
                .source_audio_url
                .clone()
                .filter(|_| spec.op.has_source())
                .map(|audio| Source {
                    audio,
                    stream: ctx.file(&format!("source/stream/{id}")),
                    image: ctx.file(&format!("source/{id}.jpeg")),
                });
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
                source,
            }
        })
        .collect()
}

/// Music family: `PENDING` -> `TEXT_SUCCESS` -> `FIRST_SUCCESS` -> `SUCCESS`, with the
/// `text`, `first` and `complete` callbacks; or `PENDING` -> a failure with `error`.
/// Returns the stages and the tracks (for WAV, video, separation requests).
pub(crate) fn music(ctx: &Ctx, spec: &MusicSpec, delays: MusicDelays) -> (Vec<Stage>, Vec<Child>) {
    let tracks = tracks(ctx, spec);
    let ids = tracks
        .iter()
        .map(|t| Child {
            id: t.id.clone(),
            duration: t.duration,
            model: Some(spec.model.clone()),
        })
        .collect::<Vec<_>>();
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
            // Sounds have no lyrics, so no text stage.
            let has_text = spec.op != MusicOp::Sounds;
            if !spec.skip_stages {
                if has_text {
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
                }
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
                    delay: if has_text {
                        delays.first
                    } else {
                        delays.text + delays.first
                    },
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
