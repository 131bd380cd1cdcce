//! MIDI from a separation task (note 25): the request, the record-info details
//! and the callback.
//!
//! Contradictions settled here: note `start` / `end` are numbers or strings, even
//! within one instrument ([`LenientNumber`], encoding kept); `errorCode` is a
//! string here and a number elsewhere ([`LenientNumber`]); the callback's field
//! list puts `taskId` at the top level while its example nests it in `data`: both
//! are read, `data.taskId` wins, and [`MidiCallback::task_id`] always has one
//! (a body with neither is rejected). `successFlag` 2 means "task creation
//! failed" here but "generating" for cover images: separate enums
//! ([`crate::MidiStatus`], [`crate::CoverImageStatus`]).

use serde::{Deserialize, Serialize};

use crate::error::check_required;
use crate::request::validated_request;
use crate::{
    ApiCode, AudioId, CallbackUrl, KieTime, LenientNumber, MidiStatus, TaskId, ValidationError,
};

validated_request! {
    /// `POST /api/v1/midi/generate` body. `taskId` is a **separation** task id.
    pub struct MidiRequest with MidiRequestBuilder via MidiWire {
        /// The completed separation task.
        req task_id: TaskId => with_task_id,
        /// Where the callback goes.
        #[serde(rename = "callBackUrl")]
        req callback_url: CallbackUrl as String = "callBackUrl" => with_callback_url,
        /// One separated stem (`originData[].id`). Default: every stem.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt audio_id: AudioId => with_audio_id,
    }
}

impl MidiRequest {
    /// A builder with the required fields; the optional ones unset. Text
    /// fields and URLs are checked by `build()`.
    pub fn builder(
        task_id: impl Into<TaskId>,
        callback_url: impl Into<String>,
    ) -> MidiRequestBuilder {
        MidiRequestBuilder {
            task_id: task_id.into(),
            callback_url: callback_url.into(),
            audio_id: None,
        }
    }

    /// Builds and validates the request: `builder(...).build()`.
    pub fn new(
        task_id: impl Into<TaskId>,
        callback_url: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        Self::builder(task_id, callback_url).build()
    }

    /// Every documented rule between fields; `build()` calls it.
    fn check(&self) -> Result<(), ValidationError> {
        check_required("taskId", self.task_id.as_str())
    }
}

/// One MIDI note.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[non_exhaustive]
pub struct MidiNote {
    /// 0-127.
    #[serde(default)]
    pub pitch: Option<LenientNumber>,
    /// Start, seconds (number or string).
    #[serde(default)]
    pub start: Option<LenientNumber>,
    /// End, seconds (number or string).
    #[serde(default)]
    pub end: Option<LenientNumber>,
    /// 0-1.
    #[serde(default)]
    pub velocity: Option<LenientNumber>,
}

/// One instrument and its notes.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[non_exhaustive]
pub struct MidiInstrument {
    /// e.g. `Drums`.
    #[serde(default)]
    pub name: Option<String>,
    /// The notes.
    #[serde(default)]
    pub notes: Vec<MidiNote>,
}

/// `midiData` of record-info.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[non_exhaustive]
pub struct MidiData {
    /// e.g. `complete`.
    #[serde(default)]
    pub state: Option<String>,
    /// The instruments (may be empty).
    #[serde(default)]
    pub instruments: Option<Vec<MidiInstrument>>,
}

/// `data` of `GET /api/v1/midi/record-info`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MidiRecord {
    /// The MIDI task id.
    pub task_id: TaskId,
    /// Internal record id (`-1` in the example).
    #[serde(default)]
    pub record_task_id: Option<LenientNumber>,
    /// The stem used.
    #[serde(default)]
    pub audio_id: Option<AudioId>,
    /// The callback URL.
    #[serde(default)]
    pub callback_url: Option<String>,
    /// When it finished (epoch ms).
    #[serde(default)]
    pub complete_time: Option<KieTime>,
    /// The notes.
    #[serde(default)]
    pub midi_data: Option<MidiData>,
    /// The state.
    pub success_flag: MidiStatus,
    /// When it was created (epoch ms).
    #[serde(default)]
    pub create_time: Option<KieTime>,
    /// Error code (a string here).
    #[serde(default)]
    pub error_code: Option<LenientNumber>,
    /// Error message.
    #[serde(default)]
    pub error_message: Option<String>,
}

impl MidiRecord {
    /// A record with the given id and state and nothing else.
    pub fn new(task_id: TaskId, success_flag: MidiStatus) -> Self {
        Self {
            task_id,
            record_task_id: None,
            audio_id: None,
            callback_url: None,
            complete_time: None,
            midi_data: None,
            success_flag,
            create_time: None,
            error_code: None,
            error_message: None,
        }
    }
}

/// The MIDI callback: `{code, msg, data: {taskId, state, instruments}}` (a
/// top-level `taskId` is read too).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[serde(try_from = "MidiCallbackWire")]
#[non_exhaustive]
pub struct MidiCallback {
    /// 200 or 500.
    pub code: ApiCode,
    /// A message.
    #[serde(default)]
    pub msg: String,
    /// A top-level `taskId`, when the body has one.
    #[serde(rename = "taskId", default, skip_serializing_if = "Option::is_none")]
    pub top_task_id: Option<TaskId>,
    /// The payload; its `taskId` is filled from the top level when absent.
    pub data: MidiCallbackData,
}

/// `data` of the MIDI callback.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[non_exhaustive]
pub struct MidiCallbackData {
    /// The task id (`taskId`; `task_id` accepted).
    #[serde(rename = "taskId", alias = "task_id")]
    pub task_id: TaskId,
    /// `complete` on success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// The instruments; absent on failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instruments: Option<Vec<MidiInstrument>>,
}

/// The wire form: `taskId` in `data` or at the top level; the schema says "at
/// least one of the two".
#[derive(Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(extend("anyOf" = [
    { "required": ["taskId"], "properties": { "taskId": { "type": "string" } } },
    { "required": ["data"], "properties": { "data": { "type": "object", "required": ["taskId"], "properties": { "taskId": { "type": "string" } } } } },
    { "required": ["data"], "properties": { "data": { "type": "object", "required": ["task_id"], "properties": { "task_id": { "type": "string" } } } } }
])))]
struct MidiCallbackWire {
    code: ApiCode,
    #[serde(default)]
    msg: String,
    #[serde(rename = "taskId", alias = "task_id", default)]
    top_task_id: Option<TaskId>,
    #[serde(default)]
    data: Option<MidiCallbackDataWire>,
}

#[derive(Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
struct MidiCallbackDataWire {
    #[serde(rename = "taskId", alias = "task_id", default)]
    task_id: Option<TaskId>,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    instruments: Option<Vec<MidiInstrument>>,
}

impl TryFrom<MidiCallbackWire> for MidiCallback {
    type Error = String;
    fn try_from(w: MidiCallbackWire) -> Result<Self, String> {
        let (inner_id, state, instruments) = match w.data {
            Some(d) => (d.task_id, d.state, d.instruments),
            None => (None, None, None),
        };
        let task_id = inner_id
            .or_else(|| w.top_task_id.clone())
            .filter(|t| !t.as_str().trim().is_empty())
            .ok_or_else(|| "missing field `taskId` (data.taskId or taskId)".to_owned())?;
        Ok(Self {
            code: w.code,
            msg: w.msg,
            top_task_id: w.top_task_id,
            data: MidiCallbackData {
                task_id,
                state,
                instruments,
            },
        })
    }
}

impl MidiCallback {
    /// Builds a callback body.
    pub fn new(code: ApiCode, msg: impl Into<String>, data: MidiCallbackData) -> Self {
        Self {
            code,
            msg: msg.into(),
            top_task_id: None,
            data,
        }
    }

    /// The task id, wherever the body put it.
    pub fn task_id(&self) -> &TaskId {
        &self.data.task_id
    }

    /// Success: code 200.
    pub fn is_success(&self) -> bool {
        self.code == ApiCode::Success
    }
}

impl MidiCallbackData {
    /// Builds the payload.
    pub fn new(
        task_id: TaskId,
        state: Option<String>,
        instruments: Option<Vec<MidiInstrument>>,
    ) -> Self {
        Self {
            task_id,
            state,
            instruments,
        }
    }
}
