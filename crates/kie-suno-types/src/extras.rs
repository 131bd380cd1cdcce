//! The synchronous music tools (notes 17, 18, 22): timestamped lyrics, boost
//! style and persona. Each answers in the response; no task, no callback.
//!
//! Contradictions settled here: the persona schema names the fields
//! `" vocalStart"` / `" vocalEnd"` (leading space) while the example uses
//! `vocalStart` / `vocalEnd`: we send the names without the space and accept
//! both. Boost style's `successFlag` is documented as string digits; an integer is
//! accepted and kept as its digits. Boost's documented response examples are
//! placeholders (`"string"`, `123`): every field is optional and open.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{check_range, check_required};
use crate::request::validated_request;
use crate::{
    AudioId, BoostStatus, KieTime, LenientNumber, PersonaId, RawParam, TaskId, ValidationError,
};

validated_request! {
    /// `POST /api/v1/generate/get-timestamped-lyrics` body.
    pub struct TimestampedLyricsRequest with TimestampedLyricsRequestBuilder via TimestampedLyricsWire {
        /// The music task.
        req task_id: TaskId => with_task_id,
        /// The track.
        req audio_id: AudioId => with_audio_id,
    }
}

impl TimestampedLyricsRequest {
    /// A builder with the music task and the track.
    pub fn builder(
        task_id: impl Into<TaskId>,
        audio_id: impl Into<AudioId>,
    ) -> TimestampedLyricsRequestBuilder {
        TimestampedLyricsRequestBuilder {
            task_id: task_id.into(),
            audio_id: audio_id.into(),
        }
    }

    /// Builds and validates the request: `builder(...).build()`.
    pub fn new(
        task_id: impl Into<TaskId>,
        audio_id: impl Into<AudioId>,
    ) -> Result<Self, ValidationError> {
        Self::builder(task_id, audio_id).build()
    }

    /// Every documented rule between fields; `build()` calls it.
    fn check(&self) -> Result<(), ValidationError> {
        check_required("taskId", self.task_id.as_str())?;
        check_required("audioId", self.audio_id.as_str())
    }
}

/// One aligned word.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AlignedWord {
    /// The word, possibly with section tags and newlines.
    #[serde(default)]
    pub word: Option<String>,
    /// Whether it was aligned.
    #[serde(default)]
    pub success: Option<bool>,
    /// Start, seconds.
    #[serde(default, rename = "startS")]
    pub start_s: Option<f64>,
    /// End, seconds.
    #[serde(default, rename = "endS")]
    pub end_s: Option<f64>,
    /// Alignment parameter.
    #[serde(default)]
    pub palign: Option<LenientNumber>,
}

/// `data` of the timestamped-lyrics response.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TimestampedLyrics {
    /// The words (none for instrumentals).
    #[serde(default)]
    pub aligned_words: Option<Vec<AlignedWord>>,
    /// Waveform samples.
    #[serde(default)]
    pub waveform_data: Option<Vec<f64>>,
    /// Alignment accuracy score.
    #[serde(default)]
    pub hoot_cer: Option<f64>,
    /// Whether the track was streamed.
    #[serde(default)]
    pub is_streamed: Option<bool>,
}

validated_request! {
    /// `POST /api/v1/style/generate` body: expand a short style description.
    pub struct BoostStyleRequest with BoostStyleRequestBuilder via BoostStyleWire {
        /// The style to expand, e.g. `Pop, Mysterious`.
        text content: String => with_content,
    }
}

impl BoostStyleRequest {
    /// A builder with the required fields; the optional ones unset. Text
    /// fields and URLs are checked by `build()`.
    pub fn builder(content: impl Into<String>) -> BoostStyleRequestBuilder {
        BoostStyleRequestBuilder {
            content: content.into(),
        }
    }

    /// Builds and validates the request: `builder(...).build()`.
    pub fn new(content: impl Into<String>) -> Result<Self, ValidationError> {
        Self::builder(content).build()
    }

    /// Every documented rule between fields; `build()` calls it.
    fn check(&self) -> Result<(), ValidationError> {
        check_required("content", &self.content)
    }
}

fn opt_boost_status<'de, D: Deserializer<'de>>(d: D) -> Result<Option<BoostStatus>, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = Option<BoostStatus>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string flag, an integer flag, or null")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(BoostStatus::from_wire(&v.to_string())))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(BoostStatus::from_wire(&v.to_string())))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(BoostStatus::from_wire(v)))
        }
    }
    d.deserialize_any(V)
}

/// `data` of the boost-style response.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BoostStyleResult {
    /// A task id.
    #[serde(default)]
    pub task_id: Option<TaskId>,
    /// The request parameters (a string).
    #[serde(default)]
    pub param: Option<RawParam>,
    /// The expanded style.
    #[serde(default)]
    pub result: Option<String>,
    /// Credits used.
    #[serde(default)]
    pub credits_consumed: Option<LenientNumber>,
    /// Credits left.
    #[serde(default)]
    pub credits_remaining: Option<LenientNumber>,
    /// `"0"` pending, `"1"` success, `"2"` failed.
    #[serde(default, deserialize_with = "opt_boost_status")]
    pub success_flag: Option<BoostStatus>,
    /// Error code (400 documented).
    #[serde(default)]
    pub error_code: Option<LenientNumber>,
    /// Error message.
    #[serde(default)]
    pub error_message: Option<String>,
    /// Creation time.
    #[serde(default)]
    pub create_time: Option<KieTime>,
}

/// The shortest and longest persona vocal window, in seconds.
pub const PERSONA_WINDOW_SECONDS: (f64, f64) = (10.0, 30.0);

validated_request! {
    /// `POST /api/v1/generate/generate-persona` body. The vocal window
    /// (`vocalStart`..`vocalEnd`, defaults 0 and 30) must be 10-30 s long.
    pub struct PersonaRequest with PersonaRequestBuilder via PersonaWire {
        /// The completed music task.
        req task_id: TaskId => with_task_id,
        /// The track (one persona per track).
        req audio_id: AudioId => with_audio_id,
        /// The persona's name.
        text name: String => with_name,
        /// Its musical characteristics.
        text description: String => with_description,
        /// Window start, seconds. Default: 0.
        #[serde(default, alias = " vocalStart", skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "schemars", schemars(range(min = 0.0)))]
        opt_copy vocal_start: f64 => with_vocal_start,
        /// Window end, seconds. Default: 30.
        #[serde(default, alias = " vocalEnd", skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "schemars", schemars(range(min = 0.0)))]
        opt_copy vocal_end: f64 => with_vocal_end,
        /// A supplementary style tag.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt_text style: String => with_style,
    }
}

impl PersonaRequest {
    /// A builder with the required fields; the optional ones unset. Text
    /// fields and URLs are checked by `build()`.
    pub fn builder(
        task_id: impl Into<TaskId>,
        audio_id: impl Into<AudioId>,
        name: impl Into<String>,
        description: impl Into<String>,
    ) -> PersonaRequestBuilder {
        PersonaRequestBuilder {
            task_id: task_id.into(),
            audio_id: audio_id.into(),
            name: name.into(),
            description: description.into(),
            vocal_start: None,
            vocal_end: None,
            style: None,
        }
    }

    /// Builds and validates the request: `builder(...).build()`.
    pub fn new(
        task_id: impl Into<TaskId>,
        audio_id: impl Into<AudioId>,
        name: impl Into<String>,
        description: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        Self::builder(task_id, audio_id, name, description).build()
    }

    /// Every documented rule between fields; `build()` calls it.
    fn check(&self) -> Result<(), ValidationError> {
        check_required("taskId", self.task_id.as_str())?;
        check_required("audioId", self.audio_id.as_str())?;
        check_required("name", &self.name)?;
        check_required("description", &self.description)?;
        let start = self.vocal_start.unwrap_or(0.0);
        let end = self.vocal_end.unwrap_or(30.0);
        check_range("vocalStart", start, 0.0, f64::MAX)?;
        check_range("vocalEnd", end, 0.0, f64::MAX)?;
        let (min, max) = PERSONA_WINDOW_SECONDS;
        check_range("vocalEnd - vocalStart", end - start, min, max)
    }
}

/// `data` of the persona response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Persona {
    /// Use as `personaId` in generate / extend.
    pub persona_id: PersonaId,
    /// The name (echo).
    #[serde(default)]
    pub name: Option<String>,
    /// The description (echo).
    #[serde(default)]
    pub description: Option<String>,
}

impl Persona {
    /// Builds the payload.
    pub fn new(persona_id: PersonaId, name: Option<String>, description: Option<String>) -> Self {
        Self {
            persona_id,
            name,
            description,
        }
    }
}
