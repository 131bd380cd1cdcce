//! Servers under test as child processes: the hidden `xtask bench serve <kind>` that runs in
//! the child, and [`ChildServer`] that starts one, learns its port and reads its peak RSS.

use std::io::{BufRead, BufReader, Write as _};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use axum::http::StatusCode;
use axum::Router;

use super::args::Args;
use super::load::BENCH_HMAC_KEY;

/// The line a server prints on stdout once it accepts connections.
const LISTENING: &str = "listening on http://";

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

/// Runs a server in this process (the child side); `words` follow `bench serve`.
pub(crate) fn serve(words: &[String]) -> Result<()> {
    let Some((kind, rest)) = words.split_first() else {
        bail!("bench serve: missing kind (bare|sqlite|postgres|served)");
    };
    let args = Args::parse(rest)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    if kind == "served" {
        if let Some(n) = args.opt::<u64>("nofile")? {
            let (_, hard) = rlimit::getrlimit(rlimit::Resource::NOFILE)?;
            rlimit::setrlimit(rlimit::Resource::NOFILE, n.min(hard), hard)
                .context("lowering the open-file limit")?;
        }
        let path: String = args
            .opt("db")?
            .context("bench serve served: --db PATH is required")?;
        return rt.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            let receiver = super::store::sqlite_receiver(Path::new(&path)).await?;
            let addr = listener.local_addr()?;
            let serving = receiver
                .serve_listener(listener, std::future::pending())
                .await?;
            announce(addr)?;
            serving.wait().await?;
            Ok(())
        });
    }
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let router = match kind.as_str() {
            "bare" => bare_router(),
            "sqlite" => {
                let path: String = args
                    .opt("db")?
                    .context("bench serve sqlite: --db PATH is required")?;
                super::store::sqlite_router(Path::new(&path)).await?
            }
            "postgres" => {
                let url: String = args
                    .opt("url")?
                    .context("bench serve postgres: --url URL is required")?;
                super::store::postgres_router(&url).await?
            }
            other => bail!("bench serve: unknown kind {other:?}"),
        };
        announce(listener.local_addr()?)?;
        axum::serve(listener, router).await?;
        Ok(())
    })
}

/// Prints the `listening on` line and flushes it so the parent learns the port.
pub(crate) fn announce(addr: SocketAddr) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{LISTENING}{addr}")?;
    out.flush()?;
    Ok(())
}

fn bare_router() -> Router {
    Router::new().fallback(|_body: bytes::Bytes| async { StatusCode::OK })
}

/// A server under test running as a child process.
#[derive(Debug)]
pub(crate) struct ChildServer {
    child: Child,
    /// Where it listens.
    pub(crate) addr: SocketAddr,
}

impl ChildServer {
    /// Starts `xtask bench serve <kind>` from the current executable and waits (at most 30 s)
    /// for its `listening on` line. The child's stderr goes to `log` (appended).
    pub(crate) fn start(kind: &Kind, log: &Path) -> Result<Self> {
        let exe = std::env::current_exe().context("locating the xtask executable")?;
        let stderr = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .with_context(|| format!("opening {}", log.display()))?;
        let mut child = Command::new(exe)
            .args(["bench", "serve"])
            .args(kind.args())
            .env("KIE_WEBHOOK_HMAC_KEY", BENCH_HMAC_KEY)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .context("spawning the server under test")?;
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
            .strip_prefix(LISTENING)
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

    /// SIGKILLs the child and reaps it.
    pub(crate) fn kill(mut self) -> Result<()> {
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
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .with_context(|| format!("reading /proc/{pid}/stat"))?;
    // Fields after the `(comm)`, which may hold spaces: state is field 3, utime 14, stime 15.
    let after = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .context("malformed /proc/<pid>/stat")?;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| -> Result<u64> {
        fields
            .get(i)
            .and_then(|v| v.parse().ok())
            .context("malformed /proc/<pid>/stat")
    };
    // `after` starts at field 3, so field n is at index n - 3.
    Ok((ticks(14 - 3)? + ticks(15 - 3)?) as f64 / 100.0)
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
