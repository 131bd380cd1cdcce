//! What the outcome stream carries and what the confirmation queue holds: the
//! stored forms both backends read and write, in every build.

use kie_suno_types::{CallbackFamily, TaskId};

use crate::record::Trust;

/// What an outcome event reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OutcomeKind {
    /// A new callback was stored (repeats make no event). Its trust is the
    /// callback's: unsigned or signed, never confirmed.
    Callback,
    /// The task's record-info was fetched after a terminal callback and stored as
    /// the authoritative outcome (trust: confirmed). `disputed` says whether the
    /// callback's body disagreed with it.
    Confirmed,
    /// The confirmation gave up: record-info never reached a terminal state or
    /// kept failing. No outcome is made from the body.
    Unconfirmed,
}

impl OutcomeKind {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Callback => "callback",
            Self::Confirmed => "confirmed",
            Self::Unconfirmed => "unconfirmed",
        }
    }

    /// Parses the stored text (unknown text reads as `Callback`, which settles nothing).
    pub fn from_stored(s: &str) -> Self {
        match s {
            "confirmed" => Self::Confirmed,
            "unconfirmed" => Self::Unconfirmed,
            _ => Self::Callback,
        }
    }
}

impl std::fmt::Display for OutcomeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One event of the outcome stream, as stored. Its `cursor` (the event's record
/// id) orders the stream: resume after the last cursor you processed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OutcomeEvent {
    /// The event's record id: strictly increasing in commit order.
    pub cursor: i64,
    /// The stored callback it is about.
    pub callback_id: i64,
    /// The family slug.
    pub family: String,
    /// The task id.
    pub task_id: TaskId,
    /// The callback's stage.
    pub stage: String,
    /// What happened.
    pub kind: OutcomeKind,
    /// How far this event is trusted.
    pub trust: Trust,
    /// Whether the task sends nothing more (for `Confirmed`: record-info says so).
    pub terminal: bool,
    /// Whether the task succeeded (for `Confirmed`: as record-info says).
    pub success: bool,
    /// For `Confirmed`: how the callback's body disagreed with record-info
    /// (suspected forgery). For `Unconfirmed`: why it gave up.
    pub note: Option<String>,
    /// For `Confirmed`: the record-info `data` as JSON text, the outcome itself.
    pub data: Option<String>,
    /// When the event was stored, Unix ms.
    pub created_ms: i64,
}

impl OutcomeEvent {
    /// An event of a store of your own (set the public fields as needed).
    pub fn new(
        cursor: i64,
        callback_id: i64,
        family: CallbackFamily,
        task_id: TaskId,
        stage: impl Into<String>,
        kind: OutcomeKind,
        trust: Trust,
    ) -> Self {
        Self {
            cursor,
            callback_id,
            family: family.as_str().to_owned(),
            task_id,
            stage: stage.into(),
            kind,
            trust,
            terminal: false,
            success: false,
            note: None,
            data: None,
            created_ms: crate::clock::now_ms(),
        }
    }

    /// The family, when the slug is one this version knows.
    pub fn family(&self) -> Option<CallbackFamily> {
        CallbackFamily::from_slug(&self.family)
    }

    /// Whether this is the task's final, confirmed outcome: record-info says the
    /// task is terminal. Only such an event settles a waiter.
    pub fn is_final(&self) -> bool {
        self.kind == OutcomeKind::Confirmed && self.terminal
    }

    /// Whether the body disagreed with record-info (suspected forgery).
    pub fn is_disputed(&self) -> bool {
        self.kind == OutcomeKind::Confirmed && self.note.is_some()
    }

    /// The record-info data, parsed.
    pub fn data_json(&self) -> Option<serde_json::Value> {
        serde_json::from_str(self.data.as_deref()?).ok()
    }
}

/// A queued confirmation, claimed by a worker for a lease.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConfirmJob {
    /// The stored callback to confirm.
    pub callback_id: i64,
    /// The family slug.
    pub family: String,
    /// The task id.
    pub task_id: TaskId,
    /// The stage the callback claims.
    pub stage: String,
    /// Whether the body claims success.
    pub success: bool,
    /// The raw body (compared with record-info).
    pub body: Vec<u8>,
    /// Attempts made before this one.
    pub attempts: u32,
    /// When the callback arrived, Unix ms.
    pub received_ms: i64,
}

impl ConfirmJob {
    /// A job of a store of your own.
    pub fn new(callback_id: i64, family: CallbackFamily, task_id: TaskId, stage: &str) -> Self {
        Self {
            callback_id,
            family: family.as_str().to_owned(),
            task_id,
            stage: stage.to_owned(),
            success: false,
            body: Vec::new(),
            attempts: 0,
            received_ms: crate::clock::now_ms(),
        }
    }

    /// The family, when the slug is one this version knows.
    pub fn family(&self) -> Option<CallbackFamily> {
        CallbackFamily::from_slug(&self.family)
    }
}

/// How a confirmation ended, as the worker hands it to the store.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfirmResult {
    /// Record-info is terminal: its data is the outcome.
    Outcome {
        /// Whether record-info reports success.
        success: bool,
        /// The record-info `data`, JSON text.
        data: String,
        /// How the body disagreed, if it did (stored as `Disputed`).
        disputed: Option<String>,
    },
    /// Gave up: why.
    GaveUp(String),
}

/// What `prune` removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Pruned {
    /// Callbacks removed (never one with a confirmation still pending).
    pub callbacks: u64,
    /// Outcome events removed.
    pub events: u64,
}

impl Pruned {
    /// Counts of a store of your own.
    pub fn new(callbacks: u64, events: u64) -> Self {
        Self { callbacks, events }
    }
}
