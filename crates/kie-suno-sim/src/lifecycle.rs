//! Background work bookkeeping: the shutdown signal that stops task timers and
//! callback deliveries, the count of those in flight, and waiting for them to end
//! (`SimState::settle`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::{watch, Notify};

/// The simulator's background work.
#[derive(Debug)]
pub(crate) struct Lifecycle {
    shutdown: watch::Sender<bool>,
    in_flight: AtomicUsize,
    idle: Notify,
}

impl Lifecycle {
    /// Nothing in flight, not stopped.
    pub(crate) fn new() -> Self {
        let (shutdown, _) = watch::channel(false);
        Self {
            shutdown,
            in_flight: AtomicUsize::new(0),
            idle: Notify::new(),
        }
    }

    /// Counts one unit of background work until the guard is dropped.
    pub(crate) fn busy(self: &Arc<Self>) -> Busy {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        Busy(Arc::clone(self))
    }

    /// A receiver of the shutdown signal: `true` once [`Lifecycle::stop`] was called.
    pub(crate) fn stop_signal(&self) -> watch::Receiver<bool> {
        self.shutdown.subscribe()
    }

    /// Tells every timer and delivery to stop.
    pub(crate) fn stop(&self) {
        self.shutdown.send_replace(true);
    }

    /// Waits until no unit of background work is in flight.
    pub(crate) async fn settle(&self) {
        loop {
            let notified = self.idle.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.in_flight.load(Ordering::SeqCst) == 0 {
                return;
            }
            notified.await;
        }
    }
}

/// One unit of background work, counted for [`Lifecycle::settle`] while it lives.
pub(crate) struct Busy(Arc<Lifecycle>);

impl Drop for Busy {
    fn drop(&mut self) {
        if self.0.in_flight.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}
