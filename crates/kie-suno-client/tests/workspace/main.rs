//! Client tests that need the workspace's test kit (`kie-suno-testkit`, which is not
//! published). This binary is left out of the package (`exclude` in Cargo.toml), so the
//! packaged crate's tests (`tests/it`) build on their own; it runs in the workspace.

#![allow(clippy::unwrap_used)] // tests may unwrap

#[allow(dead_code)] // shared with tests/it, which uses all of it
#[path = "../it/support.rs"]
mod support;

mod logs;
