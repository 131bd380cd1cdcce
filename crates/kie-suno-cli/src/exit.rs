//! Exit codes and the one-line error report (with a hint) for every failure.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | internal or unexpected error |
//! | 2 | usage error (bad arguments, missing configuration) |
//! | 3 | unauthorized (401) |
//! | 4 | insufficient credits |
//! | 5 | rate limited |
//! | 6 | the task failed (failure status, content policy) |
//! | 7 | gave up waiting (deadline) |
//! | 8 | network, server or maintenance error; unreadable answer |
//! | 9 | invalid input (a request value broke a documented rule) |
//! | 130 | interrupted by SIGINT (Ctrl-C) during a wait |
//! | 143 | interrupted by SIGTERM during a wait |

use kie_suno_client::ClientError;
use kie_suno_types::ValidationError;

pub const INTERNAL: u8 = 1;
pub const USAGE: u8 = 2;
pub const UNAUTHORIZED: u8 = 3;
pub const CREDITS: u8 = 4;
pub const RATE_LIMITED: u8 = 5;
pub const TASK_FAILED: u8 = 6;
pub const DEADLINE: u8 = 7;
pub const UNAVAILABLE: u8 = 8;
pub const INVALID_INPUT: u8 = 9;

/// A usage problem (missing configuration) reported with exit code 2.
#[derive(Debug)]
pub struct Usage(pub String);

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

/// Some tasks of a batch did not succeed: exit code 6.
#[derive(Debug)]
pub struct TasksFailed(pub String);

impl std::fmt::Display for TasksFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TasksFailed {}

/// The exit code, the one-line message and an optional hint for an error.
pub fn describe(e: &anyhow::Error) -> (u8, String, Option<&'static str>) {
    if let Some(i) = e.downcast_ref::<crate::track::Interrupted>() {
        return (i.signal.exit_code(), i.to_string(), None);
    }
    if let Some(t) = e.downcast_ref::<TasksFailed>() {
        return (TASK_FAILED, t.0.clone(), None);
    }
    if let Some(u) = e.downcast_ref::<Usage>() {
        return (USAGE, u.0.clone(), None);
    }
    if let Some(v) = e.downcast_ref::<ValidationError>() {
        return (INVALID_INPUT, v.to_string(), None);
    }
    if let Some(c) = e.downcast_ref::<ClientError>() {
        return describe_client(c);
    }
    // Keep context chains on one line.
    let line = e
        .chain()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ");
    (INTERNAL, line, None)
}

fn describe_client(e: &ClientError) -> (u8, String, Option<&'static str>) {
    let line = e.to_string();
    match e {
        ClientError::Unauthorized(_) => (
            UNAUTHORIZED,
            line,
            Some("check KIE_API_KEY (create one at https://kie.ai/api-key)"),
        ),
        ClientError::InsufficientCredits(_) => (
            CREDITS,
            line,
            Some("top up the account (https://kie.ai/pricing); `kie-suno credits` shows the balance"),
        ),
        ClientError::RateLimited(_) => (
            RATE_LIMITED,
            line,
            Some("the API allows 20 new tasks per 10 s per account: wait a few seconds and try again"),
        ),
        // A failure callback has no status; its code 400 is the content rejection
        // ("flagged for moderation", "copyrighted material") on every family.
        ClientError::TaskFailed(f)
            if f.is_content_policy() || (f.status().is_none() && f.code() == Some(400)) =>
        {
            (
            TASK_FAILED,
            line,
                Some("the prompt was rejected by the content filter: rephrase it"),
            )
        }
        ClientError::TaskFailed(_) | ClientError::EmptyResult { .. } => (TASK_FAILED, line, None),
        ClientError::ContentPolicy(_) => (
            TASK_FAILED,
            line,
            Some("the content or an input was rejected: rephrase it or check the input's access"),
        ),
        ClientError::WaitDeadline { .. } => (
            DEADLINE,
            line,
            Some(
                "the task may still finish: `kie-suno wait <task-id>` follows it again, \
                 `kie-suno show <task-id>` looks it up",
            ),
        ),
        ClientError::InvalidRequest(_) | ClientError::Validation(_) => (INVALID_INPUT, line, None),
        ClientError::Config(_) => (USAGE, line, None),
        ClientError::Maintenance(_) => (
            UNAVAILABLE,
            line,
            Some("the API is under maintenance: try again later"),
        ),
        ClientError::PollFailed { source, .. } => {
            let (code, _, hint) = describe_client(source);
            (code, line, hint)
        }
        _ => (UNAVAILABLE, line, None),
    }
}
