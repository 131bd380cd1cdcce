//! Integration tests of the simulator, over real sockets on 127.0.0.1:0 with reqwest.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod auth;
mod callbacks;
mod counts;
mod credits;
mod faults;
mod lifecycle;
mod lyrics;
mod media;
mod music;
mod rate_limit;
mod router;
mod snapshots;
mod support;
mod uploads;
mod validation;
