//! Servers under test as child processes: [`ChildServer`] starts the `xtask-serve` binary
//! next to this one (`xtask::serve`), learns its port and reads its CPU time and peak RSS.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{bail, Context, Result};

use super::load::BENCH_HMAC_KEY;

/// What a child server runs.
#[derive(Debug, Clone)]
pub(crate) enum Kind {
    /// An axum handler that reads the body and answers 200: the machine's ceiling.
    Bare,
    /// The real receiver on a SQLite file.
    Sqlite(std::path::PathBuf),
    /// The real receiver on a PostgreSQL database.
    Postgres(String),
    /// The real receiver on a SQLite file, served by `Receiver::serve_listener` (its
    /// connection limits and timeouts), with the open-file limit lowered to `nofile`.
    Served {
        db: std::path::PathBuf,
        nofile: Option<u64>,
    },
}

impl Kind {
    fn args(&self) -> Vec<String> {
        match self {
            Self::Bare => vec!["bare".into()],
            Self::Sqlite(path) => vec!["sqlite".into(), "--db".into(), path.display().to_string()],
            Self::Postgres(url) => vec!["postgres".into(), "--url".into(), url.clone()],
            Self::Served { db, nofile } => {
                let mut args = vec!["served".into(), "--db".into(), db.display().to_string()];
                if let Some(n) = nofile {
                    args.extend(["--nofile".into(), n.to_string()]);
                }
                args
            }
        }
    }
}

/// The `xtask-serve` binary: beside this executable (`cargo build -p xtask` builds both).
fn server_exe() -> Result<PathBuf> {
    let me = std::env::current_exe().context("locating the xtask executable")?;
    let exe = me.with_file_name(format!("xtask-serve{}", std::env::consts::EXE_SUFFIX));
    if !exe.is_file() {
        bail!(
            "{} not found: build it with `cargo build --profile {} -p xtask`",
            exe.display(),
            super::PROFILE
        );
    }
    Ok(exe)
}

/// A server under test running as a child process.
#[derive(Debug)]
pub(crate) struct ChildServer {
    child: Child,
    /// Where it listens.
    pub(crate) addr: SocketAddr,
}

impl ChildServer {
    /// Starts `xtask-serve <kind>` and waits (at most 30 s)
    /// for its `listening on` line. The child's stderr goes to `log` (appended).
    pub(crate) fn start(kind: &Kind, log: &Path) -> Result<Self> {
        Self::start_with(kind, log, &[])
    }

    /// [`ChildServer::start`] with more words after the kind's own (a store's tuning:
    /// `--writers N`, `--max-batch N`).
    pub(crate) fn start_with(kind: &Kind, log: &Path, extra: &[String]) -> Result<Self> {
        Self::start_exe(&server_exe()?, kind, log, extra)
    }

    /// [`ChildServer::start_with`] with another `xtask-serve` binary (another build, for
    /// a side-by-side comparison).
    pub(crate) fn start_exe(exe: &Path, kind: &Kind, log: &Path, extra: &[String]) -> Result<Self> {
        let stderr = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .with_context(|| format!("opening {}", log.display()))?;
        let mut child = Command::new(exe)
            .args(kind.args())
            .args(extra)
            .env("KIE_WEBHOOK_HMAC_KEY", BENCH_HMAC_KEY)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .with_context(|| format!("spawning the server under test ({})", exe.display()))?;
        let stdout = child.stdout.take().context("child stdout")?;
        let (tx, rx) = mpsc::channel::<String>();
        // Reads the first line, then drains stdout so the child never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            if let Some(Ok(first)) = lines.next() {
                let _ = tx.send(first);
            }
            for _ in lines {}
        });
        let first = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                bail!(
                    "the server under test ({kind:?}) did not report its address; its log:\n{}",
                    log_tail(log)
                );
            }
        };
        let addr = first
            .strip_prefix(xtask::serve::LISTENING)
            .and_then(|a| a.trim().parse().ok())
            .with_context(|| format!("unexpected first line from the server: {first:?}"))?;
        Ok(Self { child, addr })
    }

    /// The child's process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The child's peak resident set size (`VmHWM`), in KiB.
    pub(crate) fn peak_rss_kib(&self) -> Result<u64> {
        peak_rss_kib(self.child.id())
    }

    /// CPU seconds the child has used so far.
    pub(crate) fn cpu_seconds(&self) -> Result<f64> {
        cpu_seconds(&self.child.id().to_string())
    }

    /// Bytes the child has caused to be written to storage so far (`write_bytes` of
    /// `/proc/<pid>/io`: what reached the block layer, WAL and checkpoints alike).
    pub(crate) fn disk_write_bytes(&self) -> Result<u64> {
        disk_write_bytes(self.child.id())
    }

    /// SIGKILLs the child and reaps it.
    pub(crate) fn kill(mut self) -> Result<()> {
        self.kill_in_place()
    }

    /// SIGKILLs the child and reaps it, keeping the handle (its `Drop` then does nothing).
    pub(crate) fn kill_in_place(&mut self) -> Result<()> {
        self.child.kill().context("killing the server under test")?;
        self.child.wait()?;
        Ok(())
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        // A no-op when already reaped by `kill`.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The last 40 lines of a server log.
fn log_tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

/// CPU time (user + system) a process has used, in seconds, from `/proc/<pid>/stat`
/// (`self` for this process). Assumes the usual 100 clock ticks per second.
pub(crate) fn cpu_seconds(pid: &str) -> Result<f64> {
    let fields = stat_fields(pid)?;
    let ticks = |n: usize| -> Result<u64> {
        fields
            .get(n - 3)
            .and_then(|v| v.parse().ok())
            .context("malformed /proc/<pid>/stat")
    };
    Ok((ticks(14)? + ticks(15)?) as f64 / 100.0)
}

/// `write_bytes` of `/proc/<pid>/io`: the bytes a process caused to be sent to storage.
pub(crate) fn disk_write_bytes(pid: u32) -> Result<u64> {
    let io = std::fs::read_to_string(format!("/proc/{pid}/io"))
        .with_context(|| format!("reading /proc/{pid}/io"))?;
    io.lines()
        .find_map(|l| l.strip_prefix("write_bytes:"))
        .and_then(|v| v.trim().parse().ok())
        .context("no write_bytes line in /proc/<pid>/io")
}

/// CPU time (user + system) of a PostgreSQL cluster, in seconds: its postmaster (from
/// `postmaster.pid` in `data_dir`), the children it has reaped, and every child still
/// running (the backends of the store's connections among them).
pub(crate) fn cluster_cpu_seconds(data_dir: &Path) -> Result<f64> {
    let pidfile = std::fs::read_to_string(data_dir.join("postmaster.pid"))
        .context("reading postmaster.pid")?;
    let postmaster: u32 = pidfile
        .lines()
        .next()
        .and_then(|l| l.trim().parse().ok())
        .context("malformed postmaster.pid")?;
    let mut total = 0.0;
    for entry in std::fs::read_dir("/proc")? {
        let Ok(pid) = entry?.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        // A process may end between the listing and the read: skipped.
        let Ok(fields) = stat_fields(&pid.to_string()) else {
            continue;
        };
        let field =
            |n: usize| -> u64 { fields.get(n - 3).and_then(|v| v.parse().ok()).unwrap_or(0) };
        if pid == postmaster {
            // utime, stime, and cutime, cstime: the children it has reaped.
            total += (field(14) + field(15) + field(16) + field(17)) as f64 / 100.0;
        } else if field(4) == u64::from(postmaster) {
            total += (field(14) + field(15)) as f64 / 100.0;
        }
    }
    Ok(total)
}

/// The fields of `/proc/<pid>/stat` after the `(comm)`, which may hold spaces: field 3
/// (state) is at index 0.
fn stat_fields(pid: &str) -> Result<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .with_context(|| format!("reading /proc/{pid}/stat"))?;
    let after = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .context("malformed /proc/<pid>/stat")?;
    Ok(after.split_whitespace().map(str::to_owned).collect())
}

/// `VmHWM` of a process from `/proc/<pid>/status`, in KiB.
pub(crate) fn peak_rss_kib(pid: u32) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .with_context(|| format!("reading /proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no VmHWM line in /proc/<pid>/status")
}
