//! What every family's records are made of: the task families, one `Stage` (status,
//! details bytes, callback), the builder context `Ctx` with its time and file-URL
//! helpers, and the failure codes shared by all families.

use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use kie_suno_types::TaskId;
use serde::Serialize;
use serde_json::{json, Value};

use crate::keywords::Outcome;

/// The task families with a record-info endpoint of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Family {
    Lyrics,
    Music,
    Wav,
    Separation,
    Midi,
    Video,
    CoverImage,
}

/// One state of a task.
#[derive(Debug, Clone)]
pub(crate) struct Stage {
    /// The status as the record spells it (`PENDING`, `SUCCESS`, `1`, ...).
    pub(crate) status: String,
    /// Time spent in the previous stage before this one is reached.
    pub(crate) delay: Duration,
    /// The whole details response (envelope included).
    pub(crate) details: Bytes,
    /// The callback sent on entering this stage: (stage name, body).
    pub(crate) callback: Option<(String, Bytes)>,
    /// Whether entering this stage refunds the task's cost (code 531).
    pub(crate) refund: bool,
}

/// A result of a task that later requests may name: a music track or a stem, with
/// its length in seconds (which bounds `continueAt`, `infillEndS`, `vocalEnd`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Child {
    pub(crate) id: String,
    pub(crate) duration: f64,
    /// The `model` a track was made with (an extension must use the same).
    pub(crate) model: Option<String>,
}

/// A length in seconds with two decimals, as the docs show them (`198.44`), from a
/// hash: `min + (hash mod span)` hundredths, divided once so no float noise
/// (`201.07999999999998`) creeps in.
pub(crate) fn seconds_2dp(hash: u64, min_seconds: u64, span_seconds: u64) -> f64 {
    let hundredths = min_seconds * 100 + hash % (span_seconds * 100).max(1);
    hundredths as f64 / 100.0
}

/// What every family's builder needs.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    pub(crate) task_id: TaskId,
    pub(crate) now: DateTime<Utc>,
    pub(crate) files_base: String,
    pub(crate) callback_url: Option<String>,
    pub(crate) outcome: Outcome,
}

impl Ctx {
    /// The URL of this task's generated file `name`.
    pub(super) fn file(&self, name: &str) -> String {
        format!("{}/sim/files/{}/{name}", self.files_base, self.task_id)
    }

    /// `now + offset` as `"YYYY-MM-DD HH:MM:SS"`.
    pub(super) fn text_time(&self, offset: Duration) -> String {
        self.at(offset).format("%Y-%m-%d %H:%M:%S").to_string()
    }

    /// `now + offset` in epoch milliseconds.
    pub(super) fn millis(&self, offset: Duration) -> i64 {
        self.at(offset).timestamp_millis()
    }

    /// `now + offset` as ISO 8601 with milliseconds (`2025-01-15T10:35:27.000Z`).
    pub(super) fn iso(&self, offset: Duration) -> String {
        self.at(offset).format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
    }

    /// `now + offset`.
    fn at(&self, offset: Duration) -> DateTime<Utc> {
        self.now + chrono::Duration::from_std(offset).unwrap_or_else(|_| chrono::Duration::zero())
    }
}

/// Our own value as JSON bytes.
pub(super) fn to_bytes<T: Serialize>(value: &T) -> Bytes {
    // Serialising our own in-memory values (string keys, no maps with non-string
    // keys, no failing Serialize impls) cannot fail.
    Bytes::from(serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec()))
}

/// `{"code": 200, "msg": "success", "data": data}` as bytes.
pub(super) fn success_envelope(data: Value) -> Bytes {
    to_bytes(&json!({"code": 200, "msg": "success", "data": data}))
}

/// The details of a task that generated its results but whose callback process
/// failed: `details` (its `SUCCESS` record) with `CALLBACK_EXCEPTION` as the status
/// and the docs' description as `errorMessage`. `None` for the families whose status
/// sets have no `CALLBACK_EXCEPTION` (video, cover images, MIDI).
pub(crate) fn callback_exception(family: Family, details: &Bytes) -> Option<Bytes> {
    let key = match family {
        Family::Lyrics | Family::Music => "status",
        Family::Wav | Family::Separation => "successFlag",
        Family::Midi | Family::Video | Family::CoverImage => return None,
    };
    let mut v: Value = serde_json::from_slice(details).ok()?;
    let data = v.get_mut("data")?.as_object_mut()?;
    data.insert(key.into(), json!("CALLBACK_EXCEPTION"));
    data.insert(
        "errorMessage".into(),
        json!("Error during callback process"),
    );
    Some(to_bytes(&v))
}

/// How a failing task reports itself: (callback / error code, message, refund).
pub(super) fn failure_code(
    outcome: Outcome,
    generation_code: i64,
    generation_msg: &str,
) -> (i64, String, bool) {
    match outcome {
        Outcome::Sensitive => (400, "Song Description flagged for moderation".to_owned(), false),
        Outcome::CreateFailed => (500, "Failed to create the task".to_owned(), false),
        Outcome::FailedRefunded => (
            531,
            "Sorry, the generation failed due to an issue. Your credits have been refunded. Please try again"
                .to_owned(),
            true,
        ),
        _ => (generation_code, generation_msg.to_owned(), false),
    }
}
