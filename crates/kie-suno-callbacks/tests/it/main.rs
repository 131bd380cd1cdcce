//! The one integration-test binary of kie-suno-callbacks.

// Tests may unwrap (preamble): a panic is the failure report.
#![allow(clippy::unwrap_used)]

mod common;
mod outcomes;
mod postgres;
mod props;
mod router;
mod secrets;
mod signature;
mod sqlite;
