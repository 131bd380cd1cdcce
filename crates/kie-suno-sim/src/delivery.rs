//! Callback delivery: POST the body to `callBackUrl`, signed when a webhook HMAC key
//! is configured, retried with backoff when the receiver fails or is too slow.

use std::sync::Arc;

use bytes::Bytes;
use kie_suno_types::signature::{sign, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use kie_suno_types::TaskId;
use secrecy::ExposeSecret as _;

use crate::keywords::Directives;
use crate::state::{lock, Busy, Shared};
use crate::stats::{Delivery, DeliveryOutcome};

/// Spawns the delivery of one callback; it starts after `previous` finished so a
/// task's callbacks arrive in order.
pub(crate) fn spawn(
    shared: Arc<Shared>,
    previous: Option<tokio::task::JoinHandle<()>>,
    task_id: TaskId,
    directives: Directives,
    url: String,
    stage: String,
    body: Bytes,
) -> tokio::task::JoinHandle<()> {
    let busy = Busy::new(&shared);
    let mut stop = shared.shutdown.subscribe();
    tokio::spawn(async move {
        let _busy = busy;
        if let Some(previous) = previous {
            // A failed or aborted predecessor must not stop this one.
            let _ = previous.await;
        }
        if *stop.borrow() {
            return;
        }
        let faults = &shared.config.faults;
        if directives.drop_callback || shared.chance(faults.drop_callback) {
            lock(&shared.stats).callbacks_dropped += 1;
            tracing::debug!(task_id = %task_id, stage, "callback dropped on purpose");
            return;
        }
        let copies = if directives.duplicate_callback || shared.chance(faults.duplicate_callback) {
            2
        } else {
            1
        };
        let work = async {
            for _ in 0..copies {
                deliver(&shared, &task_id, &url, &stage, &body).await;
            }
        };
        tokio::select! {
            () = work => {}
            _ = stop.changed() => {}
        }
    })
}

/// One callback, up to `attempts` tries.
async fn deliver(shared: &Shared, task_id: &TaskId, url: &str, stage: &str, body: &Bytes) {
    let policy = &shared.config.callbacks;
    let attempts = policy.attempts.max(1);
    let mut backoff = policy.backoff;
    for attempt in 1..=attempts {
        let mut req = shared
            .http
            .post(url)
            .timeout(policy.timeout)
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(body.clone());
        if let Some(key) = &shared.config.webhook_hmac_key {
            // The simulator's clock never goes before 1970 in practice; clamp anyway.
            let ts = u64::try_from(shared.config.clock.now().timestamp()).unwrap_or(0);
            req = req.header(TIMESTAMP_HEADER, ts.to_string()).header(
                SIGNATURE_HEADER,
                sign(key.expose_secret().as_bytes(), task_id.as_str(), ts),
            );
        }
        let outcome = match req.send().await {
            Ok(resp) => DeliveryOutcome::Status(resp.status().as_u16()),
            Err(e) if e.is_timeout() => DeliveryOutcome::TimedOut,
            Err(_) => DeliveryOutcome::ConnectError,
        };
        let delivered = outcome.is_delivered();
        {
            let mut stats = lock(&shared.stats);
            stats.callback_attempts += 1;
            if delivered {
                stats.callbacks_delivered += 1;
            } else if attempt == attempts {
                stats.callbacks_failed += 1;
            }
            if stats.deliveries.len() >= crate::stats::DELIVERY_LOG_MAX {
                stats.deliveries.remove(0);
            }
            stats.deliveries.push(Delivery {
                task_id: task_id.clone(),
                stage: stage.to_owned(),
                attempt,
                outcome: outcome.clone(),
            });
        }
        if delivered {
            tracing::info!(task_id = %task_id, stage, attempt, "callback delivered");
            return;
        }
        tracing::debug!(task_id = %task_id, stage, attempt, ?outcome, "callback attempt failed");
        if attempt == attempts {
            tracing::warn!(task_id = %task_id, stage, attempts, "callback given up");
        } else {
            tokio::time::sleep(backoff).await;
            backoff = backoff.saturating_mul(2);
        }
    }
}
