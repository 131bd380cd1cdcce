//! A stateful simulator of the KIE.AI Suno API (the crate docs are the README below).
#![doc = include_str!("../README.md")]

mod api;
mod config;
mod delivery;
mod error;
mod files;
mod keywords;
mod lyricsgen;
mod records;
mod server;
mod state;
mod stats;
mod uploads;

pub use api::router;
pub use config::{
    Auth, CallbackPolicy, Costs, ErrorStatus, Faults, SimClock, SimConfig, SimRateLimit, Timing,
};
pub use error::SimError;
/// KIE's webhook signature (the one implementation, from the types crate).
pub use kie_suno_types::signature::{sign, SIGNATURE_HEADER, TIMESTAMP_HEADER};
pub use server::{serve, serve_with_shutdown, SimHandle, Simulator};
pub use state::SimState;
pub use stats::{Delivery, DeliveryOutcome, Stats, DELIVERY_LOG_MAX};
