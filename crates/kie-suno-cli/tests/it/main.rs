//! End-to-end tests of the `kie-suno` binary and of client + receiver + simulator together.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod batch;
mod cli;
mod confirm;
mod download;
mod interrupt;
mod kit;
mod ledger;
mod polish;
mod serve;
mod signed;
mod sim;
