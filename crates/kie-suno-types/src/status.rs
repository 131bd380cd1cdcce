//! Task-status enums and the predicates every family shares.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::macros::open_str_enum;
use crate::UnknownInt;

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
            Self::Unknown(s) => unknown_is_failure(s.as_str()),
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
            Self::Unknown(s) => unknown_is_failure(s.as_str()),
            _ => false,
        }
    }
}

open_str_enum! {
    /// WAV conversion `successFlag`. The schema names the failure
    /// `GENERATE_WAV_FAILED`, an older render `GENERATE_AUDIO_FAILED`: both known.
    pub enum WavStatus {
        /// Waiting.
        Pending = "PENDING",
        /// Converted.
        Success = "SUCCESS",
        /// The task could not be created.
        CreateTaskFailed = "CREATE_TASK_FAILED",
        /// Conversion failed.
        GenerateWavFailed = "GENERATE_WAV_FAILED",
        /// Conversion failed (older render's name).
        GenerateAudioFailed = "GENERATE_AUDIO_FAILED",
        /// The callback failed.
        CallbackException = "CALLBACK_EXCEPTION",
    }
}

open_str_enum! {
    /// Vocal / stem separation `successFlag`.
    pub enum SeparationStatus {
        /// Waiting.
        Pending = "PENDING",
        /// Separated.
        Success = "SUCCESS",
        /// The task could not be created.
        CreateTaskFailed = "CREATE_TASK_FAILED",
        /// Separation failed.
        GenerateAudioFailed = "GENERATE_AUDIO_FAILED",
        /// The callback failed.
        CallbackException = "CALLBACK_EXCEPTION",
    }
}

open_str_enum! {
    /// Music video `successFlag`. `CALLBACK_EXCEPTION` is not documented for this
    /// family but known, as every other family has it.
    pub enum VideoStatus {
        /// Waiting.
        Pending = "PENDING",
        /// Video ready.
        Success = "SUCCESS",
        /// The task could not be created.
        CreateTaskFailed = "CREATE_TASK_FAILED",
        /// MP4 generation failed.
        GenerateMp4Failed = "GENERATE_MP4_FAILED",
        /// The callback failed.
        CallbackException = "CALLBACK_EXCEPTION",
    }
}

open_str_enum! {
    /// Boost-style `successFlag`: string digits `"0"` pending, `"1"` success,
    /// `"2"` failed. An integer is accepted and kept as its digits.
    pub enum BoostStatus {
        /// `"0"`: pending.
        Pending = "0",
        /// `"1"`: success.
        Success = "1",
        /// `"2"`: failed.
        Failed = "2",
    }
}

open_str_enum! {
    /// The string states the cover-image prose lists (the schema uses integers).
    pub enum CoverImageStatusName {
        /// Waiting.
        Pending = "PENDING",
        /// Images ready.
        Success = "SUCCESS",
        /// The task could not be created.
        CreateTaskFailed = "CREATE_TASK_FAILED",
        /// Generation failed.
        GenerateCoverFailed = "GENERATE_COVER_FAILED",
    }
}

macro_rules! str_status_state {
    ($ty:ident, success: $succ:ident, failure: [$($fail:ident),*]) => {
        impl TaskState for $ty {
            fn is_success(&self) -> bool {
                matches!(self, Self::$succ)
            }
            fn is_failure(&self) -> bool {
                match self {
                    $( Self::$fail )|* => true,
                    Self::Unknown(s) => unknown_is_failure(s.as_str()),
                    _ => false,
                }
            }
        }
    };
}

str_status_state!(WavStatus, success: Success, failure: [CreateTaskFailed, GenerateWavFailed, GenerateAudioFailed, CallbackException]);
str_status_state!(SeparationStatus, success: Success, failure: [CreateTaskFailed, GenerateAudioFailed, CallbackException]);
str_status_state!(VideoStatus, success: Success, failure: [CreateTaskFailed, GenerateMp4Failed, CallbackException]);
str_status_state!(CoverImageStatusName, success: Success, failure: [CreateTaskFailed, GenerateCoverFailed]);

impl TaskState for BoostStatus {
    fn is_success(&self) -> bool {
        matches!(self, Self::Success)
    }
    fn is_failure(&self) -> bool {
        // An unseen digit is taken as still running; only "2" is documented as failed.
        matches!(self, Self::Failed)
    }
}

/// Deserialises an integer-or-string flag without an untagged enum.
fn visit_flag<'de, D, T>(
    d: D,
    from_int: fn(i64) -> T,
    from_str: fn(&str) -> Option<T>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct V<T> {
        from_int: fn(i64) -> T,
        from_str: fn(&str) -> Option<T>,
    }
    impl<T> Visitor<'_> for V<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an integer flag, a string of digits, or a state name")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
            Ok((self.from_int)(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
            i64::try_from(v)
                .map(self.from_int)
                .map_err(|_| E::custom("flag out of range"))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            match v.trim().parse::<i64>() {
                Ok(i) => Ok((self.from_int)(i)),
                Err(_) => (self.from_str)(v)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self)),
            }
        }
    }
    d.deserialize_any(V { from_int, from_str })
}

/// Cover-image `successFlag`: an integer in the schema (0 pending, 1 success,
/// 2 generating, 3 failed), state names in the prose. Both are read; integers
/// (also sent as digit strings) are written as integers, names as names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CoverImageStatus {
    /// `0`: pending.
    Pending,
    /// `1`: success.
    Success,
    /// `2`: generating.
    Generating,
    /// `3`: generation failed.
    Failed,
    /// A state name from the prose (`PENDING`, `SUCCESS`, ...).
    Named(CoverImageStatusName),
    /// An unseen integer, kept (sealed: `from_i64(1)` is always `Success`).
    Unknown(UnknownInt),
}

impl CoverImageStatus {
    /// The integer form, when this is an integer state.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Self::Pending => Some(0),
            Self::Success => Some(1),
            Self::Generating => Some(2),
            Self::Failed => Some(3),
            Self::Named(_) => None,
            Self::Unknown(i) => Some(i.as_i64()),
        }
    }

    /// The state for an integer flag.
    pub fn from_i64(v: i64) -> Self {
        match v {
            0 => Self::Pending,
            1 => Self::Success,
            2 => Self::Generating,
            3 => Self::Failed,
            other => Self::Unknown(UnknownInt::new(other)),
        }
    }
}

impl TaskState for CoverImageStatus {
    fn is_success(&self) -> bool {
        match self {
            Self::Success => true,
            Self::Named(n) => n.is_success(),
            _ => false,
        }
    }
    fn is_failure(&self) -> bool {
        match self {
            Self::Failed => true,
            Self::Named(n) => n.is_failure(),
            _ => false,
        }
    }
}

impl Serialize for CoverImageStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Named(n) => n.serialize(s),
            other => s.serialize_i64(other.as_i64().unwrap_or_default()),
        }
    }
}

impl<'de> Deserialize<'de> for CoverImageStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        visit_flag(d, Self::from_i64, |s| {
            Some(Self::Named(CoverImageStatusName::from_wire(s)))
        })
    }
}

#[cfg(feature = "schemars")]
impl ::schemars::JsonSchema for CoverImageStatus {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "CoverImageStatus".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "0 pending, 1 success, 2 generating, 3 failed; or a state name (PENDING, SUCCESS, CREATE_TASK_FAILED, GENERATE_COVER_FAILED). Open set.",
            "type": ["integer", "string"]
        })
    }
}

/// MIDI `successFlag`: 0 pending, 1 success, 2 task creation failed, 3 MIDI
/// generation failed. (Cover images use the same integers with other meanings.)
/// A digit string is read as its integer and written back as an integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MidiStatus {
    /// `0`: pending.
    Pending,
    /// `1`: success.
    Success,
    /// `2`: the task could not be created.
    CreateTaskFailed,
    /// `3`: MIDI generation failed.
    GenerateFailed,
    /// An unseen integer, kept (sealed: `from_i64(1)` is always `Success`).
    Unknown(UnknownInt),
}

impl MidiStatus {
    /// The integer flag.
    pub fn as_i64(self) -> i64 {
        match self {
            Self::Pending => 0,
            Self::Success => 1,
            Self::CreateTaskFailed => 2,
            Self::GenerateFailed => 3,
            Self::Unknown(i) => i.as_i64(),
        }
    }

    /// The state for an integer flag.
    pub fn from_i64(v: i64) -> Self {
        match v {
            0 => Self::Pending,
            1 => Self::Success,
            2 => Self::CreateTaskFailed,
            3 => Self::GenerateFailed,
            other => Self::Unknown(UnknownInt::new(other)),
        }
    }
}

impl TaskState for MidiStatus {
    fn is_success(&self) -> bool {
        matches!(self, Self::Success)
    }
    fn is_failure(&self) -> bool {
        matches!(self, Self::CreateTaskFailed | Self::GenerateFailed)
    }
}

impl Serialize for MidiStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.as_i64())
    }
}

impl<'de> Deserialize<'de> for MidiStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        visit_flag(d, Self::from_i64, |_| None)
    }
}

#[cfg(feature = "schemars")]
impl ::schemars::JsonSchema for MidiStatus {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "MidiStatus".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "0 pending, 1 success, 2 task creation failed, 3 MIDI generation failed. Open set.",
            "anyOf": [
                { "type": "integer" },
                { "type": "string", "pattern": "^\\s*-?\\d+\\s*$" }
            ]
        })
    }
}
