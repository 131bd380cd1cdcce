//! What the store keeps per callback: the raw body, the non-secret headers, the
//! parsed outcome, and the delivery count; plus the header filter.

use bytes::Bytes;
use http::HeaderMap;
use kie_suno_types::signature::{SIGNATURE_HEADER, TIMESTAMP_HEADER};
use kie_suno_types::{Callback, CallbackFamily, TaskId};

use crate::clock::now_ms;

/// Whether a terminal callback was confirmed through the details endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Confirmation {
    /// No confirmer configured, or the callback is not terminal.
    NotRequested,
    /// The confirmer agreed: the task is really in this terminal state.
    Confirmed,
    /// The confirmer disagreed: the body is not trusted, the task is not final.
    Refuted,
    /// The confirmer failed or timed out: stored, but not marked final.
    Failed,
}

impl Confirmation {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotRequested => "not_requested",
            Self::Confirmed => "confirmed",
            Self::Refuted => "refuted",
            Self::Failed => "failed",
        }
    }

    /// Parses the stored text; unknown text reads as `Failed` (never final).
    pub fn from_stored(s: &str) -> Self {
        match s {
            "not_requested" => Self::NotRequested,
            "confirmed" => Self::Confirmed,
            "refuted" => Self::Refuted,
            _ => Self::Failed,
        }
    }

    /// Whether a terminal callback with this confirmation is final.
    pub fn allows_final(self) -> bool {
        matches!(self, Self::NotRequested | Self::Confirmed)
    }
}

/// A callback about to be stored.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct NewCallback {
    /// The family (route) it arrived on.
    pub family: CallbackFamily,
    /// The task id.
    pub task_id: TaskId,
    /// The stage (`callbackType`, else `complete` / `error` from the code).
    pub stage: String,
    /// The envelope code.
    pub code: Option<i64>,
    /// Whether the callback reports success.
    pub success: bool,
    /// Whether the task sends nothing after this.
    pub terminal: bool,
    /// The confirmation result for terminal callbacks.
    pub confirmation: Confirmation,
    /// Whether the signature was verified.
    pub signed: bool,
    /// The signed timestamp, when verified.
    pub signature_timestamp: Option<i64>,
    /// Receipt time, Unix milliseconds.
    pub received_at_ms: i64,
    /// The received headers minus anything secret, names lowercase.
    pub headers: Vec<(String, String)>,
    /// The raw body, byte for byte.
    pub body: Bytes,
    /// The typed callback re-serialised as JSON, when enabled
    /// (`ReceiverConfig::store_parsed_json`).
    pub parsed: Option<String>,
}

impl NewCallback {
    /// A callback record with the given key; everything else empty or false
    /// (received now). Set the public fields as needed.
    pub fn new(family: CallbackFamily, task_id: TaskId, stage: impl Into<String>) -> Self {
        Self {
            family,
            task_id,
            stage: stage.into(),
            code: None,
            success: false,
            terminal: false,
            confirmation: Confirmation::NotRequested,
            signed: false,
            signature_timestamp: None,
            received_at_ms: now_ms(),
            headers: Vec::new(),
            body: Bytes::new(),
            parsed: None,
        }
    }

    /// Whether the task is final with this callback.
    pub fn is_final(&self) -> bool {
        self.terminal && self.confirmation.allows_final()
    }

    /// The headers as the JSON text the stores keep.
    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    pub(crate) fn headers_json(&self) -> String {
        serde_json::to_string(&self.headers).unwrap_or_else(|_| "[]".to_owned())
    }
}

/// The result of storing a callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Recorded {
    /// The row id of the (first) record.
    pub id: i64,
    /// How many times this (task id, family, stage) has been delivered, this one included.
    pub deliveries: u64,
}

impl Recorded {
    /// The result of a store of your own: row `id`, delivered `deliveries` times
    /// (1 for a new record).
    pub fn new(id: i64, deliveries: u64) -> Self {
        Self { id, deliveries }
    }

    /// Whether this delivery created the record (not a repeat).
    pub fn is_new(&self) -> bool {
        self.deliveries == 1
    }
}

/// A stored callback.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoredCallback {
    /// Row id.
    pub id: i64,
    /// The family slug as stored.
    pub family: String,
    /// The task id.
    pub task_id: TaskId,
    /// The stage.
    pub stage: String,
    /// The envelope code.
    pub code: Option<i64>,
    /// Whether it reports success.
    pub success: bool,
    /// Whether it is the task's last callback.
    pub terminal: bool,
    /// Confirmation result.
    pub confirmation: Confirmation,
    /// Whether the signature was verified.
    pub signed: bool,
    /// The signed timestamp.
    pub signature_timestamp: Option<i64>,
    /// First receipt, Unix ms.
    pub first_received_ms: i64,
    /// Last receipt, Unix ms.
    pub last_received_ms: i64,
    /// How many times it was delivered.
    pub deliveries: u64,
    /// The stored headers.
    pub headers: Vec<(String, String)>,
    /// The raw body of the first delivery.
    pub body: Vec<u8>,
    /// The typed callback as JSON, when it was stored (see
    /// `ReceiverConfig::store_parsed_json`); [`StoredCallback::callback`]
    /// works either way.
    pub parsed: Option<String>,
}

impl StoredCallback {
    /// The record a store keeps for a first delivery: `callback` under row `id`,
    /// delivered once, first and last received at its receipt time. For stores
    /// of your own; set the public fields for later deliveries.
    pub fn new(id: i64, callback: NewCallback) -> Self {
        Self {
            id,
            family: callback.family.as_str().to_owned(),
            task_id: callback.task_id,
            stage: callback.stage,
            code: callback.code,
            success: callback.success,
            terminal: callback.terminal,
            confirmation: callback.confirmation,
            signed: callback.signed,
            signature_timestamp: callback.signature_timestamp,
            first_received_ms: callback.received_at_ms,
            last_received_ms: callback.received_at_ms,
            deliveries: 1,
            headers: callback.headers,
            body: callback.body.to_vec(),
            parsed: callback.parsed,
        }
    }

    /// The family, when the slug is one this version knows.
    pub fn family(&self) -> Option<CallbackFamily> {
        CallbackFamily::from_slug(&self.family)
    }

    /// Whether the task is final with this callback.
    pub fn is_final(&self) -> bool {
        self.terminal && self.confirmation.allows_final()
    }

    /// Re-parses the raw body into the typed callback.
    pub fn callback(&self) -> Option<Callback> {
        kie_suno_types::parse(self.family()?, &self.body).ok()
    }

    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    pub(crate) fn parse_headers(json: &str) -> Vec<(String, String)> {
        serde_json::from_str(json).unwrap_or_default()
    }
}

/// Counters over the whole store (for tests and health checks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct StoreStats {
    /// Stored callbacks (distinct task id, family and stage).
    pub callbacks: u64,
    /// Deliveries summed over all callbacks.
    pub deliveries: u64,
    /// Recorded submitted tasks.
    pub submitted: u64,
}

impl StoreStats {
    /// Counters of a store of your own.
    pub fn new(callbacks: u64, deliveries: u64, submitted: u64) -> Self {
        Self {
            callbacks,
            deliveries,
            submitted,
        }
    }
}

/// Whether a header name may hold a secret and so must not be stored.
///
/// Drops credentials and cookies by name, and any name mentioning a key, token,
/// secret, password or session. The webhook signature and timestamp are kept:
/// a signature is not a secret.
pub fn is_secret_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    if n == SIGNATURE_HEADER || n == TIMESTAMP_HEADER {
        return false;
    }
    matches!(
        n.as_str(),
        "authorization" | "proxy-authorization" | "cookie" | "set-cookie"
    ) || [
        "auth", "key", "token", "secret", "password", "session", "cookie",
    ]
    .iter()
    .any(|w| n.contains(w))
}

/// The headers worth keeping: every non-secret header, names lowercase, values
/// as text (lossy for non-UTF-8 bytes).
pub fn storable_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .filter(|(name, _)| !is_secret_header(name.as_str()))
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect()
}
