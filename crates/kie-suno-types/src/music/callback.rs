//! The music-family callback body: [`MusicCallback`] and
//! [`MusicCallbackData`].

use serde::{Deserialize, Serialize};

use super::track::CallbackTrack;
use crate::{ApiCode, CallbackType, TaskId};

/// The music-family callback body (generate, extend, covers, add-instrumental,
/// add-vocals, mashup, and replace-section):
/// `{code, msg, data: {callbackType, task_id, data, error?}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[non_exhaustive]
pub struct MusicCallback {
    /// 200 on success; 400, 408, 413, 500, 501, 531 on failure.
    pub code: ApiCode,
    /// A message; do not match on it.
    #[serde(default)]
    pub msg: String,
    /// The payload.
    pub data: MusicCallbackData,
}

/// `data` of the music callback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[non_exhaustive]
pub struct MusicCallbackData {
    /// `text`, `first`, `complete` or `error`.
    #[serde(rename = "callbackType")]
    pub callback_type: CallbackType,
    /// The task id (`task_id`; `taskId` accepted).
    #[serde(alias = "taskId")]
    pub task_id: TaskId,
    /// The tracks: empty for `text`, one for `first`, all for `complete`;
    /// `null`, `[]` or absent on failure.
    #[serde(default)]
    pub data: Option<Vec<CallbackTrack>>,
    /// The failure reason (replace-section).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl MusicCallbackData {
    /// Builds the payload.
    pub fn new(
        callback_type: CallbackType,
        task_id: TaskId,
        tracks: Option<Vec<CallbackTrack>>,
    ) -> Self {
        Self {
            callback_type,
            task_id,
            data: tracks,
            error: None,
        }
    }

    /// Sets the failure reason (replace-section's `data.error`).
    pub fn with_error(mut self, error: impl Into<String>) -> Self {
        self.error = Some(error.into());
        self
    }
}

impl MusicCallback {
    /// Builds a callback body.
    pub fn new(code: ApiCode, msg: impl Into<String>, data: MusicCallbackData) -> Self {
        Self {
            code,
            msg: msg.into(),
            data,
        }
    }

    /// The tracks carried (empty when none).
    pub fn tracks(&self) -> &[CallbackTrack] {
        self.data.data.as_deref().unwrap_or(&[])
    }

    /// The tracks whose audio exists ([`CallbackTrack::is_playable`]); a track
    /// sent with `audio_url: ""` is left out.
    pub fn playable_tracks(&self) -> impl Iterator<Item = &CallbackTrack> {
        self.tracks().iter().filter(|t| t.is_playable())
    }

    /// The stage: `text` and `first` are progress, `complete` and `error` final.
    pub fn stage(&self) -> &CallbackType {
        &self.data.callback_type
    }

    /// Whether no further callback follows: `complete`, `error`, or an unknown
    /// stage with a failure code.
    pub fn is_terminal(&self) -> bool {
        match &self.data.callback_type {
            CallbackType::Complete | CallbackType::Error => true,
            CallbackType::Text | CallbackType::First => false,
            _ => self.code != ApiCode::Success,
        }
    }

    /// Whether the task finished successfully (`complete` with code 200).
    pub fn is_success(&self) -> bool {
        self.code == ApiCode::Success && self.data.callback_type == CallbackType::Complete
    }
}
