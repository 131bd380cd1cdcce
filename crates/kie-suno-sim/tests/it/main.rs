//! Integration tests of the simulator, over real sockets on 127.0.0.1:0 with reqwest.
//!
//! Every test runs on tokio's paused clock (`#[tokio::test(start_paused = true)]`):
//! task timers, callback backoffs and timeouts, rate-limit windows and the helpers'
//! polling all run on simulated time, which jumps to the next timer whenever the
//! runtime is idle. Loopback I/O completes without the clock moving, so a timing
//! assertion measures the simulator, never the machine's speed.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod auth;
mod callbacks;
mod counts;
mod credits;
mod enums;
mod exception;
mod faults;
mod inherit;
mod lifecycle;
mod lyrics;
mod media;
mod music;
mod numbers;
mod rate_limit;
mod retention;
mod router;
mod seed;
mod snapshots;
mod sounds;
mod support;
mod uploads;
mod urls;
mod validation;
