//! `kie-suno callbacks list|show|export|prune`, the operator's view of the
//! outcome stream, and `--confirm` for `callbacks serve` (the confirmer over the
//! client, API key from `KIE_API_KEY` only).

use std::io::Write as _;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use kie_suno_callbacks::{ConfirmPolicy, OutcomeEvent, ReceiverConfig, Store, StoredCallback};
use kie_suno_client::Client;
use kie_suno_types::TaskId;

use crate::args::{CallbacksSub, Global};
use crate::confirmer::ClientConfirmer;
use crate::embedded::open_store;

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

/// Adds the client-backed confirmer when `--confirm` is given.
pub fn with_confirmer(
    config: ReceiverConfig,
    global: &Global,
    args: &ConfirmArgs,
) -> anyhow::Result<ReceiverConfig> {
    if !args.confirm {
        return Ok(config);
    }
    let key = std::env::var("KIE_API_KEY")
        .ok()
        .filter(|k| !k.trim().is_empty())
        .ok_or_else(|| {
            crate::exit::Usage(
                "--confirm fetches record-info with your API key: set KIE_API_KEY".to_owned(),
            )
        })?;
    let mut builder = Client::builder().api_key(key);
    if let Some(url) = &global.base_url {
        builder = builder.base_url(url.clone());
    }
    let client = builder.build().context("cannot build the client")?;
    let policy = ConfirmPolicy::default()
        .lease(Duration::from_secs(args.confirm_lease))
        .max_attempts(args.confirm_attempts);
    Ok(config
        .confirmer(ClientConfirmer::new(client))
        .confirm_policy(policy))
}

fn event_json(e: &OutcomeEvent) -> serde_json::Value {
    serde_json::json!({
        "cursor": e.cursor,
        "callback_id": e.callback_id,
        "family": e.family,
        "task_id": e.task_id.as_str(),
        "stage": e.stage,
        "kind": e.kind.as_str(),
        "trust": e.trust.as_str(),
        "terminal": e.terminal,
        "success": e.success,
        "final": e.is_final(),
        "note": e.note,
        "data": e.data_json(),
        "created_ms": e.created_ms,
    })
}

fn callback_json(c: &StoredCallback) -> serde_json::Value {
    let body = serde_json::from_slice::<serde_json::Value>(&c.body)
        .unwrap_or_else(|_| serde_json::Value::from(String::from_utf8_lossy(&c.body).into_owned()));
    serde_json::json!({
        "id": c.id,
        "family": c.family,
        "task_id": c.task_id.as_str(),
        "stage": c.stage,
        "code": c.code,
        "success": c.success,
        "terminal": c.terminal,
        "trust": c.trust.as_str(),
        "confirmation": c.confirmation.as_str(),
        "confirm_note": c.confirm_note,
        "signed": c.signed,
        "first_received_ms": c.first_received_ms,
        "last_received_ms": c.last_received_ms,
        "deliveries": c.deliveries,
        "headers": c.headers,
        "body": body,
    })
}

fn event_line(e: &OutcomeEvent) -> String {
    let mark = if e.is_disputed() {
        " DISPUTED"
    } else if e.is_final() {
        " final"
    } else {
        ""
    };
    format!(
        "{:>8}  {}  {:<11} {:<9} {:<15} {} {}{mark}",
        e.cursor,
        e.created_ms,
        e.kind.as_str(),
        e.trust.as_str(),
        e.family,
        e.task_id,
        e.stage,
    )
}

/// Every event after `since`, in pages.
async fn events_after(
    store: &dyn Store,
    since: i64,
    limit: Option<usize>,
) -> anyhow::Result<Vec<OutcomeEvent>> {
    let want = limit.unwrap_or(usize::MAX);
    let mut out = Vec::new();
    let mut cursor = since;
    while out.len() < want {
        let page = store
            .outcomes_after(cursor, (want - out.len()).min(1000))
            .await
            .context("cannot read the outcome stream")?;
        let Some(last) = page.last() else { break };
        cursor = last.cursor;
        out.extend(page);
    }
    Ok(out)
}

/// Runs `list`, `show`, `export` or `prune`.
pub async fn run(global: &Global, sub: CallbacksSub) -> anyhow::Result<()> {
    let db = match &sub {
        CallbacksSub::List(a) | CallbacksSub::Export(a) => &a.db.db,
        CallbacksSub::Show(a) => &a.db.db,
        CallbacksSub::Prune(a) => &a.db.db,
        CallbacksSub::Serve(_) => anyhow::bail!("serve is not an operator command"),
    };
    let store: Arc<dyn Store> = open_store(db).await?;
    let result = dispatch(global, &sub, store.as_ref()).await;
    let _ = store.close().await;
    result
}

async fn dispatch(global: &Global, sub: &CallbacksSub, store: &dyn Store) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match sub {
        CallbacksSub::List(a) => {
            for e in events_after(store, a.since, a.limit).await? {
                if global.json {
                    writeln!(out, "{}", event_json(&e))?;
                } else {
                    writeln!(out, "{}", event_line(&e))?;
                }
            }
        }
        CallbacksSub::Export(a) => {
            for e in events_after(store, a.since, a.limit).await? {
                let mut line = event_json(&e);
                let cb = store.callback(e.callback_id).await?;
                line["callback"] = cb.as_ref().map_or(serde_json::Value::Null, callback_json);
                writeln!(out, "{line}")?;
            }
        }
        CallbacksSub::Show(a) => {
            let task = match a.target.parse::<i64>() {
                Ok(cursor) => {
                    let found = store.outcomes_after(cursor - 1, 1).await?;
                    match found.into_iter().next().filter(|e| e.cursor == cursor) {
                        Some(e) => e.task_id,
                        None => anyhow::bail!(crate::exit::Usage(format!(
                            "no outcome event has cursor {cursor}"
                        ))),
                    }
                }
                Err(_) => TaskId::new(a.target.clone()),
            };
            let callbacks = store.callbacks_for(&task).await?;
            let events = store.outcomes_for(&task).await?;
            if callbacks.is_empty() && events.is_empty() {
                anyhow::bail!(crate::exit::Usage(format!(
                    "nothing is stored for task {task}"
                )));
            }
            if global.json {
                let json = serde_json::json!({
                    "task_id": task.as_str(),
                    "callbacks": callbacks.iter().map(callback_json).collect::<Vec<_>>(),
                    "events": events.iter().map(event_json).collect::<Vec<_>>(),
                });
                writeln!(out, "{json:#}")?;
            } else {
                writeln!(out, "task {task}")?;
                for c in &callbacks {
                    writeln!(
                        out,
                        "  callback {} {} {}: {} {}, trust {}, confirmation {}{}, {} deliveries",
                        c.id,
                        c.family,
                        c.stage,
                        if c.terminal { "terminal" } else { "progress" },
                        if c.success { "success" } else { "failure" },
                        c.trust,
                        c.confirmation,
                        c.confirm_note
                            .as_deref()
                            .map(|n| format!(" ({n})"))
                            .unwrap_or_default(),
                        c.deliveries
                    )?;
                }
                for e in &events {
                    writeln!(out, "  {}", event_line(e))?;
                    if let Some(note) = &e.note {
                        writeln!(out, "            note: {note}")?;
                    }
                }
            }
        }
        CallbacksSub::Prune(a) => {
            let cutoff = std::time::SystemTime::now()
                .checked_sub(a.older_than)
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
            let pruned = store
                .prune(cutoff)
                .await
                .context("cannot prune the store")?;
            if global.json {
                writeln!(
                    out,
                    "{}",
                    serde_json::json!({"callbacks": pruned.callbacks, "events": pruned.events})
                )?;
            } else {
                writeln!(
                    out,
                    "pruned {} callbacks and {} events",
                    pruned.callbacks, pruned.events
                )?;
            }
        }
        CallbacksSub::Serve(_) => {}
    }
    Ok(())
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
