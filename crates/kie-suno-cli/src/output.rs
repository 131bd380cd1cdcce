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

/// Whether `e` is a write to a closed pipe (the reader of stdout went away):
/// the command then ends quietly with exit 0, as `gh` and `git` do.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
                == Some(std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes `bytes` to stdout and flushes; a closed pipe comes back as an
/// `io::Error` of kind `BrokenPipe` (never a panic, unlike `println!`).
pub fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(())
}

/// One line on stdout.
pub fn println(line: &str) -> anyhow::Result<()> {
    let mut text = String::with_capacity(line.len() + 1);
    text.push_str(line);
    text.push('\n');
    write_stdout(text.as_bytes())
}

/// `value` as pretty JSON and a newline on stdout.
pub fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    write_stdout(text.as_bytes())
}

/// One line on stderr; a closed stderr is ignored (`eprintln!` would panic).
pub fn eprint_line(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}
