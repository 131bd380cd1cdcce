//! The confirmation worker: claims due jobs from the store (each for a lease),
//! asks the confirmer for record-info, and stores the outcome, a retry, or the
//! giving up. Jobs live in the store, committed with their callback: a worker
//! that dies mid-job leaves it to come due again (after the lease) for this or
//! another instance.

use std::sync::Arc;

use kie_suno_types::CallbackFamily;
use tokio::sync::{watch, Notify};

use crate::clock::now_ms;
use crate::confirm::{disagreement, ConfirmPolicy, ConfirmRequest, Confirmer, RemoteState};
use crate::metrics::Metrics;
use crate::outcomes::Outcomes;
use crate::store::Store;
use crate::{ConfirmJob, ConfirmResult};

/// What the worker needs.
pub(crate) struct Worker {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) confirmer: Arc<dyn Confirmer>,
    pub(crate) policy: ConfirmPolicy,
    pub(crate) outcomes: Outcomes,
    /// Rung by the router when a delivery queued a job.
    pub(crate) wake: Arc<Notify>,
    /// The backlog and lag gauges.
    pub(crate) metrics: Metrics,
}

fn ms(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl Worker {
    /// Runs until `stop` turns true; the job in hand is finished first.
    pub(crate) async fn run(self, mut stop: watch::Receiver<bool>) {
        let limit = self.policy.concurrency.max(1);
        let mut gauged: Option<std::time::Instant> = None;
        loop {
            if *stop.borrow() {
                break;
            }
            if gauged.is_none_or(|t| t.elapsed() >= std::time::Duration::from_secs(1)) {
                gauged = Some(std::time::Instant::now());
                self.update_gauges().await;
            }
            let jobs = match self
                .store
                .claim_confirmations(now_ms(), ms(self.policy.lease), limit)
                .await
            {
                Ok(jobs) => jobs,
                Err(e) => {
                    if e.is_closed() {
                        break;
                    }
                    tracing::warn!(
                        error = &e as &dyn std::error::Error,
                        "cannot claim confirmation jobs"
                    );
                    Vec::new()
                }
            };
            if jobs.is_empty() {
                tokio::select! {
                    () = self.wake.notified() => {}
                    () = tokio::time::sleep(self.policy.idle_poll) => {}
                    _ = stop.changed() => {}
                }
                continue;
            }
            futures::future::join_all(jobs.into_iter().map(|job| self.confirm(job))).await;
        }
    }

    async fn update_gauges(&self) {
        match self.store.confirmation_backlog().await {
            Ok((n, oldest)) => {
                self.metrics.set_confirmation_backlog(n);
                let lag = oldest.map_or(0, |t| now_ms().saturating_sub(t).max(0));
                self.metrics
                    .set_confirmation_lag(std::time::Duration::from_millis(lag as u64));
            }
            Err(e) => {
                tracing::debug!(
                    error = &e as &dyn std::error::Error,
                    "cannot read the confirmation backlog"
                );
            }
        }
    }

    async fn confirm(&self, job: ConfirmJob) {
        let Some(family) = job.family() else {
            self.give_up(
                &job,
                "the stored family is unknown to this version".to_owned(),
            )
            .await;
            return;
        };
        let request = ConfirmRequest {
            family,
            task_id: job.task_id.clone(),
            stage: job.stage.clone(),
            attempt: job.attempts.saturating_add(1),
        };
        let answer = tokio::time::timeout(
            self.policy.attempt_timeout,
            self.confirmer.record_info(request),
        )
        .await;
        let why = match answer {
            Ok(Ok(info)) if info.state.is_terminal() => {
                let disputed = disagreement(&job.body, job.success, &info);
                if let Some(d) = &disputed {
                    tracing::warn!(
                        %family, task_id = %job.task_id, stage = %job.stage, disagreement = %d,
                        "SUSPECTED FORGERY: the callback's body disagrees with record-info; \
                         record-info is stored as the outcome"
                    );
                }
                let result = ConfirmResult::Outcome {
                    success: info.state == RemoteState::Succeeded,
                    data: info.data.to_string(),
                    disputed,
                };
                self.finish(&job, family, result).await;
                return;
            }
            Ok(Ok(info)) => match info.state {
                RemoteState::Running(status) => format!("record-info still reports {status}"),
                _ => "record-info is not terminal".to_owned(),
            },
            Ok(Err(e)) => format!("record-info failed: {e}"),
            Err(_) => "record-info timed out".to_owned(),
        };
        let attempts = job.attempts.saturating_add(1);
        if attempts >= self.policy.max_attempts {
            tracing::warn!(
                %family, task_id = %job.task_id, stage = %job.stage, attempts, reason = %why,
                "confirmation gave up: the terminal callback stays unconfirmed (suspected forgery \
                 when record-info never got there); a new delivery queues it again"
            );
            self.give_up(&job, format!("{why} after {attempts} attempts"))
                .await;
            return;
        }
        let due = now_ms().saturating_add(ms(self.policy.backoff(attempts, job.callback_id)));
        tracing::debug!(%family, task_id = %job.task_id, attempts, reason = %why, "confirmation retried later");
        if let Err(e) = self
            .store
            .retry_confirmation(job.callback_id, due, why)
            .await
        {
            // The lease runs out and the job comes due again.
            tracing::warn!(
                error = &e as &dyn std::error::Error,
                "cannot reschedule a confirmation"
            );
        }
    }

    async fn give_up(&self, job: &ConfirmJob, why: String) {
        let family = job.family().unwrap_or(CallbackFamily::Music);
        self.finish(job, family, ConfirmResult::GaveUp(why)).await;
    }

    async fn finish(&self, job: &ConfirmJob, family: CallbackFamily, result: ConfirmResult) {
        match self
            .store
            .finish_confirmation(job.callback_id, result)
            .await
        {
            Ok(Some(cursor)) => {
                tracing::debug!(%family, task_id = %job.task_id, cursor, "confirmation stored");
                self.outcomes.notify(cursor);
            }
            Ok(None) => {
                tracing::debug!(%family, task_id = %job.task_id, "confirmation already finished elsewhere");
            }
            Err(e) => {
                tracing::warn!(error = &e as &dyn std::error::Error, %family, task_id = %job.task_id, "cannot store a confirmation; retried after the lease");
            }
        }
    }
}
