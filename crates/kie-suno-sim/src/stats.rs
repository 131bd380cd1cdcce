//! What the simulator received and sent: request counts per endpoint and per prompt,
//! task counts, rejections by code, and callback deliveries.

use std::collections::HashMap;

use kie_suno_types::{ApiCode, Endpoint, TaskId};

/// How many callback attempts [`Stats::deliveries`] keeps.
pub const DELIVERY_LOG_MAX: usize = 10_000;

/// A snapshot of the counters, from [`SimHandle::stats`](crate::SimHandle::stats).
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Stats {
    /// Every request received, per endpoint (including rejected ones).
    pub requests: HashMap<Endpoint, u64>,
    /// Tasks created, per endpoint.
    pub tasks_created: HashMap<Endpoint, u64>,
    /// Calls answered with an error envelope, per envelope code.
    pub rejected: HashMap<ApiCode, u64>,
    /// Task-creating POSTs per `prompt` field (exact text, keywords included),
    /// whatever their outcome.
    pub submissions_by_prompt: HashMap<String, u64>,
    /// Callback HTTP attempts made (each retry counts).
    pub callback_attempts: u64,
    /// Callbacks the receiver acknowledged with a 2xx.
    pub callbacks_delivered: u64,
    /// Callbacks given up on after the last attempt failed.
    pub callbacks_failed: u64,
    /// Callbacks not sent on purpose (`[sim:drop-callback]` or `Faults::drop_callback`).
    pub callbacks_dropped: u64,
    /// Every callback attempt, in the order they finished (the last
    /// [`DELIVERY_LOG_MAX`] of them).
    pub deliveries: Vec<Delivery>,
    /// Credits left.
    pub credits_remaining: u64,
}

impl Stats {
    /// Requests received by `endpoint`.
    pub fn requests_to(&self, endpoint: Endpoint) -> u64 {
        self.requests.get(&endpoint).copied().unwrap_or(0)
    }

    /// Tasks created through `endpoint`.
    pub fn tasks_via(&self, endpoint: Endpoint) -> u64 {
        self.tasks_created.get(&endpoint).copied().unwrap_or(0)
    }

    /// Calls answered with `code`.
    pub fn rejected_with(&self, code: ApiCode) -> u64 {
        self.rejected.get(&code).copied().unwrap_or(0)
    }

    /// Task-creating POSTs whose `prompt` was exactly `prompt`.
    pub fn submissions_of(&self, prompt: &str) -> u64 {
        self.submissions_by_prompt.get(prompt).copied().unwrap_or(0)
    }

    /// Delivered callbacks (2xx) of one task, in order.
    pub fn delivered_for(&self, task_id: &TaskId) -> Vec<&Delivery> {
        self.deliveries
            .iter()
            .filter(|d| &d.task_id == task_id && d.outcome.is_delivered())
            .collect()
    }
}

/// One callback attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Delivery {
    /// The task.
    pub task_id: TaskId,
    /// The stage: `text`, `first`, `complete`, `error` (or `complete` for families
    /// without a `callbackType`).
    pub stage: String,
    /// 1-based attempt number.
    pub attempt: u32,
    /// What happened.
    pub outcome: DeliveryOutcome,
}

/// The result of one callback attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeliveryOutcome {
    /// The receiver answered with this HTTP status.
    Status(u16),
    /// No answer within the timeout.
    TimedOut,
    /// The connection failed.
    ConnectError,
}

impl DeliveryOutcome {
    /// Whether the receiver acknowledged (2xx).
    pub fn is_delivered(&self) -> bool {
        matches!(self, Self::Status(s) if (200..300).contains(s))
    }
}
