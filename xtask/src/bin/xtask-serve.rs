//! `xtask-serve <kind> [options]`: a server under test of `cargo xtask bench` and `drill`,
//! started by them as a child process (see `xtask::serve`). It runs with mimalloc, the
//! global allocator of the shipped `kie-suno` binary.

use std::process::ExitCode;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let words: Vec<String> = std::env::args().skip(1).collect();
    match xtask::serve::main(&words) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask-serve: {e:#}");
            ExitCode::FAILURE
        }
    }
}
