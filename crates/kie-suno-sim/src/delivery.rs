//! Callback delivery: POST the body to `callBackUrl`, signed when a webhook HMAC key
//! is configured, retried with backoff when the receiver fails or is too slow. The
//! [`Courier`] holds everything delivery needs, so it never reaches back into the
//! simulator's state.

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use kie_suno_types::signature::{sign, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use kie_suno_types::TaskId;
use secrecy::{ExposeSecret as _, SecretString};

use crate::clock::SimClock;
use crate::config::{CallbackPolicy, SimConfig};
use crate::dice::Dice;
use crate::keywords::Directives;
use crate::lifecycle::Lifecycle;
use crate::stats::{Delivery, DeliveryOutcome, Stats, DELIVERY_LOG_MAX};
use crate::sync::lock;

/// What to do when a callback could not be delivered (the engine marks the task).
pub(crate) type GiveUp = Box<dyn FnOnce() + Send + 'static>;

/// What delivering callbacks takes: the HTTP client, the retry policy, the signing
/// key and clock, the run-wide callback faults, and where to count.
#[derive(Debug)]
pub(crate) struct Courier {
    http: reqwest::Client,
    policy: CallbackPolicy,
    key: Option<SecretString>,
    clock: SimClock,
    /// `Faults::drop_callback`.
    drop_p: f64,
    /// `Faults::duplicate_callback`.
    duplicate_p: f64,
    dice: Arc<Dice>,
    stats: Arc<Mutex<Stats>>,
    life: Arc<Lifecycle>,
}

impl Courier {
    /// A courier for `config`, drawing faults from `dice`, counting into `stats` and
    /// stopping with `life`.
    pub(crate) fn new(
        config: &SimConfig,
        dice: Arc<Dice>,
        stats: Arc<Mutex<Stats>>,
        life: Arc<Lifecycle>,
    ) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Self {
            http,
            policy: config.callbacks.clone(),
            key: config.webhook_hmac_key.clone(),
            clock: config.clock.clone(),
            drop_p: config.faults.drop_callback,
            duplicate_p: config.faults.duplicate_callback,
            dice,
            stats,
            life,
        }
    }

    /// Spawns the delivery of one callback; it starts after `previous` finished so a
    /// task's callbacks arrive in order. `on_give_up` runs when the callback could not
    /// be delivered (every attempt failed, or `[sim:callback-exception]`).
    pub(crate) fn spawn(
        self: &Arc<Self>,
        previous: Option<tokio::task::JoinHandle<()>>,
        task_id: TaskId,
        directives: Directives,
        (url, stage, body): (String, String, Bytes),
        on_give_up: GiveUp,
    ) -> tokio::task::JoinHandle<()> {
        let courier = Arc::clone(self);
        let busy = self.life.busy();
        let mut stop = self.life.stop_signal();
        tokio::spawn(async move {
            let _busy = busy;
            if let Some(previous) = previous {
                // A failed or aborted predecessor must not stop this one.
                let _ = previous.await;
            }
            if *stop.borrow() {
                return;
            }
            if directives.callback_exception {
                lock(&courier.stats).callbacks_failed += 1;
                tracing::debug!(task_id = %task_id, stage, "callback process failed on purpose");
                on_give_up();
                return;
            }
            if directives.drop_callback || courier.dice.chance(courier.drop_p) {
                lock(&courier.stats).callbacks_dropped += 1;
                tracing::debug!(task_id = %task_id, stage, "callback dropped on purpose");
                return;
            }
            let copies =
                if directives.duplicate_callback || courier.dice.chance(courier.duplicate_p) {
                    2
                } else {
                    1
                };
            let work = async {
                let mut delivered = false;
                for _ in 0..copies {
                    delivered |= courier.deliver(&task_id, &url, &stage, &body).await;
                }
                delivered
            };
            tokio::select! {
                delivered = work => if !delivered { on_give_up() },
                _ = stop.changed() => {}
            }
        })
    }

    /// One callback, up to `attempts` tries; whether it was delivered.
    async fn deliver(&self, task_id: &TaskId, url: &str, stage: &str, body: &Bytes) -> bool {
        let policy = &self.policy;
        let attempts = policy.attempts.max(1);
        let mut backoff = policy.backoff;
        for attempt in 1..=attempts {
            let mut req = self
                .http
                .post(url)
                .timeout(policy.timeout)
                .header(http::header::CONTENT_TYPE, "application/json")
                .body(body.clone());
            if let Some(key) = &self.key {
                // The simulator's clock never goes before 1970 in practice; clamp anyway.
                let ts = u64::try_from(self.clock.now().timestamp()).unwrap_or(0);
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
            self.record(task_id, stage, attempt, attempts, &outcome);
            if delivered {
                tracing::info!(task_id = %task_id, stage, attempt, "callback delivered");
                return true;
            }
            tracing::debug!(task_id = %task_id, stage, attempt, ?outcome, "callback attempt failed");
            if attempt == attempts {
                tracing::warn!(task_id = %task_id, stage, attempts, "callback given up");
            } else {
                tokio::time::sleep(backoff).await;
                backoff = backoff.saturating_mul(2);
            }
        }
        false
    }

    /// Counts one attempt and logs it in [`Stats::deliveries`].
    fn record(
        &self,
        task_id: &TaskId,
        stage: &str,
        attempt: u32,
        attempts: u32,
        outcome: &DeliveryOutcome,
    ) {
        let mut stats = lock(&self.stats);
        stats.callback_attempts += 1;
        if outcome.is_delivered() {
            stats.callbacks_delivered += 1;
        } else if attempt == attempts {
            stats.callbacks_failed += 1;
        }
        if stats.deliveries.len() >= DELIVERY_LOG_MAX {
            stats.deliveries.remove(0);
        }
        stats.deliveries.push(Delivery {
            task_id: task_id.clone(),
            stage: stage.to_owned(),
            attempt,
            outcome: outcome.clone(),
        });
    }
}
