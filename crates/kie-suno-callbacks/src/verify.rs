//! KIE's webhook signature scheme as pure functions: [`verify`] over raw bytes and
//! headers, [`signed_headers`] for simulators and tests (the one signer is
//! `kie_suno_types::signature`), and the key set ([`Keys`]) with its replay window.
//!
//! The scheme (04-webhook-verification): `X-Webhook-Signature =
//! base64(HMAC-SHA256(key = the key's UTF-8 bytes, message = task_id + "." +
//! X-Webhook-Timestamp))`, standard Base64 with padding. The body is **not**
//! covered by the signature; see [`crate::Confirmer`] for the remedy.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderName, HeaderValue};
pub use kie_suno_types::signature::{sign, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use kie_suno_types::signature::{Signer, SIGNATURE_LEN};
use kie_suno_types::{callback_key, CallbackKey, KeyError, TaskId};
use secrecy::{ExposeSecret, SecretString};
use subtle::{Choice, ConstantTimeEq};

use crate::error::Error;
use crate::rejection::Rejection;

/// The default replay window, both into the past and into the future: 300 s.
/// KIE documents none; this is our choice.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(300);

/// The webhook HMAC keys accepted at once (several during a rotation) and the
/// replay window.
///
/// Keys are held as keyed HMAC states only; `Debug` prints `[redacted]`.
#[derive(Clone)]
pub struct Keys {
    keys: Vec<Signer>,
    max_age: Duration,
    max_future: Duration,
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keys")
            .field("keys", &format_args!("[redacted; {}]", self.keys.len()))
            .field("max_age", &self.max_age)
            .field("max_future", &self.max_future)
            .finish()
    }
}

impl Default for Keys {
    fn default() -> Self {
        Self::none()
    }
}

impl Keys {
    /// No keys: verification is off (the receiver warns loudly at start).
    pub fn none() -> Self {
        Self {
            keys: Vec::new(),
            max_age: DEFAULT_WINDOW,
            max_future: DEFAULT_WINDOW,
        }
    }

    /// The given keys, each taken as its UTF-8 bytes (KIE does not hex- or
    /// Base64-decode the console key). Fails on an empty key.
    pub fn new<I>(keys: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = SecretString>,
    {
        let mut out = Self::none();
        for k in keys {
            out.add(&k)?;
        }
        Ok(out)
    }

    /// Adds one more accepted key (for a rotation: old and new at once).
    pub fn add(&mut self, key: &SecretString) -> Result<(), Error> {
        let bytes = key.expose_secret().as_bytes();
        if bytes.is_empty() {
            return Err(Error::InvalidKey("the key is empty"));
        }
        self.keys.push(Signer::new(bytes));
        Ok(())
    }

    /// Sets how old (and how far in the future) a timestamp may be.
    /// Default: 300 s both ways.
    pub fn with_window(mut self, window: Duration) -> Self {
        self.max_age = window;
        self.max_future = window;
        self
    }

    /// Sets how old a timestamp may be. Default: 300 s.
    pub fn with_max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age;
        self
    }

    /// Sets how far in the future a timestamp may be (clock skew). Default: 300 s.
    pub fn with_max_future(mut self, max_future: Duration) -> Self {
        self.max_future = max_future;
        self
    }

    /// Whether no key is configured (verification off).
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// How many keys are accepted.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// The maximum accepted age of a timestamp.
    pub fn max_age(&self) -> Duration {
        self.max_age
    }

    /// The maximum accepted distance of a timestamp into the future.
    pub fn max_future(&self) -> Duration {
        self.max_future
    }
}

/// A verified request: the callback key read from the body and the signed
/// timestamp.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verified {
    /// Task id, stage and code read from the body (the task id is the signed one).
    pub key: CallbackKey,
    /// The `X-Webhook-Timestamp` value, Unix seconds.
    pub timestamp: u64,
    /// Which configured key matched (0-based, in the order added).
    pub key_index: usize,
}

/// Why a request failed verification. Kept for logs; callers only ever see a
/// generic 401 (or 400 / 422 for a body that has no readable task id):
/// [`VerifyError::rejection`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// No key is configured: nothing can be verified.
    #[error("no webhook key is configured")]
    NoKeys,
    /// `X-Webhook-Timestamp` is absent.
    #[error("missing x-webhook-timestamp header")]
    MissingTimestamp,
    /// `X-Webhook-Signature` is absent.
    #[error("missing x-webhook-signature header")]
    MissingSignature,
    /// A signature header appears more than once.
    #[error("duplicate {0} header")]
    DuplicateHeader(&'static str),
    /// The timestamp is not a plain decimal number of seconds.
    #[error("malformed x-webhook-timestamp header")]
    MalformedTimestamp,
    /// The timestamp is older than the replay window allows.
    #[error("timestamp is {age_secs} s old, the window is {max_secs} s")]
    Stale {
        /// How old it is.
        age_secs: u64,
        /// The limit.
        max_secs: u64,
    },
    /// The timestamp is further in the future than allowed.
    #[error("timestamp is {ahead_secs} s in the future, the limit is {max_secs} s")]
    Future {
        /// How far ahead it is.
        ahead_secs: u64,
        /// The limit.
        max_secs: u64,
    },
    /// The body is not JSON, so no task id can be read from it.
    #[error("body is not json")]
    BodySyntax(#[source] KeyError),
    /// The body is JSON, but not of the callback envelope's shape (`null`, an
    /// array, a number where the task id belongs, ...).
    #[error("body is not a json callback envelope")]
    BodyShape(#[source] KeyError),
    /// The body has no task id in any documented place.
    #[error("body has no task id")]
    MissingTaskId,
    /// No configured key produces the given signature.
    #[error("signature does not match")]
    Mismatch,
}

impl VerifyError {
    /// What the receiver answers for this failure: 400 for a body that is not
    /// JSON, 422 for JSON that is no callback or has no task id, 401 for every
    /// signature problem (the reason is for logs only).
    pub fn rejection(&self) -> Rejection {
        match self {
            Self::BodySyntax(_) => Rejection::MalformedJson,
            Self::BodyShape(_) | Self::MissingTaskId => Rejection::InvalidCallback,
            _ => Rejection::Unauthorized,
        }
    }
}

/// Reads the callback key (task id, stage, code) from a raw body, as [`verify`]
/// does before it checks the signature. A body without a readable key is
/// [`VerifyError::BodySyntax`] (not JSON), [`VerifyError::BodyShape`] (JSON of
/// another shape) or [`VerifyError::MissingTaskId`]; the second look at the body
/// that tells the first two apart runs only on this error path.
pub(crate) fn read_key(body: &[u8]) -> Result<CallbackKey, VerifyError> {
    callback_key(body).map_err(|e| match e {
        KeyError::MissingTaskId => VerifyError::MissingTaskId,
        other if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok() => {
            VerifyError::BodyShape(other)
        }
        other => VerifyError::BodySyntax(other),
    })
}

/// The two headers KIE sends for a signed callback, ready to attach to a request.
pub fn signed_headers(
    key: &SecretString,
    task_id: &TaskId,
    timestamp: u64,
) -> [(HeaderName, HeaderValue); 2] {
    let sig = sign(key.expose_secret().as_bytes(), task_id.as_str(), timestamp);
    [
        (
            HeaderName::from_static(TIMESTAMP_HEADER),
            HeaderValue::from(timestamp),
        ),
        (
            HeaderName::from_static(SIGNATURE_HEADER),
            // Base64 is always a valid header value.
            HeaderValue::from_str(&sig).unwrap_or(HeaderValue::from_static("")),
        ),
    ]
}

fn single<'a>(
    headers: &'a HeaderMap,
    name: &'static str,
) -> Result<Option<&'a HeaderValue>, VerifyError> {
    let mut all = headers.get_all(name).iter();
    let first = all.next();
    if all.next().is_some() {
        return Err(VerifyError::DuplicateHeader(name));
    }
    Ok(first)
}

/// Verifies a callback request against KIE's scheme.
///
/// Checks, in order: both headers present (names case-insensitive, each once),
/// the timestamp is plain decimal seconds within the replay window around `now`,
/// the body has a task id (`data.task_id`, else `data.taskId`, else `taskId`),
/// and some configured key yields the signature (constant-time comparison of the
/// Base64 text, every key tried).
pub fn verify(
    body: &[u8],
    headers: &HeaderMap,
    keys: &Keys,
    now: SystemTime,
) -> Result<Verified, VerifyError> {
    verify_with(headers, keys, now, || read_key(body))
}

/// [`verify`] for a body whose key the caller has already read (as
/// [`read_key`] would have): the same checks in the same order, the body not
/// read again.
#[cfg(feature = "router")]
pub(crate) fn verify_key(
    key: CallbackKey,
    headers: &HeaderMap,
    keys: &Keys,
    now: SystemTime,
) -> Result<Verified, VerifyError> {
    verify_with(headers, keys, now, || Ok(key))
}

fn verify_with(
    headers: &HeaderMap,
    keys: &Keys,
    now: SystemTime,
    read: impl FnOnce() -> Result<CallbackKey, VerifyError>,
) -> Result<Verified, VerifyError> {
    if keys.is_empty() {
        return Err(VerifyError::NoKeys);
    }
    let ts_value = single(headers, TIMESTAMP_HEADER)?.ok_or(VerifyError::MissingTimestamp)?;
    let sig_value = single(headers, SIGNATURE_HEADER)?.ok_or(VerifyError::MissingSignature)?;

    let ts_text = ts_value
        .to_str()
        .map_err(|_| VerifyError::MalformedTimestamp)?;
    if ts_text.is_empty() || ts_text.len() > 19 || !ts_text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(VerifyError::MalformedTimestamp);
    }
    let timestamp: u64 = ts_text
        .parse()
        .map_err(|_| VerifyError::MalformedTimestamp)?;

    let now_secs = now
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    if timestamp <= now_secs {
        let age = now_secs - timestamp;
        if age > keys.max_age.as_secs() {
            return Err(VerifyError::Stale {
                age_secs: age,
                max_secs: keys.max_age.as_secs(),
            });
        }
    } else {
        let ahead = timestamp - now_secs;
        if ahead > keys.max_future.as_secs() {
            return Err(VerifyError::Future {
                ahead_secs: ahead,
                max_secs: keys.max_future.as_secs(),
            });
        }
    }

    let key = read()?;

    let given = sig_value.as_bytes();
    let mut matched = Choice::from(0u8);
    let mut key_index = usize::MAX;
    let mut expected = [0u8; SIGNATURE_LEN];
    for (i, signer) in keys.keys.iter().enumerate() {
        let written = signer.sign_text_into(key.task_id.as_str(), ts_text, &mut expected);
        // `ct_eq` on slices returns false early only on a length difference,
        // which reveals nothing about the key.
        let eq = expected[..written].ct_eq(given);
        if bool::from(eq & !matched) {
            key_index = i;
        }
        matched |= eq;
    }
    if bool::from(matched) {
        Ok(Verified {
            key,
            timestamp,
            key_index,
        })
    } else {
        Err(VerifyError::Mismatch)
    }
}
