//! An async client for the KIE.AI Suno API (the crate docs are the README below).
#![doc = include_str!("../README.md")]

mod client;
mod clock;
mod common;
mod envelope;
mod error;
mod files;
mod limiter;
mod lyrics;
mod media;
mod music;
mod raw;
mod retry;
mod sounds;
mod wait;

pub use client::{
    Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_UPLOAD_BASE_URL, ENV_API_KEY, ENV_BASE_URL,
    ENV_UPLOAD_BASE_URL,
};
pub use clock::{Clock, FakeClock, TokioClock};
pub use error::{
    ApiError, ClientError, ConfigError, DecodeError, Result, TaskFailure, BODY_EXCERPT_BYTES,
};
pub use files::{Files, StreamUpload};
pub use limiter::{Limiter, RateLimit};
pub use lyrics::{Lyrics, LyricsOutcome};
pub use media::{Media, MediaTask};
pub use music::{Music, MusicOutcome};
pub use raw::Raw;
pub use retry::RetryPolicy;
pub use sounds::Sounds;
pub use wait::{MusicStage, Signal, WaitOptions, MIN_POLL_INTERVAL};

/// The wire types this client speaks, re-exported.
pub use kie_suno_types as types;
/// The HTTP client underneath, re-exported for [`ClientBuilder::http_client`] and
/// streamed upload bodies.
pub use reqwest;
