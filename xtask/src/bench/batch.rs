//! `cargo xtask bench batch`: N lyrics tasks through `kie-suno batch` (the profiling
//! build of the real binary, as a child process) against a simulator with the
//! documented window shape (20 per window; the window scaled from 10 s down to 1 s by
//! default to keep the run short). Printed: the achieved submission rate over the
//! limit, the simulator's refusals, the double submissions it counted, and the total
//! time over the theoretical minimum.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use base64::Engine as _;
use kie_suno_sim::{SimConfig, SimRateLimit, Simulator, Timing};

use super::args::Args;

/// The figures of one run.
#[derive(Debug)]
struct Figures {
    tasks: usize,
    limit: u32,
    window: Duration,
    step: Duration,
    /// Intent times (just after the limiter admitted each POST), ms since the epoch, sorted.
    admitted_ms: Vec<i64>,
    total: Duration,
    refusals: u64,
    doubles: u64,
    missing: u64,
    succeeded: usize,
}

impl Figures {
    /// Submissions after the first window's burst, per second, over the limit's rate.
    fn rate_ratio(&self) -> Option<f64> {
        let first = *self.admitted_ms.first()?;
        let last = *self.admitted_ms.last()?;
        let after_burst = self.admitted_ms.len().checked_sub(self.limit as usize)?;
        if last <= first || after_burst == 0 {
            return None;
        }
        let rate = after_burst as f64 / ((last - first) as f64 / 1000.0);
        Some(rate / (f64::from(self.limit) / self.window.as_secs_f64()))
    }

    /// The least time the limit allows: every window full, then one task's run.
    fn minimum(&self) -> Duration {
        let windows = self.tasks.div_ceil(self.limit as usize).saturating_sub(1);
        self.window * u32::try_from(windows).unwrap_or(u32::MAX) + self.step
    }

    fn print(&self, margin_pct: f64) {
        println!(
            "bench batch: {} lyrics tasks, simulator limit {} per {:.1} s, batch --rate {}/{:.3}, stage {} ms",
            self.tasks,
            self.limit,
            self.window.as_secs_f64(),
            self.limit,
            self.window.as_secs_f64() * (1.0 + margin_pct / 100.0),
            self.step.as_millis()
        );
        match self.rate_ratio() {
            Some(r) => println!("  submission rate / limit      {r:.3}   (target >= 0.95)"),
            None => println!("  submission rate / limit      n/a (fewer tasks than one window)"),
        }
        println!(
            "  refusals (simulator)         {}       (target 0)",
            self.refusals
        );
        println!(
            "  double submissions (sim)     {}       (target 0)",
            self.doubles
        );
        println!("  lines never submitted        {}", self.missing);
        println!(
            "  succeeded                    {}/{}",
            self.succeeded, self.tasks
        );
        let min = self.minimum();
        println!(
            "  total / theoretical minimum  {:.3}   ({:.2} s / {:.2} s)",
            self.total.as_secs_f64() / min.as_secs_f64(),
            self.total.as_secs_f64(),
            min.as_secs_f64()
        );
    }
}

/// Builds the `kie-suno` binary with the bench profile and returns its path.
fn build_cli(root: &Path) -> Result<std::path::PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = std::process::Command::new(cargo)
        .args([
            "build",
            "--profile",
            super::PROFILE,
            "--quiet",
            "-p",
            "kie-suno-cli",
        ])
        .current_dir(root)
        .status()
        .context("running cargo build -p kie-suno-cli")?;
    if !status.success() {
        bail!(
            "cargo build --profile {} -p kie-suno-cli failed ({status})",
            super::PROFILE
        );
    }
    Ok(super::target_dir(root)
        .join(super::PROFILE)
        .join("kie-suno"))
}

/// A free loopback port (bound, read, released) for the batch's callback receiver.
fn free_port() -> Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").context("binding a free port")?;
    Ok(l.local_addr()?.port())
}

/// Entry point of `cargo xtask bench batch`.
pub(crate) fn run(args: &Args) -> Result<()> {
    let tasks: usize = args.get("tasks", 200)?;
    let limit: u32 = args.get("limit", 20)?;
    let window = Duration::from_millis(args.get("window-ms", 1000)?);
    let step = Duration::from_millis(args.get("step-ms", 50)?);
    let margin_pct: f64 = args.get("margin-pct", 2.0)?;
    if !(0.0..=50.0).contains(&margin_pct) {
        bail!("--margin-pct must be within 0-50");
    }
    if tasks == 0 || limit == 0 || window.is_zero() {
        bail!("--tasks, --limit and --window-ms must be above 0");
    }
    let exe = build_cli(&super::workspace_root())?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let figures = rt.block_on(measure(&exe, tasks, limit, window, step, margin_pct))?;
    figures.print(margin_pct);
    Ok(())
}

async fn measure(
    exe: &Path,
    tasks: usize,
    limit: u32,
    window: Duration,
    step: Duration,
    margin_pct: f64,
) -> Result<Figures> {
    let dir = tempfile::tempdir()?;
    let mut raw = [0u8; 32];
    rand::Rng::fill(&mut rand::thread_rng(), &mut raw[..]);
    let key = base64::engine::general_purpose::STANDARD.encode(raw);
    let sim = Simulator::spawn(
        SimConfig::new()
            .with_timing(Timing::uniform(step))
            .with_rate_limit(Some(SimRateLimit::new(limit, window)))
            .with_hmac_key(key.clone())
            .with_credits(u64::MAX / 4)
            .with_seed(20261201),
    )
    .await?;
    let prompts: Vec<String> = (0..tasks)
        .map(|i| format!("bench batch prompt {i}"))
        .collect();
    let file = dir.path().join("prompts.txt");
    std::fs::write(&file, prompts.join("\n") + "\n")?;
    let ledger = dir.path().join("ledger.db");
    let port = free_port()?;
    // The batch's window, a margin wider than the simulator's: the intent's fsync
    // and the request's way to the server sit between the client's admission and
    // the server's count, and they vary.
    let rate = format!(
        "{limit}/{}",
        window.as_secs_f64() * (1.0 + margin_pct / 100.0)
    );
    let started = Instant::now();
    let out = tokio::process::Command::new(exe)
        .arg("-q")
        .arg("batch")
        .arg(&file)
        .args(["--rate", &rate, "--poll-interval", "1"])
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .args([
            "--callback-url",
            &format!("http://127.0.0.1:{port}/callbacks/lyrics"),
        ])
        .arg("--db")
        .arg(dir.path().join("callbacks.db"))
        .env("KIE_API_KEY", "bench-key")
        .env("KIE_BASE_URL", &sim.base_url)
        .env("KIE_WEBHOOK_HMAC_KEY", &key)
        .env("KIE_SUNO_LEDGER", &ledger)
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .await
        .context("running kie-suno batch")?;
    let total = started.elapsed();
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let succeeded = lines.iter().filter(|v| v["state"] == "succeeded").count();
    if !out.status.success() {
        println!(
            "kie-suno batch exited with {}; the lines that did not succeed:",
            out.status
        );
        for l in lines.iter().filter(|v| v["state"] != "succeeded").take(10) {
            println!("  line {}: {} {}", l["line"], l["state"], l["error"]);
        }
    }
    let stats = sim.stats();
    let refusals = stats.rejected.values().sum();
    for (code, n) in &stats.rejected {
        println!("  simulator refusals with code {code:?}: {n}");
    }
    let missing = prompts
        .iter()
        .filter(|p| stats.submissions_of(p) == 0)
        .count() as u64;
    // Tasks the simulator created beyond one per line submitted (a refused POST
    // retried by the client creates no task, so it is not a double).
    let doubles = stats
        .tasks_via(kie_suno_types::Endpoint::GenerateLyrics)
        .saturating_sub(prompts.len() as u64 - missing);
    let conn = rusqlite::Connection::open(&ledger)?;
    let mut stmt = conn.prepare("SELECT created_at FROM tasks ORDER BY created_at")?;
    let admitted_ms = stmt
        .query_map([], |r| r.get::<_, i64>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Figures {
        tasks,
        limit,
        window,
        step,
        admitted_ms,
        total,
        refusals,
        doubles,
        missing,
        succeeded,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(admitted_ms: Vec<i64>) -> Figures {
        Figures {
            tasks: admitted_ms.len(),
            limit: 2,
            window: Duration::from_secs(1),
            step: Duration::from_millis(100),
            admitted_ms,
            total: Duration::from_secs(3),
            refusals: 0,
            doubles: 0,
            missing: 0,
            succeeded: 0,
        }
    }

    #[test]
    fn a_run_at_the_limit_has_ratio_one() {
        // 2 per second: bursts at 0, 1 s, 2 s.
        let f = figures(vec![0, 0, 1000, 1000, 2000, 2000]);
        assert_eq!(f.rate_ratio(), Some(1.0));
        assert_eq!(f.minimum(), Duration::from_millis(2100));
        // Half the pace: half the ratio.
        let slow = figures(vec![0, 0, 2000, 2000, 4000, 4000]);
        assert_eq!(slow.rate_ratio(), Some(0.5));
        assert_eq!(figures(vec![0, 0]).rate_ratio(), None);
    }
}
