//! `drill slowloris`: issue 11's attack on the receiver as a figure. The receiver (a
//! child process on SQLite, served by `Receiver::serve_listener` with its default
//! limits) runs with its open-file limit lowered to 1,024; 1,100 connections send a
//! request head one byte a second and reconnect when closed; meanwhile signed
//! deliveries, each on a fresh connection as KIE would open it, are sent and timed.
//! Prints their latency percentiles, what the slow connections saw, and the
//! receiver's shedding counters; exits non-zero when a delivery was not answered
//! 200 or is not stored exactly once.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use kie_suno_testkit::signed::Signer;
use kie_suno_testkit::{now_secs, CallbackTemplate, SlowClients};

use crate::bench::args::Args;
use crate::bench::load::{self, BENCH_HMAC_KEY, LYRICS_PATH};
use crate::bench::server::{ChildServer, Kind};
use crate::bench::stats::{ms, percentile, table};
use crate::bench::store;

/// KIE's own timeout for a callback.
const KIE_TIMEOUT: Duration = Duration::from_secs(15);

pub(crate) fn run(args: &Args) -> Result<()> {
    let slow_n: usize = args.get("slow", 1100)?;
    let nofile: u64 = args.get("nofile", 1024)?;
    let deliveries: u64 = args.get("deliveries", 200)?;
    let concurrency: usize = args.get("concurrency", 8)?;
    let every_ms: u64 = args.get("every-ms", 1000)?;
    let seed = crate::drill::seed(args)?;
    println!(
        "drill slowloris: receiver child on SQLite with `ulimit -n {nofile}` and its default \
         limits; {slow_n} connections sending one byte every {every_ms} ms (reconnecting when \
         closed); {deliveries} signed deliveries, {concurrency} at a time, each on a new \
         connection, {}s timeout (KIE's)",
        KIE_TIMEOUT.as_secs()
    );
    // This process holds the slow sockets.
    let want = u64::try_from(slow_n)? + 512;
    let got =
        rlimit::increase_nofile_limit(want).context("raising this process's open-file limit")?;
    if got < want {
        bail!("drill slowloris needs {want} open files in the load generator, the hard limit allows {got}");
    }
    let work = tempfile::Builder::new()
        .prefix("kie-drill-slowloris-")
        .tempdir()?;
    let db = work.path().join("slowloris.sqlite");
    let log = work.path().join("receiver.log");
    let server = ChildServer::start(
        &Kind::Served {
            db: db.clone(),
            nofile: Some(nofile),
        },
        &log,
    )?;
    let addr = server.addr;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let every = Duration::from_millis(every_ms);
    let slow = rt.block_on(async {
        let slow = SlowClients::start(addr, slow_n, every);
        let started = Instant::now();
        while slow.counts.connects.load(Ordering::Relaxed) < slow_n as u64
            && started.elapsed() < Duration::from_secs(60)
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // Let them press for a few bytes' time before measuring.
        tokio::time::sleep(every * 3).await;
        slow
    });
    let before = rt.block_on(shed_counts(addr));

    let template = CallbackTemplate::lyrics();
    let signer = Signer::new(BENCH_HMAC_KEY.as_bytes());
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let results: Vec<(String, u16, u64)> = rt.block_on(async {
        let mut workers = Vec::new();
        for _ in 0..concurrency {
            let next = Arc::clone(&next);
            let template = template.clone();
            let signer = signer.clone();
            workers.push(tokio::spawn(async move {
                // No pooled connections: each delivery opens its own, as KIE does.
                let client = reqwest::Client::builder()
                    .http1_only()
                    .pool_max_idle_per_host(0)
                    .timeout(KIE_TIMEOUT)
                    .no_proxy()
                    .build()?;
                let url = format!("http://{addr}{LYRICS_PATH}");
                let mut out = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= deliveries {
                        break;
                    }
                    let id = load::task_id(seed, i);
                    let req = template.signed(&signer, &id, now_secs());
                    let t0 = Instant::now();
                    let status = load::post(&client, &url, &req).await;
                    out.push((id, status, t0.elapsed().as_micros() as u64));
                }
                anyhow::Ok(out)
            }));
        }
        let mut all = Vec::new();
        for w in workers {
            all.extend(w.await??);
        }
        anyhow::Ok(all)
    })?;
    let wall = started.elapsed();
    let after = rt.block_on(shed_counts(addr));
    let open_now = slow.open();
    let counts = (
        slow.counts.connects.load(Ordering::Relaxed),
        slow.counts.closed.load(Ordering::Relaxed),
    );
    rt.block_on(slow.stop());
    server.kill()?;

    let ok = results.iter().filter(|r| r.1 == 200).count();
    let mut lat: Vec<u64> = results.iter().map(|r| r.2).collect();
    lat.sort_unstable();
    println!();
    println!(
        "{}",
        table(
            &["deliveries", "200s", "p50 ms", "p99 ms", "max ms", "wall s"],
            &[vec![
                deliveries.to_string(),
                format!("{ok}/{}", results.len()),
                ms(percentile(&lat, 50.0)),
                ms(percentile(&lat, 99.0)),
                ms(lat.last().copied().unwrap_or(0)),
                format!("{:.1}", wall.as_secs_f64()),
            ]]
        )
    );
    println!(
        "slow connections: {open_now} open at the end, {} connects and {} closed by the receiver in all",
        counts.0, counts.1
    );
    println!(
        "receiver sheds during the measured run: {}",
        after
            .iter()
            .map(|(reason, n)| {
                let b = before
                    .iter()
                    .find(|(r, _)| r == reason)
                    .map_or(0.0, |(_, n)| *n);
                format!("{reason} {}", n - b)
            })
            .collect::<Vec<_>>()
            .join(", ")
    );
    let stored = store::read_sqlite(&db)?;
    let missing = results
        .iter()
        .filter(|r| r.1 == 200)
        .filter(|r| {
            stored
                .rows_per_key
                .get(&(r.0.clone(), "complete".to_owned()))
                .copied()
                != Some(1)
        })
        .count();
    println!(
        "stored: {} rows; acknowledged but not stored exactly once: {missing}",
        stored.rows
    );
    if ok != results.len() || missing > 0 {
        let mut statuses: Vec<u16> = results.iter().map(|r| r.1).filter(|s| *s != 200).collect();
        statuses.sort_unstable();
        statuses.dedup();
        bail!(
            "drill slowloris: {} of {} deliveries not answered 200 (statuses {statuses:?}), {missing} not stored once",
            results.len() - ok,
            results.len()
        );
    }
    Ok(())
}

/// The receiver's `connections_shed_total` samples, by reason.
async fn shed_counts(addr: std::net::SocketAddr) -> Vec<(String, f64)> {
    let Ok(resp) = reqwest::get(format!("http://{addr}/metrics")).await else {
        return Vec::new();
    };
    let Ok(text) = resp.text().await else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("kie_suno_callbacks_connections_shed_total{reason=\"")?;
            let (reason, rest) = rest.split_once("\"} ")?;
            Some((reason.to_owned(), rest.trim().parse().ok()?))
        })
        .collect()
}
