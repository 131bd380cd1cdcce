//! Client + receiver + simulator wired together with an HMAC key: the simulator's signed
//! callbacks are accepted and settle the waiter; a forged callback is rejected and changes
//! nothing.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use kie_suno_callbacks::{
    callback_path, Keys, Receiver, ReceiverConfig, SqliteOptions, SqliteStore, Store,
};
use kie_suno_client::{Client, Signal, WaitOptions};
use kie_suno_sim::{SimConfig, Simulator};
use kie_suno_testkit::now_secs;
use kie_suno_testkit::signed::{Signer, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use kie_suno_types::{CallbackFamily, GenerateLyricsRequest};
use secrecy::SecretString;

const KEY: &str = "whsec-test-key-for-e2e";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_callbacks_accepted_forged_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(
        SqliteStore::open(dir.path().join("cb.db"), SqliteOptions::default())
            .await
            .unwrap(),
    );
    let store_dyn: Arc<dyn Store> = store.clone();
    let keys = Keys::new([SecretString::from(KEY.to_owned())]).unwrap();
    let receiver = Receiver::new(ReceiverConfig::new().keys(keys), store_dyn);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = receiver
        .serve(SocketAddr::from(([127, 0, 0, 1], 0)), async {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    let addr = serving.local_addr();
    let outcomes = serving.outcomes();

    let sim = Simulator::spawn(SimConfig::new().with_hmac_key(KEY))
        .await
        .unwrap();
    let client = Client::builder()
        .api_key("test-key")
        .base_url(sim.base_url.clone())
        .build()
        .unwrap();
    let callback_url = format!("http://{addr}{}", callback_path(CallbackFamily::Lyrics));
    let req = GenerateLyricsRequest::new("a harbour at dawn", &callback_url).unwrap();

    // Subscribe before submitting so no callback can slip past.
    let mut events = outcomes.subscribe();
    let task_id = client.lyrics().generate(&req).await.unwrap();

    // Settle the waiter only by the callback: polling is slowed to once a minute.
    let (tx, rx) = tokio::sync::mpsc::channel(8);
    let wanted = task_id.clone();
    tokio::spawn(async move {
        // A signed callback (no confirmer here) means "poll now": the body is
        // not the outcome, the details endpoint is.
        while let Ok(ev) = events.next().await {
            if ev.task_id == wanted && ev.trust == kie_suno_callbacks::Trust::Signed {
                let _ = tx.send(Signal::PollNow).await;
            }
        }
    });
    let options = WaitOptions::new()
        .with_delays(Duration::from_secs(60), Duration::from_secs(60))
        .with_deadline(Duration::from_secs(30))
        .with_signal_receiver(rx);
    let outcome = tokio::time::timeout(
        Duration::from_secs(20),
        client.lyrics().wait(&task_id, options),
    )
    .await
    .expect("settled by the signed callback well before the 60 s poll")
    .unwrap();
    assert!(outcome.variations().len() >= 2);

    // The receiver stored the signed callback once, with the simulator's headers.
    let stored = store.callbacks_for(&task_id).await.unwrap();
    assert_eq!(stored.len(), 1, "{stored:?}");
    // The waiter can settle before the receiver's 200 has reached the simulator, so
    // wait for the simulator to finish that delivery before reading its counters.
    sim.settle().await;
    let sim_deliveries = sim.stats().delivered_for(&task_id).len();
    assert!(sim_deliveries >= 1);

    // A forged callback for the same task: right shape, signature made with another key.
    let http = reqwest::Client::new();
    let url = format!("http://{addr}{}", callback_path(CallbackFamily::Lyrics));
    let body = serde_json::json!({
        "code": 200, "msg": "All generated successfully.",
        "data": {"callbackType": "complete", "task_id": task_id.as_str(),
                 "data": [{"text": "[Verse]\nforged", "title": "Forged", "status": "complete", "error_message": ""}]}
    })
    .to_string();
    let ts = now_secs();
    let forged_sig = Signer::new(b"not-the-key").sign(task_id.as_str(), ts);
    for (sig, what) in [
        (forged_sig.as_str(), "signed with another key"),
        (
            "KxDlpbbq0GDOKqm0+FuJpJWTzY8baHSjhEt4kwElqQI=",
            "the docs' example signature",
        ),
    ] {
        let resp = http
            .post(&url)
            .header("content-type", "application/json")
            .header(TIMESTAMP_HEADER, ts.to_string())
            .header(SIGNATURE_HEADER, sig)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 401, "{what}");
    }
    // Unsigned.
    let resp = http
        .post(&url)
        .header("content-type", "application/json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);

    let after = store.callbacks_for(&task_id).await.unwrap();
    assert_eq!(after.len(), 1, "forgeries stored nothing");
    assert_eq!(
        after[0].deliveries, stored[0].deliveries,
        "forgeries were not counted as repeats"
    );
    assert!(!String::from_utf8_lossy(&after[0].body).contains("forged"));

    let _ = stop.send(());
    serving.wait().await.unwrap();
}
