//! The checks behind `cargo xtask verify`, `codegen` and `tidy`, as a library so
//! `xtask/tests/it` runs the very same checks under `cargo test`.
//!
//! `manifest` maps every documented fixture and negative sample to its wire type
//! and registers every public wire type (decode, schema). `drift` compares an
//! OpenAPI export of the docs with the committed schemas. `serve` is the side of
//! `bench` and `drill` that runs in the server under test (the `xtask-serve` binary).

pub mod args;
pub mod codegen;
pub mod drift;
pub mod manifest;
pub mod msrv;
pub mod serve;
pub mod structure;
pub mod tidy;
pub mod verify;

use std::path::{Path, PathBuf};

/// The workspace root (the parent of `xtask/`).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// The root README's Rust examples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
