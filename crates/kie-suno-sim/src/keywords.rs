//! Fault keywords: `[sim:...]` markers in a request body that make that one task (or
//! that one call) misbehave on purpose.

use std::fmt;

/// How a task ends, when a keyword says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Outcome {
    /// Success (the default).
    #[default]
    Success,
    /// `SENSITIVE_WORD_ERROR`, callback code 400.
    Sensitive,
    /// `GENERATE_LYRICS_FAILED` / `GENERATE_AUDIO_FAILED` / family failure, code 500/501.
    GenerateFailed,
    /// `CREATE_TASK_FAILED`, code 500.
    CreateFailed,
    /// Generation failed with code 531: credits refunded.
    FailedRefunded,
    /// Never leaves `PENDING`.
    Stall,
}

/// The keywords found in one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Directives {
    pub(crate) outcome: Outcome,
    /// The create call answers 455.
    pub(crate) maintenance: bool,
    /// The create call answers 500.
    pub(crate) server_error: bool,
    /// The create call answers the endpoint's rate-limit code.
    pub(crate) rate_limit: bool,
    /// The create call answers the endpoint's insufficient-credits code.
    pub(crate) no_credits: bool,
    /// Every answer about this task is delayed by `Faults::slow_delay`.
    pub(crate) slow: bool,
    /// The first details call about this task answers 500.
    pub(crate) poll_500: bool,
    /// Callbacks are not sent.
    pub(crate) drop_callback: bool,
    /// Every callback is sent twice.
    pub(crate) duplicate_callback: bool,
    /// Music goes straight from `PENDING` to `SUCCESS` with only the `complete` callback.
    pub(crate) skip_stages: bool,
    /// The callback process fails: no callback is delivered, and a task that would
    /// end `SUCCESS` ends `CALLBACK_EXCEPTION`.
    pub(crate) callback_exception: bool,
}

impl Directives {
    /// These keywords together with those of `parent`, the task this one is made
    /// from: a task made from a faulty task is faulty the same way. The keywords that
    /// act on the create call alone (`455`, `500`, `rate-limit`, `no-credits`) are not
    /// inherited (a parent with them was never created anyway), and an outcome of
    /// this task's own wins over the parent's.
    pub(crate) fn inherit(self, parent: Directives) -> Self {
        Self {
            outcome: match self.outcome {
                Outcome::Success => parent.outcome,
                own => own,
            },
            maintenance: self.maintenance,
            server_error: self.server_error,
            rate_limit: self.rate_limit,
            no_credits: self.no_credits,
            slow: self.slow || parent.slow,
            poll_500: self.poll_500 || parent.poll_500,
            drop_callback: self.drop_callback || parent.drop_callback,
            duplicate_callback: self.duplicate_callback || parent.duplicate_callback,
            skip_stages: self.skip_stages || parent.skip_stages,
            callback_exception: self.callback_exception || parent.callback_exception,
        }
    }
}

/// Every keyword, with what it does (the README lists the same).
pub(crate) const KEYWORDS: &[(&str, &str)] = &[
    (
        "sensitive",
        "task ends SENSITIVE_WORD_ERROR, failure callback code 400",
    ),
    (
        "generate-failed",
        "task ends GENERATE_LYRICS_FAILED / GENERATE_AUDIO_FAILED",
    ),
    ("create-failed", "task ends CREATE_TASK_FAILED"),
    (
        "531",
        "task fails with code 531 and the credits are refunded",
    ),
    ("stall", "task stays PENDING for ever"),
    ("455", "the create call answers 455 (maintenance)"),
    ("500", "the create call answers 500"),
    (
        "rate-limit",
        "the create call answers the endpoint's rate-limit code",
    ),
    (
        "no-credits",
        "the create call answers the endpoint's insufficient-credits code",
    ),
    (
        "slow",
        "create and details answers are delayed by Faults::slow_delay",
    ),
    (
        "poll-500",
        "the first details call for the task answers 500",
    ),
    ("drop-callback", "callbacks for the task are never sent"),
    (
        "duplicate-callback",
        "every callback for the task is sent twice",
    ),
    ("skip-stages", "music skips TEXT_SUCCESS / FIRST_SUCCESS"),
    (
        "callback-exception",
        "no callback is delivered and the task ends CALLBACK_EXCEPTION",
    ),
];

/// A `[sim:...]` marker naming no known keyword.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnknownKeyword(pub(crate) String);

impl fmt::Display for UnknownKeyword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown simulator keyword [sim:{}]; known:", self.0)?;
        for (k, _) in KEYWORDS {
            write!(f, " [sim:{k}]")?;
        }
        Ok(())
    }
}

const OPEN: &str = "[sim:";

/// Finds every `[sim:...]` marker in `text`.
pub(crate) fn scan(text: &str) -> Result<Directives, UnknownKeyword> {
    let mut d = Directives::default();
    let mut rest = text;
    while let Some(start) = rest.find(OPEN) {
        let after = &rest[start + OPEN.len()..];
        let Some(end) = after.find(']') else { break };
        let word = after[..end].trim();
        match word {
            "sensitive" => d.outcome = Outcome::Sensitive,
            "generate-failed" => d.outcome = Outcome::GenerateFailed,
            "create-failed" => d.outcome = Outcome::CreateFailed,
            "531" => d.outcome = Outcome::FailedRefunded,
            "stall" => d.outcome = Outcome::Stall,
            "455" => d.maintenance = true,
            "500" => d.server_error = true,
            "rate-limit" => d.rate_limit = true,
            "no-credits" => d.no_credits = true,
            "slow" => d.slow = true,
            "poll-500" => d.poll_500 = true,
            "drop-callback" => d.drop_callback = true,
            "duplicate-callback" => d.duplicate_callback = true,
            "skip-stages" => d.skip_stages = true,
            "callback-exception" => d.callback_exception = true,
            other => return Err(UnknownKeyword(other.to_owned())),
        }
        rest = &after[end + 1..];
    }
    Ok(d)
}

/// `text` without its `[sim:...]` markers (for generating lyrics and titles).
/// Other whitespace, line breaks included, is kept.
pub(crate) fn strip(text: &str) -> String {
    if !text.contains(OPEN) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(OPEN) {
        out.push_str(&rest[..start]);
        let after = &rest[start + OPEN.len()..];
        match after.find(']') {
            Some(end) => rest = &after[end + 1..],
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    out.push_str(rest);
    out.replace("  ", " ").trim().to_owned()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap
mod tests {
    use super::*;

    #[test]
    fn finds_markers_anywhere_and_strips_them() {
        let d = scan("a [sim:slow] song [sim:drop-callback] about [sim:sensitive]").unwrap();
        assert!(d.slow && d.drop_callback);
        assert_eq!(d.outcome, Outcome::Sensitive);
        assert_eq!(
            strip("a [sim:slow] song  about [sim:x"),
            "a song about [sim:x"
        );
    }

    #[test]
    fn an_unknown_marker_is_an_error_naming_it() {
        let e = scan("x [sim:nope]").unwrap_err();
        assert_eq!(e.0, "nope");
        assert!(e.to_string().contains("[sim:drop-callback]"));
    }

    #[test]
    fn a_child_inherits_the_task_faults_of_its_parent() {
        let parent = scan("[sim:drop-callback] [sim:slow] [sim:generate-failed]").unwrap();
        let own = scan("[sim:500] [sim:sensitive]").unwrap();
        let child = own.inherit(parent);
        assert!(child.drop_callback && child.slow && child.server_error);
        assert_eq!(child.outcome, Outcome::Sensitive);
        assert_eq!(
            Directives::default().inherit(parent).outcome,
            Outcome::GenerateFailed
        );
        let create_only = scan("[sim:455] [sim:500] [sim:rate-limit] [sim:no-credits]").unwrap();
        assert_eq!(
            Directives::default().inherit(create_only),
            Directives::default()
        );
    }

    #[test]
    fn every_documented_keyword_parses() {
        for (k, _) in KEYWORDS {
            assert!(scan(&format!("[sim:{k}]")).is_ok(), "{k}");
        }
        assert_eq!(scan("plain text").unwrap(), Directives::default());
    }
}
