//! Test support for the kie-suno workspace (the crate docs are the README below).
#![doc = include_str!("../README.md")]

pub mod fixtures;
pub mod logs;
pub mod metrics;
pub mod pg;
pub mod signed;
pub mod slow;

pub use fixtures::{lyrics_body, CallbackTemplate, DOC_TASK, LYRICS_FAILURE, LYRICS_SUCCESS};
pub use logs::LogBuffer;
pub use signed::{now_secs, signature_headers, SignedCallback};
pub use slow::SlowClients;
