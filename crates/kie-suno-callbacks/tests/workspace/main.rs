//! The kie-suno-callbacks tests that need the workspace: the PostgreSQL store
//! against a throwaway cluster, with requests signed by the test kit's builders.
//!
//! kie-suno-testkit is not published, so this binary is excluded from the package
//! (`exclude` in Cargo.toml) and needs the `postgres` feature
//! (`required-features`): `cargo test -p kie-suno-callbacks --all-features`, or
//! `cargo test --workspace` (the CLI turns `postgres` on). Everything that needs
//! only the package is in `tests/it`.

// Tests may unwrap (preamble): a panic is the failure report.
#![allow(clippy::unwrap_used)]

mod common;
#[cfg(feature = "router")]
#[path = "../it/corpus.rs"]
mod corpus;
mod faults;
#[cfg(feature = "router")]
#[path = "../it/issue11.rs"]
mod issue11;
#[cfg(feature = "router")]
mod pg_crash;
mod postgres;
#[cfg(feature = "router")]
mod receivers;
