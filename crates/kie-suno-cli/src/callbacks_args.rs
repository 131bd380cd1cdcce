//! The flags of `kie-suno callbacks list|show|export|prune` and of `callbacks
//! serve --confirm` (used by `args`; run by `callbacks_cmd`).

use std::time::Duration;

use clap::Args;

/// The confirmation options of `callbacks serve`.
#[derive(Debug, Clone, Args)]
pub struct ConfirmArgs {
    /// Confirm every terminal callback after the 200: fetch the task's record-info
    /// (API key from KIE_API_KEY, never an argument; --base-url / KIE_BASE_URL
    /// for the API) and store it as the outcome. A forged body never becomes one.
    #[arg(long)]
    pub confirm: bool,
    /// Seconds a claimed confirmation stays reserved; after a crash it is resumed
    /// once this runs out. Default: 60.
    #[arg(long, default_value_t = 60, requires = "confirm")]
    pub confirm_lease: u64,
    /// Attempts before a confirmation gives up (record-info still running or
    /// failing); retries back off from 1 s to 60 s. Default: 20.
    #[arg(long, default_value_t = 20, requires = "confirm")]
    pub confirm_attempts: u32,
}

/// The store the operator commands read.
#[derive(Debug, Clone, Args)]
pub struct DbArg {
    /// The callback store: a SQLite file path, or a postgres:// URL (better in
    /// KIE_CALLBACKS_DB). Default: kie-suno-callbacks.db.
    #[arg(
        long,
        env = "KIE_CALLBACKS_DB",
        hide_env_values = true,
        default_value = "kie-suno-callbacks.db"
    )]
    pub db: String,
}

/// `list` and `export`.
#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// Only events after this cursor (the last one you processed). Default: 0, all.
    #[arg(long, default_value_t = 0)]
    pub since: i64,
    /// At most this many events.
    #[arg(long)]
    pub limit: Option<usize>,
}

/// `show`.
#[derive(Debug, Clone, Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// An event's cursor (a number), or a task id.
    pub target: String,
}

/// `prune`.
#[derive(Debug, Clone, Args)]
pub struct PruneArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// Remove what is older than this: 90s, 30m, 12h, 7d, 2w.
    #[arg(long, value_parser = parse_duration)]
    pub older_than: Duration,
}

/// A duration as `<number><unit>`, unit `s`, `m`, `h`, `d` or `w`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(|| format!("{text:?} has no unit: use s, m, h, d or w (e.g. 7d)"))?;
    let (number, unit) = text.split_at(split);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} does not start with a number"))?;
    let secs = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return Err(format!("unknown unit {unit:?}: use s, m, h, d or w")),
    };
    n.checked_mul(secs)
        .map(Duration::from_secs)
        .ok_or_else(|| format!("{text:?} is too long"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_a_unit_and_refuse_anything_else() {
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(parse_duration("7d"), Ok(Duration::from_secs(604_800)));
        assert_eq!(parse_duration("2w"), Ok(Duration::from_secs(1_209_600)));
        for bad in ["7", "d", "7x", "-1d", "99999999999999999999d", ""] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
