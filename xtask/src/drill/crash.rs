//! `drill crash`: SIGKILL the receiver (a child process on SQLite) at seeded random moments
//! while signed callbacks stream in, restart it on the same file, and check that every
//! callback that got a 200 is stored exactly once.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use kie_suno_testkit::signed::Signer;
use kie_suno_testkit::{now_secs, CallbackTemplate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::bench::args::Args;
use crate::bench::load::{self, BENCH_HMAC_KEY, LYRICS_PATH};
use crate::bench::server::{ChildServer, Kind};
use crate::bench::store;

/// State shared by the senders.
struct Shared {
    /// Base URL of the receiver's current incarnation.
    url: RwLock<String>,
    /// Set when the senders should stop.
    stop: AtomicBool,
    /// Deliveries to send again (no 200 yet), oldest first.
    retry: Mutex<VecDeque<String>>,
    /// Task ids handed out so far.
    next_id: AtomicU64,
    /// Task id -> deliveries answered 200.
    acked: Mutex<HashMap<String, u64>>,
    /// Deliveries sent, and those that failed (transport error or non-200).
    sent: AtomicU64,
    failed: AtomicU64,
    /// The documented lyrics success callback, with each delivery's task id.
    template: CallbackTemplate,
    signer: Signer,
    seed: u64,
}

impl Shared {
    /// The next task id to deliver: a pending retry, a repeat (~10%) of an id already
    /// issued, or a new id.
    fn next(&self, rng: &mut StdRng) -> String {
        if let Some(id) = self.retry.lock().ok().and_then(|mut q| q.pop_front()) {
            return id;
        }
        if rng.gen_range(0..10) == 0 {
            let issued = self.next_id.load(Ordering::Relaxed);
            if issued > 0 {
                let i = rng.gen_range(0..issued);
                return load::task_id(self.seed, i);
            }
        }
        let i = self.next_id.fetch_add(1, Ordering::Relaxed);
        load::task_id(self.seed, i)
    }
}

async fn sender(shared: Arc<Shared>, worker_seed: u64) -> Result<()> {
    let client = load::http_client(4)?;
    let mut rng = StdRng::seed_from_u64(worker_seed);
    while !shared.stop.load(Ordering::Relaxed) {
        let id = shared.next(&mut rng);
        let req = shared.template.signed(&shared.signer, &id, now_secs());
        let url = match shared.url.read() {
            Ok(base) => format!("{base}{LYRICS_PATH}"),
            Err(_) => bail!("url lock poisoned"),
        };
        shared.sent.fetch_add(1, Ordering::Relaxed);
        let status = load::post(&client, &url, &req).await;
        if status == 200 {
            if let Ok(mut acked) = shared.acked.lock() {
                *acked.entry(id).or_default() += 1;
            }
        } else {
            shared.failed.fetch_add(1, Ordering::Relaxed);
            if let Ok(mut q) = shared.retry.lock() {
                q.push_back(id);
            }
            // The receiver is down or restarting: do not spin.
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    Ok(())
}

pub(crate) fn run(args: &Args) -> Result<()> {
    let kills: usize = args.get("kills", 5)?;
    let workers: usize = args.get("workers", 8)?;
    let seed = crate::drill::seed(args)?;
    let mut rng = StdRng::seed_from_u64(seed);
    println!(
        "drill crash: receiver child on SQLite, {workers} concurrent senders of signed lyrics \
         callbacks (~10% repeats), {kills} SIGKILLs at random moments, seed {seed} \
         (rerun with --seed {seed})"
    );
    let work = tempfile::Builder::new()
        .prefix("kie-drill-crash-")
        .tempdir()?;
    let db = work.path().join("crash.sqlite");
    let log = work.path().join("receiver.log");
    let kind = Kind::Sqlite(db.clone());
    let mut server = ChildServer::start(&kind, &log)?;
    let shared = Arc::new(Shared {
        url: RwLock::new(format!("http://{}", server.addr)),
        stop: AtomicBool::new(false),
        retry: Mutex::new(VecDeque::new()),
        next_id: AtomicU64::new(0),
        acked: Mutex::new(HashMap::new()),
        sent: AtomicU64::new(0),
        failed: AtomicU64::new(0),
        template: CallbackTemplate::lyrics(),
        signer: Signer::new(BENCH_HMAC_KEY.as_bytes()),
        seed,
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let handles: Vec<_> = (0..workers)
        .map(|w| {
            rt.spawn(sender(
                shared.clone(),
                seed ^ (w as u64 + 1).wrapping_mul(0x9e37_79b9),
            ))
        })
        .collect();

    let started = Instant::now();
    for k in 1..=kills {
        let wait = Duration::from_millis(rng.gen_range(300..2000));
        std::thread::sleep(wait);
        let before = shared
            .acked
            .lock()
            .map(|a| a.values().sum::<u64>())
            .unwrap_or(0);
        let pid = server.pid();
        server.kill()?;
        let t0 = Instant::now();
        server = ChildServer::start(&kind, &log)?;
        let restart = t0.elapsed();
        if let Ok(mut url) = shared.url.write() {
            *url = format!("http://{}", server.addr);
        }
        println!(
            "kill {k}/{kills}: SIGKILL pid {pid} after {:.2} s ({before} acknowledged so far), restarted in {} ms",
            wait.as_secs_f64(),
            restart.as_millis()
        );
    }
    // Let the last incarnation take traffic (and the retries) for a while.
    std::thread::sleep(Duration::from_millis(rng.gen_range(500..1500)));
    shared.stop.store(true, Ordering::Relaxed);
    for h in handles {
        rt.block_on(h).context("sender panicked")??;
    }
    let elapsed = started.elapsed();
    server.kill()?;

    let acked: HashMap<(String, String), u64> = shared
        .acked
        .lock()
        .map_err(|_| anyhow::anyhow!("acked lock poisoned"))?
        .iter()
        .map(|(id, n)| ((id.clone(), "complete".to_owned()), *n))
        .collect();
    let stored = store::read_sqlite(&db)?;
    let check = store::evaluate_keys(&acked, &stored);
    let distinct_rows = stored.rows_per_key.len() as u64;
    println!();
    println!(
        "sent {} deliveries in {:.1} s; {} got no 200 (in flight at a kill or while restarting) and were sent again",
        shared.sent.load(Ordering::Relaxed),
        elapsed.as_secs_f64(),
        shared.failed.load(Ordering::Relaxed)
    );
    println!(
        "acknowledged: {} deliveries, {} unique (task id, stage)",
        check.acked_deliveries, check.acked_unique
    );
    println!(
        "stored:       {} rows, {} distinct (task id, stage)",
        stored.rows, distinct_rows
    );
    let unacked = stored
        .rows_per_key
        .keys()
        .filter(|k| !acked.contains_key(*k))
        .count();
    println!("lost:         {} (acknowledged, not stored)", check.lost);
    println!(
        "unacknowledged but stored: {unacked} (committed, then the 200 was cut by a kill and the resend never came; allowed)"
    );
    println!(
        "duplicated:   {} keys stored more than once; {} surplus rows (rows - distinct keys)",
        check.duplicated,
        stored.rows.saturating_sub(distinct_rows)
    );
    if check.lost > 0 || check.duplicated > 0 || stored.rows != distinct_rows {
        bail!(
            "drill crash failed: lost {}, duplicated {}",
            check.lost,
            check.duplicated
        );
    }
    println!("target: 0 lost, 0 duplicated (met)");
    Ok(())
}
