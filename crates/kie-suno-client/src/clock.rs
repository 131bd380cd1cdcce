//! Time as the client sees it: [`Clock`] (now + sleep), the tokio clock used by
//! default, and [`FakeClock`] for tests that must never sleep for real.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;

/// A source of time and sleeps. The client uses it for retry backoff, the rate
/// limiter and waiters (never for reqwest's own timeouts).
pub trait Clock: Send + Sync + fmt::Debug + 'static {
    /// The current instant.
    fn now(&self) -> Instant;
    /// A future that completes after `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
}

/// The default clock: `tokio::time` (so a paused tokio runtime pauses it too).
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioClock;

impl Clock for TokioClock {
    fn now(&self) -> Instant {
        tokio::time::Instant::now().into_std()
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

#[derive(Debug, Default)]
struct FakeState {
    offset: Duration,
    sleeps: Vec<Duration>,
}

/// A clock for tests: `sleep` returns at once and moves the clock forward by the
/// requested duration, and every sleep is recorded.
///
/// A sleep takes effect when its future is first polled, so a sleep that loses a
/// `select!` race without being polled does not move the clock.
///
/// ```
/// use std::time::Duration;
/// use kie_suno_client::{Clock, FakeClock};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let clock = FakeClock::new();
/// let t0 = clock.now();
/// clock.sleep(Duration::from_secs(30)).await;
/// assert_eq!(clock.now() - t0, Duration::from_secs(30));
/// assert_eq!(clock.sleeps(), vec![Duration::from_secs(30)]);
/// # });
/// ```
#[derive(Clone)]
pub struct FakeClock {
    start: Instant,
    state: Arc<Mutex<FakeState>>,
}

impl fmt::Debug for FakeClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeClock")
            .field("elapsed", &self.elapsed())
            .finish()
    }
}

impl Default for FakeClock {
    fn default() -> Self {
        Self::new()
    }
}

impl FakeClock {
    /// A clock standing at the current real instant.
    pub fn new() -> Self {
        Self {
            start: Instant::now(),
            state: Arc::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FakeState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Moves the clock forward without recording a sleep.
    pub fn advance(&self, by: Duration) {
        self.lock().offset += by;
    }

    /// How far the clock has moved since it was created.
    pub fn elapsed(&self) -> Duration {
        self.lock().offset
    }

    /// Every sleep taken so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.lock().sleeps.clone()
    }

    /// The sum of every sleep taken so far.
    pub fn total_slept(&self) -> Duration {
        self.lock().sleeps.iter().sum()
    }
}

impl Clock for FakeClock {
    fn now(&self) -> Instant {
        self.start + self.elapsed()
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        let me = self.clone();
        Box::pin(async move {
            {
                let mut s = me.lock();
                s.offset += duration;
                s.sleeps.push(duration);
            }
            tokio::task::yield_now().await;
        })
    }
}
