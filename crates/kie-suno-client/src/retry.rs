//! Retry policy: which failures are retried, full-jitter exponential backoff,
//! `Retry-After`, bounded attempts and a total deadline.

use std::time::{Duration, SystemTime};

use http::HeaderMap;
use rand::Rng;

use crate::ClientError;

/// How failed requests are retried.
///
/// What is retried (see the crate docs for the full rule):
/// - reads (GET) and non-billing POSTs (download URL, file uploads, timestamped
///   lyrics): transport errors, timeouts, transient server errors (5xx, 408),
///   rate limiting and maintenance;
/// - task-creating POSTs ([`Endpoint::creates_task`](kie_suno_types::Endpoint::creates_task)):
///   only when the server explicitly refused the request (a rate-limit code) or
///   the connection failed before anything was sent. Never after a timeout, a 5xx
///   or a dropped connection: the task may exist and be billed.
///
/// The delay before retry `n` (1-based) is drawn uniformly from
/// `[0, min(max_backoff, initial_backoff * 2^(n-1))]` ("full jitter"); a
/// `Retry-After` from the server replaces it (capped by `max_retry_after`). No
/// retry starts once it would end past `total_deadline`.
///
/// ```
/// use std::time::Duration;
/// use kie_suno_client::RetryPolicy;
/// let policy = RetryPolicy::default()
///     .with_max_attempts(5)
///     .with_backoff(Duration::from_millis(200), Duration::from_secs(5));
/// assert_eq!(policy.max_attempts(), 5);
/// assert_eq!(policy.total_deadline(), Duration::from_secs(120));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) initial_backoff: Duration,
    pub(crate) max_backoff: Duration,
    pub(crate) max_retry_after: Duration,
    pub(crate) total_deadline: Duration,
}

impl Default for RetryPolicy {
    /// 3 attempts, backoff ceilings from 500 ms up to 10 s, `Retry-After` honoured
    /// up to 60 s, 120 s per call.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
            total_deadline: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// The defaults (see [`Default`](#impl-Default-for-RetryPolicy)).
    pub fn new() -> Self {
        Self::default()
    }

    /// A policy that never retries (the defaults with one attempt).
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets the number of attempts, the first included; at least 1 (1 disables
    /// retries). Default: 3.
    pub fn with_max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// Sets the backoff ceiling of the first retry and the largest one (at least
    /// `initial`). Default: 500 ms and 10 s.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Sets the time budget of one call, retries and their sleeps included.
    /// Default: 120 s.
    pub fn with_total_deadline(mut self, deadline: Duration) -> Self {
        self.total_deadline = deadline;
        self
    }

    /// Sets the longest `Retry-After` honoured; a longer one ends the retries.
    /// Default: 60 s.
    pub fn with_max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// Attempts in all, the first included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Backoff ceiling of the first retry.
    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// Largest backoff ceiling.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// Longest `Retry-After` honoured.
    pub fn max_retry_after(&self) -> Duration {
        self.max_retry_after
    }

    /// Time budget of one call, retries and their sleeps included.
    pub fn total_deadline(&self) -> Duration {
        self.total_deadline
    }

    /// The backoff ceiling before retry `retry` (1-based).
    pub fn ceiling(&self, retry: u32) -> Duration {
        let shift = retry.saturating_sub(1).min(31);
        self.initial_backoff
            .saturating_mul(1u32 << shift)
            .min(self.max_backoff)
    }

    /// The delay before retry `retry` (1-based), or `None` when the server asked
    /// for a longer wait than `max_retry_after`.
    pub(crate) fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Option<Duration> {
        if let Some(ra) = retry_after {
            return (ra <= self.max_retry_after).then_some(ra);
        }
        let ceiling = self.ceiling(retry);
        if ceiling.is_zero() {
            return Some(Duration::ZERO);
        }
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Some(Duration::from_nanos(
            rand::thread_rng().gen_range(0..=nanos),
        ))
    }
}

/// Whether a failed attempt may be repeated.
pub(crate) fn may_retry(creates_task: bool, err: &ClientError) -> bool {
    if creates_task {
        // Billed and without an idempotency key: only when the request certainly
        // did not start a task.
        matches!(err, ClientError::RateLimited(_)) || err.is_connect()
    } else {
        err.is_retryable()
    }
}

/// Reads `Retry-After`: delay-seconds or an HTTP date.
pub(crate) fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    let raw = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = raw.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(raw).ok()?;
    let when: SystemTime = when.into();
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap
mod tests {
    use super::*;

    #[test]
    fn ceilings_grow_and_cap() {
        let p = RetryPolicy::default();
        assert_eq!(p.ceiling(1), Duration::from_millis(500));
        assert_eq!(p.ceiling(2), Duration::from_secs(1));
        assert_eq!(p.ceiling(3), Duration::from_secs(2));
        assert_eq!(p.ceiling(40), Duration::from_secs(10));
    }

    #[test]
    fn delays_stay_within_the_ceiling() {
        let p = RetryPolicy::default();
        for retry in 1..6 {
            for _ in 0..50 {
                let d = p.delay(retry, None).unwrap();
                assert!(d <= p.ceiling(retry), "{d:?} > {:?}", p.ceiling(retry));
            }
        }
    }

    #[test]
    fn retry_after_replaces_backoff_and_is_capped() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(7))),
            Some(Duration::from_secs(7))
        );
        assert_eq!(p.delay(1, Some(Duration::from_secs(61))), None);
    }

    #[test]
    fn retry_after_parses_seconds_and_dates() {
        let mut h = HeaderMap::new();
        h.insert(http::header::RETRY_AFTER, "12".parse().unwrap());
        assert_eq!(parse_retry_after(&h), Some(Duration::from_secs(12)));
        h.insert(
            http::header::RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(parse_retry_after(&h), Some(Duration::ZERO));
        h.insert(http::header::RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(parse_retry_after(&h), None);
    }
}
