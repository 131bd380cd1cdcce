//! End-to-end tests of the `kie-suno` binary and of client + receiver + simulator together.

mod cli;
mod signed;
