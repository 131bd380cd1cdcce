//! Integration tests of kie-suno-client against wiremock servers on 127.0.0.1.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;
mod config;
mod errors;
mod files;
mod limiter;
mod lyrics;
mod media;
mod music;
mod raw;
mod retry;
mod secrets;
mod sounds;
mod support;
mod wait;
