//! The simulator's shared state: tasks and their stages, credits, the rate-limit
//! window, counters, the fault generator; and the engine that moves tasks along.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use bytes::Bytes;
use kie_suno_types::{ApiCode, Endpoint, TaskId};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::sync::{watch, Notify};
use tokio::time::Instant;

use crate::config::{SimConfig, SimRateLimit};
use crate::keywords::Directives;
use crate::records::{Family, Stage};
use crate::stats::Stats;

/// One task.
#[derive(Debug)]
pub(crate) struct Task {
    pub(crate) family: Family,
    pub(crate) callback_url: Option<String>,
    pub(crate) directives: Directives,
    pub(crate) stages: Vec<Stage>,
    pub(crate) current: usize,
    pub(crate) cost: u64,
    /// Ids children may refer to: track ids (music) or stem ids (separation).
    pub(crate) children: Vec<String>,
    /// Whether the `[sim:poll-500]` failure has been served.
    pub(crate) poll_fault_served: AtomicBool,
    /// Recent details calls, for `SimConfig::poll_limit`.
    pub(crate) polls: Mutex<VecDeque<Instant>>,
    /// The last callback delivery, so the next one waits for it (in-order delivery).
    pub(crate) delivery_tail: Option<tokio::task::JoinHandle<()>>,
}

impl Task {
    pub(crate) fn stage(&self) -> &Stage {
        // `current` only ever indexes into `stages`, which is never empty.
        &self.stages[self.current.min(self.stages.len().saturating_sub(1))]
    }
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
        let tasks = self
            .inner
            .tasks
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len();
        f.debug_struct("SimState")
            .field("config", &self.inner.config)
            .field("tasks", &tasks)
            .field("credits", &*lock(&self.inner.credits))
            .finish_non_exhaustive()
    }
}

#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) config: SimConfig,
    pub(crate) files_base: String,
    pub(crate) tasks: RwLock<HashMap<TaskId, Task>>,
    pub(crate) credits: Mutex<u64>,
    pub(crate) window: Mutex<VecDeque<Instant>>,
    pub(crate) stats: Mutex<Stats>,
    pub(crate) rng: Mutex<StdRng>,
    pub(crate) http: reqwest::Client,
    pub(crate) next_id: AtomicU64,
    /// Unique-per-parent creations: (family, parent id) -> task id (cover images).
    pub(crate) unique: Mutex<HashMap<(Family, String), TaskId>>,
    /// Uploaded files by `uploadPath/fileName`.
    pub(crate) uploads: Mutex<HashMap<String, crate::uploads::Upload>>,
    pub(crate) shutdown: watch::Sender<bool>,
    pub(crate) in_flight: AtomicUsize,
    pub(crate) idle: Notify,
}

/// Locks a mutex, recovering the data if a panicking thread poisoned it (the
/// counters stay usable).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl SimState {
    /// A fresh state. Generated file URLs point at `config.files_base_url`
    /// (default `http://127.0.0.1`; [`Simulator::spawn`](crate::Simulator::spawn)
    /// sets it to the bound address).
    pub fn new(config: SimConfig) -> Self {
        let files_base = config
            .files_base_url
            .clone()
            .unwrap_or_else(|| "http://127.0.0.1".to_owned())
            .trim_end_matches('/')
            .to_owned();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        let (shutdown, _) = watch::channel(false);
        let stats = Stats {
            credits_remaining: config.credits,
            ..Stats::default()
        };
        Self {
            inner: Arc::new(Shared {
                credits: Mutex::new(config.credits),
                rng: Mutex::new(StdRng::seed_from_u64(config.faults.seed)),
                config,
                files_base,
                tasks: RwLock::new(HashMap::new()),
                window: Mutex::new(VecDeque::new()),
                stats: Mutex::new(stats),
                http,
                next_id: AtomicU64::new(1),
                unique: Mutex::new(HashMap::new()),
                uploads: Mutex::new(HashMap::new()),
                shutdown,
                in_flight: AtomicUsize::new(0),
                idle: Notify::new(),
            }),
        }
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        let mut s = lock(&self.inner.stats).clone();
        s.credits_remaining = *lock(&self.inner.credits);
        s
    }

    /// The current status of a task as its record spells it (`PENDING`, `SUCCESS`,
    /// `TEXT_SUCCESS`, `1`, ...), or `None` for an unknown id.
    pub fn task_status(&self, task_id: &TaskId) -> Option<String> {
        let tasks = self
            .inner
            .tasks
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        tasks.get(task_id).map(|t| t.stage().status.clone())
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
        loop {
            let notified = self.inner.idle.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.inner.in_flight.load(Ordering::SeqCst) == 0 {
                return;
            }
            notified.await;
        }
    }

    /// Stops task drivers and callback deliveries.
    pub(crate) fn stop(&self) {
        self.inner.shutdown.send_replace(true);
    }
}

/// Sliding-window admission: true (and recorded) when fewer than
/// `limit.max_requests` calls happened within `limit.window`.
pub(crate) fn admit_into(window: &Mutex<VecDeque<Instant>>, limit: SimRateLimit) -> bool {
    let now = Instant::now();
    let mut window = lock(window);
    while window
        .front()
        .is_some_and(|t| now.duration_since(*t) >= limit.window)
    {
        window.pop_front();
    }
    if window.len() >= limit.max_requests as usize {
        return false;
    }
    window.push_back(now);
    true
}

/// Counts a unit of background work for [`SimState::settle`].
pub(crate) struct Busy(Arc<Shared>);

impl Busy {
    pub(crate) fn new(shared: &Arc<Shared>) -> Self {
        shared.in_flight.fetch_add(1, Ordering::SeqCst);
        Self(Arc::clone(shared))
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        if self.0.in_flight.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

impl Shared {
    /// A new 32-hex-digit task id, deterministic for a given seed and order.
    pub(crate) fn new_task_id(&self) -> TaskId {
        let n = self.next_id.fetch_add(1, Ordering::SeqCst);
        let seed = self.config.faults.seed.to_le_bytes();
        let a = crate::lyricsgen::mix(crate::lyricsgen::fnv1a(&[&seed, &n.to_le_bytes(), b"a"]));
        let b =
            crate::lyricsgen::mix(a ^ crate::lyricsgen::fnv1a(&[&seed, &n.to_le_bytes(), b"b"]));
        TaskId::new(format!("{a:016x}{b:016x}"))
    }

    /// A draw from the seeded fault generator: true with probability `p`.
    pub(crate) fn chance(&self, p: f64) -> bool {
        if p <= 0.0 {
            return false;
        }
        if p >= 1.0 {
            return true;
        }
        lock(&self.rng).gen_bool(p)
    }

    pub(crate) fn count_request(&self, endpoint: Endpoint) {
        *lock(&self.stats).requests.entry(endpoint).or_insert(0) += 1;
    }

    pub(crate) fn count_rejection(&self, code: ApiCode) {
        *lock(&self.stats).rejected.entry(code).or_insert(0) += 1;
    }

    pub(crate) fn count_prompt(&self, prompt: &str) {
        *lock(&self.stats)
            .submissions_by_prompt
            .entry(prompt.to_owned())
            .or_insert(0) += 1;
    }

    /// Admits one task-creating call into the rate-limit window, or refuses it.
    pub(crate) fn admit(&self) -> bool {
        match self.config.rate_limit {
            Some(limit) => admit_into(&self.window, limit),
            None => true,
        }
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

    pub(crate) fn refund(&self, cost: u64) {
        let mut credits = lock(&self.credits);
        *credits = credits.saturating_add(cost);
    }

    /// Stores a task and starts its driver (unless timing is manual).
    pub(crate) fn insert(self: &Arc<Self>, endpoint: Endpoint, task_id: TaskId, task: Task) {
        self.tasks
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(task_id.clone(), task);
        *lock(&self.stats).tasks_created.entry(endpoint).or_insert(0) += 1;
        if !self.config.timing.manual {
            self.spawn_driver(task_id);
        }
    }

    fn spawn_driver(self: &Arc<Self>, task_id: TaskId) {
        let shared = Arc::clone(self);
        let busy = Busy::new(self);
        let mut stop = self.shutdown.subscribe();
        tokio::spawn(async move {
            let _busy = busy;
            loop {
                let delay = {
                    let tasks = shared
                        .tasks
                        .read()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
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
        let mut tasks = self
            .tasks
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let task = tasks.get_mut(task_id)?;
        if task.current + 1 >= task.stages.len() {
            return None;
        }
        task.current += 1;
        let stage = task.stage().clone();
        tracing::info!(task_id = %task_id, status = %stage.status, "task advanced");
        if stage.refund {
            self.refund(task.cost);
        }
        if let (Some((name, body)), Some(url)) = (stage.callback.clone(), task.callback_url.clone())
        {
            let previous = task.delivery_tail.take();
            let handle = crate::delivery::spawn(
                Arc::clone(self),
                previous,
                task_id.clone(),
                task.directives,
                url,
                name,
                body,
            );
            task.delivery_tail = Some(handle);
        }
        Some(stage.status)
    }

    /// The details bytes of a task, with what the poll handler needs to know.
    pub(crate) fn details(
        &self,
        task_id: &TaskId,
        family: Family,
    ) -> Option<(Bytes, Directives, bool, bool)> {
        let tasks = self
            .tasks
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let task = tasks.get(task_id).filter(|t| t.family == family)?;
        let first_fault =
            task.directives.poll_500 && !task.poll_fault_served.swap(true, Ordering::SeqCst);
        let over_limit = self
            .config
            .poll_limit
            .is_some_and(|limit| !admit_into(&task.polls, limit));
        Some((
            task.stage().details.clone(),
            task.directives,
            first_fault,
            over_limit,
        ))
    }
}
