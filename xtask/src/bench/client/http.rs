//! A typed client call against a raw reqwest call to the same simulator endpoint: the
//! overhead the SDK adds on top of the HTTP round trip.

use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use kie_suno_client::types::{GenerateLyricsRequest, LyricsStatus, TaskId};
use kie_suno_client::{Client, RetryPolicy};
use kie_suno_sim::{SimConfig, Simulator, Timing};

use crate::bench::stats;

const API_KEY: &str = "bench-key";

pub(crate) fn run(calls: usize) -> Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(measure(calls.max(1)))
}

async fn measure(calls: usize) -> Result<()> {
    let sim = Simulator::spawn(SimConfig::default().with_timing(Timing::instant())).await?;
    // One reqwest::Client (one pool) under both, so only the SDK's own work differs.
    let http = reqwest::Client::builder()
        .http1_only()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()?;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(sim.base_url.as_str())
        .http_client(http.clone())
        .retry_policy(RetryPolicy::none())
        .build()?;

    // One finished lyrics task whose details both kinds fetch.
    let req = GenerateLyricsRequest::new(
        "a lighthouse keeper who talks to the sea",
        sim.url("/sim/sink"),
    )?;
    let task_id = client.lyrics().generate(&req).await?;
    wait_success(&client, &task_id).await?;
    let url = sim.url("/api/v1/lyrics/record-info");

    // Warm up both paths (connections, allocator).
    for _ in 0..(calls / 10).max(20) {
        raw_call(&http, &url, &task_id).await?;
        client.lyrics().details(&task_id).await?;
    }
    // Interleaved, one call at a time: the same drift hits both kinds.
    let (mut raw_us, mut sdk_us) = (Vec::with_capacity(calls), Vec::with_capacity(calls));
    for _ in 0..calls {
        let t0 = Instant::now();
        raw_call(&http, &url, &task_id).await?;
        raw_us.push(micros(t0.elapsed()));
        let t0 = Instant::now();
        let record = client.lyrics().details(&task_id).await?;
        sdk_us.push(micros(t0.elapsed()));
        std::hint::black_box(record);
    }
    sim.shutdown().await;

    let raw = Row::new(&mut raw_us);
    let sdk = Row::new(&mut sdk_us);
    println!(
        "bench client / http: GET /api/v1/lyrics/record-info on the simulator (127.0.0.1), \
         {calls} sequential calls per kind, interleaved, one shared keep-alive reqwest::Client"
    );
    let rows = vec![
        raw.cells("raw reqwest + serde_json::Value"),
        sdk.cells("client.lyrics().details() (typed)"),
    ];
    print!(
        "{}",
        stats::table(&["call", "mean us", "p50 us", "p99 us"], &rows)
    );
    let ratio_mean = sdk.mean / raw.mean;
    let ratio_p50 = sdk.p50 as f64 / raw.p50.max(1) as f64;
    println!(
        "client / raw: mean {ratio_mean:.3}x, p50 {ratio_p50:.3}x (target <= 1.10: {})",
        if ratio_mean <= 1.10 { "met" } else { "MISSED" }
    );
    Ok(())
}

struct Row {
    mean: f64,
    p50: u64,
    p99: u64,
}

impl Row {
    fn new(us: &mut [u64]) -> Self {
        us.sort_unstable();
        let mean = us.iter().sum::<u64>() as f64 / us.len().max(1) as f64;
        Self {
            mean,
            p50: stats::percentile(us, 50.0),
            p99: stats::percentile(us, 99.0),
        }
    }

    fn cells(&self, label: &str) -> Vec<String> {
        vec![
            label.to_owned(),
            format!("{:.1}", self.mean),
            self.p50.to_string(),
            self.p99.to_string(),
        ]
    }
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// What a caller without the SDK writes: GET with the task id as query and the bearer
/// key, decode to a `Value`, check the envelope code.
async fn raw_call(http: &reqwest::Client, url: &str, task_id: &TaskId) -> Result<()> {
    let resp = http
        .get(url)
        .query(&[("taskId", task_id.as_str())])
        .bearer_auth(API_KEY)
        .send()
        .await?;
    if !resp.status().is_success() {
        bail!("raw call answered {}", resp.status());
    }
    let body = resp.bytes().await?;
    let v: serde_json::Value = serde_json::from_slice(&body)?;
    if v.get("code").and_then(serde_json::Value::as_i64) != Some(200) {
        bail!("raw call: envelope code is not 200");
    }
    std::hint::black_box(v);
    Ok(())
}

async fn wait_success(client: &Client, task_id: &TaskId) -> Result<()> {
    for _ in 0..500 {
        let record = client.lyrics().details(task_id).await?;
        if record.status == LyricsStatus::Success {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Err(anyhow::anyhow!(
        "the simulator's lyrics task did not finish"
    ))
    .context("bench setup")
}
