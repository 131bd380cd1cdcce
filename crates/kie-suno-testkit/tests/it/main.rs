//! The one integration-test binary of kie-suno-testkit.

// Tests may unwrap (preamble): a panic is the failure report.
#![allow(clippy::unwrap_used)]

mod pg;
