//! `SimClock`: where the simulator's wall-clock times come from (`X-Webhook-Timestamp`,
//! `createTime`, upload times, download-link expiry), injectable for tests. Task
//! timers and rate-limit windows run on tokio's clock instead.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};

/// A source of wall-clock time, injectable so signatures and timestamps are
/// reproducible in tests.
#[derive(Clone)]
pub struct SimClock(Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>);

impl SimClock {
    /// The system clock.
    pub fn system() -> Self {
        Self(Arc::new(Utc::now))
    }

    /// A clock stopped at `unix_seconds`.
    pub fn fixed(unix_seconds: i64) -> Self {
        let at = Utc
            .timestamp_opt(unix_seconds, 0)
            .single()
            .unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
        Self(Arc::new(move || at))
    }

    /// A clock reading a function.
    pub fn from_fn(f: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Self {
        Self(Arc::new(f))
    }

    /// The current time.
    pub fn now(&self) -> DateTime<Utc> {
        (self.0)()
    }
}

impl Default for SimClock {
    fn default() -> Self {
        Self::system()
    }
}

impl fmt::Debug for SimClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SimClock")
    }
}
