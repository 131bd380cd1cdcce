//! Human-readable printing of results, and the spinner shown while waiting.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use kie_suno_types::LyricsVariation;

/// Writes each lyrics variation: a numbered title line, then the text.
pub fn write_lyrics(out: &mut impl Write, variations: &[LyricsVariation]) -> std::io::Result<()> {
    let n = variations.len();
    for (i, v) in variations.iter().enumerate() {
        let title = v
            .title
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or("(untitled)");
        writeln!(out, "── {}/{}: {} ──", i + 1, n, title)?;
        writeln!(out)?;
        writeln!(out, "{}", v.text.as_deref().unwrap_or("").trim_end())?;
        if i + 1 < n {
            writeln!(out)?;
        }
    }
    Ok(())
}

/// A spinner on stderr with the elapsed time and the task status; hidden when
/// stderr is not a terminal (or `--quiet`).
#[derive(Debug, Clone)]
pub struct Spinner {
    bar: ProgressBar,
    started: Instant,
}

impl Spinner {
    /// Starts a spinner; `enabled` is false for `--quiet`.
    pub fn start(enabled: bool, what: &str) -> Self {
        let bar = if enabled && std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {prefix} [{elapsed}] {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(100));
            bar
        } else {
            ProgressBar::hidden()
        };
        bar.set_prefix(what.to_owned());
        Self {
            bar,
            started: Instant::now(),
        }
    }

    /// Prints a line on stderr above the spinner, shown or not (a task id, a warning).
    pub fn line(&self, line: &str) {
        self.bar.suspend(|| eprintln!("{line}"));
    }

    /// Shows the task's current status.
    pub fn status(&self, status: &str) {
        self.bar.set_message(status.to_owned());
    }

    /// Clears the spinner; returns the elapsed time.
    pub fn finish(&self) -> Duration {
        self.bar.finish_and_clear();
        self.started.elapsed()
    }
}
