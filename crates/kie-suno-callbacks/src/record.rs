//! What the store keeps per callback: the raw body, the non-secret headers, the
//! parsed outcome, and the delivery count; plus the header filter.

use bytes::Bytes;
use http::HeaderMap;
use kie_suno_types::signature::{SIGNATURE_HEADER, TIMESTAMP_HEADER};
use kie_suno_types::{Callback, CallbackFamily, TaskId};

use crate::clock::now_ms;

/// How far a stored callback or an outcome event is trusted.
///
/// KIE signs only `task_id + "." + timestamp`, not the body: a signed callback
/// proves that KIE sent *a* callback for the task recently, not what it said. Only
/// the task's record-info, fetched by a confirmer after the 200,
/// is the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Trust {
    /// No signature was checked (no HMAC key configured): anyone could have sent it.
    Unsigned,
    /// The signature of the task id and timestamp verified; the body is unverified.
    Signed,
    /// The outcome is the task's record-info, fetched from the API after the callback.
    Confirmed,
}

impl Trust {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unsigned => "unsigned",
            Self::Signed => "signed",
            Self::Confirmed => "confirmed",
        }
    }

    /// Parses the stored text; unknown text reads as `Unsigned` (never trusted).
    pub fn from_stored(s: &str) -> Self {
        match s {
            "signed" => Self::Signed,
            "confirmed" => Self::Confirmed,
            _ => Self::Unsigned,
        }
    }
}

impl std::fmt::Display for Trust {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a terminal callback's confirmation (after the 200) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Confirmation {
    /// No confirmer configured, or the callback is not terminal.
    NotRequested,
    /// A confirmation job is queued in the store (committed with the callback).
    Pending,
    /// Record-info agrees with the body; its data is stored as the outcome.
    Confirmed,
    /// Record-info disagrees with the body (suspected forgery): record-info's data
    /// is stored as the outcome, the body is kept as evidence.
    Disputed,
    /// The confirmation gave up (record-info never reached a terminal state, or
    /// kept failing): no outcome; a new delivery of the same key queues it again.
    Failed,
}

impl Confirmation {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotRequested => "not_requested",
            Self::Pending => "pending",
            Self::Confirmed => "confirmed",
            Self::Disputed => "disputed",
            Self::Failed => "failed",
        }
    }

    /// Parses the stored text; unknown text reads as `Failed` (no outcome).
    pub fn from_stored(s: &str) -> Self {
        match s {
            "not_requested" => Self::NotRequested,
            "pending" => Self::Pending,
            "confirmed" => Self::Confirmed,
            "disputed" => Self::Disputed,
            _ => Self::Failed,
        }
    }
}

impl std::fmt::Display for Confirmation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
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
    /// [`Confirmation::Pending`] queues a confirmation job in the same
    /// transaction (the receiver sets it for terminal callbacks when a confirmer
    /// is configured); anything else is stored as [`Confirmation::NotRequested`].
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

    /// How far the callback is trusted as it arrives: signed or unsigned.
    pub fn trust(&self) -> Trust {
        if self.signed {
            Trust::Signed
        } else {
            Trust::Unsigned
        }
    }

    /// The confirmation state to store: pending only for a terminal callback.
    pub fn stored_confirmation(&self) -> Confirmation {
        if self.terminal && self.confirmation == Confirmation::Pending {
            Confirmation::Pending
        } else {
            Confirmation::NotRequested
        }
    }

    /// The headers as the JSON text the stores keep.
    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    pub(crate) fn headers_json(&self) -> String {
        // Sized once: `["name","value"],` per header, escapes aside.
        let size = self
            .headers
            .iter()
            .map(|(n, v)| n.len() + v.len() + 6)
            .sum::<usize>()
            + 2;
        let mut out = Vec::with_capacity(size);
        match serde_json::to_writer(&mut out, &self.headers) {
            Ok(()) => String::from_utf8(out).unwrap_or_else(|_| "[]".to_owned()),
            Err(_) => "[]".to_owned(),
        }
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
    /// The outcome event written with a new record (its cursor), `None` for a repeat.
    pub event: Option<i64>,
    /// Whether this delivery queued a confirmation job (a new terminal callback,
    /// or a repeat of one whose confirmation had failed).
    pub queued: bool,
}

impl Recorded {
    /// The result of a store of your own: row `id`, delivered `deliveries` times
    /// (1 for a new record), with outcome event `event`.
    pub fn new(id: i64, deliveries: u64, event: Option<i64>) -> Self {
        Self {
            id,
            deliveries,
            event,
            queued: false,
        }
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
    /// Where its confirmation stands.
    pub confirmation: Confirmation,
    /// How far it is trusted: unsigned, signed, or confirmed by record-info.
    pub trust: Trust,
    /// Why the confirmation disputed the body or failed, when it did.
    pub confirm_note: Option<String>,
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
        let confirmation = callback.stored_confirmation();
        let trust = callback.trust();
        Self {
            id,
            family: callback.family.as_str().to_owned(),
            task_id: callback.task_id,
            stage: callback.stage,
            code: callback.code,
            success: callback.success,
            terminal: callback.terminal,
            confirmation,
            trust,
            confirm_note: None,
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
    /// Confirmation jobs waiting (the backlog).
    pub pending_confirmations: u64,
    /// When the oldest waiting confirmation's callback arrived, Unix ms (the lag).
    pub oldest_pending_ms: Option<i64>,
    /// Outcome events (the stream's length).
    pub outcome_events: u64,
}

impl StoreStats {
    /// Counters of a store of your own.
    pub fn new(callbacks: u64, deliveries: u64, submitted: u64) -> Self {
        Self {
            callbacks,
            deliveries,
            submitted,
            pending_confirmations: 0,
            oldest_pending_ms: None,
            outcome_events: 0,
        }
    }
}

/// Whether a header name may hold a secret and so must not be stored.
///
/// Drops credentials and cookies by name, and any name mentioning a key, token,
/// secret, password or session. The webhook signature and timestamp are kept:
/// a signature is not a secret.
pub fn is_secret_header(name: &str) -> bool {
    // `HeaderMap` names are lowercase already: lowered (a copy) only when not.
    let lowered;
    let n = if name.bytes().any(|b| b.is_ascii_uppercase()) {
        lowered = name.to_ascii_lowercase();
        lowered.as_str()
    } else {
        name
    };
    // The headers every delivery carries, answered without the substring scan.
    if matches!(
        n,
        SIGNATURE_HEADER
            | TIMESTAMP_HEADER
            | "host"
            | "content-type"
            | "content-length"
            | "accept"
            | "accept-encoding"
            | "user-agent"
            | "connection"
    ) {
        return false;
    }
    matches!(
        n,
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
