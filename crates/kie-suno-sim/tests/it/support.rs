//! Shared helpers: a fast simulator, raw calls, polling, a callback receiver that
//! notes when each callback arrived, and a wall clock that follows tokio's clock.
//!
//! Every wait here (polling, `wait_for`) is on tokio's clock, so a test started
//! with `#[tokio::test(start_paused = true)]` runs on simulated time: the runtime
//! jumps to the next timer whenever it is idle, loopback I/O included.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post as post_route;
use axum::Router;
use kie_suno_sim::{CallbackPolicy, SimClock, SimConfig, SimHandle, Simulator, Timing};
use serde_json::{json, Value};
use tokio::sync::Notify;
use tokio::time::Instant;

pub const KEY: &str = "test-key";

/// Fast timing, quick callback retries and a fixed seed (so ids are the same every
/// run).
pub fn fast() -> SimConfig {
    SimConfig::default()
        .with_seed(0)
        .with_timing(Timing::uniform(Duration::from_millis(5)))
        .with_callbacks(CallbackPolicy::new(
            3,
            Duration::from_secs(5),
            Duration::from_millis(10),
        ))
}

pub async fn sim(config: SimConfig) -> SimHandle {
    Simulator::spawn(config).await.unwrap()
}

/// A raw call: (HTTP status, JSON body).
pub async fn post(sim: &SimHandle, path: &str, body: Value) -> (u16, Value) {
    post_raw(sim, path, body.to_string(), Some(KEY)).await
}

pub async fn post_raw(
    sim: &SimHandle,
    path: &str,
    body: String,
    key: Option<&str>,
) -> (u16, Value) {
    let mut req = reqwest::Client::new()
        .post(format!("{}{path}", sim.base_url))
        .header("content-type", "application/json")
        .body(body);
    if let Some(k) = key {
        req = req.bearer_auth(k);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

pub async fn get(sim: &SimHandle, path_and_query: &str) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .get(format!("{}{path_and_query}", sim.base_url))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

/// Submits and returns the task id, asserting success.
pub async fn submit(sim: &SimHandle, path: &str, body: Value) -> String {
    let (status, v) = post(sim, path, body).await;
    assert_eq!((status, v["code"].as_i64()), (200, Some(200)), "{v}");
    v["data"]["taskId"].as_str().unwrap().to_owned()
}

pub fn lyrics_body(prompt: &str, callback: &str) -> Value {
    json!({"prompt": prompt, "callBackUrl": callback})
}

pub fn music_body(prompt: &str, callback: &str) -> Value {
    json!({
        "prompt": prompt,
        "customMode": false,
        "instrumental": false,
        "model": "V4_5",
        "callBackUrl": callback,
    })
}

/// Polls `path?taskId=` until `done(status)` holds; returns the last body.
pub async fn poll_until(
    sim: &SimHandle,
    path: &str,
    task: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    for _ in 0..2000 {
        let (status, v) = get(sim, &format!("{path}?taskId={task}")).await;
        if status == 200 && done(&v["data"]) {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("task {task} never reached the expected state");
}

pub async fn finished_music(sim: &SimHandle) -> (String, Vec<String>) {
    let task = submit(
        sim,
        "/api/v1/generate",
        music_body("a calm piano piece", "http://127.0.0.1:9/cb"),
    )
    .await;
    let v = poll_until(sim, "/api/v1/generate/record-info", &task, |d| {
        d["status"] == "SUCCESS"
    })
    .await;
    let ids = v["data"]["response"]["sunoData"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    (task, ids)
}

/// A `SimClock` that reads `unix_seconds` now and then moves with tokio's clock, so
/// on a paused runtime the simulator's timestamps follow simulated time.
pub fn tokio_clock(unix_seconds: i64) -> SimClock {
    let start = Instant::now();
    let base = chrono::DateTime::from_timestamp(unix_seconds, 0).unwrap();
    SimClock::from_fn(move || base + Instant::now().duration_since(start))
}

/// A wall clock a test moves by hand (for retention: days pass in an instant).
#[derive(Clone)]
pub struct ManualClock(Arc<Mutex<chrono::DateTime<chrono::Utc>>>);

impl ManualClock {
    /// A clock at `unix_seconds`, and the `SimClock` that reads it.
    pub fn start(unix_seconds: i64) -> (Self, SimClock) {
        let now = Arc::new(Mutex::new(
            chrono::DateTime::from_timestamp(unix_seconds, 0).unwrap(),
        ));
        let read = Arc::clone(&now);
        (Self(now), SimClock::from_fn(move || *read.lock().unwrap()))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap();
        *now += chrono::Duration::from_std(by).unwrap();
    }
}

/// Every string in `v` that is a URL the simulator handed out (not a callback URL
/// or the request as sent), with the key it was under.
pub fn handed_out_urls(v: &Value) -> Vec<(String, String)> {
    fn walk(key: &str, v: &Value, out: &mut Vec<(String, String)>) {
        match v {
            Value::String(s) if s.starts_with("http") => {
                let k = key.to_ascii_lowercase();
                if !k.contains("callback") && k != "param" {
                    out.push((key.to_owned(), s.clone()));
                }
            }
            Value::Array(items) => items.iter().for_each(|i| walk(key, i, out)),
            Value::Object(map) => map.iter().for_each(|(k, v)| walk(k, v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk("", v, &mut out);
    out
}

/// One callback the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Value,
    /// When it arrived, on tokio's clock (simulated time on a paused runtime).
    pub at: Instant,
}

#[derive(Default)]
struct ReceiverState {
    got: Mutex<Vec<Received>>,
    script: Mutex<VecDeque<(u16, Duration)>>,
    arrived: Notify,
}

/// A callback receiver on 127.0.0.1:0 that answers from a script (then 200).
pub struct Receiver {
    pub url: String,
    state: Arc<ReceiverState>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Receiver {
    pub async fn start() -> Self {
        Self::scripted(&[]).await
    }

    /// Answers the first requests with these (status, delay) pairs, then 200.
    pub async fn scripted(script: &[(u16, Duration)]) -> Self {
        let state = Arc::new(ReceiverState::default());
        state.script.lock().unwrap().extend(script.iter().copied());
        let app = Router::new()
            .route("/cb", post_route(receive))
            .with_state(Arc::clone(&state));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/cb", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await
                .unwrap();
        });
        Self {
            url,
            state,
            _stop: tx,
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.got.lock().unwrap().clone()
    }

    /// Waits until at least `n` requests arrived.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        let wait = async {
            loop {
                let notified = self.state.arrived.notified();
                if self.state.got.lock().unwrap().len() >= n {
                    return;
                }
                notified.await;
            }
        };
        tokio::time::timeout(Duration::from_secs(20), wait)
            .await
            .unwrap_or_else(|_| panic!("expected {n} callbacks, got {}", self.received().len()));
        self.received()
    }
}

async fn receive(
    State(state): State<Arc<ReceiverState>>,
    headers: HeaderMap,
    body: String,
) -> StatusCode {
    let next = state.script.lock().unwrap().pop_front();
    let (status, delay) = next.unwrap_or((200, Duration::ZERO));
    state.got.lock().unwrap().push(Received {
        headers,
        body: serde_json::from_str(&body).unwrap(),
        at: Instant::now(),
    });
    state.arrived.notify_waiters();
    tokio::time::sleep(delay).await;
    StatusCode::from_u16(status).unwrap()
}
