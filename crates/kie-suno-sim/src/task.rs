//! One task as the simulator keeps it: its family, its stages rendered up front,
//! which stage it is in, and what its callbacks and polls need.

use std::sync::atomic::AtomicBool;

use chrono::{DateTime, Utc};

use crate::keywords::Directives;
use crate::limiter::Window;
use crate::records::{Child, Family, Stage};

/// The status a task reads once its callback process failed (music, lyrics, WAV and
/// separation document it).
pub(crate) const CALLBACK_EXCEPTION: &str = "CALLBACK_EXCEPTION";

/// One task.
#[derive(Debug)]
pub(crate) struct Task {
    pub(crate) family: Family,
    pub(crate) callback_url: Option<String>,
    pub(crate) directives: Directives,
    pub(crate) stages: Vec<Stage>,
    pub(crate) current: usize,
    pub(crate) cost: u64,
    /// What children may refer to: tracks (music) or stems (separation).
    pub(crate) children: Vec<Child>,
    /// When it was created, on `SimConfig::clock` (retention counts from here).
    pub(crate) created_at: DateTime<Utc>,
    /// Whether a delivery of one of its callbacks was given up.
    pub(crate) callback_failed: bool,
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
    pub(crate) children: Vec<Child>,
    pub(crate) created_at: DateTime<Utc>,
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
            created_at: new.created_at,
            callback_failed: false,
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

    /// Whether the task is in its last stage.
    pub(crate) fn is_terminal(&self) -> bool {
        self.current + 1 >= self.stages.len()
    }

    /// Whether the task is of `family` and finished with its results: `SUCCESS`
    /// (`1` for the families with integer flags), or `CALLBACK_EXCEPTION` after a
    /// successful generation whose callback failed.
    pub(crate) fn succeeded_as(&self, family: Family) -> bool {
        let status = self.stage().status.as_str();
        self.family == family && matches!(status, "SUCCESS" | "1" | CALLBACK_EXCEPTION)
    }

    /// The child `id`, with its index.
    pub(crate) fn child(&self, id: &str) -> Option<(usize, &Child)> {
        self.children.iter().enumerate().find(|(_, c)| c.id == id)
    }
}
