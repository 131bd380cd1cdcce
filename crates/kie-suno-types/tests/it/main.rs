//! Integration tests of kie-suno-types: documented payloads, validation rules,
//! open enums and callback parsing.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod captured;
mod codes;
mod enums;
#[cfg(feature = "fixtures")]
mod fixtures;
mod media;
mod music;
mod requests;
mod sounds;
mod times;
mod urls;

use std::path::PathBuf;

/// Reads a documented fixture by its upstream example name.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/documented")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Reads a payload captured from the live API by its upstream file name.
pub fn captured_fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/captured")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}
