//! `cargo test -p xtask`: the same checks as `cargo xtask verify`, `codegen
//! --check`, `drift` and `tidy`, so drift fails the test suite, plus the insta snapshots
//! of every documented fixture.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod codegen;
mod drift;
mod snapshots;
mod tidy;
mod verify;
