//! The outcome stream: in-process subscribers see each new (not repeated)
//! callback after its commit, and a task's final outcome can be awaited by task id.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kie_suno_types::{ApiCode, Callback, CallbackFamily, TaskId};
use tokio::sync::{broadcast, oneshot};

use crate::store::Store;
use crate::{Confirmation, Error, StoredCallback};

/// A stored callback, as published to subscribers and waiters.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CallbackEvent {
    /// The store's row id.
    pub record_id: i64,
    /// The family.
    pub family: CallbackFamily,
    /// The task id.
    pub task_id: TaskId,
    /// The stage (`text`, `first`, `complete`, `error`, ...).
    pub stage: String,
    /// The envelope code.
    pub code: Option<ApiCode>,
    /// Whether the callback reports success.
    pub success: bool,
    /// Whether the task sends nothing after this.
    pub terminal: bool,
    /// Whether the task is final with this callback (terminal, and confirmed
    /// when a confirmer is configured).
    pub is_final: bool,
    /// The confirmation result.
    pub confirmation: Confirmation,
    /// First receipt, Unix ms.
    pub received_at_ms: i64,
    /// The typed callback.
    pub callback: Callback,
}

impl CallbackEvent {
    fn from_stored(s: &StoredCallback) -> Option<Self> {
        Some(Self {
            record_id: s.id,
            family: s.family()?,
            task_id: s.task_id.clone(),
            stage: s.stage.clone(),
            code: s.code.map(ApiCode::from_i64),
            success: s.success,
            terminal: s.terminal,
            is_final: s.is_final(),
            confirmation: s.confirmation,
            received_at_ms: s.first_received_ms,
            callback: s.callback()?,
        })
    }
}

type Waiters = HashMap<TaskId, Vec<(u64, oneshot::Sender<Arc<CallbackEvent>>)>>;

struct Inner {
    tx: broadcast::Sender<Arc<CallbackEvent>>,
    waiters: Mutex<Waiters>,
    next_id: AtomicU64,
    store: Arc<dyn Store>,
    recheck: Option<Duration>,
}

/// The handle to the outcome stream. Cheap to clone.
#[derive(Clone)]
pub struct Outcomes {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Outcomes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outcomes")
            .field("subscribers", &self.inner.tx.receiver_count())
            .field("recheck", &self.inner.recheck)
            .finish_non_exhaustive()
    }
}

struct WaiterGuard<'a> {
    outcomes: &'a Outcomes,
    task_id: &'a TaskId,
    id: u64,
}

impl Drop for WaiterGuard<'_> {
    fn drop(&mut self) {
        let mut map = self.outcomes.lock();
        if let Some(list) = map.get_mut(self.task_id) {
            list.retain(|(id, _)| *id != self.id);
            if list.is_empty() {
                map.remove(self.task_id);
            }
        }
    }
}

impl Outcomes {
    pub(crate) fn new(store: Arc<dyn Store>, capacity: usize, recheck: Option<Duration>) -> Self {
        let (tx, _) = broadcast::channel(capacity.max(1));
        Self {
            inner: Arc::new(Inner {
                tx,
                waiters: Mutex::new(HashMap::new()),
                next_id: AtomicU64::new(0),
                store,
                recheck,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Waiters> {
        // A panic while holding the lock cannot leave the map inconsistent.
        self.inner
            .waiters
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Subscribes to every new callback, published after its commit. Repeats are
    /// not published. A subscriber that falls more than the configured capacity
    /// behind gets `RecvError::Lagged` and misses events (they are in the store).
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<CallbackEvent>> {
        self.inner.tx.subscribe()
    }

    /// Waits for the task's final callback: returns at once when the store
    /// already has one, else when one is committed by this receiver, or (with a
    /// recheck interval) by another receiver instance on the same database.
    ///
    /// Wrap it in `tokio::time::timeout` to bound the wait. Fails with
    /// [`Error::OutcomeClosed`] when the receiver stops first.
    pub async fn wait_final(&self, task_id: &TaskId) -> Result<Arc<CallbackEvent>, Error> {
        let (tx, mut rx) = oneshot::channel();
        let id = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
        self.lock()
            .entry(task_id.clone())
            .or_default()
            .push((id, tx));
        let _guard = WaiterGuard {
            outcomes: self,
            task_id,
            id,
        };
        // Registered first, then checked: a callback committed in between is
        // seen by one of the two.
        if let Some(ev) = self.final_from_store(task_id).await? {
            return Ok(ev);
        }
        let closed = || Error::OutcomeClosed(task_id.clone());
        match self.inner.recheck {
            None => rx.await.map_err(|_| closed()),
            Some(every) => loop {
                tokio::select! {
                    r = &mut rx => return r.map_err(|_| closed()),
                    () = tokio::time::sleep(every) => {
                        if let Some(ev) = self.final_from_store(task_id).await? {
                            return Ok(ev);
                        }
                    }
                }
            },
        }
    }

    /// The task's final callback from the store, if any.
    pub async fn final_from_store(
        &self,
        task_id: &TaskId,
    ) -> Result<Option<Arc<CallbackEvent>>, Error> {
        let stored = self.inner.store.callbacks_for(task_id).await?;
        Ok(stored
            .iter()
            .filter(|s| s.is_final())
            .find_map(CallbackEvent::from_stored)
            .map(Arc::new))
    }

    pub(crate) fn publish(&self, event: CallbackEvent) {
        let event = Arc::new(event);
        if event.is_final {
            let waiters = self.lock().remove(&event.task_id);
            for (_, w) in waiters.into_iter().flatten() {
                let _ = w.send(Arc::clone(&event));
            }
        }
        let _ = self.inner.tx.send(event);
    }

    /// Releases every waiter with [`Error::OutcomeClosed`] (the receiver stopped).
    pub(crate) fn close_waiters(&self) {
        self.lock().clear();
    }
}
