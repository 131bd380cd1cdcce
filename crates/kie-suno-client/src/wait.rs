//! Waiters: poll a task's details until it settles, with min/max delay, a
//! deadline, an injectable clock, and an optional external signal (a callback
//! receiver) that ends or short-circuits the wait.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures::stream::{BoxStream, StreamExt};
use kie_suno_types::{ApiCode, Callback, CallbackType, TaskId};
use rand::Rng;
use tracing::Instrument;

use crate::error::TaskFailure;
use crate::{Client, ClientError, Clock, Result};

/// Something that happened outside the waiter, fed in through
/// [`WaitOptions::with_signal_stream`] and friends.
///
/// The callback receiver produces these (the client does not depend on it: a
/// [`Callback`] is a `kie-suno-types` value), so a CLI can race polling against
/// the callbacks it receives.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Signal {
    /// Something happened: poll now instead of finishing the current sleep.
    PollNow,
    /// A parsed callback. Ignored unless it is for the waited-for task. A failure
    /// callback (code not 200, or stage `error`) ends the wait with
    /// [`ClientError::TaskFailed`]; a callback that carries the result waited for
    /// (lyrics; music at the stage waited for, with tracks) ends it with that
    /// result; any other callback makes the waiter poll now.
    Callback(Box<Callback>),
}

impl From<Callback> for Signal {
    fn from(cb: Callback) -> Self {
        Self::Callback(Box::new(cb))
    }
}

/// The shortest delay a waiter sleeps between polls of one task: music details
/// allow at most 3 queries per second per task.
pub const MIN_POLL_INTERVAL: Duration = Duration::from_millis(334);

/// A music stage to stop waiting at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum MusicStage {
    /// `TEXT_SUCCESS`: the lyrics / text are ready.
    TextSuccess,
    /// `FIRST_SUCCESS`: the first track is ready (streamable).
    FirstSuccess,
    /// `SUCCESS`: every track is ready.
    #[default]
    Success,
}

impl MusicStage {
    /// The rank of the stage in [`kie_suno_types::MusicStatus::stage_rank`].
    pub fn rank(self) -> u8 {
        match self {
            Self::TextSuccess => 1,
            Self::FirstSuccess => 2,
            Self::Success => 3,
        }
    }
}

/// How a waiter polls.
///
/// The first poll happens at once; then the waiter sleeps between polls. The
/// delay before poll `n` is drawn from `[min_delay, min(max_delay, min_delay *
/// 2^(n-1))]` and the last sleep is clamped to the deadline (the AWS SDK waiter
/// schedule). The defaults follow the docs: their sample code polls every 10 s
/// with a 10-minute cap, the callback pages recommend every 30 s, and music
/// details allow at most 3 queries per second per task.
///
/// ```
/// use std::time::Duration;
/// use kie_suno_client::{MusicStage, WaitOptions};
/// let options = WaitOptions::new()
///     .with_delays(Duration::from_secs(5), Duration::from_secs(20))
///     .with_deadline(Duration::from_secs(300))
///     .with_stop_at(MusicStage::FirstSuccess);
/// assert_eq!(options.min_delay(), Duration::from_secs(5));
/// assert_eq!(options.stop_at(), MusicStage::FirstSuccess);
/// ```
#[non_exhaustive]
pub struct WaitOptions {
    pub(crate) min_delay: Duration,
    pub(crate) max_delay: Duration,
    pub(crate) deadline: Duration,
    pub(crate) stop_at: MusicStage,
    pub(crate) clock: Option<Arc<dyn Clock>>,
    signal: Option<BoxStream<'static, Signal>>,
    on_status: Option<StatusHook>,
}

/// A progress hook: called with each new status a poll reads.
type StatusHook = Arc<dyn Fn(&str) + Send + Sync>;

impl fmt::Debug for WaitOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitOptions")
            .field("min_delay", &self.min_delay)
            .field("max_delay", &self.max_delay)
            .field("deadline", &self.deadline)
            .field("stop_at", &self.stop_at)
            .field("clock", &self.clock)
            .field("signal", &self.signal.as_ref().map(|_| "<stream>"))
            .field("on_status", &self.on_status.as_ref().map(|_| "<fn>"))
            .finish()
    }
}

impl Default for WaitOptions {
    /// Delays from 10 s to 30 s, a 10-minute deadline, music stops at `SUCCESS`,
    /// the client's clock, no signal, no status hook.
    fn default() -> Self {
        Self {
            min_delay: Duration::from_secs(10),
            max_delay: Duration::from_secs(30),
            deadline: Duration::from_secs(600),
            stop_at: MusicStage::Success,
            clock: None,
            signal: None,
            on_status: None,
        }
    }
}

impl WaitOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the shortest delay between polls (never below [`MIN_POLL_INTERVAL`],
    /// the documented 3 queries per second per task) and the longest (at least
    /// `min`). Default: 10 s and 30 s.
    pub fn with_delays(mut self, min: Duration, max: Duration) -> Self {
        self.min_delay = min;
        self.max_delay = max.max(min);
        self
    }

    /// Sets how long to wait in all before [`ClientError::WaitDeadline`].
    /// Default: 10 min.
    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Music waiters only: the stage that ends the wait. Default:
    /// [`MusicStage::Success`].
    pub fn with_stop_at(mut self, stage: MusicStage) -> Self {
        self.stop_at = stage;
        self
    }

    /// Uses this clock instead of the client's. Default: the client's
    /// ([`ClientBuilder::clock`](crate::ClientBuilder::clock)).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Calls `hook` with the status a poll reads (`PENDING`, `TEXT_SUCCESS`, ...)
    /// each time it differs from the last one reported, the first poll included.
    /// For progress displays. Default: none.
    pub fn on_status(mut self, hook: impl Fn(&str) + Send + Sync + 'static) -> Self {
        self.on_status = Some(Arc::new(hook));
        self
    }

    /// Races polling against a stream of [`Signal`]s. When the stream ends, the
    /// waiter goes on polling. Replaces a signal set before (every
    /// `with_signal_*` does). Default: none (polling only).
    pub fn with_signal_stream(
        mut self,
        signals: impl futures::Stream<Item = Signal> + Send + 'static,
    ) -> Self {
        self.signal = Some(signals.boxed());
        self
    }

    /// Races polling against an `mpsc` receiver of [`Signal`]s.
    pub fn with_signal_receiver(self, rx: tokio::sync::mpsc::Receiver<Signal>) -> Self {
        self.with_signal_stream(futures::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|s| (s, rx))
        }))
    }

    /// Races polling against a `broadcast` receiver of [`Signal`]s (e.g. one
    /// subscription to a receiver's outcome stream). A lag (missed signals) counts
    /// as [`Signal::PollNow`].
    pub fn with_signal_broadcast(self, rx: tokio::sync::broadcast::Receiver<Signal>) -> Self {
        use tokio::sync::broadcast::error::RecvError;
        self.with_signal_stream(futures::stream::unfold(rx, |mut rx| async move {
            match rx.recv().await {
                Ok(s) => Some((s, rx)),
                Err(RecvError::Lagged(_)) => Some((Signal::PollNow, rx)),
                Err(RecvError::Closed) => None,
            }
        }))
    }

    /// Races polling against a `oneshot` receiver; a dropped sender just ends the
    /// signal (polling goes on).
    pub fn with_signal_oneshot(self, rx: tokio::sync::oneshot::Receiver<Signal>) -> Self {
        use futures::StreamExt as _;
        self.with_signal_stream(
            futures::stream::once(rx).filter_map(|r| std::future::ready(r.ok())),
        )
    }

    /// Races polling against one future (e.g. a `oneshot` receiver mapped to a
    /// [`Signal`]).
    pub fn with_signal_future(self, signal: impl Future<Output = Signal> + Send + 'static) -> Self {
        self.with_signal_stream(futures::stream::once(signal))
    }

    /// The shortest delay between polls, as set (the waiter never sleeps less
    /// than [`MIN_POLL_INTERVAL`]).
    pub fn min_delay(&self) -> Duration {
        self.min_delay
    }

    /// The longest delay between polls.
    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// How long to wait in all.
    pub fn deadline(&self) -> Duration {
        self.deadline
    }

    /// Music waiters: the stage that ends the wait.
    pub fn stop_at(&self) -> MusicStage {
        self.stop_at
    }

    /// The clock, when one was set; `None` uses the client's.
    pub fn clock(&self) -> Option<&Arc<dyn Clock>> {
        self.clock.as_ref()
    }

    fn delay_before(&self, poll: u32) -> Duration {
        let min = self.min_delay.max(MIN_POLL_INTERVAL);
        let shift = poll.saturating_sub(2).min(31);
        let ceiling = min
            .saturating_mul(1u32 << shift)
            .min(self.max_delay)
            .max(min);
        if ceiling <= min {
            return min;
        }
        let lo = u64::try_from(min.as_nanos()).unwrap_or(u64::MAX);
        let hi = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(rand::thread_rng().gen_range(lo..=hi))
    }
}

/// What a poll said about the task.
pub(crate) enum Verdict<O> {
    /// Settled successfully with its payload.
    Done(O),
    /// Still running; the status as spelled.
    Pending(String),
    /// Reached a failure status.
    Failed(TaskFailure),
    /// Reported success without a payload.
    Empty(String),
}

/// What a signal asks for.
enum Action<O> {
    Ignore,
    PollNow,
    Done(O),
    Failed(TaskFailure),
}

fn callback_action<O>(
    cb: &Callback,
    task_id: &TaskId,
    direct: &impl Fn(&Callback) -> Option<O>,
) -> Action<O> {
    if cb.task_id() != task_id {
        return Action::Ignore;
    }
    let failed = cb.code() != ApiCode::Success || cb.stage() == CallbackType::Error;
    if failed {
        #[allow(unreachable_patterns)]
        let message = match cb {
            Callback::Lyrics(c) => Some(c.msg.clone()),
            Callback::Music(c) | Callback::ReplaceSection(c) => {
                c.data.error.clone().or_else(|| Some(c.msg.clone()))
            }
            Callback::CoverImage(c) => Some(c.msg.clone()),
            Callback::Wav(c) => Some(c.msg.clone()),
            Callback::Separation(c) => Some(c.msg.clone()),
            Callback::Midi(c) => Some(c.msg.clone()),
            Callback::Video(c) => Some(c.msg.clone()),
            _ => None,
        };
        return Action::Failed(TaskFailure {
            task_id: task_id.clone(),
            status: None,
            code: Some(cb.code().as_i64()),
            message: message.filter(|m| !m.is_empty()),
        });
    }
    match direct(cb) {
        Some(o) => Action::Done(o),
        None => Action::PollNow,
    }
}

impl Client {
    /// The waiter loop shared by every family.
    ///
    /// `poll` reads the details; `status` names their status; `judge` classifies
    /// them; `direct` turns a success callback into the outcome when the callback
    /// carries the whole result.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn wait_loop<R, O, P, Fut, S, J, D>(
        &self,
        task_id: &TaskId,
        mut opts: WaitOptions,
        mut poll: P,
        status: S,
        judge: J,
        direct: D,
    ) -> Result<O>
    where
        P: FnMut() -> Fut,
        Fut: Future<Output = Result<R>>,
        S: Fn(&R) -> String,
        J: Fn(R) -> Verdict<O>,
        D: Fn(&Callback) -> Option<O>,
    {
        let on_status = opts.on_status.take();
        let mut reported: Option<String> = None;
        let clock = opts
            .clock
            .clone()
            .unwrap_or_else(|| self.inner.clock.clone());
        let start = clock.now();
        let mut signal = opts.signal.take();
        let mut polls: u32 = 0;
        let mut last_seen: Option<String> = None;
        let span = tracing::debug_span!("kie_suno_wait", task_id = task_id.as_str());
        async move {
            loop {
                polls += 1;
                // One poll (with the client's own retries) may not outlast the wait:
                // bounded by the time left (in real time; a fake clock's tests poll
                // servers that answer at once).
                let left = opts
                    .deadline
                    .saturating_sub(clock.now().saturating_duration_since(start))
                    .max(Duration::from_millis(1));
                let polled = match tokio::time::timeout(left, poll()).await {
                    Ok(polled) => polled,
                    Err(_) => {
                        return Err(ClientError::WaitDeadline {
                            task_id: task_id.clone(),
                            waited: clock.now().saturating_duration_since(start),
                            last_status: last_seen.clone(),
                        })
                    }
                };
                let last_status = match polled {
                    Ok(record) => {
                        if let Some(hook) = &on_status {
                            let now = status(&record);
                            if reported.as_deref() != Some(now.as_str()) {
                                hook(&now);
                                reported = Some(now);
                            }
                        }
                        match judge(record) {
                            Verdict::Done(o) => return Ok(o),
                            Verdict::Pending(s) => s,
                            Verdict::Failed(f) => return Err(ClientError::TaskFailed(Box::new(f))),
                            Verdict::Empty(status) => {
                                return Err(ClientError::EmptyResult {
                                    task_id: task_id.clone(),
                                    status,
                                })
                            }
                        }
                    }
                    Err(e) => {
                        return Err(ClientError::PollFailed {
                            task_id: task_id.clone(),
                            source: Box::new(e),
                        })
                    }
                };
                tracing::debug!(status = %last_status, polls, "task still running");
                last_seen = Some(last_status.clone());
                let waited = clock.now().saturating_duration_since(start);
                if waited >= opts.deadline {
                    return Err(ClientError::WaitDeadline {
                        task_id: task_id.clone(),
                        waited,
                        last_status: Some(last_status),
                    });
                }
                let sleep_for = opts
                    .delay_before(polls + 1)
                    .min(opts.deadline.saturating_sub(waited));
                let wake_at = clock.now() + sleep_for;
                // Sleep until `wake_at`, unless a signal says otherwise.
                loop {
                    let remaining = wake_at.saturating_duration_since(clock.now());
                    if remaining.is_zero() {
                        break;
                    }
                    let Some(stream) = signal.as_mut() else {
                        clock.sleep(remaining).await;
                        break;
                    };
                    let item = tokio::select! {
                        biased;
                        item = stream.next() => Some(item),
                        () = clock.sleep(remaining) => None,
                    };
                    match item {
                        None => break,
                        Some(None) => signal = None,
                        Some(Some(Signal::PollNow)) => break,
                        Some(Some(Signal::Callback(cb))) => {
                            match callback_action(&cb, task_id, &direct) {
                                Action::Ignore => {}
                                Action::PollNow => break,
                                Action::Done(o) => return Ok(o),
                                Action::Failed(f) => {
                                    return Err(ClientError::TaskFailed(Box::new(f)));
                                }
                            }
                        }
                    }
                }
            }
        }
        .instrument(span)
        .await
    }
}
