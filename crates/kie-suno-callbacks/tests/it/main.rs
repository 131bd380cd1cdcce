//! The self-contained integration tests of kie-suno-callbacks: verification and
//! parsing, the router, the SQLite store, the properties, the secrets and the
//! typed errors. They need nothing but this package and its published
//! dependencies, so they run from the packaged `.crate` too; the PostgreSQL tests
//! are in `tests/workspace` (they need the unpublished kie-suno-testkit).
//!
//! Each module is gated on the features it needs: `cargo test
//! --no-default-features` runs the pure ones.

// Tests may unwrap (preamble): a panic is the failure report.
#![allow(clippy::unwrap_used)]

mod common;
#[cfg(all(feature = "router", feature = "sqlite"))]
mod confirm;
#[cfg(all(feature = "router", feature = "sqlite"))]
mod corpus;
mod errors;
#[cfg(feature = "sqlite")]
mod faults;
#[cfg(all(feature = "router", feature = "sqlite"))]
mod hostile;
#[cfg(all(feature = "router", feature = "sqlite"))]
mod issue11;
#[cfg(all(feature = "router", feature = "sqlite"))]
mod limits;
#[cfg(all(feature = "router", feature = "sqlite"))]
mod logs;
#[cfg(all(feature = "router", feature = "sqlite"))]
mod ops;
#[cfg(all(feature = "router", feature = "sqlite"))]
mod outcomes;
mod props;
#[cfg(all(feature = "router", feature = "sqlite"))]
mod router;
mod secrets;
mod signature;
#[cfg(feature = "sqlite")]
mod sqlite;
