//! Wall-clock milliseconds, as the stores keep them (`received_at_ms`, `submitted_ms`).

use std::time::{SystemTime, UNIX_EPOCH};

/// `t` as milliseconds since the Unix epoch (0 before it, saturating far after it).
pub(crate) fn system_ms(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Now, as milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    system_ms(SystemTime::now())
}
