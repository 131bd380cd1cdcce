//! The optional confirmation of a terminal callback through the details endpoint,
//! supplied by the user so that this crate does not depend on the client crate.
//!
//! KIE signs only the task id and the timestamp, not the body: a captured signed
//! request could be replayed within the window with a different body. A confirmer
//! asks the details (record-info) endpoint whether the task really is in the state
//! the callback claims before the task is marked final.

use std::future::Future;

use kie_suno_types::{Callback, CallbackFamily, TaskId};

use crate::store::BoxFuture;

/// What the confirmer is asked about.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ConfirmRequest {
    /// The family.
    pub family: CallbackFamily,
    /// The task id.
    pub task_id: TaskId,
    /// The stage the callback claims.
    pub stage: String,
    /// Whether the callback claims success.
    pub success: bool,
    /// The typed callback (compare its content with the details if you wish).
    pub callback: Callback,
}

impl ConfirmRequest {
    /// A request about `callback` (for testing a confirmer of your own; the
    /// receiver builds these).
    pub fn new(
        family: CallbackFamily,
        task_id: TaskId,
        stage: impl Into<String>,
        success: bool,
        callback: Callback,
    ) -> Self {
        Self {
            family,
            task_id,
            stage: stage.into(),
            success,
            callback,
        }
    }
}

/// The confirmer's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// The details endpoint agrees: mark the task final.
    Confirmed,
    /// The details endpoint disagrees: store, but do not mark final.
    Refuted,
}

/// A confirmer failure (transport error, ...): stored as not final.
pub type ConfirmError = Box<dyn std::error::Error + Send + Sync>;

/// Confirms a terminal callback. Implemented for every
/// `Fn(ConfirmRequest) -> impl Future<Output = Result<Verdict, ConfirmError>>`.
pub trait Confirmer: Send + Sync + 'static {
    /// Asks the details endpoint about the task.
    fn confirm(&self, request: ConfirmRequest)
        -> BoxFuture<'static, Result<Verdict, ConfirmError>>;
}

impl<F, Fut> Confirmer for F
where
    F: Fn(ConfirmRequest) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Verdict, ConfirmError>> + Send + 'static,
{
    fn confirm(
        &self,
        request: ConfirmRequest,
    ) -> BoxFuture<'static, Result<Verdict, ConfirmError>> {
        Box::pin(self(request))
    }
}
