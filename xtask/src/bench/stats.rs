//! Summaries of recorded latencies (nearest-rank percentiles) and table formatting.

use std::time::Duration;

/// Throughput and latency of one load run.
#[derive(Debug, Clone)]
pub(crate) struct Summary {
    pub(crate) requests: usize,
    pub(crate) ok: usize,
    pub(crate) rps: f64,
    pub(crate) p50_us: u64,
    pub(crate) p99_us: u64,
    pub(crate) max_us: u64,
}

impl Summary {
    /// Summarises per-request statuses and latencies over the run's wall time; `rps` counts
    /// every answered request.
    pub(crate) fn new(statuses: &[u16], latencies_us: &[u64], wall: Duration) -> Self {
        let mut sorted = latencies_us.to_vec();
        sorted.sort_unstable();
        let secs = wall.as_secs_f64();
        Self {
            requests: statuses.len(),
            ok: statuses.iter().filter(|s| **s == 200).count(),
            rps: if secs > 0.0 {
                statuses.len() as f64 / secs
            } else {
                0.0
            },
            p50_us: percentile(&sorted, 50.0),
            p99_us: percentile(&sorted, 99.0),
            max_us: sorted.last().copied().unwrap_or(0),
        }
    }
}

/// Nearest-rank percentile of an ascending slice (0 when empty).
pub(crate) fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Microseconds as milliseconds with two decimals.
pub(crate) fn ms(us: u64) -> String {
    format!("{:.2}", us as f64 / 1000.0)
}

/// A plain text table with right-aligned columns after the first.
pub(crate) fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    table_left(header, rows, 1)
}

/// A plain text table: the first `left` columns left-aligned, the others right-aligned.
pub(crate) fn table_left(header: &[&str], rows: &[Vec<String>], left: usize) -> String {
    let cols = header.len();
    let mut width: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(cols) {
            width[i] = width[i].max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            let sep = if i == 0 { "" } else { "  " };
            if i < left {
                out.push_str(&format!("{sep}{:<w$}", cell, w = width[i]));
            } else {
                out.push_str(&format!("{sep}{:>w$}", cell, w = width[i]));
            }
        }
        out.trim_end().to_owned()
    };
    let rule: String = width
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if i == 0 {
                "-".repeat(*w)
            } else {
                format!("  {}", "-".repeat(*w))
            }
        })
        .collect();
    let mut out = line(header.to_vec());
    out.push('\n');
    out.push_str(&rule);
    out.push('\n');
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&v, 50.0), 50);
        assert_eq!(percentile(&v, 99.0), 99);
        assert_eq!(percentile(&v, 100.0), 100);
        assert_eq!(percentile(&[7], 99.0), 7);
        assert_eq!(percentile(&[], 50.0), 0);
    }

    #[test]
    fn table_aligns_columns() {
        let t = table(
            &["server", "rps"],
            &[
                vec!["bare".into(), "12345".into()],
                vec!["sqlite".into(), "9".into()],
            ],
        );
        assert_eq!(
            t,
            "server    rps\n------  -----\nbare    12345\nsqlite      9\n"
        );
    }
}
