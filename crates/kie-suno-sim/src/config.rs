//! `SimConfig` and its parts: auth, timing, credits, rate limit, callback delivery,
//! run-wide faults and the HTTP status of errors (the clock is in `clock`).

use std::collections::HashMap;
use std::time::Duration;

use kie_suno_types::Endpoint;
use secrecy::SecretString;

use crate::clock::SimClock;

/// Everything the simulator can be told. `SimConfig::default()` is a permissive,
/// fast account: any non-empty key, tasks done in about a second, 10 000 credits,
/// the documented rate limit, unsigned callbacks, no faults, a random seed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SimConfig {
    /// The seed of everything the simulator makes up: task ids, track and stem ids,
    /// durations, MIDI notes and the run-wide fault draws. The same seed, config and
    /// requests give the same run; different seeds give task ids that do not repeat.
    /// Default: drawn at random when the config is made (read it back here, or from
    /// [`SimHandle::seed`](crate::SimHandle::seed), to repeat a run).
    pub seed: u64,
    /// Which API keys are accepted. Default: any non-empty key.
    pub auth: Auth,
    /// The account's `webhookHmacKey`; when set, callbacks carry
    /// `X-Webhook-Timestamp` and `X-Webhook-Signature`. Default: none (unsigned).
    pub webhook_hmac_key: Option<SecretString>,
    /// How fast tasks move through their states. Default: [`Timing::default`].
    pub timing: Timing,
    /// The starting credit balance. Default: 10 000.
    pub credits: u64,
    /// What each task-creating call costs. Default: [`Costs::default`].
    pub costs: Costs,
    /// The rate limit on task-creating calls; `None` disables it.
    /// Default: 20 per 10 s (the documented per-account limit).
    pub rate_limit: Option<SimRateLimit>,
    /// A per-task limit on details (record-info) calls. The music details page
    /// documents "3 requests per second per task" but not what happens beyond it;
    /// when set, excess polls get 429. Default: none (not enforced).
    pub poll_limit: Option<SimRateLimit>,
    /// Callback delivery: attempts, timeout, backoff. Default: [`CallbackPolicy::default`].
    pub callbacks: CallbackPolicy,
    /// Run-wide fault injection. Default: none.
    pub faults: Faults,
    /// Where times come from (`X-Webhook-Timestamp`, `createTime`, ...).
    /// Default: the system clock.
    pub clock: SimClock,
    /// The HTTP status sent with an error envelope. Default: [`ErrorStatus::Mirror`].
    pub error_status: ErrorStatus,
    /// The public base of every file URL the simulator hands out (`audioUrl`,
    /// `streamAudioUrl`, `imageUrl`, stems, WAV, video, cover images, uploads'
    /// `downloadUrl`), e.g. `https://sim.example.com` when a proxy fronts the
    /// simulator. The files are still served at the simulator's own address, under
    /// `/sim/files/`. Default: the simulator's own address.
    pub files_base_url: Option<String>,
    /// How long generated files, uploads and records are kept, on
    /// [`SimConfig::clock`]. Default: [`Retention::default`] (the documented 14
    /// days, 3 days and 2 months).
    pub retention: Retention,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            auth: Auth::AnyKey,
            webhook_hmac_key: None,
            timing: Timing::default(),
            credits: 10_000,
            costs: Costs::default(),
            rate_limit: Some(SimRateLimit::documented()),
            poll_limit: None,
            callbacks: CallbackPolicy::default(),
            faults: Faults::default(),
            clock: SimClock::system(),
            error_status: ErrorStatus::Mirror,
            files_base_url: None,
            retention: Retention::default(),
            seed: rand::random(),
        }
    }
}

impl SimConfig {
    /// The defaults; see [`SimConfig`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Accept only this API key (others get 401).
    pub fn with_api_key(mut self, key: impl Into<String>) -> Self {
        self.auth = Auth::Exact(SecretString::from(key.into()));
        self
    }

    /// Sign callbacks with this `webhookHmacKey`.
    pub fn with_hmac_key(mut self, key: impl Into<String>) -> Self {
        self.webhook_hmac_key = Some(SecretString::from(key.into()));
        self
    }

    /// Replaces the timing.
    pub fn with_timing(mut self, timing: Timing) -> Self {
        self.timing = timing;
        self
    }

    /// Sets the starting credit balance.
    pub fn with_credits(mut self, credits: u64) -> Self {
        self.credits = credits;
        self
    }

    /// Replaces the rate limit (`None` disables it).
    pub fn with_rate_limit(mut self, limit: Option<SimRateLimit>) -> Self {
        self.rate_limit = limit;
        self
    }

    /// Limits details calls per task (`SimRateLimit::documented_poll()` is the music
    /// page's 3 per second).
    pub fn with_poll_limit(mut self, limit: Option<SimRateLimit>) -> Self {
        self.poll_limit = limit;
        self
    }

    /// Replaces the callback delivery policy.
    pub fn with_callbacks(mut self, policy: CallbackPolicy) -> Self {
        self.callbacks = policy;
        self
    }

    /// Replaces the run-wide faults.
    pub fn with_faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    /// Replaces the clock.
    pub fn with_clock(mut self, clock: SimClock) -> Self {
        self.clock = clock;
        self
    }

    /// Replaces the HTTP status policy of error envelopes.
    pub fn with_error_status(mut self, status: ErrorStatus) -> Self {
        self.error_status = status;
        self
    }

    /// Fixes the seed (ids, generated data and fault draws repeat run after run).
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Hands out file URLs under `base` (e.g. `https://sim.example.com`, the address
    /// of a proxy in front of the simulator) instead of the simulator's own address.
    pub fn with_files_base_url(mut self, base: impl Into<String>) -> Self {
        self.files_base_url = Some(base.into());
        self
    }

    /// Replaces the retention periods.
    pub fn with_retention(mut self, retention: Retention) -> Self {
        self.retention = retention;
        self
    }
}

/// How long things are kept, measured on [`SimConfig::clock`] from when they were
/// made. The docs: generated media files 14 days, log records (text and metadata)
/// 2 months, uploaded files 3 days; generated lyrics 14 days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Retention {
    /// Generated files (audio, streams, images, stems, WAV, video) answer 404
    /// after this; lyrics records too (the lyrics page keeps lyrics 14 days).
    /// Default: 14 days.
    pub generated: Duration,
    /// Uploaded files answer 404 after this. Default: 3 days.
    pub uploads: Duration,
    /// Records (record-info) of the other families answer 404, as an unknown task,
    /// after this. Default: 60 days (the docs' "2 months").
    pub records: Duration,
}

impl Default for Retention {
    fn default() -> Self {
        const DAY: u64 = 24 * 60 * 60;
        Self {
            generated: Duration::from_secs(14 * DAY),
            uploads: Duration::from_secs(3 * DAY),
            records: Duration::from_secs(60 * DAY),
        }
    }
}

impl Retention {
    /// Custom periods.
    pub fn new(generated: Duration, uploads: Duration, records: Duration) -> Self {
        Self {
            generated,
            uploads,
            records,
        }
    }
}

/// Which `Authorization: Bearer` keys are accepted.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub enum Auth {
    /// Any non-empty bearer token. The default.
    #[default]
    AnyKey,
    /// Exactly this key (compared in constant time).
    Exact(SecretString),
}

/// The delays between task states. Each is measured from the previous state.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timing {
    /// Lyrics: `PENDING` -> terminal. Default: 1 s.
    pub lyrics: Duration,
    /// Music: `PENDING` -> `TEXT_SUCCESS`. Default: 300 ms.
    pub music_text: Duration,
    /// Music: `TEXT_SUCCESS` -> `FIRST_SUCCESS`. Default: 300 ms.
    pub music_first: Duration,
    /// Music: `FIRST_SUCCESS` -> `SUCCESS`. Default: 400 ms.
    pub music_complete: Duration,
    /// Media families (WAV, separation, MIDI, video, cover image): pending -> done.
    /// Default: 1 s.
    pub media: Duration,
    /// Tasks stay put until [`SimHandle::advance`](crate::SimHandle::advance) moves
    /// them (for tests that step through states). Default: false.
    pub manual: bool,
}

impl Default for Timing {
    fn default() -> Self {
        Self {
            lyrics: Duration::from_secs(1),
            music_text: Duration::from_millis(300),
            music_first: Duration::from_millis(300),
            music_complete: Duration::from_millis(400),
            media: Duration::from_secs(1),
            manual: false,
        }
    }
}

impl Timing {
    /// Every delay set to `step`.
    pub fn uniform(step: Duration) -> Self {
        Self {
            lyrics: step,
            music_text: step,
            music_first: step,
            music_complete: step,
            media: step,
            manual: false,
        }
    }

    /// No delays: tasks finish as soon as the runtime gets to them.
    pub fn instant() -> Self {
        Self::uniform(Duration::ZERO)
    }

    /// Tasks only move when the test calls `SimHandle::advance`.
    pub fn manual() -> Self {
        Self {
            manual: true,
            ..Self::instant()
        }
    }
}

/// Credits charged per task-creating call. The docs publish no prices except for
/// stem separation (`separate_vocal` 10, `split_stem` 50, `split_stem_advanced` 20), so everything else costs
/// [`Costs::default_cost`] unless overridden.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Costs {
    /// Cost of an endpoint not listed in `per_endpoint`. Default: 1.
    pub default_cost: u64,
    /// Overrides per endpoint. Default: empty.
    pub per_endpoint: HashMap<Endpoint, u64>,
    /// Vocal separation, `type: separate_vocal`. Default: 10 (documented).
    pub separate_vocal: u64,
    /// Vocal separation, `type: split_stem`. Default: 50 (documented).
    pub split_stem: u64,
    /// Vocal separation, `type: split_stem_advanced`. Default: 20 (newest docs).
    pub split_stem_advanced: u64,
}

impl Default for Costs {
    fn default() -> Self {
        Self {
            default_cost: 1,
            per_endpoint: HashMap::new(),
            separate_vocal: 10,
            split_stem: 50,
            split_stem_advanced: 20,
        }
    }
}

impl Costs {
    /// Sets the cost of one endpoint.
    pub fn with(mut self, endpoint: Endpoint, cost: u64) -> Self {
        self.per_endpoint.insert(endpoint, cost);
        self
    }

    /// The cost of a call to `endpoint`.
    pub fn of(&self, endpoint: Endpoint) -> u64 {
        self.per_endpoint
            .get(&endpoint)
            .copied()
            .unwrap_or(self.default_cost)
    }
}

/// A sliding-window limit on task-creating calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SimRateLimit {
    /// Calls allowed per window. Default: 20.
    pub max_requests: u32,
    /// The window. Default: 10 s.
    pub window: Duration,
}

impl SimRateLimit {
    /// The documented default: 20 new generation requests per 10 s per account.
    pub fn documented() -> Self {
        Self {
            max_requests: 20,
            window: Duration::from_secs(10),
        }
    }

    /// The documented music polling limit: 3 details calls per second per task.
    pub fn documented_poll() -> Self {
        Self {
            max_requests: 3,
            window: Duration::from_secs(1),
        }
    }

    /// A custom limit.
    pub fn new(max_requests: u32, window: Duration) -> Self {
        Self {
            max_requests,
            window,
        }
    }
}

impl Default for SimRateLimit {
    fn default() -> Self {
        Self::documented()
    }
}

/// How callbacks are delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallbackPolicy {
    /// Attempts per callback before giving up (the docs: stop after 3 failures).
    /// Default: 3.
    pub attempts: u32,
    /// How long a receiver may take to answer (the docs: 15 s). Default: 15 s.
    pub timeout: Duration,
    /// The wait before the second attempt; doubled before each later one.
    /// Default: 1 s.
    pub backoff: Duration,
    /// A task whose callback was given up (every attempt failed) ends
    /// `CALLBACK_EXCEPTION` ("error during callback process") instead of `SUCCESS`,
    /// in the families whose status lists it (music, lyrics, WAV, separation). The
    /// docs list the status without saying when it arises; off by default, so a
    /// client that only polls and gives a dummy callback URL still sees `SUCCESS`
    /// (`[sim:callback-exception]` forces it for one task). Default: false.
    pub exception_on_give_up: bool,
}

impl Default for CallbackPolicy {
    fn default() -> Self {
        Self {
            attempts: 3,
            timeout: Duration::from_secs(15),
            backoff: Duration::from_secs(1),
            exception_on_give_up: false,
        }
    }
}

impl CallbackPolicy {
    /// A policy for tests: `attempts`, a short timeout and a short backoff.
    pub fn new(attempts: u32, timeout: Duration, backoff: Duration) -> Self {
        Self {
            attempts,
            timeout,
            backoff,
            exception_on_give_up: false,
        }
    }

    /// Ends tasks whose callback was given up `CALLBACK_EXCEPTION` (see
    /// [`CallbackPolicy::exception_on_give_up`]).
    pub fn with_exception_on_give_up(mut self, on: bool) -> Self {
        self.exception_on_give_up = on;
        self
    }
}

/// Run-wide fault injection: probabilities drawn from a generator seeded with
/// [`SimConfig::seed`], so a run with the same seed and the same request order fails
/// the same way.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Faults {
    /// Every call answers `455` (maintenance). Default: false.
    pub maintenance: bool,
    /// Probability that a task-creating call answers `500`. Default: 0.
    pub submit_500: f64,
    /// Probability that a details (record-info) call answers `500`. Default: 0.
    pub poll_500: f64,
    /// Probability that a task fails during generation (`GENERATE_*_FAILED`).
    /// Default: 0.
    pub task_failure: f64,
    /// Probability that a callback is dropped (never sent). Default: 0.
    pub drop_callback: f64,
    /// Probability that a callback is sent twice. Default: 0.
    pub duplicate_callback: f64,
    /// How long `[sim:slow]` delays each answer. Default: 3 s.
    pub slow_delay: Duration,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            maintenance: false,
            submit_500: 0.0,
            poll_500: 0.0,
            task_failure: 0.0,
            drop_callback: 0.0,
            duplicate_callback: 0.0,
            slow_delay: Duration::from_secs(3),
        }
    }
}

impl Faults {
    /// Every call answers 455.
    pub fn with_maintenance(mut self, on: bool) -> Self {
        self.maintenance = on;
        self
    }

    /// Probability of a 500 on task-creating calls.
    pub fn with_submit_500(mut self, p: f64) -> Self {
        self.submit_500 = p;
        self
    }

    /// Probability of a 500 on details calls.
    pub fn with_poll_500(mut self, p: f64) -> Self {
        self.poll_500 = p;
        self
    }

    /// Probability that a task fails during generation.
    pub fn with_task_failure(mut self, p: f64) -> Self {
        self.task_failure = p;
        self
    }

    /// Probability that a callback is dropped.
    pub fn with_drop_callback(mut self, p: f64) -> Self {
        self.drop_callback = p;
        self
    }

    /// Probability that a callback is sent twice.
    pub fn with_duplicate_callback(mut self, p: f64) -> Self {
        self.duplicate_callback = p;
        self
    }

    /// The delay of `[sim:slow]`.
    pub fn with_slow_delay(mut self, delay: std::time::Duration) -> Self {
        self.slow_delay = delay;
        self
    }
}

/// The HTTP status that accompanies an error envelope. The docs put every code in
/// the JSON body and never say which HTTP status comes with it (the Getting Started
/// page says rate-limited calls get HTTP 429), so both behaviours are available.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ErrorStatus {
    /// The HTTP status equals the envelope code (401, 402, 413, 422, 429, 455,
    /// 500, ...). The default.
    #[default]
    Mirror,
    /// Always HTTP 200; only the envelope `code` tells.
    AlwaysOk,
}
