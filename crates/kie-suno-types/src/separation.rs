//! Vocal / stem separation (note 24): the request, the record-info details and
//! the callback.
//!
//! Contradictions settled here: `type` is optional in the schema (default
//! `separate_vocal`) but "required" in the prose table (optional: the schema
//! default applies); times are date-time strings in the schema but epoch
//! milliseconds in the examples ([`KieTime`]); record-info is camelCase
//! (`vocalUrl`) but `originData[]` is snake_case (`audio_url`), and the callback
//! is snake_case (`vocal_url`); both spellings are accepted everywhere, each type
//! writes its origin's. The newest docs add `split_stem_advanced` with a
//! `stemName` (required for that type here; an open [`StemName`] of the listed
//! names) and an uploaded-audio variant
//! (`audioUrl` instead of `audioId`; mutually exclusive); that variant's full
//! field list was not captured, so `taskId` is optional only with `audioUrl`.

use serde::{Deserialize, Serialize};

use crate::error::check_required;
use crate::macros::open_str_enum;
use crate::request::validated_request;
use crate::{
    ApiCode, AudioId, CallbackUrl, HttpUrl, KieTime, LenientNumber, SeparationStatus, StemName,
    TaskId, ValidationError,
};

open_str_enum! {
    /// The separation `type`.
    pub enum SeparationType {
        /// Vocals + instrumental (default).
        SeparateVocal = "separate_vocal",
        /// Up to 12 stems.
        SplitStem = "split_stem",
        /// One target stem named by `stemName` (newest docs).
        SplitStemAdvanced = "split_stem_advanced",
    }
}

validated_request! {
    /// `POST /api/v1/vocal-removal/generate` body.
    ///
    /// Either an existing track (`taskId` + `audioId`) or, per the newest docs,
    /// an uploaded file (`audioUrl`, not together with `audioId`).
    pub struct SeparationRequest with SeparationRequestBuilder via SeparationWire {
        /// The music task (required unless `audioUrl` is given).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt task_id: TaskId => with_task_id,
        /// The track (required unless `audioUrl` is given).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt audio_id: AudioId => with_audio_id,
        /// Where the callback goes.
        #[serde(rename = "callBackUrl")]
        req callback_url: CallbackUrl as String = "callBackUrl" => with_callback_url,
        /// The separation type. Default (server side): `separate_vocal`.
        #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
        opt separation_type: SeparationType => with_separation_type,
        /// The stem to extract (`split_stem_advanced`), e.g. `Piano`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt stem_name: StemName => with_stem_name,
        /// An uploaded audio file instead of `audioId` (newest docs).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt audio_url: HttpUrl as String = "audioUrl" => with_audio_url,
    }
}

impl SeparationRequest {
    /// A builder with only the callback URL: give either `taskId` and
    /// `audioId` (an existing track) or `audioUrl` (an uploaded file). The URLs
    /// are checked by `build()`.
    pub fn builder(callback_url: impl Into<String>) -> SeparationRequestBuilder {
        SeparationRequestBuilder {
            task_id: None,
            audio_id: None,
            callback_url: callback_url.into(),
            separation_type: None,
            stem_name: None,
            audio_url: None,
        }
    }

    /// Separates an existing track: `builder(callback_url)` with `taskId` and
    /// `audioId` set, then `build()`.
    pub fn new(
        task_id: impl Into<TaskId>,
        audio_id: impl Into<AudioId>,
        callback_url: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        Self::builder(callback_url)
            .with_task_id(task_id)
            .with_audio_id(audio_id)
            .build()
    }

    /// Separates an uploaded file (newest docs): `builder(callback_url)` with
    /// `audioUrl` set, then `build()`.
    pub fn from_upload(
        audio_url: impl Into<String>,
        callback_url: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        Self::builder(callback_url)
            .with_audio_url(audio_url)
            .build()
    }

    /// Every documented rule between fields; `build()` calls it.
    fn check(&self) -> Result<(), ValidationError> {
        if self.audio_url.is_some() {
            if self.audio_id.is_some() {
                return Err(ValidationError::NotAllowed {
                    field: "audioId",
                    reason: "audioId cannot be used together with audioUrl".into(),
                });
            }
        } else {
            match &self.task_id {
                Some(t) => check_required("taskId", t.as_str())?,
                None => return Err(ValidationError::missing_when("taskId", "without audioUrl")),
            }
            match &self.audio_id {
                Some(a) => check_required("audioId", a.as_str())?,
                None => return Err(ValidationError::missing_when("audioId", "without audioUrl")),
            }
        }
        if self.separation_type == Some(SeparationType::SplitStemAdvanced)
            && self
                .stem_name
                .as_ref()
                .is_none_or(|s| s.as_str().trim().is_empty())
        {
            return Err(ValidationError::missing_when(
                "stemName",
                "when type is split_stem_advanced",
            ));
        }
        Ok(())
    }
}

/// One separated stem in record-info `originData[]` (snake_case inside a
/// camelCase record; camelCase accepted).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[non_exhaustive]
pub struct StemTrack {
    /// Seconds.
    #[serde(default)]
    pub duration: Option<f64>,
    /// The stem's audio.
    #[serde(default, alias = "audioUrl")]
    pub audio_url: Option<String>,
    /// Stem group, e.g. `Vocals`, `Drums`.
    #[serde(default, alias = "stemTypeGroupName")]
    pub stem_type_group_name: Option<String>,
    /// Usable as `audioId` of MIDI generation.
    #[serde(default)]
    pub id: Option<AudioId>,
}

/// `data.response` of separation record-info.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SeparationResponse {
    /// An id.
    #[serde(default)]
    pub id: Option<String>,
    /// The source audio.
    #[serde(default)]
    pub origin_url: Option<String>,
    /// Each stem.
    #[serde(default)]
    pub origin_data: Option<Vec<StemTrack>>,
    /// Instrumental (`separate_vocal`).
    #[serde(default)]
    pub instrumental_url: Option<String>,
    /// Vocals.
    #[serde(default)]
    pub vocal_url: Option<String>,
    /// Backing vocals (`split_stem`).
    #[serde(default)]
    pub backing_vocals_url: Option<String>,
    /// Drums.
    #[serde(default)]
    pub drums_url: Option<String>,
    /// Bass.
    #[serde(default)]
    pub bass_url: Option<String>,
    /// Guitar.
    #[serde(default)]
    pub guitar_url: Option<String>,
    /// Piano (record-info only).
    #[serde(default)]
    pub piano_url: Option<String>,
    /// Keyboard.
    #[serde(default)]
    pub keyboard_url: Option<String>,
    /// Percussion.
    #[serde(default)]
    pub percussion_url: Option<String>,
    /// Strings.
    #[serde(default)]
    pub strings_url: Option<String>,
    /// Synth.
    #[serde(default)]
    pub synth_url: Option<String>,
    /// Effects.
    #[serde(default)]
    pub fx_url: Option<String>,
    /// Brass.
    #[serde(default)]
    pub brass_url: Option<String>,
    /// Woodwinds.
    #[serde(default)]
    pub woodwinds_url: Option<String>,
}

/// `data` of `GET /api/v1/vocal-removal/record-info`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SeparationRecord {
    /// The separation task id.
    pub task_id: TaskId,
    /// The source track.
    #[serde(default)]
    pub music_id: Option<AudioId>,
    /// The callback URL.
    #[serde(default)]
    pub callback_url: Option<String>,
    /// Which of the task's tracks (0 or 1).
    #[serde(default)]
    pub music_index: Option<LenientNumber>,
    /// When it finished (epoch ms in the examples).
    #[serde(default)]
    pub complete_time: Option<KieTime>,
    /// The stems.
    #[serde(default)]
    pub response: Option<SeparationResponse>,
    /// The state.
    pub success_flag: SeparationStatus,
    /// When it was created.
    #[serde(default)]
    pub create_time: Option<KieTime>,
    /// Error code.
    #[serde(default)]
    pub error_code: Option<LenientNumber>,
    /// Error message.
    #[serde(default)]
    pub error_message: Option<String>,
}

impl SeparationRecord {
    /// A record with the given id and state and nothing else.
    pub fn new(task_id: TaskId, success_flag: SeparationStatus) -> Self {
        Self {
            task_id,
            music_id: None,
            callback_url: None,
            music_index: None,
            complete_time: None,
            response: None,
            success_flag,
            create_time: None,
            error_code: None,
            error_message: None,
        }
    }
}

/// `data.vocal_separation_info` of the separation callback (snake_case;
/// camelCase accepted).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[non_exhaustive]
pub struct SeparationInfo {
    /// Instrumental (`separate_vocal`).
    #[serde(
        default,
        alias = "instrumentalUrl",
        skip_serializing_if = "Option::is_none"
    )]
    pub instrumental_url: Option<String>,
    /// The source audio (`""` in the examples).
    #[serde(default, alias = "originUrl", skip_serializing_if = "Option::is_none")]
    pub origin_url: Option<String>,
    /// Vocals.
    #[serde(default, alias = "vocalUrl", skip_serializing_if = "Option::is_none")]
    pub vocal_url: Option<String>,
    /// Backing vocals.
    #[serde(
        default,
        alias = "backingVocalsUrl",
        skip_serializing_if = "Option::is_none"
    )]
    pub backing_vocals_url: Option<String>,
    /// Drums.
    #[serde(default, alias = "drumsUrl", skip_serializing_if = "Option::is_none")]
    pub drums_url: Option<String>,
    /// Bass.
    #[serde(default, alias = "bassUrl", skip_serializing_if = "Option::is_none")]
    pub bass_url: Option<String>,
    /// Guitar.
    #[serde(default, alias = "guitarUrl", skip_serializing_if = "Option::is_none")]
    pub guitar_url: Option<String>,
    /// Piano (not in the callback docs; record-info has it).
    #[serde(default, alias = "pianoUrl", skip_serializing_if = "Option::is_none")]
    pub piano_url: Option<String>,
    /// Keyboard.
    #[serde(
        default,
        alias = "keyboardUrl",
        skip_serializing_if = "Option::is_none"
    )]
    pub keyboard_url: Option<String>,
    /// Percussion.
    #[serde(
        default,
        alias = "percussionUrl",
        skip_serializing_if = "Option::is_none"
    )]
    pub percussion_url: Option<String>,
    /// Strings.
    #[serde(default, alias = "stringsUrl", skip_serializing_if = "Option::is_none")]
    pub strings_url: Option<String>,
    /// Synth.
    #[serde(default, alias = "synthUrl", skip_serializing_if = "Option::is_none")]
    pub synth_url: Option<String>,
    /// Effects.
    #[serde(default, alias = "fxUrl", skip_serializing_if = "Option::is_none")]
    pub fx_url: Option<String>,
    /// Brass.
    #[serde(default, alias = "brassUrl", skip_serializing_if = "Option::is_none")]
    pub brass_url: Option<String>,
    /// Woodwinds.
    #[serde(
        default,
        alias = "woodwindsUrl",
        skip_serializing_if = "Option::is_none"
    )]
    pub woodwinds_url: Option<String>,
}

/// The separation callback: `{code, msg, data: {task_id, vocal_separation_info}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[non_exhaustive]
pub struct SeparationCallback {
    /// 200 or 500.
    pub code: ApiCode,
    /// A message.
    #[serde(default)]
    pub msg: String,
    /// The payload.
    pub data: SeparationCallbackData,
}

/// `data` of the separation callback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[non_exhaustive]
pub struct SeparationCallbackData {
    /// The task id (`task_id`; `taskId` accepted).
    #[serde(alias = "taskId")]
    pub task_id: TaskId,
    /// The stems; `null` on failure.
    #[serde(default, alias = "vocalSeparationInfo")]
    pub vocal_separation_info: Option<SeparationInfo>,
}

impl SeparationCallback {
    /// Builds a callback body.
    pub fn new(
        code: ApiCode,
        msg: impl Into<String>,
        task_id: TaskId,
        info: Option<SeparationInfo>,
    ) -> Self {
        Self {
            code,
            msg: msg.into(),
            data: SeparationCallbackData {
                task_id,
                vocal_separation_info: info,
            },
        }
    }

    /// Success: code 200.
    pub fn is_success(&self) -> bool {
        self.code == ApiCode::Success
    }
}

impl SeparationCallbackData {
    /// Builds the payload.
    pub fn new(task_id: TaskId, vocal_separation_info: Option<SeparationInfo>) -> Self {
        Self {
            task_id,
            vocal_separation_info,
        }
    }
}
