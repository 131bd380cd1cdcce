//! WAV conversion (note 23): the request, the record-info details and the
//! callback.
//!
//! Contradictions settled here: the failure state is `GENERATE_WAV_FAILED` in
//! the schema and `GENERATE_AUDIO_FAILED` in an older render (both known to
//! [`WavStatus`]); `musicIndex` is an integer in the schema and `"0"` in that
//! render ([`LenientNumber`]); the callback mixes `task_id` with `audioWavUrl`
//! (look-alike docs say `audio_wav_url`: accepted too).

use serde::{Deserialize, Serialize};

use crate::error::check_required;
use crate::request::validated_request;
use crate::{
    ApiCode, AudioId, CallbackUrl, KieTime, LenientNumber, TaskId, ValidationError, WavStatus,
};

validated_request! {
    /// `POST /api/v1/wav/generate` body.
    pub struct WavRequest with WavRequestBuilder via WavWire {
        /// The music task.
        req task_id: TaskId => with_task_id,
        /// The track to convert.
        req audio_id: AudioId => with_audio_id,
        /// Where the callback goes.
        #[serde(rename = "callBackUrl")]
        req callback_url: CallbackUrl as String = "callBackUrl" => with_callback_url,
    }
}

impl WavRequest {
    /// A builder with the required fields; the optional ones unset. Text
    /// fields and URLs are checked by `build()`.
    pub fn builder(
        task_id: impl Into<TaskId>,
        audio_id: impl Into<AudioId>,
        callback_url: impl Into<String>,
    ) -> WavRequestBuilder {
        WavRequestBuilder {
            task_id: task_id.into(),
            audio_id: audio_id.into(),
            callback_url: callback_url.into(),
        }
    }

    /// Builds and validates the request: `builder(...).build()`.
    pub fn new(
        task_id: impl Into<TaskId>,
        audio_id: impl Into<AudioId>,
        callback_url: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        Self::builder(task_id, audio_id, callback_url).build()
    }

    /// Every documented rule between fields; `build()` calls it.
    fn check(&self) -> Result<(), ValidationError> {
        check_required("taskId", self.task_id.as_str())?;
        check_required("audioId", self.audio_id.as_str())
    }
}

/// `data.response` of WAV record-info.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WavResponse {
    /// The WAV URL (on success).
    #[serde(default)]
    pub audio_wav_url: Option<String>,
}

/// `data` of `GET /api/v1/wav/record-info`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WavRecord {
    /// The WAV task id.
    pub task_id: TaskId,
    /// The source track.
    #[serde(default)]
    pub music_id: Option<AudioId>,
    /// The callback URL.
    #[serde(default)]
    pub callback_url: Option<String>,
    /// Which of the task's tracks (0 or 1; sometimes a string).
    #[serde(default)]
    pub music_index: Option<LenientNumber>,
    /// When it finished.
    #[serde(default)]
    pub complete_time: Option<KieTime>,
    /// The result.
    #[serde(default)]
    pub response: Option<WavResponse>,
    /// The state.
    pub success_flag: WavStatus,
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

impl WavRecord {
    /// A record with the given id and state and nothing else.
    pub fn new(task_id: TaskId, success_flag: WavStatus) -> Self {
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

    /// The WAV URL, when ready.
    pub fn wav_url(&self) -> Option<&str> {
        self.response.as_ref()?.audio_wav_url.as_deref()
    }
}

/// The WAV callback: `{code, msg, data: {task_id, audioWavUrl}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[non_exhaustive]
pub struct WavCallback {
    /// 200 or 500.
    pub code: ApiCode,
    /// A message.
    #[serde(default)]
    pub msg: String,
    /// The payload.
    pub data: WavCallbackData,
}

/// `data` of the WAV callback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[non_exhaustive]
pub struct WavCallbackData {
    /// The task id (`task_id`; `taskId` accepted).
    #[serde(alias = "taskId")]
    pub task_id: TaskId,
    /// The WAV URL; `null` on failure.
    #[serde(default, rename = "audioWavUrl", alias = "audio_wav_url")]
    pub audio_wav_url: Option<String>,
}

impl WavCallback {
    /// Builds a callback body.
    pub fn new(
        code: ApiCode,
        msg: impl Into<String>,
        task_id: TaskId,
        url: Option<String>,
    ) -> Self {
        Self {
            code,
            msg: msg.into(),
            data: WavCallbackData {
                task_id,
                audio_wav_url: url,
            },
        }
    }

    /// Success: code 200.
    pub fn is_success(&self) -> bool {
        self.code == ApiCode::Success
    }
}

impl WavCallbackData {
    /// Builds the payload.
    pub fn new(task_id: TaskId, audio_wav_url: Option<String>) -> Self {
        Self {
            task_id,
            audio_wav_url,
        }
    }
}
