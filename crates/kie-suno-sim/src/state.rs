//! The simulator's shared state: the task table, credits, the rate-limit window,
//! counters, the fault generator, uploads; and the engine that moves tasks from
//! stage to stage (timers, `advance`) and hands their callbacks to the courier.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use kie_suno_types::{ApiCode, Endpoint, TaskId};

use crate::config::SimConfig;
use crate::delivery::Courier;
use crate::dice::Dice;
use crate::files::Uploads;
use crate::keywords::Directives;
use crate::lifecycle::Lifecycle;
use crate::limiter::Window;
use crate::records::Family;
use crate::stats::Stats;
use crate::sync::{lock, read, write};
use crate::task::{Task, CALLBACK_EXCEPTION};

/// Whether something made at `since` is older than `period` at `now`.
fn expired(since: DateTime<Utc>, period: Duration, now: DateTime<Utc>) -> bool {
    chrono::Duration::from_std(period).is_ok_and(|period| now - since >= period)
}

/// The simulator's state. Cheap to clone; build a router over it with
/// [`router`](crate::router).
#[derive(Clone)]
pub struct SimState {
    pub(crate) inner: Arc<Shared>,
}

impl std::fmt::Debug for SimState {
    /// A summary: the task bodies would be too long to print.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tasks = read(&self.inner.tasks).len();
        f.debug_struct("SimState")
            .field("config", &self.inner.config)
            .field("tasks", &tasks)
            .field("credits", &*lock(&self.inner.credits))
            .finish_non_exhaustive()
    }
}

/// What every route and timer shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) config: SimConfig,
    /// The base of generated file URLs, without a trailing `/`.
    pub(crate) files_base: String,
    /// The simulator's own address, when it serves on a socket (it serves the files
    /// there even when `files_base` is a proxy's public address).
    local_base: Option<String>,
    pub(crate) tasks: RwLock<HashMap<TaskId, Task>>,
    pub(crate) credits: Mutex<u64>,
    /// Task-creating calls, for `SimConfig::rate_limit`.
    window: Window,
    stats: Arc<Mutex<Stats>>,
    dice: Arc<Dice>,
    courier: Arc<Courier>,
    next_id: AtomicU64,
    /// Unique-per-parent creations: (family, parent id) -> task id (cover images,
    /// personas).
    pub(crate) unique: Mutex<HashMap<(Family, String), TaskId>>,
    pub(crate) uploads: Uploads,
    life: Arc<Lifecycle>,
}

impl SimState {
    /// A fresh state. Generated file URLs point at `config.files_base_url`
    /// (default `http://127.0.0.1`; [`Simulator::spawn`](crate::Simulator::spawn)
    /// defaults it to the bound address).
    pub fn new(config: SimConfig) -> Self {
        Self::build(config, None)
    }

    /// A state served at `local_base` (`http://127.0.0.1:PORT`): file URLs default to
    /// it, and URLs on it count as the simulator's own next to `files_base_url`.
    pub(crate) fn bound(config: SimConfig, local_base: String) -> Self {
        Self::build(config, Some(local_base))
    }

    fn build(config: SimConfig, local_base: Option<String>) -> Self {
        let trim = |s: &str| s.trim_end_matches('/').to_owned();
        let local_base = local_base.as_deref().map(trim);
        let files_base = config
            .files_base_url
            .as_deref()
            .map(trim)
            .or_else(|| local_base.clone())
            .unwrap_or_else(|| "http://127.0.0.1".to_owned());
        let stats = Arc::new(Mutex::new(Stats {
            credits_remaining: config.credits,
            ..Stats::default()
        }));
        let dice = Arc::new(Dice::new(config.seed));
        let life = Arc::new(Lifecycle::new());
        let courier = Arc::new(Courier::new(
            &config,
            Arc::clone(&dice),
            Arc::clone(&stats),
            Arc::clone(&life),
        ));
        Self {
            inner: Arc::new(Shared {
                credits: Mutex::new(config.credits),
                config,
                files_base,
                local_base,
                tasks: RwLock::new(HashMap::new()),
                window: Window::default(),
                stats,
                dice,
                courier,
                next_id: AtomicU64::new(1),
                unique: Mutex::new(HashMap::new()),
                uploads: Uploads::default(),
                life,
            }),
        }
    }

    /// The seed of this run ([`SimConfig::seed`]).
    pub fn seed(&self) -> u64 {
        self.inner.config.seed
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        let mut s = lock(&self.inner.stats).clone();
        s.credits_remaining = self.inner.balance();
        s
    }

    /// The current status of a task as its record spells it (`PENDING`, `SUCCESS`,
    /// `TEXT_SUCCESS`, `1`, ...), or `None` for an unknown id.
    pub fn task_status(&self, task_id: &TaskId) -> Option<String> {
        read(&self.inner.tasks)
            .get(task_id)
            .map(|t| t.stage().status.clone())
    }

    /// Moves a task to its next state now (sending that state's callback) and
    /// returns the new status; `None` when the id is unknown or the task is done.
    /// Meant for [`Timing::manual`](crate::Timing::manual).
    pub fn advance(&self, task_id: &TaskId) -> Option<String> {
        self.inner.advance(task_id)
    }

    /// Waits until no task is waiting for its next automatic state change and no
    /// callback is being delivered. Stalled tasks and manual timing do not count.
    pub async fn settle(&self) {
        self.inner.life.settle().await;
    }

    /// Stops task drivers and callback deliveries.
    pub(crate) fn stop(&self) {
        self.inner.life.stop();
    }
}

impl Shared {
    /// The path under `/sim/files/` of one of the simulator's own file URLs (at the
    /// public base or at its own address), without query or fragment.
    pub(crate) fn own_file_path<'u>(&self, url: &'u str) -> Option<&'u str> {
        let bases = std::iter::once(self.files_base.as_str()).chain(self.local_base.as_deref());
        bases
            .filter_map(|base| url.strip_prefix(base)?.strip_prefix("/sim/files/"))
            .next()
            .and_then(|rest| rest.split(['?', '#']).next())
            .filter(|rest| !rest.is_empty())
    }

    /// A new 32-hex-digit task id, deterministic for a given seed and order.
    pub(crate) fn new_task_id(&self) -> TaskId {
        let n = self.next_id.fetch_add(1, Ordering::SeqCst);
        crate::ids::task_id(self.config.seed, n)
    }

    /// A draw from the seeded fault generator: true with probability `p`.
    pub(crate) fn chance(&self, p: f64) -> bool {
        self.dice.chance(p)
    }

    /// Counts a request received by `endpoint`.
    pub(crate) fn count_request(&self, endpoint: Endpoint) {
        *lock(&self.stats).requests.entry(endpoint).or_insert(0) += 1;
    }

    /// Counts an error envelope sent with `code`.
    pub(crate) fn count_rejection(&self, code: ApiCode) {
        *lock(&self.stats).rejected.entry(code).or_insert(0) += 1;
    }

    /// Counts a task-creating POST carrying `prompt`.
    pub(crate) fn count_prompt(&self, prompt: &str) {
        *lock(&self.stats)
            .submissions_by_prompt
            .entry(prompt.to_owned())
            .or_insert(0) += 1;
    }

    /// Counts a task (or a synchronous answer) created through `endpoint`.
    pub(crate) fn count_task(&self, endpoint: Endpoint) {
        *lock(&self.stats).tasks_created.entry(endpoint).or_insert(0) += 1;
    }

    /// Admits one task-creating call into the rate-limit window, or refuses it.
    pub(crate) fn admit(&self) -> bool {
        match self.config.rate_limit {
            Some(limit) => self.window.admit(limit),
            None => true,
        }
    }

    /// The credits left.
    pub(crate) fn balance(&self) -> u64 {
        *lock(&self.credits)
    }

    /// Takes `cost` credits, or refuses when the balance is short.
    pub(crate) fn charge(&self, cost: u64) -> bool {
        let mut credits = lock(&self.credits);
        if *credits < cost {
            return false;
        }
        *credits -= cost;
        true
    }

    fn refund(&self, cost: u64) {
        let mut credits = lock(&self.credits);
        *credits = credits.saturating_add(cost);
    }

    /// Stores a task and starts its driver (unless timing is manual).
    pub(crate) fn insert(self: &Arc<Self>, endpoint: Endpoint, task_id: TaskId, task: Task) {
        write(&self.tasks).insert(task_id.clone(), task);
        self.count_task(endpoint);
        if !self.config.timing.manual {
            self.spawn_driver(task_id);
        }
    }

    /// The timer that moves a task through its stages, each after its delay.
    fn spawn_driver(self: &Arc<Self>, task_id: TaskId) {
        let shared = Arc::clone(self);
        let busy = self.life.busy();
        let mut stop = self.life.stop_signal();
        tokio::spawn(async move {
            let _busy = busy;
            loop {
                let delay = {
                    let tasks = read(&shared.tasks);
                    match tasks.get(&task_id) {
                        Some(t) if t.current + 1 < t.stages.len() => t.stages[t.current + 1].delay,
                        _ => return,
                    }
                };
                if *stop.borrow() {
                    return;
                }
                tokio::select! {
                    () = tokio::time::sleep(delay) => {}
                    _ = stop.changed() => return,
                }
                if shared.advance(&task_id).is_none() {
                    return;
                }
            }
        });
    }

    /// Moves a task one stage on; sends the stage's callback in order after the
    /// previous one.
    pub(crate) fn advance(self: &Arc<Self>, task_id: &TaskId) -> Option<String> {
        let mut tasks = write(&self.tasks);
        let task = tasks.get_mut(task_id)?;
        if task.is_terminal() {
            return None;
        }
        task.current += 1;
        if task.is_terminal() && self.exception_due(task) {
            to_callback_exception(task);
        }
        let stage = task.stage().clone();
        tracing::info!(task_id = %task_id, status = %stage.status, "task advanced");
        if stage.refund {
            self.refund(task.cost);
        }
        if let (Some((name, body)), Some(url)) = (stage.callback.clone(), task.callback_url.clone())
        {
            let previous = task.delivery_tail.take();
            let weak = Arc::downgrade(self);
            let id = task_id.clone();
            let on_give_up = Box::new(move || {
                if let Some(shared) = weak.upgrade() {
                    shared.callback_given_up(&id);
                }
            });
            let handle = self.courier.spawn(
                previous,
                task_id.clone(),
                task.directives,
                (url, name, body),
                on_give_up,
            );
            task.delivery_tail = Some(handle);
        }
        Some(stage.status)
    }

    /// Whether the task, once it succeeds, ends `CALLBACK_EXCEPTION`.
    fn exception_due(&self, task: &Task) -> bool {
        task.directives.callback_exception
            || (self.config.callbacks.exception_on_give_up && task.callback_failed)
    }

    /// A callback of the task could not be delivered.
    fn callback_given_up(&self, task_id: &TaskId) {
        let mut tasks = write(&self.tasks);
        if let Some(task) = tasks.get_mut(task_id) {
            task.callback_failed = true;
            if task.is_terminal() && self.exception_due(task) {
                to_callback_exception(task);
            }
        }
    }

    /// The keywords of a task (for the tasks made from it).
    pub(crate) fn directives_of(&self, task_id: &TaskId) -> Option<Directives> {
        read(&self.tasks).get(task_id).map(|t| t.directives)
    }

    /// Whether the file at `path` under `/sim/files/` is still kept: uploads for
    /// `Retention::uploads`, a task's generated files for `Retention::generated`.
    /// Paths naming no task of this simulator are stand-ins, always served.
    pub(crate) fn file_alive(&self, path: &str) -> bool {
        let now = self.config.clock.now();
        let retention = &self.config.retention;
        if let Some(upload) = path.strip_prefix("uploads/") {
            return self
                .uploads
                .get(upload)
                .is_none_or(|u| !expired(u.uploaded_at, retention.uploads, now));
        }
        let task = TaskId::new(path.split('/').next().unwrap_or_default());
        read(&self.tasks)
            .get(&task)
            .is_none_or(|t| !expired(t.created_at, retention.generated, now))
    }

    /// The details bytes of a task, with what the poll handler needs to know:
    /// (bytes, keywords, whether this poll is the `[sim:poll-500]` one, whether it
    /// is over `SimConfig::poll_limit`).
    pub(crate) fn details(
        &self,
        task_id: &TaskId,
        family: Family,
    ) -> Option<(Bytes, Directives, bool, bool)> {
        let tasks = read(&self.tasks);
        let task = tasks.get(task_id).filter(|t| t.family == family)?;
        // Records go with their retention: lyrics are generated content (14 days),
        // the other records are log records (2 months); then the task is unknown.
        let kept = match family {
            Family::Lyrics => self.config.retention.generated,
            _ => self.config.retention.records,
        };
        if expired(task.created_at, kept, self.config.clock.now()) {
            return None;
        }
        let first_fault =
            task.directives.poll_500 && !task.poll_fault_served.swap(true, Ordering::SeqCst);
        let over_limit = self
            .config
            .poll_limit
            .is_some_and(|limit| !task.polls.admit(limit));
        Some((
            task.stage().details.clone(),
            task.directives,
            first_fault,
            over_limit,
        ))
    }
}

/// Turns a task that generated its results (`SUCCESS`) into `CALLBACK_EXCEPTION`,
/// where its family has that status.
fn to_callback_exception(task: &mut Task) {
    let family = task.family;
    let index = task.current.min(task.stages.len().saturating_sub(1));
    let Some(stage) = task.stages.get_mut(index) else {
        return;
    };
    if stage.status != "SUCCESS" {
        return;
    }
    if let Some(details) = crate::records::callback_exception(family, &stage.details) {
        tracing::info!(status = CALLBACK_EXCEPTION, "callback process failed");
        stage.status = CALLBACK_EXCEPTION.to_owned();
        stage.details = details;
    }
}
