//! Receives KIE callbacks inside an existing axum app: the receiver's router is
//! mounted under `/kie` next to the app's own routes, callbacks are stored in a
//! SQLite file, the HMAC key comes from `KIE_WEBHOOK_HMAC_KEY`, and a task's
//! outcome is awaited by its id.
//!
//! ```text
//! KIE_WEBHOOK_HMAC_KEY=... cargo run -p kie-suno-callbacks --example axum_app -- [TASK_ID]
//! ```
//!
//! Submit `https://your.host/kie/callbacks/<family>` as `callBackUrl` (behind a
//! TLS-terminating proxy that forwards to 127.0.0.1:3000). With a TASK_ID (the
//! `taskId` of a submit response) it prints that task's final outcome once its
//! callback is stored, at once if it already is. Ctrl-C stops it gracefully.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::routing::get;
use axum::Router;
use kie_suno_callbacks::{
    callback_path, Keys, Receiver, ReceiverConfig, Settled, SqliteOptions, SqliteStore, Store,
};
use kie_suno_types::{CallbackFamily, TaskId};
use secrecy::SecretString;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = std::env::var("KIE_WEBHOOK_HMAC_KEY")
        .ok()
        .filter(|k| !k.trim().is_empty())
        .ok_or("set KIE_WEBHOOK_HMAC_KEY to the webhookHmacKey from the KIE settings page")?;
    let keys = Keys::new([SecretString::from(key.trim().to_owned())])?;

    // The store commits each callback before the 200 goes out.
    let store = SqliteStore::open("callbacks.db", SqliteOptions::default()).await?;
    let receiver = Receiver::new(
        ReceiverConfig::new().keys(keys),
        Arc::new(store) as Arc<dyn Store>,
    );

    // The app's own routes, and the receiver's under a prefix.
    let app = Router::new()
        .route("/", get(|| async { "my app" }))
        .route("/health", get(|| async { "ok" }))
        .nest("/kie", receiver.router());

    let bind = SocketAddr::from(([127, 0, 0, 1], 3000));
    let listener = tokio::net::TcpListener::bind(bind).await?;
    println!(
        "listening on http://{bind}; lyrics callbacks at http://{bind}/kie{}",
        callback_path(CallbackFamily::Lyrics)
    );

    // The background work (the confirmation worker, when a confirmer is set,
    // and the push between PostgreSQL instances): `serve` starts it itself; an
    // app that mounts the router starts it here.
    let background = receiver.start_background().await;

    // Awaiting one task: without a confirmer a signed callback only says "poll
    // the details now" (KIE does not sign the body); with one, the confirmed
    // outcome (record-info) settles it. Wrap it in a timeout: a callback may
    // never come; poll then.
    if let Some(task) = std::env::args().nth(1) {
        let outcomes = receiver.outcomes();
        tokio::spawn(async move {
            let task = TaskId::new(task);
            let waited =
                tokio::time::timeout(Duration::from_secs(600), outcomes.wait(&task, 0)).await;
            match waited {
                Ok(Ok(Settled::Confirmed(event))) => println!(
                    "task {} is final ({}): record-info {}",
                    event.task_id,
                    if event.success { "success" } else { "failure" },
                    event.data.as_deref().unwrap_or("{}")
                ),
                Ok(Ok(Settled::PollNow(event))) => println!(
                    "task {}: a {} callback (stage {}) arrived; poll its details now",
                    event.task_id, event.trust, event.stage
                ),
                Ok(Ok(other)) => println!("task {task}: {other:?}"),
                Ok(Err(e)) => eprintln!("task {task}: {e}"),
                Err(_) => eprintln!("task {task}: no callback within 10 minutes; poll it instead"),
            }
        });
    }

    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    // Requests in flight have finished (each answered after its commit).
    background.stop().await;
    receiver.store().close().await?;
    Ok(())
}
