//! `GET /api/v1/generate/record-info`: [`MusicRecord`], its
//! [`MusicResponse`] and [`OperationType`].

use serde::{Deserialize, Serialize};

use super::track::MusicTrack;
use crate::macros::open_str_enum;
use crate::{KieTime, LenientNumber, MusicStatus, RawParam, TaskId};

open_str_enum! {
    /// `operationType` of music record-info. Documented values cover generate,
    /// extend and the upload variants only.
    pub enum OperationType {
        /// Generate music.
        Generate = "generate",
        /// Extend music.
        Extend = "extend",
        /// Upload and cover.
        UploadCover = "upload_cover",
        /// Upload and extend.
        UploadExtend = "upload_extend",
    }
}

/// `data.response` of music record-info.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MusicResponse {
    /// The task id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<TaskId>,
    /// The tracks generated so far.
    #[serde(default)]
    pub suno_data: Option<Vec<MusicTrack>>,
}

/// `data` of `GET /api/v1/generate/record-info`: the state of any music-family
/// task (generate, extend, covers, add-instrumental, add-vocals,
/// replace-section, mashup).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MusicRecord {
    /// The task id.
    pub task_id: TaskId,
    /// The parent track (extend only; `""` otherwise in the example).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_music_id: Option<String>,
    /// The original request, as a JSON document in a string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<RawParam>,
    /// The result; absent or null while pending.
    #[serde(default)]
    pub response: Option<MusicResponse>,
    /// The task status.
    pub status: MusicStatus,
    /// Task type: the schema says `chirp-v3-5` / `chirp-v4`, the example `GENERATE`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub task_type: Option<String>,
    /// What kind of music task this is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_type: Option<OperationType>,
    /// Error code when failed (400, 408, 413 documented).
    #[serde(default)]
    pub error_code: Option<LenientNumber>,
    /// Error message when failed.
    #[serde(default)]
    pub error_message: Option<String>,
    /// When the task was created: integer epoch milliseconds in live bodies;
    /// no docs page shows this field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<KieTime>,
}

impl MusicRecord {
    /// A record with the given id and status and nothing else.
    pub fn new(task_id: TaskId, status: MusicStatus) -> Self {
        Self {
            task_id,
            parent_music_id: None,
            param: None,
            response: None,
            status,
            task_type: None,
            operation_type: None,
            error_code: None,
            error_message: None,
            create_time: None,
        }
    }

    /// The tracks, empty when there are none yet.
    pub fn tracks(&self) -> &[MusicTrack] {
        self.response
            .as_ref()
            .and_then(|r| r.suno_data.as_deref())
            .unwrap_or(&[])
    }

    /// The tracks whose audio exists ([`MusicTrack::is_playable`]): a track
    /// listed with `audioUrl: ""` (the second one at `FIRST_SUCCESS`) is left out.
    pub fn playable_tracks(&self) -> impl Iterator<Item = &MusicTrack> {
        self.tracks().iter().filter(|t| t.is_playable())
    }
}
