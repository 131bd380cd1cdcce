//! The outcome stream: every stored outcome event, read from the store from a
//! cursor (so a subscriber resumes after a restart of itself or of the receiver,
//! and sees each event once), woken by this receiver's commits and, with
//! PostgreSQL, by other instances' (`LISTEN`/`NOTIFY`); and the waiters that
//! settle on a task's confirmed outcome.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use kie_suno_types::TaskId;
use tokio::sync::watch;

use crate::store::{Store, Wake};
use crate::{Error, OutcomeEvent, OutcomeKind, Trust};

/// How many events a stream reads from the store at once.
const PAGE: usize = 256;

struct Inner {
    store: Arc<dyn Store>,
    /// Bumped on every wake: readers re-read the store from their cursors.
    wake: watch::Sender<u64>,
    /// The newest cursor this receiver knows of (its own commits).
    latest: AtomicI64,
    closed: AtomicBool,
    recheck: Option<Duration>,
    confirming: bool,
}

/// The handle to the outcome stream and the waiters. Cheap to clone.
#[derive(Clone)]
pub struct Outcomes {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Outcomes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outcomes")
            .field("readers", &self.inner.wake.receiver_count())
            .field("recheck", &self.inner.recheck)
            .field("confirming", &self.inner.confirming)
            .finish_non_exhaustive()
    }
}

/// How a waiter settled.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Settled {
    /// The task's confirmed outcome (record-info, terminal): the wait is over.
    Confirmed(OutcomeEvent),
    /// A signed callback arrived and no confirmer runs (or it is not terminal):
    /// poll the task's details now. Wait again after this event's cursor.
    PollNow(OutcomeEvent),
}

impl Outcomes {
    pub(crate) fn new(store: Arc<dyn Store>, recheck: Option<Duration>, confirming: bool) -> Self {
        let (wake, _) = watch::channel(0);
        Self {
            inner: Arc::new(Inner {
                store,
                wake,
                latest: AtomicI64::new(0),
                closed: AtomicBool::new(false),
                recheck,
                confirming,
            }),
        }
    }

    /// Wakes every reader: an event up to `cursor` was committed (0: "look again").
    pub(crate) fn notify(&self, cursor: i64) {
        self.inner.latest.fetch_max(cursor, Ordering::AcqRel);
        self.inner.wake.send_modify(|g| *g = g.wrapping_add(1));
    }

    /// The function a store calls to push other instances' commits.
    pub(crate) fn waker(&self) -> Wake {
        let me = self.clone();
        Arc::new(move |cursor| me.notify(cursor))
    }

    /// Whether a confirmer runs (then only confirmed outcomes settle a waiter).
    pub fn confirming(&self) -> bool {
        self.inner.confirming
    }

    /// The newest cursor this receiver committed or was told of.
    pub fn latest_known(&self) -> i64 {
        self.inner.latest.load(Ordering::Acquire)
    }

    /// What `event` means to a waiter of its task: settle on a confirmed final
    /// outcome; poll now on a signed callback that no confirmation will follow
    /// (no confirmer, or not terminal). Unsigned callbacks and unconfirmed
    /// bodies settle nothing.
    pub fn settles(&self, event: &OutcomeEvent) -> Option<Settled> {
        if event.is_final() {
            return Some(Settled::Confirmed(event.clone()));
        }
        let signed_callback = event.kind == OutcomeKind::Callback && event.trust == Trust::Signed;
        (signed_callback && (!self.inner.confirming || !event.terminal))
            .then(|| Settled::PollNow(event.clone()))
    }

    /// The stream of every outcome event after `cursor` (0: from the start),
    /// each exactly once, in cursor order. Persist the cursor of each event you
    /// have processed and pass it here after a restart.
    pub fn stream(&self, cursor: i64) -> OutcomeStream {
        OutcomeStream {
            outcomes: self.clone(),
            cursor,
            buf: VecDeque::new(),
            rx: self.inner.wake.subscribe(),
        }
    }

    /// The stream from now: every event after the newest this receiver knows of.
    /// Subscribe before you submit, so an early callback is not missed.
    pub fn subscribe(&self) -> OutcomeStream {
        self.stream(self.latest_known())
    }

    /// Waits for the task's confirmed outcome (record-info, terminal): returns
    /// at once when the store has it, else when it is committed here or (with
    /// PostgreSQL) on another instance. Never settles on a callback's body.
    ///
    /// Wrap it in `tokio::time::timeout` to bound the wait. Fails with
    /// [`Error::OutcomeClosed`] when the receiver stops first.
    pub async fn wait_final(&self, task_id: &TaskId) -> Result<OutcomeEvent, Error> {
        self.wait_for(task_id, |e| e.is_final().then(|| e.clone()))
            .await
    }

    /// Waits for what settles a waiter of the task ([`Outcomes::settles`])
    /// among its events after `after` (0: any).
    pub async fn wait(&self, task_id: &TaskId, after: i64) -> Result<Settled, Error> {
        self.wait_for(task_id, |e| {
            if e.cursor <= after {
                None
            } else {
                self.settles(e)
            }
        })
        .await
    }

    async fn wait_for<T>(
        &self,
        task_id: &TaskId,
        pick: impl Fn(&OutcomeEvent) -> Option<T>,
    ) -> Result<T, Error> {
        let mut rx = self.inner.wake.subscribe();
        let closed = || Error::OutcomeClosed(task_id.clone());
        loop {
            if self.inner.closed.load(Ordering::Acquire) {
                return Err(closed());
            }
            // Marked seen first, then read: a commit in between wakes the next wait.
            rx.borrow_and_update();
            let events = match self.inner.store.outcomes_for(task_id).await {
                Ok(events) => events,
                Err(_) if self.inner.closed.load(Ordering::Acquire) => return Err(closed()),
                Err(e) => return Err(e),
            };
            if let Some(found) = events.iter().find_map(&pick) {
                return Ok(found);
            }
            wake_or_recheck(&mut rx, self.inner.recheck).await;
        }
    }

    /// The task's confirmed outcome from the store, if any.
    pub async fn final_from_store(&self, task_id: &TaskId) -> Result<Option<OutcomeEvent>, Error> {
        let events = self.inner.store.outcomes_for(task_id).await?;
        Ok(events.into_iter().find(OutcomeEvent::is_final))
    }

    /// Releases every waiter and stream with an error (the receiver stopped).
    pub(crate) fn close(&self) {
        self.inner.closed.store(true, Ordering::Release);
        self.inner.wake.send_modify(|g| *g = g.wrapping_add(1));
    }
}

async fn wake_or_recheck(rx: &mut watch::Receiver<u64>, recheck: Option<Duration>) {
    match recheck {
        Some(every) => {
            let _ = tokio::time::timeout(every, rx.changed()).await;
        }
        None => {
            if rx.changed().await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }
}

/// A resumable reader of the outcome stream ([`Outcomes::stream`]).
#[derive(Debug)]
pub struct OutcomeStream {
    outcomes: Outcomes,
    cursor: i64,
    buf: VecDeque<OutcomeEvent>,
    rx: watch::Receiver<u64>,
}

impl OutcomeStream {
    /// The next event after the cursor, waiting for one. Fails with
    /// [`Error::StoreClosed`] once the receiver stopped and nothing is left.
    pub async fn next(&mut self) -> Result<OutcomeEvent, Error> {
        loop {
            if let Some(event) = self.buf.pop_front() {
                self.cursor = event.cursor;
                return Ok(event);
            }
            self.rx.borrow_and_update();
            let events = self
                .outcomes
                .inner
                .store
                .outcomes_after(self.cursor, PAGE)
                .await?;
            if !events.is_empty() {
                self.buf.extend(events);
                continue;
            }
            if self.outcomes.inner.closed.load(Ordering::Acquire) {
                return Err(Error::StoreClosed);
            }
            wake_or_recheck(&mut self.rx, self.outcomes.inner.recheck).await;
        }
    }

    /// The cursor of the last event returned (where to resume after it).
    pub fn cursor(&self) -> i64 {
        self.cursor
    }

    /// As a `futures::Stream` (ends when the receiver stops).
    pub fn into_stream(self) -> impl futures::Stream<Item = OutcomeEvent> + Send + 'static {
        futures::stream::unfold(self, |mut s| async move {
            match s.next().await {
                Ok(event) => Some((event, s)),
                Err(_) => None,
            }
        })
    }
}
