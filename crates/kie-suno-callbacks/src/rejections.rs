//! Why requests were refused, counted: [`Reason`] (a stable label per cause,
//! finer than the [`Rejection`] the sender sees) and [`Rejections`], a snapshot
//! of lock-free counters the receiver keeps per reason.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::rejection::Rejection;
use crate::verify::VerifyError;

macro_rules! reasons {
    ($($(#[$doc:meta])* $variant:ident = $label:literal => $rejection:ident,)*) => {
        /// Why the receiver refused a request: one stable label per cause
        /// ([`Reason::as_str`], for metrics), each answered with one
        /// [`Rejection`] ([`Reason::rejection`]). Several reasons share a
        /// rejection: the sender never learns which signature check failed.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Reason {
            $($(#[$doc])* $variant,)*
        }

        impl Reason {
            /// Every reason, in label order of declaration.
            pub const ALL: &'static [Reason] = &[$(Self::$variant,)*];

            /// The stable label, e.g. `signature_stale`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $label,)*
                }
            }

            /// What the sender is answered.
            pub fn rejection(self) -> Rejection {
                match self {
                    $(Self::$variant => Rejection::$rejection,)*
                }
            }
        }
    };
}

reasons! {
    /// 404: no family at this path.
    UnknownFamily = "unknown_family" => UnknownFamily,
    /// 405: not `POST`.
    MethodNotAllowed = "method_not_allowed" => MethodNotAllowed,
    /// 413: declared or read body over the limit.
    PayloadTooLarge = "payload_too_large" => PayloadTooLarge,
    /// 408: the body did not arrive within the body read timeout.
    BodyTimeout = "body_timeout" => BodyTimeout,
    /// 503 + `Retry-After`: as many pipelines running as allowed.
    Overloaded = "overloaded" => Overloaded,
    /// 415: the content type is not `application/json`.
    UnsupportedMediaType = "unsupported_media_type" => UnsupportedMediaType,
    /// 415: a `Content-Encoding` other than `identity`.
    UnsupportedEncoding = "unsupported_content_encoding" => UnsupportedEncoding,
    /// 400: the body broke off.
    BodyUnreadable = "body_unreadable" => BodyUnreadable,
    /// 400: the body is not UTF-8.
    NotUtf8 = "not_utf8" => MalformedJson,
    /// 400: the body is not JSON.
    MalformedJson = "malformed_json" => MalformedJson,
    /// 400: arrays and objects nested deeper than [`crate::MAX_JSON_DEPTH`].
    JsonTooDeep = "json_too_deep" => JsonTooDeep,
    /// 401: a signature header is missing.
    SignatureMissing = "signature_missing" => Unauthorized,
    /// 401: a signature header is repeated, or the timestamp is not decimal seconds.
    SignatureMalformed = "signature_malformed" => Unauthorized,
    /// 401: the timestamp is older than the replay window.
    SignatureStale = "signature_stale" => Unauthorized,
    /// 401: the timestamp is too far in the future.
    SignatureFuture = "signature_future" => Unauthorized,
    /// 401: no configured key yields the signature.
    SignatureMismatch = "signature_mismatch" => Unauthorized,
    /// 422: JSON, but not a callback envelope.
    NotACallback = "not_a_callback" => InvalidCallback,
    /// 422: no task id in any documented place.
    MissingTaskId = "missing_task_id" => InvalidCallback,
    /// 422: the task id is too long or not printable ASCII.
    InvalidTaskId = "invalid_task_id" => InvalidTaskId,
    /// 422: not of the route's family's shape.
    InvalidCallback = "invalid_callback" => InvalidCallback,
    /// 422: the typed body names another task than the one read first.
    TaskIdMismatch = "task_id_mismatch" => InvalidCallback,
    /// 422: the body carries another family's fields.
    WrongFamily = "wrong_family" => WrongFamily,
    /// 403: a task this system did not submit (when that check is on).
    UnknownTask = "unknown_task" => UnknownTask,
    /// 422: the store refused the data itself ([`crate::Fault::Input`]).
    Unstorable = "unstorable" => Unstorable,
    /// 503: the store failed; KIE should retry.
    StoreUnavailable = "store_unavailable" => StoreUnavailable,
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl VerifyError {
    /// The counted reason for this failure.
    pub fn reason(&self) -> Reason {
        match self {
            Self::BodySyntax(_) => Reason::MalformedJson,
            Self::BodyShape(_) => Reason::NotACallback,
            Self::MissingTaskId => Reason::MissingTaskId,
            Self::MissingTimestamp | Self::MissingSignature | Self::NoKeys => {
                Reason::SignatureMissing
            }
            Self::DuplicateHeader(_) | Self::MalformedTimestamp => Reason::SignatureMalformed,
            Self::Stale { .. } => Reason::SignatureStale,
            Self::Future { .. } => Reason::SignatureFuture,
            Self::Mismatch => Reason::SignatureMismatch,
        }
    }
}

const N: usize = Reason::ALL.len();

/// The receiver's live counters: one relaxed atomic per reason.
#[derive(Debug)]
pub(crate) struct Counters([AtomicU64; N]);

impl Default for Counters {
    fn default() -> Self {
        Self(std::array::from_fn(|_| AtomicU64::new(0)))
    }
}

impl Counters {
    pub(crate) fn count(&self, reason: Reason) {
        self.0[reason as usize].fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> Rejections {
        Rejections(std::array::from_fn(|i| self.0[i].load(Ordering::Relaxed)))
    }
}

/// How many requests the receiver refused, per [`Reason`], since it was
/// built: a snapshot (`ReceiverState::rejections`), cheap to take (one relaxed
/// load per reason, no lock). Counters only grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rejections([u64; N]);

impl Rejections {
    /// The count for one reason.
    pub fn get(&self, reason: Reason) -> u64 {
        self.0[reason as usize]
    }

    /// Every reason with its count (zeros included), in [`Reason::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Reason, u64)> + '_ {
        Reason::ALL.iter().map(|&r| (r, self.get(r)))
    }

    /// All refused requests.
    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }
}

/// One warning per reason per interval; the rest are counted and reported
/// with the next one that gets through. Lock-free.
#[derive(Debug)]
struct Throttle {
    next_ms: AtomicU64,
    suppressed: AtomicU64,
}

/// What the router keeps per receiver to count and report rejections.
#[derive(Debug, Default)]
pub(crate) struct Watch {
    counters: Counters,
    throttles: Throttles,
}

#[derive(Debug)]
struct Throttles([Throttle; N]);

impl Default for Throttles {
    fn default() -> Self {
        Self(std::array::from_fn(|_| Throttle {
            next_ms: AtomicU64::new(0),
            suppressed: AtomicU64::new(0),
        }))
    }
}

/// At most one warning per reason per second.
const WARN_EVERY_MS: u64 = 1000;

impl Watch {
    /// Counts a rejection.
    pub(crate) fn count(&self, reason: Reason) {
        self.counters.count(reason);
    }

    /// The counters now.
    pub(crate) fn snapshot(&self) -> Rejections {
        self.counters.snapshot()
    }

    /// Whether a warning for `reason` may be logged now (`now_ms`, Unix ms):
    /// `Some(n)` with the number suppressed since the last one, else `None`.
    pub(crate) fn may_warn(&self, reason: Reason, now_ms: u64) -> Option<u64> {
        let t = &self.throttles.0[reason as usize];
        let next = t.next_ms.load(Ordering::Relaxed);
        if now_ms >= next
            && t.next_ms
                .compare_exchange(
                    next,
                    now_ms.saturating_add(WARN_EVERY_MS),
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                )
                .is_ok()
        {
            Some(t.suppressed.swap(0, Ordering::Relaxed))
        } else {
            t.suppressed.fetch_add(1, Ordering::Relaxed);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_unique_snake_case_and_counts_add_up() {
        let mut labels: Vec<_> = Reason::ALL.iter().map(|r| r.as_str()).collect();
        assert!(labels.iter().all(|l| l
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')));
        labels.sort_unstable();
        labels.dedup();
        assert_eq!(labels.len(), Reason::ALL.len());
        let w = Watch::default();
        w.count(Reason::SignatureStale);
        w.count(Reason::SignatureStale);
        w.count(Reason::JsonTooDeep);
        let s = w.snapshot();
        assert_eq!(
            (
                s.get(Reason::SignatureStale),
                s.get(Reason::JsonTooDeep),
                s.total()
            ),
            (2, 1, 3)
        );
        assert_eq!(s.iter().count(), Reason::ALL.len());
    }

    #[test]
    fn one_warning_per_reason_per_second_reports_the_suppressed() {
        let w = Watch::default();
        assert_eq!(w.may_warn(Reason::SignatureMismatch, 10_000), Some(0));
        assert_eq!(w.may_warn(Reason::SignatureMismatch, 10_001), None);
        assert_eq!(w.may_warn(Reason::SignatureMismatch, 10_999), None);
        // Another reason has its own budget.
        assert_eq!(w.may_warn(Reason::SignatureStale, 10_500), Some(0));
        assert_eq!(w.may_warn(Reason::SignatureMismatch, 11_000), Some(2));
        assert_eq!(w.may_warn(Reason::SignatureMismatch, 11_001), None);
    }
}
