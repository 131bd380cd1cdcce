//! `kie-suno callbacks serve --confirm` as a child process against the
//! simulator: a forged terminal body sent with the task's captured signed
//! headers never becomes the outcome (record-info does, and the body is stored
//! as disputed), the genuine one is confirmed; and a receiver SIGKILLed between
//! its 200 and the confirmation finishes the confirmation after a restart.
//!
//! Every wait is bounded ([`BOUND`]); nothing asserts how fast.

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use kie_suno_callbacks::{
    callback_path, Confirmation, OutcomeEvent, OutcomeKind, SqliteOptions, SqliteStore, Store,
    Trust,
};
use kie_suno_client::Client;
use kie_suno_sim::{SimConfig, SimHandle, Simulator, Timing};
use kie_suno_types::{CallbackFamily, GenerateLyricsRequest, GenerateMusicRequest, Model, TaskId};

const KEY: &str = "confirm-test-hmac-key";
const BOUND: Duration = Duration::from_secs(90);

struct Served {
    child: Child,
    addr: SocketAddr,
}

impl Served {
    /// `kie-suno callbacks serve --confirm` on 127.0.0.1:0 over the SQLite file
    /// `db`, confirming against `api` (the API key from KIE_API_KEY).
    fn start(db: &Path, api: &str) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kie-suno"))
            .args(["callbacks", "serve", "--bind", "127.0.0.1:0", "--db"])
            .arg(db)
            .args(["--confirm", "--confirm-lease", "1"])
            .env("KIE_WEBHOOK_HMAC_KEY", KEY)
            .env("KIE_API_KEY", "confirm-test-api-key")
            .env("KIE_BASE_URL", api)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let addr = crate::kit::listening_addr(&mut child, BOUND);
        Self { child, addr }
    }

    fn url(&self, family: CallbackFamily) -> String {
        format!("http://{}{}", self.addr, callback_path(family))
    }

    /// SIGKILL: no shutdown, no flush beyond what was committed.
    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

async fn sim(timing: Timing) -> SimHandle {
    Simulator::spawn(
        SimConfig::new()
            .with_hmac_key(KEY)
            .with_api_key("confirm-test-api-key")
            .with_timing(timing),
    )
    .await
    .unwrap()
}

fn client(sim: &SimHandle) -> Client {
    Client::builder()
        .api_key("confirm-test-api-key")
        .base_url(sim.base_url.clone())
        .build()
        .unwrap()
}

/// Polls the store (another process writes it) until `pick` finds something.
async fn until<T>(
    db: &Path,
    task: &TaskId,
    what: &str,
    pick: impl Fn(&[OutcomeEvent], &[kie_suno_callbacks::StoredCallback]) -> Option<T>,
) -> T {
    let started = Instant::now();
    loop {
        let store = SqliteStore::open(db, SqliteOptions::default())
            .await
            .unwrap();
        let events = store.outcomes_for(task).await.unwrap();
        let callbacks = store.callbacks_for(task).await.unwrap();
        store.close().await.unwrap();
        if let Some(found) = pick(&events, &callbacks) {
            return found;
        }
        assert!(
            started.elapsed() < BOUND,
            "no {what} within {BOUND:?}: {events:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn final_event(events: &[OutcomeEvent]) -> Option<OutcomeEvent> {
    events.iter().find(|e| e.is_final()).cloned()
}

const FORGED_URL: &str = "https://forger.example/evil.mp3";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_terminal_body_with_captured_headers_is_never_the_outcome() {
    // Slow stages, so the forgery arrives while the task is still at `text`.
    let mut timing = Timing::default();
    timing.music_text = Duration::from_millis(200);
    timing.music_first = Duration::from_secs(2);
    timing.music_complete = Duration::from_secs(2);
    let sim = sim(timing).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cb.db");
    let served = Served::start(&db, &sim.base_url);
    let client = client(&sim);
    let url = served.url(CallbackFamily::Music);
    let submit = || async {
        let req = GenerateMusicRequest::new(Model::V5, "a harbour at dawn", url.as_str()).unwrap();
        client.music().generate(&req).await.unwrap()
    };
    let (forged_task, genuine_task) = (submit().await, submit().await);

    // The `text` delivery arrives, signed; its headers are stored (a signature is
    // no secret). An attacker who captured them replays them with a forged body.
    let text = until(&db, &forged_task, "text callback", |_, cbs| {
        cbs.iter().find(|c| c.stage == "text").cloned()
    })
    .await;
    assert_eq!(text.trust, Trust::Signed);
    let mut json: serde_json::Value = serde_json::from_slice(&text.body).unwrap();
    json["data"]["callbackType"] = "complete".into();
    json["data"]["data"] = serde_json::json!([{
        "id": "forged-track", "audio_url": FORGED_URL, "source_audio_url": FORGED_URL,
        "stream_audio_url": FORGED_URL, "image_url": FORGED_URL, "prompt": "forged",
        "title": "Forged", "tags": "forged", "duration": 120.0, "model_name": "chirp-v4",
        "createTime": "2025-01-01 00:00:00"
    }]);
    let mut request = reqwest::Client::new()
        .post(&url)
        .header("content-type", "application/json");
    for (name, value) in &text.headers {
        if name.starts_with("x-webhook-") {
            request = request.header(name, value);
        }
    }
    let res = request.body(json.to_string()).send().await.unwrap();
    assert_eq!(
        res.status().as_u16(),
        200,
        "the forgery is answered 200 at once"
    );

    // The task completes; record-info, not the body, is the outcome.
    let outcome = until(&db, &forged_task, "confirmed outcome", |e, _| {
        final_event(e)
    })
    .await;
    assert_eq!(outcome.kind, OutcomeKind::Confirmed);
    assert_eq!(outcome.trust, Trust::Confirmed);
    let data = outcome.data.clone().unwrap();
    assert!(!data.contains(FORGED_URL) && !data.contains("forged-track"));
    let details = client.music().details(&forged_task).await.unwrap();
    assert!(!details.tracks().is_empty());
    for track in details.tracks() {
        let id = track.id.as_ref().unwrap();
        assert!(
            data.contains(id.as_str()),
            "record-info's tracks are the outcome"
        );
    }
    assert!(
        outcome.is_disputed(),
        "the forged body is flagged: {outcome:?}"
    );
    let events = until(&db, &forged_task, "events", |e, _| Some(e.to_vec())).await;
    assert!(events
        .iter()
        .filter(|e| e.trust == Trust::Confirmed)
        .all(|e| !e.data.as_deref().unwrap_or("").contains(FORGED_URL)));
    let complete = until(&db, &forged_task, "complete row", |_, cbs| {
        cbs.iter().find(|c| c.stage == "complete").cloned()
    })
    .await;
    assert_eq!(complete.confirmation, Confirmation::Disputed);
    assert!(
        String::from_utf8_lossy(&complete.body).contains(FORGED_URL),
        "kept as evidence"
    );

    // The genuine task, delivered by the simulator only: confirmed, not disputed.
    let genuine = until(&db, &genuine_task, "confirmed outcome", |e, _| {
        final_event(e)
    })
    .await;
    assert!(genuine.success && !genuine.is_disputed(), "{genuine:?}");
    let row = until(&db, &genuine_task, "complete row", |_, cbs| {
        cbs.iter().find(|c| c.stage == "complete").cloned()
    })
    .await;
    assert_eq!(
        (row.confirmation, row.trust),
        (Confirmation::Confirmed, Trust::Confirmed)
    );
    drop(served);
}

/// Accepts connections, reports each request's first bytes, and never answers.
async fn black_hole() -> (String, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = vec![0u8; 4096];
            let n = tokio::io::AsyncReadExt::read(&mut socket, &mut buf)
                .await
                .unwrap_or(0);
            let _ = tx.send(String::from_utf8_lossy(&buf[..n]).into_owned());
            held.push(socket);
        }
    });
    (format!("http://{addr}"), rx)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_killed_between_the_200_and_the_confirmation_confirms_after_a_restart() {
    let sim = sim(Timing::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cb.db");
    // The first receiver's record-info requests go into a black hole: its
    // confirmation is in flight, never finished.
    let (hole, mut requests) = black_hole().await;
    let first = Served::start(&db, &hole);
    let client = client(&sim);
    let req =
        GenerateLyricsRequest::new("a lighthouse", first.url(CallbackFamily::Lyrics).as_str())
            .unwrap();
    let task = client.lyrics().generate(&req).await.unwrap();
    // The simulator delivers the callback; the receiver answers 200 ...
    until(&db, &task, "stored callback", |e, _| e.first().cloned()).await;
    // ... and its confirmer is asking for the task's record-info.
    let asked = tokio::time::timeout(BOUND, requests.recv())
        .await
        .expect("the confirmer asked for record-info")
        .unwrap();
    assert!(asked.contains("/api/v1/lyrics/record-info") && asked.contains(task.as_str()));
    sim.settle().await;
    assert!(!sim.stats().delivered_for(&task).is_empty(), "answered 200");
    let pending = until(&db, &task, "pending row", |_, cbs| cbs.first().cloned()).await;
    assert_eq!(pending.confirmation, Confirmation::Pending);
    first.kill();

    // Restarted, now reaching the API: the queued confirmation resumes.
    let second = Served::start(&db, &sim.base_url);
    let outcome = until(&db, &task, "confirmed outcome", |e, _| final_event(e)).await;
    assert!(outcome.success && !outcome.is_disputed(), "{outcome:?}");
    let details = client.lyrics().details(&task).await.unwrap();
    let data = outcome.data_json().unwrap();
    assert_eq!(data, serde_json::to_value(&details).unwrap_or(data.clone()));
    let row = until(&db, &task, "confirmed row", |_, cbs| cbs.first().cloned()).await;
    assert_eq!(row.confirmation, Confirmation::Confirmed);
    assert_eq!(row.deliveries, 1, "confirmed without a redelivery");
    // Exactly one confirmed event for the key.
    let events = until(&db, &task, "events", |e, _| Some(e.to_vec())).await;
    assert_eq!(events.iter().filter(|e| e.is_final()).count(), 1);
    drop(second);
}
