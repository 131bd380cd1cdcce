//! Untrusted text for logs: [`Untrusted`] prints a string the sender chose
//! (a task id, a stage) escaped and bounded, so a newline or an ANSI escape in
//! it cannot forge a log line and a 1 MB id cannot write a 1 MB line.

use std::fmt;

/// The longest excerpt logged, in bytes.
const MAX_LOGGED: usize = 128;

/// A sender's string as `Debug` prints it (quoted, control characters
/// escaped), cut at [`MAX_LOGGED`] bytes with the length of the rest. Log it
/// with `?`: `tracing::warn!(task_id = ?Untrusted(id), ...)`.
pub(crate) struct Untrusted<'a>(pub(crate) &'a str);

impl fmt::Debug for Untrusted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        if s.len() <= MAX_LOGGED {
            return fmt::Debug::fmt(s, f);
        }
        let mut end = MAX_LOGGED;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        write!(f, "{:?}... (+{} bytes)", &s[..end], s.len() - end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_long_text_is_cut() {
        let forged = "t1\n2026-01-01T00:00:00Z  INFO \u{1b}[32mforged";
        let out = format!("{:?}", Untrusted(forged));
        assert!(!out.contains('\n') && !out.contains('\u{1b}'), "{out}");
        assert!(out.contains("\\n") && out.contains("\\u{1b}"), "{out}");
        let long = "é".repeat(1000);
        let out = format!("{:?}", Untrusted(&long));
        assert!(out.len() < 200 && out.ends_with("(+1872 bytes)"), "{out}");
    }
}
