//! One task as the simulator keeps it: its family, its stages rendered up front,
//! which stage it is in, and what its callbacks and polls need.

use std::sync::atomic::AtomicBool;

use crate::keywords::Directives;
use crate::limiter::Window;
use crate::records::{Family, Stage};

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
    pub(crate) polls: Window,
    /// The last callback delivery, so the next one waits for it (in-order delivery).
    pub(crate) delivery_tail: Option<tokio::task::JoinHandle<()>>,
}

/// What a new task is made of: everything but its progress.
#[derive(Debug)]
pub(crate) struct NewTask {
    pub(crate) family: Family,
    pub(crate) callback_url: Option<String>,
    pub(crate) directives: Directives,
    /// Never empty: the first is the state the task starts in.
    pub(crate) stages: Vec<Stage>,
    pub(crate) cost: u64,
    pub(crate) children: Vec<String>,
}

impl Task {
    /// A task in its first stage, with no poll or delivery history.
    pub(crate) fn new(new: NewTask) -> Self {
        Self {
            family: new.family,
            callback_url: new.callback_url,
            directives: new.directives,
            stages: new.stages,
            current: 0,
            cost: new.cost,
            children: new.children,
            poll_fault_served: AtomicBool::new(false),
            polls: Window::default(),
            delivery_tail: None,
        }
    }

    /// The stage the task is in.
    pub(crate) fn stage(&self) -> &Stage {
        // `current` only ever indexes into `stages`, which is never empty.
        &self.stages[self.current.min(self.stages.len().saturating_sub(1))]
    }

    /// Whether the task is of `family` and has reached `SUCCESS`.
    pub(crate) fn succeeded_as(&self, family: Family) -> bool {
        self.family == family && self.stage().status == "SUCCESS"
    }
}
