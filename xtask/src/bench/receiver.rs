//! `bench receiver`: the same seeded callback load against (a) a bare axum handler, (b) the
//! receiver on SQLite and (c) the receiver on PostgreSQL, one after the other in one run;
//! then a durability check of what each store holds against what got a 200.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::{bail, Context, Result};

use super::args::Args;
use super::load::{self, Plan, BENCH_HMAC_KEY, LYRICS_PATH};
use super::pg;
use super::server::{self, ChildServer, Kind};
use super::stats::{self, Summary};
use crate::bench::store;

/// One measured server.
struct Measured {
    label: &'static str,
    summary: Summary,
    peak_rss_kib: u64,
    /// CPU seconds used during the measured run by the server and by the load generator.
    server_cpu: f64,
    loadgen_cpu: f64,
    statuses: Vec<u16>,
    warmup_statuses: Vec<u16>,
}

/// The same load for every server: a warm-up plan (not measured) and the measured plan.
struct Load {
    warmup: Plan,
    plan: Plan,
    concurrency: usize,
}

impl Measured {
    fn runs<'a>(&'a self, load: &'a Load) -> [(&'a Plan, &'a [u16]); 2] {
        [
            (&load.warmup, self.warmup_statuses.as_slice()),
            (&load.plan, self.statuses.as_slice()),
        ]
    }
}

pub(crate) fn run(args: &Args) -> Result<()> {
    let n: usize = args.get("requests", 20_000)?;
    let concurrency: usize = args.get("concurrency", 64)?;
    let repeat_pct: u32 = args.get("repeat-pct", 10)?;
    let seed: u64 = args.get("seed", 1)?;
    let warmup: usize = args.get("warmup", 1000)?;
    if n == 0 || concurrency == 0 {
        bail!("--requests and --concurrency must be positive");
    }
    let load = Load {
        // Distinct task ids (another seed): the warm-up rows are stored too, and checked.
        warmup: Plan::new(warmup, repeat_pct, seed.wrapping_add(0x5eed)),
        plan: Plan::new(n, repeat_pct, seed),
        concurrency,
    };
    println!(
        "bench receiver: {n} signed lyrics callbacks per server ({} unique task ids, {} repeats), \
         {concurrency} in flight, after {warmup} warm-up callbacks; seed {seed}; loopback; release build",
        load.plan.unique, load.plan.repeats
    );
    println!("load average before: {}", loadavg());
    let work = tempfile::Builder::new().prefix("kie-bench-").tempdir()?;
    let log = work.path().join("servers.log");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;

    let mut measured = Vec::new();
    let mut failures = Vec::new();

    // (a) the ceiling.
    measured.push(measure(&rt, "(a) bare axum 200", &Kind::Bare, &load, &log)?);

    // (b) SQLite.
    let db = work.path().join("bench.sqlite");
    let m = measure(
        &rt,
        "(b) receiver + SQLite",
        &Kind::Sqlite(db.clone()),
        &load,
        &log,
    )?;
    let check = store::check_sqlite(&db, &m.runs(&load));
    report_check("(b) SQLite", &check, &mut failures);
    measured.push(m);

    // (c) PostgreSQL, when a throwaway cluster can be started.
    let pg_note = if args.flag("no-postgres") {
        "(c) skipped: --no-postgres".to_owned()
    } else {
        match pg::start()? {
            Err(reason) => format!("(c) skipped: {reason}"),
            Ok(cluster) => {
                let url = cluster.url("postgres");
                let m = measure(
                    &rt,
                    "(c) receiver + PostgreSQL",
                    &Kind::Postgres(url.clone()),
                    &load,
                    &log,
                )?;
                let check = rt.block_on(store::check_postgres(&url, &m.runs(&load)));
                report_check("(c) PostgreSQL", &check, &mut failures);
                measured.push(m);
                format!(
                    "(c) PostgreSQL {} throwaway cluster on 127.0.0.1 (fsync on, synchronous_commit on)",
                    cluster.version()
                )
            }
        }
    };

    let ceiling = measured.first().map_or(0.0, |m| m.summary.rps);
    let rows: Vec<Vec<String>> = measured
        .iter()
        .map(|m| {
            let s = &m.summary;
            vec![
                m.label.to_owned(),
                format!("{}/{}", s.ok, s.requests),
                format!("{:.0}", s.rps),
                stats::ms(s.p50_us),
                stats::ms(s.p99_us),
                stats::ms(s.max_us),
                format!("{:.1}", m.peak_rss_kib as f64 / 1024.0),
                format!("{:.2}", m.server_cpu),
                format!("{:.2}", m.loadgen_cpu),
                if ceiling > 0.0 {
                    format!("{:.2}x", s.rps / ceiling)
                } else {
                    "-".to_owned()
                },
            ]
        })
        .collect();
    println!();
    print!(
        "{}",
        stats::table(
            &[
                "server",
                "200s",
                "req/s",
                "p50 ms",
                "p99 ms",
                "max ms",
                "peak RSS MiB",
                "server CPU s",
                "loadgen CPU s",
                "vs (a)"
            ],
            &rows
        )
    );
    println!("{pg_note}");
    if let Some(sqlite) = measured.get(1) {
        let ratio = if ceiling > 0.0 {
            sqlite.summary.rps / ceiling
        } else {
            0.0
        };
        let p99_ms = sqlite.summary.p99_us as f64 / 1000.0;
        println!(
            "target (b): >= 0.50x of (a): {:.2}x {}; p99 < 25 ms: {:.2} ms {}",
            ratio,
            verdict(ratio >= 0.5),
            p99_ms,
            verdict(p99_ms < 25.0)
        );
    }
    println!("load average after: {}", loadavg());
    if failures.is_empty() {
        println!("durability: every acknowledged callback is stored exactly once");
        Ok(())
    } else {
        bail!("durability check failed: {}", failures.join("; "))
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

fn measure(
    rt: &tokio::runtime::Runtime,
    label: &'static str,
    kind: &Kind,
    spec: &Load,
    log: &std::path::Path,
) -> Result<Measured> {
    let server = ChildServer::start(kind, log)?;
    let url = format!("http://{}{}", server.addr, LYRICS_PATH);
    let warm = Arc::new(load::sign_plan(&spec.warmup, BENCH_HMAC_KEY));
    let warm = rt
        .block_on(load::run(&url, warm, spec.concurrency))
        .with_context(|| format!("warm-up against {label}"))?;
    let reqs = Arc::new(load::sign_plan(&spec.plan, BENCH_HMAC_KEY));
    let (server0, self0) = (server.cpu_seconds()?, server::cpu_seconds("self")?);
    let observed = rt
        .block_on(load::run(&url, reqs, spec.concurrency))
        .with_context(|| format!("load against {label}"))?;
    let server_cpu = server.cpu_seconds()? - server0;
    let loadgen_cpu = server::cpu_seconds("self")? - self0;
    let peak_rss_kib = server.peak_rss_kib()?;
    // SIGKILL, not a graceful stop: what got a 200 must already be on disk.
    server.kill()?;
    let summary = Summary::new(&observed.statuses, &observed.latencies_us, observed.wall);
    let mut other: BTreeMap<u16, usize> = BTreeMap::new();
    for s in warm
        .statuses
        .iter()
        .chain(&observed.statuses)
        .filter(|s| **s != 200)
    {
        *other.entry(*s).or_default() += 1;
    }
    println!(
        "{label}: {} requests in {:.2} s{}",
        summary.requests,
        observed.wall.as_secs_f64(),
        if other.is_empty() {
            String::new()
        } else {
            format!(", non-200 answers (0 = transport error): {other:?}")
        }
    );
    Ok(Measured {
        label,
        summary,
        peak_rss_kib,
        server_cpu,
        loadgen_cpu,
        statuses: observed.statuses,
        warmup_statuses: warm.statuses,
    })
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
