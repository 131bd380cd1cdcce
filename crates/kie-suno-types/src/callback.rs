//! Callback families, the task-id lookup that works whatever the family's spelling,
//! the callback stage, and `parse` into the typed callback of each family.
//!
//! The families disagree on shape: the task id is `data.task_id` (music, WAV,
//! separation, video), `data.taskId` (cover images, MIDI) or, per the MIDI field
//! list, a top-level `taskId`; only the music family has progress stages
//! (`callbackType` text / first / complete / error); lyrics always says
//! `complete`, even on failure. [`callback_key`] reads the id and raw stage
//! without the family's full shape; [`Callback::stage`] gives the semantic stage
//! (`complete` on success, `error` otherwise, for families without progress).

use serde::Deserialize;

use crate::{
    ApiCode, CallbackType, CoverImageCallback, LyricsCallback, MidiCallback, MusicCallback,
    SeparationCallback, TaskId, VideoCallback, WavCallback,
};

/// The callback families KIE sends (00-endpoint-index, "Callback shapes").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum CallbackFamily {
    /// Lyrics generation.
    Lyrics,
    /// Music generation, extension, covers, add-instrumental, add-vocals, mashup:
    /// one shape with stages text / first / complete / error.
    Music,
    /// Replace a music section (`data.error` on failure).
    ReplaceSection,
    /// Cover art images (`data.taskId`).
    CoverImage,
    /// WAV conversion.
    Wav,
    /// Vocal / stem separation.
    Separation,
    /// MIDI generation (`data.taskId`).
    Midi,
    /// Music video.
    Video,
}

impl CallbackFamily {
    /// Every family.
    pub const ALL: &'static [CallbackFamily] = &[
        Self::Lyrics,
        Self::Music,
        Self::ReplaceSection,
        Self::CoverImage,
        Self::Wav,
        Self::Separation,
        Self::Midi,
        Self::Video,
    ];

    /// A stable slug, used in receiver paths and storage: `lyrics`, `music`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Lyrics => "lyrics",
            Self::Music => "music",
            Self::ReplaceSection => "replace-section",
            Self::CoverImage => "cover-image",
            Self::Wav => "wav",
            Self::Separation => "separation",
            Self::Midi => "midi",
            Self::Video => "video",
        }
    }

    /// The family for a slug.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|f| f.as_str() == slug)
    }
}

impl std::fmt::Display for CallbackFamily {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Just enough of a callback body to find its task id and stage, whatever the
/// family. Borrowed from the body where possible.
#[derive(Debug, Deserialize)]
struct Probe<'a> {
    #[serde(default)]
    code: Option<ApiCode>,
    #[serde(default, rename = "taskId", borrow)]
    task_id: Option<std::borrow::Cow<'a, str>>,
    #[serde(default, borrow)]
    data: Option<ProbeData<'a>>,
}

#[derive(Debug, Deserialize)]
struct ProbeData<'a> {
    #[serde(default, borrow)]
    task_id: Option<std::borrow::Cow<'a, str>>,
    #[serde(default, rename = "taskId", borrow)]
    task_id_camel: Option<std::borrow::Cow<'a, str>>,
    #[serde(default, rename = "callbackType", borrow)]
    callback_type: Option<std::borrow::Cow<'a, str>>,
}

/// The task id and stage of a callback body, read without parsing the family's
/// full shape.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallbackKey {
    /// The task id: `data.task_id`, else `data.taskId`, else top-level `taskId`.
    pub task_id: TaskId,
    /// The stage: `callbackType` when the family has one, else `complete` for
    /// `code == 200` and `error` otherwise.
    pub stage: String,
    /// The envelope code, when present.
    pub code: Option<ApiCode>,
}

/// Why a body has no usable callback key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The body is not JSON of the callback envelope's shape.
    #[error("body is not a json callback envelope: {0}")]
    Syntax(String),
    /// No task id in any documented place.
    #[error("callback has no task id (data.task_id, data.taskId or taskId)")]
    MissingTaskId,
}

/// Reads the task id and stage from a raw callback body.
///
/// The task id is looked up at `data.task_id`, then `data.taskId`, then a
/// top-level `taskId`: the families spell it differently.
pub fn callback_key(body: &[u8]) -> Result<CallbackKey, KeyError> {
    let probe: Probe<'_> =
        serde_json::from_slice(body).map_err(|e| KeyError::Syntax(e.to_string()))?;
    let data = probe.data.as_ref();
    CallbackKey::from_fields(
        probe.code,
        data.and_then(|d| d.task_id.as_deref()),
        data.and_then(|d| d.task_id_camel.as_deref()),
        probe.task_id.as_deref(),
        data.and_then(|d| d.callback_type.as_deref()),
    )
}

impl CallbackKey {
    /// The key from the envelope fields [`callback_key`] reads, each as found in
    /// the body (`None` when absent or `null`): `code`, `data.task_id`,
    /// `data.taskId`, the top-level `taskId` and `data.callbackType`. For a
    /// caller that reads them in a pass over the body of its own; the precedence
    /// and the stage rule are [`callback_key`]'s.
    pub fn from_fields(
        code: Option<ApiCode>,
        data_task_id: Option<&str>,
        data_task_id_camel: Option<&str>,
        task_id: Option<&str>,
        callback_type: Option<&str>,
    ) -> Result<Self, KeyError> {
        let task_id = data_task_id
            .or(data_task_id_camel)
            .or(task_id)
            .filter(|t| !t.trim().is_empty())
            .ok_or(KeyError::MissingTaskId)?;
        let stage = match callback_type {
            Some(t) if !t.is_empty() => t.to_owned(),
            _ => match code {
                Some(ApiCode::Success) | None => "complete".to_owned(),
                Some(_) => "error".to_owned(),
            },
        };
        Ok(CallbackKey {
            task_id: TaskId::new(task_id),
            stage,
            code,
        })
    }
}

/// A parsed callback of any family: one variant per [`CallbackFamily`].
///
/// Serialises as the family's own callback body (untagged): the family is known
/// from where the callback arrived, not from the body.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
#[non_exhaustive]
// A callback is parsed and handled one at a time; boxing the larger variants
// would cost an allocation per callback for no gain.
#[allow(clippy::large_enum_variant)]
pub enum Callback {
    /// A lyrics callback.
    Lyrics(LyricsCallback),
    /// A music-family callback (generate, extend, covers, add-instrumental,
    /// add-vocals, mashup).
    Music(MusicCallback),
    /// A replace-section callback (the music shape, `data.error` on failure).
    ReplaceSection(MusicCallback),
    /// A cover-image callback.
    CoverImage(CoverImageCallback),
    /// A WAV conversion callback.
    Wav(WavCallback),
    /// A vocal / stem separation callback.
    Separation(SeparationCallback),
    /// A MIDI callback.
    Midi(MidiCallback),
    /// A music video callback.
    Video(VideoCallback),
}

/// Why a callback body could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// Not JSON at all (maps to 400).
    #[error("callback body is not valid json: {0}")]
    Syntax(String),
    /// JSON, but not of the family's shape (maps to 422).
    #[error("callback body does not match the {family} callback shape at {path}: {message}")]
    Data {
        /// The family parsed for.
        family: CallbackFamily,
        /// JSON path of the first mismatch.
        path: String,
        /// What was wrong there.
        message: String,
    },
}

impl Callback {
    /// The task id of the callback, wherever the family puts it.
    pub fn task_id(&self) -> &TaskId {
        match self {
            Self::Lyrics(c) => &c.data.task_id,
            Self::Music(c) | Self::ReplaceSection(c) => &c.data.task_id,
            Self::CoverImage(c) => &c.data.task_id,
            Self::Wav(c) => &c.data.task_id,
            Self::Separation(c) => &c.data.task_id,
            Self::Midi(c) => c.task_id(),
            Self::Video(c) => &c.data.task_id,
        }
    }

    /// The family.
    pub fn family(&self) -> CallbackFamily {
        match self {
            Self::Lyrics(_) => CallbackFamily::Lyrics,
            Self::Music(_) => CallbackFamily::Music,
            Self::ReplaceSection(_) => CallbackFamily::ReplaceSection,
            Self::CoverImage(_) => CallbackFamily::CoverImage,
            Self::Wav(_) => CallbackFamily::Wav,
            Self::Separation(_) => CallbackFamily::Separation,
            Self::Midi(_) => CallbackFamily::Midi,
            Self::Video(_) => CallbackFamily::Video,
        }
    }

    /// The envelope code.
    pub fn code(&self) -> ApiCode {
        match self {
            Self::Lyrics(c) => c.code,
            Self::Music(c) | Self::ReplaceSection(c) => c.code,
            Self::CoverImage(c) => c.code,
            Self::Wav(c) => c.code,
            Self::Separation(c) => c.code,
            Self::Midi(c) => c.code,
            Self::Video(c) => c.code,
        }
    }

    /// The stage. Music-family callbacks report their `callbackType`
    /// (`text`, `first`, `complete`, `error`). Families without a stage, and
    /// lyrics (whose `callbackType` is `complete` even on failure), report
    /// `complete` on success and `error` otherwise.
    pub fn stage(&self) -> CallbackType {
        match self {
            Self::Music(c) | Self::ReplaceSection(c) => c.data.callback_type.clone(),
            _ if self.is_success() => CallbackType::Complete,
            _ => CallbackType::Error,
        }
    }

    /// Whether this is the last callback the task will send. Music: `complete`
    /// and `error` are, `text` and `first` are not. Every other family sends one
    /// callback per task.
    pub fn is_terminal(&self) -> bool {
        match self {
            Self::Music(c) | Self::ReplaceSection(c) => c.is_terminal(),
            Self::Lyrics(_)
            | Self::CoverImage(_)
            | Self::Wav(_)
            | Self::Separation(_)
            | Self::Midi(_)
            | Self::Video(_) => true,
        }
    }

    /// Whether the callback reports a finished, successful task.
    pub fn is_success(&self) -> bool {
        match self {
            Self::Lyrics(c) => c.is_success(),
            Self::Music(c) | Self::ReplaceSection(c) => c.is_success(),
            Self::CoverImage(c) => c.is_success(),
            Self::Wav(c) => c.is_success(),
            Self::Separation(c) => c.is_success(),
            Self::Midi(c) => c.is_success(),
            Self::Video(c) => c.is_success(),
        }
    }
}

fn classify(e: serde_json::Error, family: CallbackFamily, path: String) -> ParseError {
    use serde_json::error::Category;
    match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => ParseError::Syntax(e.to_string()),
        Category::Data => ParseError::Data {
            family,
            path,
            message: e.to_string(),
        },
    }
}

fn parse_as<T: serde::de::DeserializeOwned>(
    family: CallbackFamily,
    body: &[u8],
) -> Result<T, ParseError> {
    // The fast path decodes without tracking the JSON path; only a failure is
    // decoded again to say where it failed.
    if let Ok(v) = serde_json::from_slice::<T>(body) {
        return Ok(v);
    }
    // A syntax error anywhere must win over a shape error found earlier.
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(body) {
        return Err(ParseError::Syntax(e.to_string()));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(_) => Err(ParseError::Syntax(
            "trailing characters after the json document".to_owned(),
        )),
        Err(e) => {
            let path = e.path().to_string();
            Err(classify(e.into_inner(), family, path))
        }
    }
}

/// Parses a raw callback body as the given family's typed callback.
pub fn parse(family: CallbackFamily, body: &[u8]) -> Result<Callback, ParseError> {
    match family {
        CallbackFamily::Lyrics => parse_as(family, body).map(Callback::Lyrics),
        CallbackFamily::Music => parse_as(family, body).map(Callback::Music),
        CallbackFamily::ReplaceSection => parse_as(family, body).map(Callback::ReplaceSection),
        CallbackFamily::CoverImage => parse_as(family, body).map(Callback::CoverImage),
        CallbackFamily::Wav => parse_as(family, body).map(Callback::Wav),
        CallbackFamily::Separation => parse_as(family, body).map(Callback::Separation),
        CallbackFamily::Midi => parse_as(family, body).map(Callback::Midi),
        CallbackFamily::Video => parse_as(family, body).map(Callback::Video),
    }
}
