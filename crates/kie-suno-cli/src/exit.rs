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
//! | 10 | a file has expired (KIE deletes generated files after 14 days) |
//! | 130 | interrupted by SIGINT (Ctrl-C) during a wait |
//! | 143 | interrupted by SIGTERM during a wait |
//!
//! With `--json` the report is one JSON object on stderr:
//! `{"error": {"code": "expired", "exit": 10, "message": "...", "hint": "..."}}`.

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
pub const EXPIRED: u8 = 10;

/// The stable name of an exit code, for `--json` error reports.
pub fn code_name(code: u8) -> &'static str {
    match code {
        USAGE => "usage",
        UNAUTHORIZED => "unauthorized",
        CREDITS => "insufficient_credits",
        RATE_LIMITED => "rate_limited",
        TASK_FAILED => "task_failed",
        DEADLINE => "deadline",
        UNAVAILABLE => "unavailable",
        INVALID_INPUT => "invalid_input",
        EXPIRED => "expired",
        130 | 143 => "interrupted",
        _ => "internal",
    }
}

/// A failure with its exit code, message and hint, for errors the commands
/// classify themselves.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
    pub hint: Option<String>,
}

impl Failure {
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// What a transport failure comes down to, from its source chain: "connection
/// refused", "dns", "timed out", "connection reset", ..., followed by the innermost
/// message in parentheses; or the chain itself when no cause is recognised.
pub fn transport_cause(e: &(dyn std::error::Error + 'static)) -> String {
    use std::io::ErrorKind;
    let mut kind: Option<&'static str> = None;
    let mut messages: Vec<String> = Vec::new();
    let mut current = Some(e);
    while let Some(err) = current {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            kind = kind.or(match io.kind() {
                ErrorKind::ConnectionRefused => Some("connection refused"),
                ErrorKind::TimedOut => Some("timed out"),
                ErrorKind::ConnectionReset => Some("connection reset"),
                ErrorKind::ConnectionAborted => Some("connection aborted"),
                ErrorKind::UnexpectedEof => Some("connection closed early"),
                _ => None,
            });
        }
        if let Some(r) = err.downcast_ref::<reqwest::Error>() {
            if r.is_timeout() {
                kind = kind.or(Some("timed out"));
            }
        }
        let text = err.to_string();
        let lower = text.to_ascii_lowercase();
        if lower.contains("dns error") || lower.contains("failed to lookup address") {
            kind = kind.or(Some("dns: the host name does not resolve"));
        } else if lower.contains("connection refused") {
            kind = kind.or(Some("connection refused"));
        } else if lower.contains("certificate") || lower.contains("tls") {
            kind = kind.or(Some("tls"));
        }
        if messages.last() != Some(&text) {
            messages.push(text);
        }
        current = err.source();
    }
    match (kind, messages.last()) {
        (Some(kind), Some(inner)) if !inner.to_ascii_lowercase().starts_with(kind) => {
            format!("{kind} ({inner})")
        }
        (Some(kind), _) => kind.to_owned(),
        (None, _) => messages.join(": "),
    }
}

/// An error, classified: exit code, one-line message, optional hint.
#[derive(Debug)]
pub struct Report {
    pub code: u8,
    pub message: String,
    pub hint: Option<String>,
}

impl Report {
    /// The `--json` form.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "error": {
            "code": code_name(self.code),
            "exit": self.code,
            "message": self.message,
            "hint": self.hint,
        }})
    }
}

/// Classifies `e`.
pub fn report(e: &anyhow::Error) -> Report {
    if let Some(f) = e.downcast_ref::<Failure>() {
        return Report {
            code: f.code,
            message: f.message.clone(),
            hint: f.hint.clone(),
        };
    }
    let (code, message, hint) = describe(e);
    Report {
        code,
        message,
        hint: hint.map(str::to_owned),
    }
}

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
fn describe(e: &anyhow::Error) -> (u8, String, Option<&'static str>) {
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
    let line = match e {
        ClientError::Transport { .. } | ClientError::Timeout { .. } => {
            let cause = std::error::Error::source(e)
                .map(transport_cause)
                .unwrap_or_else(|| "timed out".to_owned());
            format!("{e}: {cause}")
        }
        _ => e.to_string(),
    };
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
        ClientError::PollFailed { task_id, source, .. } => {
            let (code, inner, hint) = describe_client(source);
            (code, format!("polling task {task_id} failed: {inner}"), hint)
        }
        ClientError::Transport { .. } | ClientError::Timeout { .. } => (
            UNAVAILABLE,
            line,
            Some("check the network, and KIE_BASE_URL / --base-url when set"),
        ),
        _ => (UNAVAILABLE, line, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An error with a source, as reqwest and hyper wrap an `io::Error`.
    #[derive(Debug)]
    struct Wrap(&'static str, std::io::Error);

    impl std::fmt::Display for Wrap {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Wrap {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.1)
        }
    }

    #[test]
    fn transport_causes_are_named_from_the_source_chain() {
        use std::io::{Error, ErrorKind};
        let refused = Wrap(
            "error sending request",
            Error::new(ErrorKind::ConnectionRefused, "tcp connect error"),
        );
        assert_eq!(
            transport_cause(&refused),
            "connection refused (tcp connect error)"
        );
        let slow = Wrap("client error", Error::new(ErrorKind::TimedOut, "deadline"));
        assert_eq!(transport_cause(&slow), "timed out (deadline)");
        let dns = Wrap(
            "error sending request",
            Error::other("dns error: failed to lookup address information"),
        );
        assert!(
            transport_cause(&dns).starts_with("dns"),
            "{}",
            transport_cause(&dns)
        );
        let other = Wrap("outer", Error::other("inner"));
        assert_eq!(transport_cause(&other), "outer: inner");
    }

    #[test]
    fn json_reports_carry_code_exit_message_and_hint() {
        let e = anyhow::Error::from(Failure::new(EXPIRED, "gone").with_hint("sooner"));
        let v = report(&e).to_json();
        assert_eq!(
            v,
            serde_json::json!({"error": {"code": "expired", "exit": 10, "message": "gone", "hint": "sooner"}})
        );
        let usage = report(&anyhow::Error::from(Usage("bad".to_owned())));
        assert_eq!(usage.code, USAGE);
        assert_eq!(usage.to_json()["error"]["code"], "usage");
        assert!(usage.to_json()["error"]["hint"].is_null());
    }
}
