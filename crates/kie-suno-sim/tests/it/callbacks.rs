//! Callback delivery: KIE's signature, retries with backoff, timeouts, giving up.
//! The tests that involve waiting run on tokio's paused clock: backoffs, timeouts
//! and slow receivers are measured in simulated time.

use std::time::Duration;

use kie_suno_sim::{CallbackPolicy, DeliveryOutcome, SimClock, SimConfig, Timing};
use kie_suno_types::{LyricsCallback, TaskId};
use secrecy::{ExposeSecret as _, SecretString};

use crate::support::*;

const HMAC_KEY: &str = "kie-sim-test-key";

/// Computed independently with
/// `printf '%s' "3b66882fde0a5d398bd269cab6d9542b.1769670760" | openssl dgst -sha256 -hmac "kie-sim-test-key" -binary | base64`.
const OPENSSL_VECTOR: &str = "ZuSMyzWqPmJhG6Aw/5qBzJTOC6PwpBLglP/D5BqoRSg=";

#[test]
fn the_signer_reproduces_an_openssl_vector() {
    let key = SecretString::from(HMAC_KEY);
    assert_eq!(
        kie_suno_sim::sign(
            key.expose_secret().as_bytes(),
            "3b66882fde0a5d398bd269cab6d9542b",
            1_769_670_760
        ),
        OPENSSL_VECTOR
    );
    // A non-ASCII key is used as its UTF-8 bytes:
    // `printf '%s' "5c79be8e.1700000000" | openssl dgst -sha256 -hmac "clé-secrète" -binary | base64`.
    let key = SecretString::from("clé-secrète");
    assert_eq!(
        kie_suno_sim::sign(key.expose_secret().as_bytes(), "5c79be8e", 1_700_000_000),
        "f0kCblwFQeMmeFvSQHwRR6h19lASvocsw6IPGjn1Txw="
    );
}

#[tokio::test(start_paused = true)]
async fn a_signed_callback_reaches_the_receiver_with_kies_headers() {
    let rx = Receiver::start().await;
    let config = fast()
        .with_hmac_key(HMAC_KEY)
        .with_clock(SimClock::fixed(1_769_670_760));
    let sim = sim(config).await;
    let task = submit(
        &sim,
        "/api/v1/lyrics",
        lyrics_body("a signed song", &rx.url),
    )
    .await;
    // Task ids are deterministic (seed 0, first task), so the signature of this very
    // callback was computed beforehand, independently:
    // `printf '%s' "d892c49899a4e9b95770d9d3eb7ca3c4.1769670760" |
    //  openssl dgst -sha256 -hmac "kie-sim-test-key" -binary | base64`.
    assert_eq!(task, "d892c49899a4e9b95770d9d3eb7ca3c4");
    let got = rx.wait_for(1).await;
    let cb = &got[0];
    assert_eq!(cb.headers["x-webhook-timestamp"], "1769670760");
    assert_eq!(
        cb.headers["x-webhook-signature"],
        "vXA8kUMRM6snJs7JltMiut490/JdNpxU8EDZf5yUEkM="
    );
    let parsed: LyricsCallback = serde_json::from_value(cb.body.clone()).unwrap();
    assert!(parsed.is_success());
    assert_eq!(parsed.data.task_id, TaskId::new(&task));
    assert!((2..=3).contains(&parsed.variations().len()));
    // The documented spelling on the wire.
    assert_eq!(cb.body["data"]["task_id"], task.as_str());
    assert_eq!(cb.body["data"]["callbackType"], "complete");
}

#[tokio::test(start_paused = true)]
async fn unsigned_without_a_key() {
    let rx = Receiver::start().await;
    let sim = sim(fast()).await;
    submit(&sim, "/api/v1/lyrics", lyrics_body("plain", &rx.url)).await;
    let got = rx.wait_for(1).await;
    assert!(got[0].headers.get("x-webhook-signature").is_none());
    assert!(got[0].headers.get("x-webhook-timestamp").is_none());
}

#[tokio::test(start_paused = true)]
async fn a_failing_receiver_gets_retried_until_it_answers_200() {
    let rx = Receiver::scripted(&[(500, Duration::ZERO), (500, Duration::ZERO)]).await;
    let sim = sim(fast()).await;
    let task = submit(&sim, "/api/v1/lyrics", lyrics_body("retry me", &rx.url)).await;
    let got = rx.wait_for(3).await;
    sim.settle().await;
    assert_eq!(rx.received().len(), 3);
    assert!(got
        .iter()
        .all(|g| g.body["data"]["task_id"] == task.as_str()));
    // The backoff (10 ms in `fast()`) before the second try, twice that before the
    // third, in simulated time.
    let backoff = Duration::from_millis(10);
    let (first, second) = (got[1].at - got[0].at, got[2].at - got[1].at);
    assert!(first >= backoff && first < 2 * backoff, "{first:?}");
    assert!(second >= 2 * backoff && second < 4 * backoff, "{second:?}");
    let stats = sim.stats();
    assert_eq!(stats.callback_attempts, 3);
    assert_eq!(stats.callbacks_delivered, 1);
    assert_eq!(stats.callbacks_failed, 0);
    let outcomes: Vec<_> = stats
        .deliveries
        .iter()
        .map(|d| (d.attempt, d.outcome.clone()))
        .collect();
    assert_eq!(
        outcomes,
        [
            (1, DeliveryOutcome::Status(500)),
            (2, DeliveryOutcome::Status(500)),
            (3, DeliveryOutcome::Status(200)),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn delivery_gives_up_after_three_failures_and_polling_still_works() {
    let rx = Receiver::scripted(&[(503, Duration::ZERO); 5]).await;
    let sim = sim(fast()).await;
    let task = submit(&sim, "/api/v1/lyrics", lyrics_body("nobody home", &rx.url)).await;
    rx.wait_for(3).await;
    sim.settle().await;
    assert_eq!(rx.received().len(), 3);
    let stats = sim.stats();
    assert_eq!((stats.callbacks_failed, stats.callbacks_delivered), (1, 0));
    poll_until(&sim, "/api/v1/lyrics/record-info", &task, |d| {
        d["status"] == "SUCCESS"
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_receiver_slower_than_the_timeout_counts_as_a_failure() {
    let slow = Duration::from_secs(3);
    let (timeout, backoff) = (Duration::from_millis(200), Duration::from_millis(10));
    let rx = Receiver::scripted(&[(200, slow)]).await;
    let config = fast().with_callbacks(CallbackPolicy::new(2, timeout, backoff));
    let sim = sim(config).await;
    submit(&sim, "/api/v1/lyrics", lyrics_body("too slow", &rx.url)).await;
    let got = rx.wait_for(2).await;
    sim.settle().await;
    let stats = sim.stats();
    assert_eq!(stats.deliveries[0].outcome, DeliveryOutcome::TimedOut);
    assert_eq!(stats.deliveries[1].outcome, DeliveryOutcome::Status(200));
    assert_eq!(stats.callbacks_delivered, 1);
    // The second try came after the timeout and the backoff, not after the slow
    // receiver's answer.
    let gap = got[1].at - got[0].at;
    assert!(gap >= timeout + backoff && gap < slow, "{gap:?}");
}

#[tokio::test(start_paused = true)]
async fn an_unreachable_receiver_is_a_connect_error() {
    let config = fast().with_callbacks(CallbackPolicy::new(
        1,
        Duration::from_secs(2),
        Duration::ZERO,
    ));
    let sim = sim(config).await;
    submit(
        &sim,
        "/api/v1/lyrics",
        lyrics_body("into the void", "http://127.0.0.1:9/cb"),
    )
    .await;
    for _ in 0..2000 {
        if sim.stats().callbacks_failed == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    sim.settle().await;
    let stats = sim.stats();
    assert_eq!(stats.callback_attempts, 1);
    assert_eq!(stats.callbacks_failed, 1);
    assert_eq!(stats.deliveries[0].outcome, DeliveryOutcome::ConnectError);
}

#[tokio::test(start_paused = true)]
async fn shutdown_stops_pending_work() {
    let rx = Receiver::start().await;
    let step = Duration::from_secs(30);
    let sim = sim(SimConfig::default().with_timing(Timing::uniform(step))).await;
    let task = submit(
        &sim,
        "/api/v1/lyrics",
        lyrics_body("never finishes", &rx.url),
    )
    .await;
    let state = sim.state().clone();
    sim.shutdown().await;
    state.settle().await;
    assert!(rx.received().is_empty());
    // Long after the task would have finished, it has not moved: its timer stopped.
    tokio::time::sleep(2 * step).await;
    assert!(rx.received().is_empty());
    assert_eq!(
        state.task_status(&TaskId::new(&task)).as_deref(),
        Some("PENDING")
    );
}
