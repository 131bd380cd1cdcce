//! Task-status enums and the predicates every family shares.

use crate::macros::open_str_enum;

/// What every task status can say about itself.
pub trait TaskState {
    /// The task will not change any more.
    fn is_terminal(&self) -> bool {
        self.is_success() || self.is_failure()
    }
    /// The task finished and its result is available.
    fn is_success(&self) -> bool;
    /// The task finished without a result.
    fn is_failure(&self) -> bool;
}

/// An unknown status is a failure when its name says so (`*_FAILED`, `*_ERROR`,
/// `*_EXCEPTION`); otherwise it is taken as still running.
pub(crate) fn unknown_is_failure(s: &str) -> bool {
    s.ends_with("FAILED") || s.ends_with("ERROR") || s.ends_with("EXCEPTION")
}

open_str_enum! {
    /// Lyrics task status (`data.status` of lyrics record-info).
    pub enum LyricsStatus {
        /// Waiting to be processed.
        Pending = "PENDING",
        /// Lyrics generated.
        Success = "SUCCESS",
        /// The task could not be created.
        CreateTaskFailed = "CREATE_TASK_FAILED",
        /// Generation failed.
        GenerateLyricsFailed = "GENERATE_LYRICS_FAILED",
        /// The callback failed (terminal per the docs).
        CallbackException = "CALLBACK_EXCEPTION",
        /// Filtered for sensitive words.
        SensitiveWordError = "SENSITIVE_WORD_ERROR",
    }
}

impl TaskState for LyricsStatus {
    fn is_success(&self) -> bool {
        matches!(self, Self::Success)
    }
    fn is_failure(&self) -> bool {
        match self {
            Self::CreateTaskFailed
            | Self::GenerateLyricsFailed
            | Self::CallbackException
            | Self::SensitiveWordError => true,
            Self::Unknown(s) => unknown_is_failure(s),
            _ => false,
        }
    }
}

open_str_enum! {
    /// Music-family task status (generate, extend, covers, add-instrumental,
    /// add-vocals, replace-section, mashup).
    pub enum MusicStatus {
        /// Waiting or generating.
        Pending = "PENDING",
        /// Lyrics / text stage done.
        TextSuccess = "TEXT_SUCCESS",
        /// First track done (streamable).
        FirstSuccess = "FIRST_SUCCESS",
        /// All tracks done.
        Success = "SUCCESS",
        /// The task could not be created.
        CreateTaskFailed = "CREATE_TASK_FAILED",
        /// Audio generation failed.
        GenerateAudioFailed = "GENERATE_AUDIO_FAILED",
        /// The callback failed (terminal per the docs).
        CallbackException = "CALLBACK_EXCEPTION",
        /// Filtered for sensitive words.
        SensitiveWordError = "SENSITIVE_WORD_ERROR",
    }
}

impl MusicStatus {
    /// Ordering of the progress stages (`PENDING` < `TEXT_SUCCESS` <
    /// `FIRST_SUCCESS` < `SUCCESS`); `None` for failures and unknown values.
    pub fn stage_rank(&self) -> Option<u8> {
        match self {
            Self::Pending => Some(0),
            Self::TextSuccess => Some(1),
            Self::FirstSuccess => Some(2),
            Self::Success => Some(3),
            _ => None,
        }
    }
}

impl TaskState for MusicStatus {
    fn is_success(&self) -> bool {
        matches!(self, Self::Success)
    }
    fn is_failure(&self) -> bool {
        match self {
            Self::CreateTaskFailed
            | Self::GenerateAudioFailed
            | Self::CallbackException
            | Self::SensitiveWordError => true,
            Self::Unknown(s) => unknown_is_failure(s),
            _ => false,
        }
    }
}
