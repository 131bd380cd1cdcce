//! `cargo xtask bench`: receiver throughput/latency and client overhead, printed as figures.
//!
//! Every measured part runs as a release binary: a debug `cargo xtask` first builds
//! `target/profiling/xtask` and re-runs itself from there (see [`ensure_release`]), so the
//! load generator and the servers under test are optimised code. Servers under test are
//! child processes (the `xtask-serve` binary, `xtask::serve`), so the peak RSS read from
//! their `/proc/<pid>/status` is theirs alone, and they run with the shipped binary's
//! allocator (mimalloc) while the load generator keeps the system allocator. Nothing here
//! asserts on time: the figures are printed and judged by a reader (docs/benchmarks.md).

mod batch;
mod client;
pub(crate) mod load;
mod outcomes;
pub(crate) mod pg;
mod receiver;
pub(crate) mod server;
pub(crate) mod stats;
pub(crate) mod store;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use args::Args;
pub(crate) use xtask::args;

const USAGE: &str = "\
usage: cargo xtask bench <receiver|outcomes|client|batch> [options]

  receiver   N signed lyrics callbacks over loopback against (a) a bare axum handler,
             (b) the receiver on SQLite, (c) the receiver on PostgreSQL when one can be started
             --requests N      callbacks per server (default 20000)
             --concurrency C   requests in flight (default 64)
             --repeat-pct P    share of repeated deliveries, percent (default 10)
             --seed S          plan seed (default 1)
             --warmup W        unmeasured callbacks sent first to each server (default 1000)
             --rounds R        rounds of a, b, c interleaved; medians reported (default 3)
             --no-postgres     skip (c)
             --pg-writers N    (c) with N writer tasks (default: the store's, 2)
             --sqlite-max-batch N         (b) with at most N callbacks per commit
             --random-ids      task ids in no order, as KIE's are (default: ascending)
             --baseline-serve PATH        also measure another build's xtask-serve binary
                               ((b0), (c0)) in the same rounds, side by side
  outcomes   callback-to-waiter latency: one SQLite instance, one PostgreSQL instance, and
             two PostgreSQL instances (callback to A, waiter on B, LISTEN/NOTIFY); waiting
             for 'poll now' (signed callback) and for the confirmed outcome
             --samples N       sequential callbacks per row (default 300)
             --no-postgres     skip PostgreSQL
  client     typed decode vs serde_json::Value decode of every documented payload, and a
             client call vs a raw reqwest call against the simulator
             --decode-iters N  decodes per payload and per kind (default 2000)
             --calls N         HTTP calls per kind (default 10000)
  batch      `kie-suno batch` (the real binary) of N lyrics tasks against the simulator
             with the documented window shape, 20 per window, the window scaled down
             --tasks N         lines in the batch (default 200)
             --limit L         tasks per window, simulator and batch (default 20)
             --window-ms W     the window (default 1000; the documented one is 10000)
             --step-ms S       the simulator's stage time (default 50)
             --margin-pct M    the batch's window this much wider than the simulator's
                               (default 2)
";

/// Entry point of `cargo xtask bench ...`; `args` are the words after `bench`.
pub fn run<I, S>(args: I) -> Result<()>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let words: Vec<String> = args.into_iter().map(Into::into).collect();
    let Some((verb, rest)) = words.split_first() else {
        print!("{USAGE}");
        bail!("bench: missing sub-command");
    };
    match verb.as_str() {
        "receiver" | "client" | "outcomes" | "batch" => {
            let args = Args::parse(rest)?;
            let known: &[&str] = match verb.as_str() {
                "receiver" => &[
                    "requests",
                    "concurrency",
                    "repeat-pct",
                    "seed",
                    "warmup",
                    "rounds",
                    "no-postgres",
                    "pg-writers",
                    "sqlite-max-batch",
                    "baseline-serve",
                    "random-ids",
                ],
                "client" => &["decode-iters", "calls"],
                "outcomes" => &["samples", "no-postgres"],
                _ => &["tasks", "limit", "window-ms", "step-ms", "margin-pct"],
            };
            args.only(&format!("bench {verb}"), known)?;
            ensure_release("bench", &words)?;
            match verb.as_str() {
                "receiver" => receiver::run(&args),
                "client" => client::run(&args),
                "outcomes" => outcomes::run(&args),
                _ => batch::run(&args),
            }
        }
        "-h" | "--help" | "help" => {
            print!("{USAGE}");
            Ok(())
        }
        other => {
            print!("{USAGE}");
            bail!("bench: unknown sub-command {other:?}")
        }
    }
}

/// The Cargo profile benches and drills run under: release optimisation with full debug
/// info (`[profile.profiling]` in the root manifest), so a profiler can resolve frames.
pub(crate) const PROFILE: &str = "profiling";

/// Re-runs the current command from a `profiling` build of xtask (optimised like
/// release, with full debug info) unless this already is one.
///
/// In a debug build this never returns: it exits with the release child's exit code.
pub(crate) fn ensure_release(verb: &str, words: &[String]) -> Result<()> {
    if !cfg!(debug_assertions) {
        return Ok(());
    }
    let root = workspace_root();
    eprintln!("building xtask with --profile {PROFILE} (optimised, full debug info) ...");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(cargo)
        .args(["build", "--profile", PROFILE, "--quiet", "-p", "xtask"])
        .current_dir(&root)
        .status()
        .with_context(|| format!("running cargo build --profile {PROFILE} -p xtask"))?;
    if !status.success() {
        bail!("cargo build --profile {PROFILE} -p xtask failed ({status})");
    }
    let exe = target_dir(&root).join(PROFILE).join("xtask");
    let status = Command::new(&exe)
        .arg(verb)
        .args(words)
        .current_dir(&root)
        .status()
        .with_context(|| format!("running {}", exe.display()))?;
    std::process::exit(status.code().unwrap_or(1));
}

/// The workspace root (the parent of `xtask/`).
pub(crate) fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

pub(crate) fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                root.join(dir)
            }
        }
        None => root.join("target"),
    }
}
