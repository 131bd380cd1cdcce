//! `bench receiver`: the same seeded callback load against (a) a bare axum handler, (b) the
//! receiver on SQLite and (c) the receiver on PostgreSQL, interleaved over several rounds
//! (a, b, c, a, b, c, ...) so that a slow spell of a shared machine lands on every server
//! alike; each ratio is taken within its round, and the medians are reported. Then a
//! durability check of what each store holds against what got a 200.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};

use super::args::Args;
use super::load::{self, Plan, BENCH_HMAC_KEY, LYRICS_PATH};
use super::pg;
use super::server::{self, ChildServer, Kind};
use super::stats::{self, Summary};
use crate::bench::store;

/// Issue 12's targets: the receiver on each store against the bare handler, and p99.
const TARGET_SQLITE: f64 = 0.55;
const TARGET_POSTGRES: f64 = 0.30;
const TARGET_P99_MS: f64 = 25.0;

/// The database of the baseline's PostgreSQL receiver, in the same cluster.
const BASELINE_DB: &str = "kie_bench_baseline";

/// Creates database `name` through the cluster's `postgres` database at `url`.
async fn create_database(url: &str, name: &str) -> Result<()> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .context("connecting to PostgreSQL to create the baseline's database")?;
    let conn = tokio::spawn(connection);
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .with_context(|| format!("CREATE DATABASE {name}"))?;
    drop(client);
    let _ = conn.await;
    Ok(())
}

/// Between two measured runs: lets the previous server's background work (WAL
/// checkpoints, PostgreSQL's writers) settle before the next server is measured.
const SETTLE: Duration = Duration::from_millis(500);

/// One measured run of one server.
struct Run {
    summary: Summary,
    /// CPU seconds used during the run by the server, its database cluster (PostgreSQL
    /// only) and the load generator.
    server_cpu: f64,
    db_cpu: Option<f64>,
    loadgen_cpu: f64,
    /// Bytes the server process sent to storage during the run (the SQLite WAL and
    /// its checkpoints; PostgreSQL writes from its own processes, not counted here).
    server_disk: u64,
}

/// Where a receiver under test stores, for the durability check.
enum Stored {
    Sqlite(PathBuf),
    Postgres(String),
}

/// One server under test, started once and measured in every round.
struct Target {
    label: &'static str,
    server: ChildServer,
    url: String,
    /// The PostgreSQL cluster's data directory, to read its CPU time.
    cluster: Option<PathBuf>,
    /// Its store (`None` for the bare handler).
    stored: Option<Stored>,
    /// HTTP statuses of the warm-up and of each round, for the durability check.
    statuses: Vec<Vec<u16>>,
    runs: Vec<Run>,
    peak_rss_kib: u64,
    /// The mean time from handing a callback to the store to its reply, from the
    /// receiver's own `/metrics` (stores only).
    store_path_ms: Option<f64>,
}

/// The ceiling's label; every other target is a receiver on a store.
const BARE: &str = "(a) bare axum 200";

/// The mean of the receiver's `store_commit_seconds` histogram, in milliseconds, read
/// from its `/metrics`; `None` when it cannot be read.
async fn store_path_ms(addr: std::net::SocketAddr) -> Option<f64> {
    use kie_suno_testkit::metrics::metric;
    let sum = metric(addr, "kie_suno_callbacks_store_commit_seconds_sum").await?;
    let count = metric(addr, "kie_suno_callbacks_store_commit_seconds_count").await?;
    (count > 0.0).then(|| sum / count * 1000.0)
}

/// The same load for every server: a warm-up plan (not measured) and one plan per round
/// (distinct task ids: every round stores new rows).
struct Load {
    warmup: Plan,
    rounds: Vec<Plan>,
    concurrency: usize,
}

impl Load {
    fn plans(&self) -> impl Iterator<Item = &Plan> {
        std::iter::once(&self.warmup).chain(&self.rounds)
    }
}

pub(crate) fn run(args: &Args) -> Result<()> {
    let n: usize = args.get("requests", 20_000)?;
    let concurrency: usize = args.get("concurrency", 64)?;
    let repeat_pct: u32 = args.get("repeat-pct", 10)?;
    let seed: u64 = args.get("seed", 1)?;
    let warmup: usize = args.get("warmup", 1000)?;
    let rounds: u64 = args.get("rounds", 3)?;
    if n == 0 || concurrency == 0 || rounds == 0 {
        bail!("--requests, --concurrency and --rounds must be positive");
    }
    let ids = if args.flag("random-ids") {
        load::Ids::Random
    } else {
        load::Ids::Sequential
    };
    let load = Load {
        warmup: Plan::new(warmup, repeat_pct, seed.wrapping_add(0x5eed), ids),
        rounds: (0..rounds)
            .map(|r| Plan::new(n, repeat_pct, seed.wrapping_add(r * 0x1_0000), ids))
            .collect(),
        concurrency,
    };
    let first = &load.rounds[0];
    println!(
        "bench receiver: {rounds} rounds of {n} signed lyrics callbacks per server (round 1: {} \
         unique task ids, {} repeats; task ids {}), {concurrency} in flight, after {warmup} \
         warm-up callbacks; seed {seed}; loopback; release build; servers interleaved in every \
         round",
        first.unique,
        first.repeats,
        match ids {
            load::Ids::Sequential => "ascending",
            load::Ids::Random => "random",
        }
    );
    println!("load average before: {}", loadavg());
    let work = tempfile::Builder::new().prefix("kie-bench-").tempdir()?;
    let log = work.path().join("servers.log");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;

    // Store tuning, for experiments (the defaults are the stores' own).
    let mut sqlite_tuning: Vec<String> = Vec::new();
    if let Some(n) = args.opt::<usize>("sqlite-max-batch")? {
        sqlite_tuning.extend(["--max-batch".into(), n.to_string()]);
    }
    let pg_tuning: Vec<String> = match args.opt::<usize>("pg-writers")? {
        Some(n) => vec!["--writers".into(), n.to_string()],
        None => Vec::new(),
    };
    // Side by side with another build: its `xtask-serve` measured in the same rounds.
    let baseline: Option<PathBuf> = args.opt::<String>("baseline-serve")?.map(PathBuf::from);
    if let Some(exe) = &baseline {
        if !exe.is_file() {
            bail!("--baseline-serve {}: no such file", exe.display());
        }
    }
    let db = work.path().join("bench.sqlite");
    let mut targets = vec![Target::start(BARE, &Kind::Bare, None, &log, &[], None)?];
    targets.push(Target::start(
        "(b) receiver + SQLite",
        &Kind::Sqlite(db.clone()),
        None,
        &log,
        &sqlite_tuning,
        None,
    )?);
    if let Some(exe) = &baseline {
        targets.push(Target::start(
            "(b0) baseline + SQLite",
            &Kind::Sqlite(work.path().join("baseline.sqlite")),
            None,
            &log,
            &sqlite_tuning,
            Some(exe),
        )?);
    }
    // (c) PostgreSQL, when a throwaway cluster can be started.
    let cluster = if args.flag("no-postgres") {
        Err("(c) skipped: --no-postgres".to_owned())
    } else {
        pg::start()?.map_err(|reason| format!("(c) skipped: {reason}"))
    };
    if let Ok(cluster) = &cluster {
        let data = Some(cluster.data_dir().to_path_buf());
        let url = cluster.url("postgres");
        targets.push(Target::start(
            "(c) receiver + PostgreSQL",
            &Kind::Postgres(url),
            data.clone(),
            &log,
            &pg_tuning,
            None,
        )?);
        if let Some(exe) = &baseline {
            rt.block_on(create_database(&cluster.url("postgres"), BASELINE_DB))?;
            targets.push(Target::start(
                "(c0) baseline + PostgreSQL",
                &Kind::Postgres(cluster.url(BASELINE_DB)),
                data,
                &log,
                &pg_tuning,
                Some(exe),
            )?);
        }
    }

    let warm = Arc::new(load::sign_plan(&load.warmup, BENCH_HMAC_KEY));
    for t in &mut targets {
        let observed = rt
            .block_on(load::run(&t.url, Arc::clone(&warm), load.concurrency))
            .with_context(|| format!("warm-up against {}", t.label))?;
        t.statuses.push(observed.statuses);
    }
    for (r, plan) in load.rounds.iter().enumerate() {
        let reqs = Arc::new(load::sign_plan(plan, BENCH_HMAC_KEY));
        for t in &mut targets {
            std::thread::sleep(SETTLE);
            t.measure(&rt, &reqs, load.concurrency)
                .with_context(|| format!("round {} against {}", r + 1, t.label))?;
        }
    }

    let mut failures = Vec::new();
    for t in targets.iter_mut() {
        t.peak_rss_kib = t.server.peak_rss_kib()?;
        if t.label != BARE {
            t.store_path_ms = rt.block_on(store_path_ms(t.server.addr));
        }
    }
    // SIGKILL, not a graceful stop: what got a 200 must already be on disk.
    for t in targets.iter_mut() {
        t.server.kill_in_place()?;
    }
    for t in &targets[1..] {
        let runs: Vec<(&Plan, &[u16])> = load
            .plans()
            .zip(t.statuses.iter().map(Vec::as_slice))
            .collect();
        let check = match &t.stored {
            Some(Stored::Postgres(url)) => rt.block_on(store::check_postgres(url, &runs)),
            Some(Stored::Sqlite(db)) => store::check_sqlite(db, &runs),
            None => continue,
        };
        report_check(t.label, &check, &mut failures);
    }

    print_rounds(&targets);
    let medians = print_summary(&targets);
    for t in &targets {
        if let Some(ms) = t.store_path_ms {
            println!(
                "{}: store path {ms:.2} ms mean (the receiver's store_commit_seconds: a \
                 callback handed to the store until its reply, every delivery, warm-up included)",
                t.label
            );
        }
    }
    match &cluster {
        Ok(c) => println!(
            "(c) PostgreSQL {} throwaway cluster on 127.0.0.1 (fsync on, synchronous_commit on)",
            c.version()
        ),
        Err(note) => println!("{note}"),
    }
    for (this, base) in [("(b)", "(b0)"), ("(c)", "(c0)")] {
        print_versus(&targets, this, base);
    }
    for (label, target) in [("(b)", TARGET_SQLITE), ("(c)", TARGET_POSTGRES)] {
        if let Some((ratio, p99_ms)) = medians.get(label) {
            println!(
                "target {label}: >= {target:.2}x of (a): {ratio:.2}x {}; p99 < {TARGET_P99_MS} ms: \
                 {p99_ms:.2} ms {}",
                verdict(*ratio >= target),
                verdict(*p99_ms < TARGET_P99_MS)
            );
        }
    }
    println!("load average after: {}", loadavg());
    if failures.is_empty() {
        println!("durability: every acknowledged callback is stored exactly once");
        Ok(())
    } else {
        bail!("durability check failed: {}", failures.join("; "))
    }
}

impl Target {
    /// Starts a server under test: `exe` is another build's `xtask-serve`, else this one's.
    fn start(
        label: &'static str,
        kind: &Kind,
        cluster: Option<PathBuf>,
        log: &std::path::Path,
        tuning: &[String],
        exe: Option<&std::path::Path>,
    ) -> Result<Self> {
        let server = match exe {
            Some(exe) => ChildServer::start_exe(exe, kind, log, tuning)?,
            None => ChildServer::start_with(kind, log, tuning)?,
        };
        let url = format!("http://{}{}", server.addr, LYRICS_PATH);
        let stored = match kind {
            Kind::Sqlite(db) => Some(Stored::Sqlite(db.clone())),
            Kind::Postgres(url) => Some(Stored::Postgres(url.clone())),
            _ => None,
        };
        Ok(Self {
            label,
            server,
            url,
            cluster,
            stored,
            statuses: Vec::new(),
            runs: Vec::new(),
            peak_rss_kib: 0,
            store_path_ms: None,
        })
    }

    /// The median over the rounds of `f(run)` divided by the run's requests, or
    /// `None` when some run has no figure.
    fn median_per_req(&self, f: impl Fn(&Run) -> Option<f64>) -> Option<f64> {
        let v: Option<Vec<f64>> = self
            .runs
            .iter()
            .map(|r| f(r).map(|x| x / r.summary.requests as f64))
            .collect();
        v.map(|v| median(&v))
    }

    /// Per round, this target's req/s over `base`'s.
    fn ratios_to(&self, base: &Target) -> Vec<f64> {
        self.runs
            .iter()
            .zip(&base.runs)
            .map(|(r, b)| r.summary.rps / b.summary.rps.max(f64::MIN_POSITIVE))
            .collect()
    }

    fn db_cpu(&self) -> Result<Option<f64>> {
        self.cluster
            .as_deref()
            .map(server::cluster_cpu_seconds)
            .transpose()
    }

    fn measure(
        &mut self,
        rt: &tokio::runtime::Runtime,
        reqs: &Arc<Vec<kie_suno_testkit::SignedCallback>>,
        concurrency: usize,
    ) -> Result<()> {
        let (server0, db0, self0, disk0) = (
            self.server.cpu_seconds()?,
            self.db_cpu()?,
            server::cpu_seconds("self")?,
            self.server.disk_write_bytes()?,
        );
        let observed = rt.block_on(load::run(&self.url, Arc::clone(reqs), concurrency))?;
        let server_cpu = self.server.cpu_seconds()? - server0;
        let db_cpu = match (db0, self.db_cpu()?) {
            (Some(before), Some(after)) => Some(after - before),
            _ => None,
        };
        let loadgen_cpu = server::cpu_seconds("self")? - self0;
        let server_disk = self.server.disk_write_bytes()?.saturating_sub(disk0);
        let summary = Summary::new(&observed.statuses, &observed.latencies_us, observed.wall);
        let mut other: BTreeMap<u16, usize> = BTreeMap::new();
        for s in observed.statuses.iter().filter(|s| **s != 200) {
            *other.entry(*s).or_default() += 1;
        }
        println!(
            "{}: round {}: {} requests in {:.2} s, {:.0} req/s{}",
            self.label,
            self.runs.len() + 1,
            summary.requests,
            observed.wall.as_secs_f64(),
            summary.rps,
            if other.is_empty() {
                String::new()
            } else {
                format!(", non-200 answers (0 = transport error): {other:?}")
            }
        );
        self.statuses.push(observed.statuses);
        self.runs.push(Run {
            summary,
            server_cpu,
            db_cpu,
            loadgen_cpu,
            server_disk,
        });
        Ok(())
    }
}

/// Every round's figures, each ratio against (a) in the same round.
fn print_rounds(targets: &[Target]) {
    let Some(bare) = targets.first() else { return };
    let mut rows = Vec::new();
    for (r, base) in bare.runs.iter().enumerate() {
        for t in targets {
            let Some(run) = t.runs.get(r) else { continue };
            let s = &run.summary;
            let requests = s.requests as f64;
            rows.push(vec![
                format!("{}", r + 1),
                t.label.to_owned(),
                format!("{}/{}", s.ok, s.requests),
                format!("{:.0}", s.rps),
                stats::ms(s.p50_us),
                stats::ms(s.p99_us),
                stats::ms(s.max_us),
                format!("{:.1}", run.server_cpu * 1e6 / requests),
                run.db_cpu
                    .map_or_else(|| "-".to_owned(), |c| format!("{:.1}", c * 1e6 / requests)),
                format!("{:.1}", run.loadgen_cpu * 1e6 / requests),
                format!("{:.2}", run.server_disk as f64 / 1024.0 / requests),
                ratio(s.rps, base.summary.rps),
            ]);
        }
    }
    println!();
    print!(
        "{}",
        stats::table_left(
            &[
                "round",
                "server",
                "200s",
                "req/s",
                "p50 ms",
                "p99 ms",
                "max ms",
                "server CPU µs/req",
                "db CPU µs/req",
                "loadgen CPU µs/req",
                "disk KiB/req",
                "vs (a)"
            ],
            &rows,
            2
        )
    );
}

/// The medians over the rounds; returns, per store label, the median ratio and p99.
fn print_summary(targets: &[Target]) -> BTreeMap<&'static str, (f64, f64)> {
    let mut out = BTreeMap::new();
    let Some(bare) = targets.first() else {
        return out;
    };
    let mut rows = Vec::new();
    for t in targets {
        let rps: Vec<f64> = t.runs.iter().map(|r| r.summary.rps).collect();
        let ratios = t.ratios_to(bare);
        let p99: Vec<f64> = t
            .runs
            .iter()
            .map(|r| r.summary.p99_us as f64 / 1000.0)
            .collect();
        let fmt = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |v| format!("{v:.1}"));
        let (ratio_median, p99_median) = (median(&ratios), median(&p99));
        rows.push(vec![
            t.label.to_owned(),
            format!("{:.0}", median(&rps)),
            {
                let (lo, hi) = range(&rps);
                format!("{lo:.0}-{hi:.0}")
            },
            format!("{p99_median:.2}"),
            format!("{:.1}", t.peak_rss_kib as f64 / 1024.0),
            fmt(t.median_per_req(|r| Some(r.server_cpu * 1e6))),
            fmt(t.median_per_req(|r| r.db_cpu.map(|c| c * 1e6))),
            fmt(t.median_per_req(|r| Some(r.loadgen_cpu * 1e6))),
            format!(
                "{:.2}",
                t.median_per_req(|r| Some(r.server_disk as f64 / 1024.0))
                    .unwrap_or(0.0)
            ),
            format!("{ratio_median:.2}x"),
            {
                let (lo, hi) = range(&ratios);
                format!("{lo:.2}-{hi:.2}")
            },
        ]);
        out.insert(key(t.label), (ratio_median, p99_median));
    }
    println!();
    println!("medians over {} rounds:", bare.runs.len());
    print!(
        "{}",
        stats::table(
            &[
                "server",
                "req/s",
                "req/s range",
                "p99 ms",
                "peak RSS MiB",
                "server CPU µs/req",
                "db CPU µs/req",
                "loadgen CPU µs/req",
                "disk KiB/req",
                "vs (a)",
                "vs (a) range"
            ],
            &rows
        )
    );
    out
}

/// This build's receiver against the baseline build's on the same store
/// (`--baseline-serve`): the median over the rounds of the per-round throughput
/// ratio, and of each one's server CPU per request.
fn print_versus(targets: &[Target], this: &str, base: &str) {
    let find = |k: &str| targets.iter().find(|t| key(t.label) == k);
    let (Some(a), Some(b)) = (find(this), find(base)) else {
        return;
    };
    let ratios = a.ratios_to(b);
    let cpu = |t: &Target| {
        t.median_per_req(|r| Some(r.server_cpu * 1e6))
            .unwrap_or(0.0)
    };
    let (lo, hi) = range(&ratios);
    println!(
        "{this} vs {base} (this build vs the baseline build, same rounds): {:.2}x req/s \
         (per-round range {lo:.2}-{hi:.2}); server CPU {:.1} vs {:.1} µs/req",
        median(&ratios),
        cpu(a),
        cpu(b)
    );
}

/// A target's key: its label up to the closing parenthesis ("(b)", "(b0)").
fn key(label: &'static str) -> &'static str {
    label.find(')').map_or(label, |i| &label[..=i])
}

fn ratio(x: f64, base: f64) -> String {
    if base > 0.0 {
        format!("{:.2}x", x / base)
    } else {
        "-".to_owned()
    }
}

/// The smallest and the largest of `values` (non-negative figures).
fn range(values: &[f64]) -> (f64, f64) {
    (
        values.iter().copied().fold(f64::INFINITY, f64::min),
        values.iter().copied().fold(0.0, f64::max),
    )
}

/// The median (the mean of the middle two for an even count); 0 when empty.
fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "(met)"
    } else {
        "(MISSED)"
    }
}

/// `/proc/loadavg`'s first three fields: other work on the machine skews every figure.
fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_owned())
}

fn report_check(label: &str, check: &Result<store::Check>, failures: &mut Vec<String>) {
    match check {
        Ok(c) => {
            println!("{label}: {c}");
            if !c.is_clean() {
                failures.push(format!("{label}: {c}"));
            }
        }
        Err(e) => {
            println!("{label}: durability check could not run: {e:#}");
            failures.push(format!("{label}: {e:#}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(&[]), 0.0);
    }
}
