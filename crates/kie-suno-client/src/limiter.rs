//! The client-side limiter for new generation requests (documented: 20 per 10 s
//! per account), a sliding window shared by every clone of a client.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::Clock;

/// A rate limit: at most `max_requests` starts in any window of `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per window. Default: 20.
    pub max_requests: u32,
    /// The window. Default: 10 s.
    pub per: Duration,
}

impl RateLimit {
    /// The documented account limit: 20 new generation requests per 10 seconds.
    pub const DOCUMENTED: RateLimit = RateLimit {
        max_requests: 20,
        per: Duration::from_secs(10),
    };

    /// At most `max_requests` (at least 1) per `per`.
    pub fn new(max_requests: u32, per: Duration) -> Self {
        Self {
            max_requests: max_requests.max(1),
            per,
        }
    }
}

impl Default for RateLimit {
    fn default() -> Self {
        Self::DOCUMENTED
    }
}

/// A sliding-window log: the start instants of the last `max_requests` admissions.
#[derive(Debug)]
pub(crate) struct Limiter {
    limit: RateLimit,
    starts: Mutex<VecDeque<Instant>>,
}

impl Limiter {
    pub(crate) fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            starts: Mutex::new(VecDeque::with_capacity(limit.max_requests as usize)),
        }
    }

    /// Admits now, or tells how long to wait before trying again.
    fn try_admit(&self, now: Instant) -> Result<(), Duration> {
        let mut starts = self.starts.lock().unwrap_or_else(PoisonError::into_inner);
        while let Some(&first) = starts.front() {
            if now.saturating_duration_since(first) >= self.limit.per {
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
        Err((first + self.limit.per).saturating_duration_since(now))
    }

    /// Waits until a request may start; returns how long it waited.
    pub(crate) async fn acquire(&self, clock: &dyn Clock) -> Duration {
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
