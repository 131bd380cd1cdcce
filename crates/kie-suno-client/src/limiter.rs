//! The client-side limiter for new generation requests (documented: 20 per 10 s
//! per account), a sliding window shared by every clone of a client.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::Clock;

/// A rate limit: at most [`max_requests`](Self::max_requests) starts in any
/// window of [`window`](Self::window).
///
/// ```
/// use std::time::Duration;
/// use kie_suno_client::RateLimit;
/// let limit = RateLimit::default().with_max_requests(10);
/// assert_eq!(limit.max_requests(), 10);
/// assert_eq!(limit.window(), Duration::from_secs(10));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    pub(crate) max_requests: u32,
    pub(crate) window: Duration,
}

impl RateLimit {
    /// The documented account limit: 20 new generation requests per 10 seconds.
    pub const DOCUMENTED: RateLimit = RateLimit {
        max_requests: 20,
        window: Duration::from_secs(10),
    };

    /// At most `max_requests` (at least 1) per `window`.
    pub fn new(max_requests: u32, window: Duration) -> Self {
        Self {
            max_requests: max_requests.max(1),
            window,
        }
    }

    /// Sets the requests allowed per window (at least 1). Default: 20.
    pub fn with_max_requests(mut self, max_requests: u32) -> Self {
        self.max_requests = max_requests.max(1);
        self
    }

    /// Sets the window. Default: 10 s.
    pub fn with_window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// Requests allowed per window.
    pub fn max_requests(&self) -> u32 {
        self.max_requests
    }

    /// The window.
    pub fn window(&self) -> Duration {
        self.window
    }
}

impl Default for RateLimit {
    /// [`RateLimit::DOCUMENTED`]: 20 per 10 s.
    fn default() -> Self {
        Self::DOCUMENTED
    }
}

/// A sliding-window log: the start instants of the last `max_requests` admissions.
///
/// The client keeps one for its task-creating calls. A caller that must do
/// something just before each admitted request leaves (write a ledger entry) builds
/// its own, with the client's own limiter off (`rate_limit(None)`):
///
/// ```
/// # async fn f() {
/// use std::time::Duration;
/// use kie_suno_client::{Limiter, RateLimit, TokioClock};
/// let limiter = Limiter::new(RateLimit::new(2, Duration::from_millis(50)));
/// let clock = TokioClock;
/// limiter.acquire(&clock).await;
/// limiter.acquire(&clock).await; // both at once
/// assert!(limiter.acquire(&clock).await > Duration::ZERO); // the third waits
/// # }
/// ```
#[derive(Debug)]
pub struct Limiter {
    limit: RateLimit,
    starts: Mutex<VecDeque<Instant>>,
}

impl Limiter {
    /// A limiter with nothing admitted yet.
    pub fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            starts: Mutex::new(VecDeque::with_capacity(limit.max_requests as usize)),
        }
    }

    /// The limit.
    pub fn limit(&self) -> RateLimit {
        self.limit
    }

    /// Admits now, or tells how long to wait before trying again.
    fn try_admit(&self, now: Instant) -> Result<(), Duration> {
        let mut starts = self.starts.lock().unwrap_or_else(PoisonError::into_inner);
        while let Some(&first) = starts.front() {
            if now.saturating_duration_since(first) >= self.limit.window {
                starts.pop_front();
            } else {
                break;
            }
        }
        if starts.len() < self.limit.max_requests as usize {
            starts.push_back(now);
            return Ok(());
        }
        let first = starts.front().copied().unwrap_or(now);
        Err((first + self.limit.window).saturating_duration_since(now))
    }

    /// Waits until a request may start; returns how long it waited.
    pub async fn acquire(&self, clock: &dyn Clock) -> Duration {
        let mut waited = Duration::ZERO;
        loop {
            match self.try_admit(clock.now()) {
                Ok(()) => return waited,
                Err(wait) => {
                    let wait = wait.max(Duration::from_millis(1));
                    tracing::debug!(?wait, "client-side rate limit reached, waiting");
                    clock.sleep(wait).await;
                    waited += wait;
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap
mod tests {
    use super::*;

    #[test]
    fn window_admits_max_then_refuses_until_the_first_expires() {
        let l = Limiter::new(RateLimit::new(3, Duration::from_secs(10)));
        let t0 = Instant::now();
        for i in 0..3 {
            assert!(l.try_admit(t0 + Duration::from_secs(i)).is_ok());
        }
        assert_eq!(
            l.try_admit(t0 + Duration::from_secs(4)),
            Err(Duration::from_secs(6))
        );
        assert!(l.try_admit(t0 + Duration::from_secs(10)).is_ok());
        assert!(l.try_admit(t0 + Duration::from_secs(10)).is_err());
    }
}
