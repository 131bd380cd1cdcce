//! `drill faults`: the simulator, the receiver (SQLite) and the client in one runtime.
//! N lyrics tasks, each with a seeded fault keyword (or none), are submitted at once
//! against a tight simulator rate limit (bursts of refusals the client must retry); each
//! task is waited for by polling raced against its stored callback. Every task's outcome is
//! compared with what its keyword implies, the receiver's rows with the callbacks the
//! simulator sent, and the simulator's per-prompt POST counts with the refusals it gave.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use kie_suno_callbacks::{Keys, Outcomes, Receiver, ReceiverConfig, SqliteOptions, SqliteStore};
use kie_suno_client::types::{ApiCode, Endpoint, GenerateLyricsRequest, TaskId};
use kie_suno_client::{Client, ClientError, RetryPolicy, Signal, WaitOptions};
use kie_suno_sim::{CallbackPolicy, Faults, SimConfig, SimRateLimit, Simulator, Timing};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use secrecy::SecretString;

use crate::bench::args::Args;
use crate::bench::load::BENCH_HMAC_KEY;
use crate::bench::stats;
use crate::bench::store;

/// The simulator's rate limit in this drill: task-creating calls per window.
const SIM_LIMIT: u32 = 40;
const SIM_WINDOW: Duration = Duration::from_secs(1);
/// The client's own limiter: looser than the simulator's, so bursts get through it and
/// meet the simulator's refusals.
const CLIENT_LIMIT: u32 = 50;
/// Client attempts per call: enough to get through the bursts of refusals.
const CLIENT_ATTEMPTS: u32 = 20;
/// How long a stalled task is waited for before the waiter gives up.
const WAIT_DEADLINE: Duration = Duration::from_secs(6);
/// `Faults::slow_delay` in this drill.
const SLOW_DELAY: Duration = Duration::from_millis(500);

/// A fault keyword, its weight in the mix, and the outcome it must lead to.
struct Fault {
    keyword: &'static str,
    weight: u32,
    expect: Expect,
    /// Whether the simulator sends a callback for the task, and how many times.
    callbacks: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Lyrics with at least one variation.
    Success,
    /// The task fails with this code (callback `code` or record `errorCode`).
    Failed(i64),
    /// The create call is refused: no task, this error.
    Refused(Refusal),
    /// The task never finishes: the waiter's deadline.
    Deadline,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    Maintenance,
    Server,
    RateLimited,
}

const MIX: &[Fault] = &[
    Fault {
        keyword: "",
        weight: 40,
        expect: Expect::Success,
        callbacks: 1,
    },
    Fault {
        keyword: "[sim:drop-callback]",
        weight: 8,
        expect: Expect::Success,
        callbacks: 0,
    },
    Fault {
        keyword: "[sim:duplicate-callback]",
        weight: 8,
        expect: Expect::Success,
        callbacks: 2,
    },
    Fault {
        keyword: "[sim:slow]",
        weight: 6,
        expect: Expect::Success,
        callbacks: 1,
    },
    Fault {
        keyword: "[sim:poll-500]",
        weight: 6,
        expect: Expect::Success,
        callbacks: 1,
    },
    Fault {
        keyword: "[sim:sensitive]",
        weight: 6,
        expect: Expect::Failed(400),
        callbacks: 1,
    },
    Fault {
        keyword: "[sim:generate-failed]",
        weight: 5,
        expect: Expect::Failed(500),
        callbacks: 1,
    },
    Fault {
        keyword: "[sim:create-failed]",
        weight: 4,
        expect: Expect::Failed(500),
        callbacks: 1,
    },
    Fault {
        keyword: "[sim:531]",
        weight: 4,
        expect: Expect::Failed(531),
        callbacks: 1,
    },
    Fault {
        keyword: "[sim:455]",
        weight: 4,
        expect: Expect::Refused(Refusal::Maintenance),
        callbacks: 0,
    },
    Fault {
        keyword: "[sim:500]",
        weight: 4,
        expect: Expect::Refused(Refusal::Server),
        callbacks: 0,
    },
    Fault {
        keyword: "[sim:rate-limit]",
        weight: 3,
        expect: Expect::Refused(Refusal::RateLimited),
        callbacks: 0,
    },
    Fault {
        keyword: "[sim:stall]",
        weight: 2,
        expect: Expect::Deadline,
        callbacks: 0,
    },
];

fn pick(rng: &mut StdRng) -> &'static Fault {
    let total: u32 = MIX.iter().map(|f| f.weight).sum();
    let mut x = rng.gen_range(0..total);
    for f in MIX {
        if x < f.weight {
            return f;
        }
        x -= f.weight;
    }
    &MIX[0]
}

/// What happened to one task.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Actual {
    Success { variations: usize },
    Failed { code: Option<i64> },
    Refused(Option<Refusal>, String),
    Deadline,
    Other(String),
}

impl Actual {
    fn matches(&self, expect: Expect) -> bool {
        match (expect, self) {
            (Expect::Success, Actual::Success { variations }) => *variations > 0,
            (Expect::Failed(code), Actual::Failed { code: got }) => *got == Some(code),
            (Expect::Refused(r), Actual::Refused(Some(got), _)) => r == *got,
            (Expect::Deadline, Actual::Deadline) => true,
            _ => false,
        }
    }
}

struct TaskRun {
    prompt: String,
    fault: &'static Fault,
    task_id: Option<TaskId>,
    actual: Actual,
    /// The receiver had the task's callback before the waiter returned.
    callback_first: bool,
}

async fn one_task(
    client: Client,
    outcomes: Outcomes,
    callback_url: String,
    prompt: String,
    fault: &'static Fault,
) -> Result<TaskRun> {
    let req = GenerateLyricsRequest::new(prompt.as_str(), callback_url.as_str())
        .with_context(|| format!("request for {prompt:?}"))?;
    let task_id = match client.lyrics().generate(&req).await {
        Ok(id) => id,
        Err(e) => {
            let kind = match &e {
                ClientError::Maintenance(_) => Some(Refusal::Maintenance),
                ClientError::Server(_) => Some(Refusal::Server),
                ClientError::RateLimited(_) => Some(Refusal::RateLimited),
                _ => None,
            };
            return Ok(TaskRun {
                prompt,
                fault,
                task_id: None,
                actual: Actual::Refused(kind, e.to_string()),
                callback_first: false,
            });
        }
    };
    let fired = Arc::new(AtomicBool::new(false));
    let signal = {
        let (id, fired) = (task_id.clone(), fired.clone());
        async move {
            // No confirmer here: a signed callback means "poll now" (KIE does
            // not sign the body; the details endpoint is the outcome).
            match outcomes.wait(&id, 0).await {
                Ok(_) => {
                    fired.store(true, Ordering::SeqCst);
                    Signal::PollNow
                }
                // The receiver stopped: leave the waiter to its polling.
                Err(_) => std::future::pending().await,
            }
        }
    };
    let options = WaitOptions::new()
        .with_delays(Duration::from_millis(200), Duration::from_secs(1))
        .with_deadline(WAIT_DEADLINE)
        .with_signal_future(signal);
    let actual = match client.lyrics().wait(&task_id, options).await {
        Ok(outcome) => Actual::Success {
            variations: outcome.variations().len(),
        },
        Err(ClientError::TaskFailed(f)) => Actual::Failed { code: f.code() },
        Err(ClientError::WaitDeadline { .. }) => Actual::Deadline,
        Err(e) => Actual::Other(e.to_string()),
    };
    Ok(TaskRun {
        prompt,
        fault,
        task_id: Some(task_id),
        actual,
        callback_first: fired.load(Ordering::SeqCst),
    })
}

pub(crate) fn run(args: &Args) -> Result<()> {
    let n: usize = args.get("tasks", 200)?;
    let seed = crate::drill::seed(args)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(drill(n, seed))
}

async fn drill(n: usize, seed: u64) -> Result<()> {
    println!(
        "drill faults: {n} lyrics tasks submitted at once, seed {seed} (rerun with --seed {seed}); \
         simulator rate limit {SIM_LIMIT} per {} s, client limiter {CLIENT_LIMIT} per {} s and up to \
         {CLIENT_ATTEMPTS} attempts, receiver on SQLite, signed callbacks",
        SIM_WINDOW.as_secs(),
        SIM_WINDOW.as_secs()
    );
    let work = tempfile::Builder::new()
        .prefix("kie-drill-faults-")
        .tempdir()?;
    let db = work.path().join("receiver.sqlite");

    // Receiver.
    let store = SqliteStore::open(&db, SqliteOptions::default()).await?;
    let keys = Keys::new([SecretString::from(BENCH_HMAC_KEY)])?;
    let receiver = Receiver::new(
        ReceiverConfig::new().keys(keys).outcome_recheck(None),
        Arc::new(store),
    );
    let outcomes = receiver.outcomes();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let serving = receiver
        .serve_listener(listener, async {
            let _ = stop_rx.await;
        })
        .await?;
    let callback_url = format!("http://{}/callbacks/lyrics", serving.local_addr());

    // Simulator.
    let sim = Simulator::spawn(
        SimConfig::default()
            .with_hmac_key(BENCH_HMAC_KEY)
            .with_timing(Timing::uniform(Duration::from_millis(300)))
            .with_rate_limit(Some(SimRateLimit::new(SIM_LIMIT, SIM_WINDOW)))
            .with_callbacks(CallbackPolicy::new(
                3,
                Duration::from_secs(5),
                Duration::from_millis(200),
            ))
            .with_seed(seed)
            .with_faults(Faults::default().with_slow_delay(SLOW_DELAY)),
    )
    .await?;

    // Client: its own limiter looser than the simulator's, so bursts reach its limit.
    let client = Client::builder()
        .api_key("drill-key")
        .base_url(sim.base_url.as_str())
        .rate_limit(Some(kie_suno_client::RateLimit::new(
            CLIENT_LIMIT,
            SIM_WINDOW,
        )))
        .timeout(Duration::from_secs(10))
        .retry_policy(
            RetryPolicy::default()
                .with_max_attempts(CLIENT_ATTEMPTS)
                .with_backoff(Duration::from_millis(50), Duration::from_secs(1))
                .with_total_deadline(Duration::from_secs(90)),
        )
        .build()?;

    let mut rng = StdRng::seed_from_u64(seed);
    let started = Instant::now();
    let mut handles = Vec::with_capacity(n);
    for i in 0..n {
        let fault = pick(&mut rng);
        let prompt = if fault.keyword.is_empty() {
            format!("drill {seed:x} task {i}: a song about the sea")
        } else {
            format!(
                "drill {seed:x} task {i}: a song about the sea {}",
                fault.keyword
            )
        };
        handles.push(tokio::spawn(one_task(
            client.clone(),
            outcomes.clone(),
            callback_url.clone(),
            prompt,
            fault,
        )));
    }
    let mut runs = Vec::with_capacity(n);
    for h in handles {
        runs.push(h.await.context("task panicked")??);
    }
    let waited = started.elapsed();
    // Let every callback delivery in flight finish, then stop the receiver.
    sim.settle().await;
    let sim_stats = sim.stats();
    let _ = stop_tx.send(());
    serving.wait().await?;
    let stored = store::read_sqlite(&db)?;

    report(&runs, &sim, &sim_stats, &stored, waited)
}

fn report(
    runs: &[TaskRun],
    sim: &kie_suno_sim::SimHandle,
    sim_stats: &kie_suno_sim::Stats,
    stored: &store::Stored,
    waited: Duration,
) -> Result<()> {
    let mut problems: Vec<String> = Vec::new();

    // 1. Outcomes per keyword.
    let mut by_kw: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new(); // tasks, right, callback-first
    for r in runs {
        let e = by_kw.entry(r.fault.keyword).or_default();
        e.0 += 1;
        if r.actual.matches(r.fault.expect) {
            e.1 += 1;
        } else {
            problems.push(format!(
                "{:?}: expected {:?}, got {:?}",
                r.prompt, r.fault.expect, r.actual
            ));
        }
        if r.callback_first {
            e.2 += 1;
        }
    }
    let rows: Vec<Vec<String>> = MIX
        .iter()
        .filter_map(|f| {
            by_kw.get(f.keyword).map(|(n, ok, cb)| {
                vec![
                    if f.keyword.is_empty() {
                        "(none)".to_owned()
                    } else {
                        f.keyword.to_owned()
                    },
                    format!("{:?}", f.expect),
                    n.to_string(),
                    ok.to_string(),
                    cb.to_string(),
                ]
            })
        })
        .collect();
    println!();
    print!(
        "{}",
        stats::table_left(
            &[
                "keyword",
                "expected outcome",
                "tasks",
                "right outcome",
                "callback before waiter returned"
            ],
            &rows,
            2
        )
    );

    // 2. The receiver's rows against the callbacks the simulator sent.
    let mut stored_ok = 0usize;
    for r in runs {
        let Some(id) = &r.task_id else { continue };
        let key = (id.as_str().to_owned(), "complete".to_owned());
        let rows = stored.rows_per_key.get(&key).copied().unwrap_or(0);
        let deliveries = stored
            .deliveries_per_key
            .as_ref()
            .and_then(|d| d.get(&key).copied())
            .unwrap_or(0);
        let want_rows = u64::from(r.fault.callbacks > 0);
        if rows == want_rows && deliveries == r.fault.callbacks {
            stored_ok += 1;
        } else {
            problems.push(format!(
                "{:?}: receiver holds {rows} row(s) / {deliveries} deliveries, expected {want_rows} / {}",
                r.prompt, r.fault.callbacks
            ));
        }
    }
    let with_id = runs.iter().filter(|r| r.task_id.is_some()).count();
    let total_rows = stored.rows;
    if total_rows as usize > with_id {
        problems.push(format!(
            "the receiver holds {total_rows} rows for {with_id} tasks"
        ));
    }

    // 3. Generate POSTs per prompt, from the simulator's counters.
    let rate_code = ApiCode::from_i64(405);
    let refused_405 = sim_stats.rejected_with(rate_code);
    let created = sim_stats.tasks_via(Endpoint::GenerateLyrics);
    let posts = sim_stats.requests_to(Endpoint::GenerateLyrics);
    let (mut once, mut retried_prompts, mut extra_posts, mut keyword_refused_posts) =
        (0, 0, 0u64, 0u64);
    for r in runs {
        let count = sim.count_generate(&r.prompt);
        match r.fault.expect {
            Expect::Refused(Refusal::RateLimited) => {
                // Refused on every attempt: the client spends its whole attempt budget.
                if count != u64::from(CLIENT_ATTEMPTS) {
                    problems.push(format!(
                        "{:?}: {count} generate POSTs, expected {CLIENT_ATTEMPTS} (every attempt refused)",
                        r.prompt
                    ));
                }
                keyword_refused_posts += count;
            }
            Expect::Refused(_) if count != 1 => problems.push(format!(
                "{:?}: {count} generate POSTs, expected exactly 1 (not retryable)",
                r.prompt
            )),
            _ if count == 0 => problems.push(format!("{:?}: no generate POST seen", r.prompt)),
            _ => {}
        }
        if !matches!(r.fault.expect, Expect::Refused(Refusal::RateLimited)) {
            if count == 1 {
                once += 1;
            } else {
                retried_prompts += 1;
                extra_posts += count.saturating_sub(1);
            }
        }
    }
    // Every POST beyond a prompt's first must have been a 405 refusal, as must every
    // POST of a [sim:rate-limit] prompt; and every accepted POST is one task the client
    // knows about.
    if refused_405 != extra_posts + keyword_refused_posts {
        problems.push(format!(
            "405 refusals {refused_405} != POSTs beyond the first {extra_posts} + [sim:rate-limit] POSTs {keyword_refused_posts}: some POST was repeated without a refusal"
        ));
    }
    if created != with_id as u64 {
        problems.push(format!(
            "the simulator created {created} lyrics tasks, the client holds {with_id} task ids"
        ));
    }
    let right = runs
        .iter()
        .filter(|r| r.actual.matches(r.fault.expect))
        .count();
    println!();
    println!(
        "outcomes: {right}/{} tasks reached their expected outcome in {:.1} s",
        runs.len(),
        waited.as_secs_f64()
    );
    println!(
        "receiver: {stored_ok}/{with_id} tasks hold exactly the callbacks the simulator sent \
         ({} rows; sim: {} callbacks delivered, {} attempts, {} dropped on purpose, {} given up)",
        total_rows,
        sim_stats.callbacks_delivered,
        sim_stats.callback_attempts,
        sim_stats.callbacks_dropped,
        sim_stats.callbacks_failed
    );
    println!(
        "generate POSTs: {posts} in all; {created} created a task (= task ids the client holds: {with_id}); \
         {once} prompts sent exactly once; {retried_prompts} prompts re-sent {extra_posts} times after a 405 \
         refusal (rate-limit burst); {keyword_refused_posts} POSTs of [sim:rate-limit] prompts, all refused; \
         405 refusals counted by the simulator: {refused_405}"
    );
    if sim_stats.callbacks_failed > 0 {
        problems.push(format!(
            "the simulator gave up on {} callbacks",
            sim_stats.callbacks_failed
        ));
    }
    if problems.is_empty() {
        println!(
            "no mismatch: every task reached its outcome, no generate POST was accepted twice"
        );
        Ok(())
    } else {
        for p in &problems {
            println!("MISMATCH {p}");
        }
        bail!("drill faults: {} mismatch(es)", problems.len())
    }
}
