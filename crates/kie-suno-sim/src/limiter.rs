//! The sliding-window limiter behind `SimConfig::rate_limit` (per account) and
//! `SimConfig::poll_limit` (per task). It reads tokio's clock, so a test on a paused
//! clock moves the window with simulated time.

use std::collections::VecDeque;
use std::sync::Mutex;

use tokio::time::Instant;

use crate::config::SimRateLimit;
use crate::sync::lock;

/// The admission times still inside the window.
#[derive(Debug, Default)]
pub(crate) struct Window(Mutex<VecDeque<Instant>>);

impl Window {
    /// True (and recorded) when fewer than `limit.max_requests` calls were admitted
    /// within the last `limit.window`.
    pub(crate) fn admit(&self, limit: SimRateLimit) -> bool {
        let now = Instant::now();
        let mut window = lock(&self.0);
        while window
            .front()
            .is_some_and(|t| now.duration_since(*t) >= limit.window)
        {
            window.pop_front();
        }
        if window.len() >= limit.max_requests as usize {
            return false;
        }
        window.push_back(now);
        true
    }
}
