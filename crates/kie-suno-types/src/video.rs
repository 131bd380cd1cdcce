//! Music video (MP4, note 26): the request, the record-info details and the
//! callback.
//!
//! Contradictions settled here: the create response example is a placeholder
//! with `code: 0` while the code table says 200 is success (200 is success); the
//! callback's OpenAPI block says `0` means success while the page says 200
//! ([`VideoCallback::is_success`] takes 200, or 0 with a `video_url`).

use serde::{Deserialize, Serialize};

use crate::error::{check_len, check_required};
use crate::request::validated_request;
use crate::{
    ApiCode, AudioId, CallbackUrl, KieTime, LenientNumber, TaskId, ValidationError, VideoStatus,
};

/// The limit of `author` and `domainName`, in characters.
pub const VIDEO_TEXT_MAX_CHARS: usize = 50;

validated_request! {
    /// `POST /api/v1/mp4/generate` body.
    pub struct MusicVideoRequest with MusicVideoRequestBuilder via MusicVideoWire {
        /// The music task.
        req task_id: TaskId => with_task_id,
        /// The track.
        req audio_id: AudioId => with_audio_id,
        /// Where the callback goes.
        #[serde(rename = "callBackUrl")]
        req callback_url: CallbackUrl as String = "callBackUrl" => with_callback_url,
        /// Signature on the cover (at most 50 characters).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "schemars", schemars(length(max = 50)))]
        opt_text author: String => with_author,
        /// Watermark (at most 50 characters).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "schemars", schemars(length(max = 50)))]
        opt_text domain_name: String => with_domain_name,
    }
}

impl MusicVideoRequest {
    /// A builder with the required fields; the optional ones unset. Text
    /// fields and URLs are checked by `build()`.
    pub fn builder(
        task_id: impl Into<TaskId>,
        audio_id: impl Into<AudioId>,
        callback_url: impl Into<String>,
    ) -> MusicVideoRequestBuilder {
        MusicVideoRequestBuilder {
            task_id: task_id.into(),
            audio_id: audio_id.into(),
            callback_url: callback_url.into(),
            author: None,
            domain_name: None,
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
        check_required("audioId", self.audio_id.as_str())?;
        if let Some(a) = &self.author {
            check_len("author", a, VIDEO_TEXT_MAX_CHARS, None)?;
        }
        if let Some(d) = &self.domain_name {
            check_len("domainName", d, VIDEO_TEXT_MAX_CHARS, None)?;
        }
        Ok(())
    }
}

/// `data.response` of video record-info.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VideoResponse {
    /// The MP4 URL (on success).
    #[serde(default)]
    pub video_url: Option<String>,
}

/// `data` of `GET /api/v1/mp4/record-info`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VideoRecord {
    /// The video task id.
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
    /// When it finished.
    #[serde(default)]
    pub complete_time: Option<KieTime>,
    /// The result.
    #[serde(default)]
    pub response: Option<VideoResponse>,
    /// The state.
    pub success_flag: VideoStatus,
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

impl VideoRecord {
    /// A record with the given id and state and nothing else.
    pub fn new(task_id: TaskId, success_flag: VideoStatus) -> Self {
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

    /// The MP4 URL, when ready.
    pub fn video_url(&self) -> Option<&str> {
        self.response.as_ref()?.video_url.as_deref()
    }
}

/// The video callback: `{code, msg, data: {task_id, video_url}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[non_exhaustive]
pub struct VideoCallback {
    /// 200 (or 0, per the OpenAPI block) on success; 500 on failure.
    pub code: ApiCode,
    /// A message.
    #[serde(default)]
    pub msg: String,
    /// The payload.
    pub data: VideoCallbackData,
}

/// `data` of the video callback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[non_exhaustive]
pub struct VideoCallbackData {
    /// The task id (`task_id`; `taskId` accepted).
    #[serde(alias = "taskId")]
    pub task_id: TaskId,
    /// The MP4 URL; `null` on failure.
    #[serde(default, alias = "videoUrl")]
    pub video_url: Option<String>,
}

impl VideoCallback {
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
            data: VideoCallbackData {
                task_id,
                video_url: url,
            },
        }
    }

    /// Success: code 200, or code 0 (the OpenAPI block's success code) with a
    /// video URL.
    pub fn is_success(&self) -> bool {
        match self.code.as_i64() {
            200 => true,
            0 => self
                .data
                .video_url
                .as_deref()
                .is_some_and(|u| !u.is_empty()),
            _ => false,
        }
    }
}

impl VideoCallbackData {
    /// Builds the payload.
    pub fn new(task_id: TaskId, video_url: Option<String>) -> Self {
        Self { task_id, video_url }
    }
}
