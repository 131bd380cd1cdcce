//! What the media families (WAV, video, separation, MIDI, cover images) share: the
//! parent a request works on, and their pending and terminal stages.

use std::time::Duration;

use bytes::Bytes;
use serde_json::{json, Value};

use super::stage::Stage;

/// A media request: the parent task and track it works on.
#[derive(Debug, Clone)]
pub(crate) struct MediaSpec {
    pub(crate) parent_task: String,
    pub(crate) audio_id: Option<String>,
    pub(crate) music_index: usize,
}

/// The waiting stage of a media task, with `status` as its `successFlag`.
pub(super) fn media_pending(status: Value, details: Bytes) -> Stage {
    Stage {
        status: status.to_string().trim_matches('"').to_owned(),
        delay: Duration::ZERO,
        details,
        callback: None,
        refund: false,
    }
}

/// The terminal stage of a media task: `complete` callback on success, `error`
/// otherwise.
pub(super) fn media_end(
    status: Value,
    delay: Duration,
    details: Bytes,
    callback: Bytes,
    refund: bool,
) -> Stage {
    let success = status == json!("SUCCESS") || status == json!(1);
    Stage {
        status: status.to_string().trim_matches('"').to_owned(),
        delay,
        details,
        // A failure (refund or not) is the `error` stage, as `callback_key` names it.
        callback: Some((if success { "complete" } else { "error" }.into(), callback)),
        refund,
    }
}
