//! Confirmation after the 200: the trait a confirmer implements (the API's
//! record-info, fetched by whoever has a client: this crate does not depend on
//! the client crate), its retry policy, and the pure comparison of a callback's
//! body with the record-info that makes a disagreement a suspected forgery.
//!
//! KIE signs only the task id and the timestamp, not the body: a captured signed
//! request can be replayed within the window with any body. So a terminal
//! callback is committed as *pending* and answered 200 at once; a worker
//! (`worker.rs`) later fetches the task's record-info and stores **its data** as
//! the outcome. The body is never the outcome.

use std::collections::BTreeSet;
use std::future::Future;
use std::time::Duration;

use kie_suno_types::{CallbackFamily, TaskId};

use crate::store::BoxFuture;

/// What the confirmer is asked for: one task's record-info.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ConfirmRequest {
    /// The family (it names the record-info endpoint).
    pub family: CallbackFamily,
    /// The task id.
    pub task_id: TaskId,
    /// The stage the callback claims.
    pub stage: String,
    /// This attempt's number, from 1.
    pub attempt: u32,
}

impl ConfirmRequest {
    /// A request (for testing a confirmer of your own; the worker builds these).
    pub fn new(family: CallbackFamily, task_id: TaskId, stage: impl Into<String>) -> Self {
        Self {
            family,
            task_id,
            stage: stage.into(),
            attempt: 1,
        }
    }
}

/// Where the task stands according to record-info.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RemoteState {
    /// Not finished yet (the status as the API spelled it).
    Running(String),
    /// Finished with a result.
    Succeeded,
    /// Finished without a result.
    Failed,
}

impl RemoteState {
    /// Whether the task will not change any more.
    pub fn is_terminal(&self) -> bool {
        !matches!(self, Self::Running(_))
    }
}

/// The record-info answer: the state and the `data` object as the API sent it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RecordInfo {
    /// The task's state.
    pub state: RemoteState,
    /// The record-info `data`, stored as the outcome once the state is terminal.
    pub data: serde_json::Value,
}

impl RecordInfo {
    /// A record-info answer.
    pub fn new(state: RemoteState, data: serde_json::Value) -> Self {
        Self { state, data }
    }
}

/// A confirmer failure (transport error, rate limit, ...): retried with backoff.
/// Its text is stored and logged: it must not carry secrets.
pub type ConfirmError = Box<dyn std::error::Error + Send + Sync>;

/// Fetches a task's record-info. Implemented for every
/// `Fn(ConfirmRequest) -> impl Future<Output = Result<RecordInfo, ConfirmError>>`;
/// the CLI implements it over `kie-suno-client` (which keeps to the API's rate
/// limit and retries its own transient failures).
pub trait Confirmer: Send + Sync + 'static {
    /// Fetches the record-info of `request.task_id`.
    fn record_info(
        &self,
        request: ConfirmRequest,
    ) -> BoxFuture<'static, Result<RecordInfo, ConfirmError>>;
}

impl<F, Fut> Confirmer for F
where
    F: Fn(ConfirmRequest) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<RecordInfo, ConfirmError>> + Send + 'static,
{
    fn record_info(
        &self,
        request: ConfirmRequest,
    ) -> BoxFuture<'static, Result<RecordInfo, ConfirmError>> {
        Box::pin(self(request))
    }
}

/// How the confirmation worker retries.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ConfirmPolicy {
    /// One record-info attempt's limit. Default: 20 s.
    pub attempt_timeout: Duration,
    /// The first retry's delay, doubled per attempt. Default: 1 s.
    pub first_retry: Duration,
    /// The longest delay between attempts. Default: 60 s.
    pub max_retry: Duration,
    /// Attempts before giving up (record-info still running, or failing).
    /// Default: 20 (about 15 minutes with the default delays).
    pub max_attempts: u32,
    /// How long a claimed job is reserved for its worker; a worker that dies
    /// (crash, SIGKILL) lets the job come due again after this. Default: 60 s.
    pub lease: Duration,
    /// Confirmations in flight at once, per receiver. Default: 4.
    pub concurrency: usize,
    /// How often an idle worker looks for due retries. Default: 1 s.
    pub idle_poll: Duration,
}

impl Default for ConfirmPolicy {
    fn default() -> Self {
        Self {
            attempt_timeout: Duration::from_secs(20),
            first_retry: Duration::from_secs(1),
            max_retry: Duration::from_secs(60),
            max_attempts: 20,
            lease: Duration::from_secs(60),
            concurrency: 4,
            idle_poll: Duration::from_secs(1),
        }
    }
}

impl ConfirmPolicy {
    /// Sets [`ConfirmPolicy::attempt_timeout`].
    pub fn attempt_timeout(mut self, d: Duration) -> Self {
        self.attempt_timeout = d;
        self
    }
    /// Sets [`ConfirmPolicy::first_retry`] and [`ConfirmPolicy::max_retry`].
    pub fn retry_delays(mut self, first: Duration, max: Duration) -> Self {
        self.first_retry = first;
        self.max_retry = max.max(first);
        self
    }
    /// Sets [`ConfirmPolicy::max_attempts`] (at least 1).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }
    /// Sets [`ConfirmPolicy::lease`].
    pub fn lease(mut self, d: Duration) -> Self {
        self.lease = d;
        self
    }
    /// Sets [`ConfirmPolicy::concurrency`] (at least 1).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }
    /// Sets [`ConfirmPolicy::idle_poll`].
    pub fn idle_poll(mut self, d: Duration) -> Self {
        self.idle_poll = d;
        self
    }

    /// The delay before attempt `attempts + 1` (after `attempts` failed ones),
    /// spread a little per job so retries of a burst do not align.
    pub(crate) fn backoff(&self, attempts: u32, spread: i64) -> Duration {
        let exp = attempts.saturating_sub(1).min(30);
        let base = self
            .first_retry
            .saturating_mul(1u32 << exp)
            .min(self.max_retry);
        base + Duration::from_millis(spread.rem_euclid(250) as u64)
    }
}

/// Every string value under `value`.
fn strings(value: &serde_json::Value, out: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::String(s) => {
            out.insert(s.clone());
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

/// The result texts of a body: the values of its `text` and `title` fields
/// (lyrics, track titles), which record-info repeats.
fn texts(value: &serde_json::Value, out: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Array(items) => items.iter().for_each(|v| texts(v, out)),
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                match v {
                    serde_json::Value::String(s) if k == "text" || k == "title" => {
                        out.insert(s.clone());
                    }
                    _ => texts(v, out),
                }
            }
        }
        _ => {}
    }
}

fn urls(value: &serde_json::Value, out: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::String(s) if s.starts_with("http://") || s.starts_with("https://") => {
            out.insert(s.clone());
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| urls(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| urls(v, out)),
        _ => {}
    }
}

/// How a terminal callback's body disagrees with the task's terminal
/// record-info, if it does: a different success, or result URLs (audio, images,
/// stems, video, ...) or result texts (lyrics, titles) that record-info does not
/// have. `None`: they agree.
///
/// The text names counts and the state, never the body's content (it may be
/// forged).
pub fn disagreement(body: &[u8], body_success: bool, info: &RecordInfo) -> Option<String> {
    let mut problems = Vec::new();
    match (&info.state, body_success) {
        (RemoteState::Succeeded, false) => {
            problems.push("the body reports a failure, record-info a success".to_owned())
        }
        (RemoteState::Failed, true) => {
            problems.push("the body reports a success, record-info a failure".to_owned())
        }
        _ => {}
    }
    let body: serde_json::Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(_) => return Some("the stored body is not JSON".to_owned()),
    };
    let (mut claimed, mut known) = (BTreeSet::new(), BTreeSet::new());
    urls(&body, &mut claimed);
    urls(&info.data, &mut known);
    let unknown = claimed.difference(&known).count();
    if unknown > 0 {
        problems.push(format!(
            "the body names {unknown} result URL(s) that record-info does not have"
        ));
    }
    let (mut claimed_texts, mut known_strings) = (BTreeSet::new(), BTreeSet::new());
    texts(&body, &mut claimed_texts);
    strings(&info.data, &mut known_strings);
    let unknown = claimed_texts.difference(&known_strings).count();
    if unknown > 0 {
        problems.push(format!(
            "the body has {unknown} result text(s) (lyrics, titles) that record-info does not have"
        ));
    }
    (!problems.is_empty()).then(|| problems.join("; "))
}
