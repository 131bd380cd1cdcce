//! A stateful simulator of the KIE.AI Suno API (the crate docs are the README below).
#![doc = include_str!("../README.md")]

mod auth;
mod clock;
mod config;
mod delivery;
mod dice;
mod error;
mod files;
mod ids;
mod keywords;
mod lifecycle;
mod limiter;
mod lyricsgen;
mod records;
mod routes;
mod server;
mod state;
mod stats;
mod sync;
mod task;

pub use clock::SimClock;
pub use config::{
    Auth, CallbackPolicy, Costs, ErrorStatus, Faults, Retention, SimConfig, SimRateLimit, Timing,
};
pub use error::SimError;
/// KIE's webhook signature (the one implementation, from the types crate).
pub use kie_suno_types::signature::{sign, SIGNATURE_HEADER, TIMESTAMP_HEADER};
pub use routes::router;
pub use server::{serve, serve_with_shutdown, SimHandle, Simulator};
pub use state::SimState;
pub use stats::{Delivery, DeliveryOutcome, Stats, DELIVERY_LOG_MAX};
