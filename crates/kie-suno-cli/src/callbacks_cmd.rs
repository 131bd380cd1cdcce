//! `kie-suno callbacks list|show|export|prune`, the operator's view of the
//! outcome stream, and `--confirm` for `callbacks serve` (the confirmer over the
//! client, API key from `KIE_API_KEY` only). The flags are in `callbacks_args`.

use std::io::Write as _;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use kie_suno_callbacks::{ConfirmPolicy, OutcomeEvent, ReceiverConfig, Store, StoredCallback};
use kie_suno_client::Client;
use kie_suno_types::TaskId;

use crate::args::{CallbacksSub, Global};
use crate::callbacks_args::ConfirmArgs;
use crate::confirmer::ClientConfirmer;
use crate::embedded::open_store;

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
