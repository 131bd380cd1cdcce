//! The load generator: a seeded plan of signed lyrics callbacks, sent by C concurrent
//! keep-alive workers over loopback, with every latency recorded.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use bytes::Bytes;
use kie_suno_testkit::signed::{Signer, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use kie_suno_testkit::{now_secs, CallbackTemplate, SignedCallback};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The HMAC key every bench and drill server is started with. A throwaway value that only
/// exists on this machine's loopback for the length of a run, not a credential.
pub(crate) const BENCH_HMAC_KEY: &str = "kie-suno-bench-throwaway-hmac-key";

/// The path callbacks are posted to (the receiver's lyrics route).
pub(crate) const LYRICS_PATH: &str = "/callbacks/lyrics";

/// One delivery in a plan: which task it is for and whether it repeats an earlier one.
#[derive(Debug, Clone)]
pub(crate) struct Delivery {
    /// `data.task_id` of the callback.
    pub(crate) task_id: String,
    /// A repeat of a task id delivered earlier in the plan (same body).
    pub(crate) repeat: bool,
    /// The JSON body (the documented lyrics success callback with this task id).
    pub(crate) body: Bytes,
}

/// A seeded sequence of deliveries: `n` callbacks, about `repeat_pct`% repeats.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) deliveries: Vec<Delivery>,
    pub(crate) unique: usize,
    pub(crate) repeats: usize,
}

/// A task id of the documented form (32 lowercase hex digits), unique per `(seed, i)`.
pub(crate) fn task_id(seed: u64, i: u64) -> String {
    format!("{:016x}{:016x}", seed, i)
}

/// How a plan's task ids follow each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ids {
    /// [`task_id`]: ascending within a plan, so every index a store keeps on the
    /// task id grows at its end (the figures of every stop so far).
    Sequential,
    /// [`random_task_id`]: in no order, as KIE's are, so each new key lands on
    /// its own page of such an index.
    Random,
}

/// A task id of the documented form that looks random (SplitMix64 of `(seed, i)`,
/// both halves), unique per `(seed, i)`.
pub(crate) fn random_task_id(seed: u64, i: u64) -> String {
    fn mix(mut z: u64) -> u64 {
        z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    let hi = mix(seed ^ mix(i));
    format!("{:016x}{:016x}", hi, mix(hi ^ i))
}

impl Plan {
    /// Builds `n` deliveries; each is, with probability `repeat_pct`/100, a repeat of a
    /// uniformly chosen earlier delivery, else a new task id.
    /// Task ids follow each other as `ids` says.
    pub(crate) fn new(n: usize, repeat_pct: u32, seed: u64, ids: Ids) -> Self {
        let template = CallbackTemplate::lyrics();
        let mut rng = StdRng::seed_from_u64(seed);
        let mut deliveries: Vec<Delivery> = Vec::with_capacity(n);
        let mut unique = 0usize;
        for _ in 0..n {
            let repeat = !deliveries.is_empty() && rng.gen_range(0..100) < repeat_pct;
            if repeat {
                let j = rng.gen_range(0..deliveries.len());
                let mut d = deliveries[j].clone();
                d.repeat = true;
                deliveries.push(d);
            } else {
                let id = match ids {
                    Ids::Sequential => task_id(seed, unique as u64),
                    Ids::Random => random_task_id(seed, unique as u64),
                };
                unique += 1;
                let body = template.body(&id);
                deliveries.push(Delivery {
                    task_id: id,
                    repeat: false,
                    body,
                });
            }
        }
        let repeats = deliveries.len() - unique;
        Self {
            deliveries,
            unique,
            repeats,
        }
    }
}

/// Signs every delivery of `plan` with the current time.
pub(crate) fn sign_plan(plan: &Plan, key: &str) -> Vec<SignedCallback> {
    let ts = now_secs();
    let signer = Signer::new(key.as_bytes());
    plan.deliveries
        .iter()
        .map(|d| SignedCallback::new(&signer, &d.task_id, ts, d.body.clone()))
        .collect()
}

/// A keep-alive HTTP/1.1 client for loopback load.
pub(crate) fn http_client(concurrency: usize) -> Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .http1_only()
        .pool_max_idle_per_host(concurrency)
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(30))
        .no_proxy()
        .build()?)
}

/// Sends one signed callback; the HTTP status, or 0 on a transport error.
pub(crate) async fn post(client: &reqwest::Client, url: &str, req: &SignedCallback) -> u16 {
    let sent = client
        .post(url)
        .header("content-type", "application/json")
        .header(TIMESTAMP_HEADER, &req.timestamp)
        .header(SIGNATURE_HEADER, &req.signature)
        .body(req.body.clone())
        .send()
        .await;
    match sent {
        Ok(resp) => {
            let status = resp.status().as_u16();
            // Read the body so the connection goes back to the pool.
            match resp.bytes().await {
                Ok(_) => status,
                Err(_) => 0,
            }
        }
        Err(_) => 0,
    }
}

/// What one load run observed.
#[derive(Debug)]
pub(crate) struct Observed {
    /// Per delivery (plan order): HTTP status, 0 for a transport error.
    pub(crate) statuses: Vec<u16>,
    /// Per delivery (plan order): latency in microseconds.
    pub(crate) latencies_us: Vec<u64>,
    /// Wall time from the first send to the last answer.
    pub(crate) wall: Duration,
}

/// Sends every request of `reqs` to `url`, `concurrency` at a time, in plan order (workers
/// take the next index from a shared counter).
pub(crate) async fn run(
    url: &str,
    reqs: Arc<Vec<SignedCallback>>,
    concurrency: usize,
) -> Result<Observed> {
    let client = http_client(concurrency)?;
    let next = Arc::new(AtomicUsize::new(0));
    let url: Arc<str> = Arc::from(url);
    let started = Instant::now();
    let mut workers = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let (client, next, url, reqs) = (client.clone(), next.clone(), url.clone(), reqs.clone());
        workers.push(tokio::spawn(async move {
            let mut seen = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(req) = reqs.get(i) else { break };
                let t0 = Instant::now();
                let status = post(&client, &url, req).await;
                let us = u64::try_from(t0.elapsed().as_micros()).unwrap_or(u64::MAX);
                seen.push((i, status, us));
            }
            seen
        }));
    }
    let mut statuses = vec![0u16; reqs.len()];
    let mut latencies_us = vec![0u64; reqs.len()];
    for w in workers {
        for (i, status, us) in w.await.context("load worker panicked")? {
            statuses[i] = status;
            latencies_us[i] = us;
        }
    }
    Ok(Observed {
        statuses,
        latencies_us,
        wall: started.elapsed(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap
mod tests {
    use kie_suno_testkit::signed::sign;

    use super::*;

    #[test]
    fn signature_matches_an_openssl_vector() {
        // printf '%s' "3b66882fde0a5d398bd269cab6d9542b.1769670760" \
        //   | openssl dgst -sha256 -hmac "kie-suno-bench-throwaway-hmac-key" -binary | base64
        let sig = sign(
            BENCH_HMAC_KEY.as_bytes(),
            "3b66882fde0a5d398bd269cab6d9542b",
            1_769_670_760,
        );
        assert_eq!(sig, "Me46xZdoDxEOj+D4JOkiMIHJZKa7+M6mLWKEvt6MGeg=");
    }

    #[test]
    fn plan_repeats_only_earlier_ids_and_is_seeded() {
        let a = Plan::new(2000, 10, 7, Ids::Sequential);
        let b = Plan::new(2000, 10, 7, Ids::Sequential);
        assert_eq!(a.unique + a.repeats, 2000);
        assert!(a.repeats > 100 && a.repeats < 300, "{}", a.repeats);
        let ids_a: Vec<&str> = a.deliveries.iter().map(|d| d.task_id.as_str()).collect();
        let ids_b: Vec<&str> = b.deliveries.iter().map(|d| d.task_id.as_str()).collect();
        assert_eq!(ids_a, ids_b);
        let mut seen = std::collections::HashSet::new();
        for d in &a.deliveries {
            assert_eq!(d.repeat, seen.contains(&d.task_id), "{}", d.task_id);
            seen.insert(d.task_id.clone());
        }
        assert_eq!(seen.len(), a.unique);
    }

    #[test]
    fn random_ids_are_of_the_documented_form_unique_and_in_no_order() {
        let plan = Plan::new(5000, 0, 3, Ids::Random);
        let ids: Vec<&str> = plan.deliveries.iter().map(|d| d.task_id.as_str()).collect();
        for id in &ids {
            assert!(
                id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')),
                "{id}"
            );
        }
        let unique: std::collections::HashSet<&str> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len());
        // About half of the neighbours descend (ascending ids would give none).
        let descents = ids.windows(2).filter(|w| w[1] < w[0]).count();
        assert!((2000..3000).contains(&descents), "{descents}");
        assert_ne!(random_task_id(3, 0), random_task_id(4, 0));
    }
}
