//! End-to-end tests of the `kie-suno` binary and of client + receiver + simulator together.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod cli;
mod confirm;
mod serve;
mod signed;
mod sim;
