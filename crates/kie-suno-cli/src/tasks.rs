//! `kie-suno tasks`, `kie-suno show <task-id>` and `kie-suno wait <task-id>`: the
//! ledger's tasks, for every family.

use std::io::Write;
use std::time::Duration;

use anyhow::Context;
use kie_suno_client::ClientError;
use kie_suno_types::{LyricsRecord, MusicRecord, TaskId};
use serde_json::Value;

use crate::args::{Global, TaskArgs, TasksArgs, WaitArgs};
use crate::embedded::Env;
use crate::exit::Usage;
use crate::family::Family;
use crate::ledger::{rfc3339, Entry, Filter, Ledger, State};
use crate::music::write_tracks;
use crate::output::{write_lyrics, Spinner};
use crate::track::{self, Interrupts, Snapshot};

/// Lists the ledger's entries.
pub fn list(global: &Global, args: TasksArgs) -> anyhow::Result<()> {
    let ledger = track::open_ledger(global)?;
    let mut filter = Filter {
        family: args.family,
        ..Filter::default()
    };
    if let Some(s) = args.status {
        match State::parse(&s.to_ascii_lowercase()) {
            Some(state) => filter.state = Some(state),
            None => filter.status = Some(s),
        }
    }
    let entries = ledger.list(&filter)?;
    let mut out = std::io::stdout().lock();
    if global.json {
        let all: Vec<Value> = entries.iter().map(Entry::to_json).collect();
        serde_json::to_writer_pretty(&mut out, &all)?;
        writeln!(out)?;
    } else if entries.is_empty() {
        if !global.quiet {
            eprintln!("no tasks in the ledger {}", ledger.path().display());
        }
    } else {
        writeln!(
            out,
            "{:<6} {:<34} {:<12} {:<10} {:<22} {:<24}",
            "LOCAL", "TASK", "FAMILY", "STATE", "STATUS", "CREATED"
        )?;
        for e in &entries {
            writeln!(
                out,
                "{:<6} {:<34} {:<12} {:<10} {:<22} {:<24}",
                e.local_id.to_string(),
                e.task_id.as_deref().unwrap_or("-"),
                e.family.name(),
                e.state.name(),
                e.status.as_deref().unwrap_or("-"),
                rfc3339(e.created_at_ms),
            )?;
        }
        let unknown = entries.iter().filter(|e| e.state == State::Unknown).count();
        if unknown > 0 && !global.quiet {
            eprintln!(
                "{unknown} task(s) in state unknown: their submission never answered, so they \
                 may exist and be billed; look for them in the KIE dashboard (https://kie.ai/logs)"
            );
        }
    }
    out.flush().context("cannot write to stdout")?;
    Ok(())
}

/// The family of a task: `--family`, else the ledger's.
fn family_of(ledger: &Ledger, args: &TaskArgs) -> anyhow::Result<Family> {
    if let Some(f) = args.family {
        return Ok(f);
    }
    match ledger.task(&args.task_id)? {
        Some(e) => Ok(e.family),
        None => anyhow::bail!(Usage(format!(
            "task {} is not in the ledger {}: give its family with --family ({})",
            args.task_id,
            ledger.path().display(),
            Family::ALL.map(Family::name).join(", ")
        ))),
    }
}

/// Shows a task: the ledger's entry refreshed from the API (the entry alone when no
/// API is configured).
pub async fn show(global: &Global, args: TaskArgs) -> anyhow::Result<()> {
    let ledger = track::open_ledger(global)?;
    let family = family_of(&ledger, &args)?;
    let task_id = TaskId::new(args.task_id.clone());
    let fresh = match Env::for_query(global).await {
        Ok(env) => {
            let fresh = track::details(&env.client, family, &task_id).await;
            env.close().await;
            Some(fresh?)
        }
        Err(e) if ledger.task(&args.task_id)?.is_some() => {
            if !global.quiet {
                eprintln!("note: showing the ledger's last look ({e})");
            }
            None
        }
        Err(e) => return Err(e),
    };
    if let Some(snap) = &fresh {
        ledger.adopt(family, task_id.as_str())?;
        ledger.outcome(
            task_id.as_str(),
            snap.state,
            &snap.status,
            Some(&snap.record),
            None,
        )?;
    }
    let entry = ledger.task(task_id.as_str())?;
    let mut out = std::io::stdout().lock();
    if global.json {
        let value = match &entry {
            Some(e) => e.to_json(),
            None => Value::Null,
        };
        serde_json::to_writer_pretty(&mut out, &value)?;
        writeln!(out)?;
    } else if let Some(e) = &entry {
        writeln!(
            out,
            "task {} ({}): {} ({})",
            task_id,
            e.family,
            e.status.as_deref().unwrap_or("-"),
            e.state
        )?;
        writeln!(out, "created: {}", rfc3339(e.created_at_ms))?;
        if let Some(err) = e.error.as_deref() {
            writeln!(out, "error:   {err}")?;
        }
        for file in ledger.downloads(task_id.as_str())? {
            writeln!(
                out,
                "file:    {} ({} bytes, sha256 {})",
                file.path.display(),
                file.size,
                file.sha256
            )?;
        }
        if let Some(record) = &e.outcome {
            write_record(&mut out, e.family, record)?;
        }
    }
    out.flush().context("cannot write to stdout")?;
    Ok(())
}

/// Waits for a task of any family and prints its result.
pub async fn wait(global: &Global, args: WaitArgs) -> anyhow::Result<()> {
    let ledger = track::open_ledger(global)?;
    let family = family_of(&ledger, &args.task)?;
    let task_id = TaskId::new(args.task.task_id.clone());
    ledger.adopt(family, task_id.as_str())?;
    let env = Env::for_query(global)
        .await?
        .with_poll(Duration::from_secs(args.poll_interval));
    let result = follow(global, &env, &ledger, family, &task_id, args.timeout).await;
    env.close().await;
    let snap = result?;
    let mut out = std::io::stdout().lock();
    if global.json {
        serde_json::to_writer_pretty(&mut out, &snap.record)?;
        writeln!(out)?;
    } else {
        write_record(&mut out, family, &snap.record)?;
    }
    out.flush().context("cannot write to stdout")?;
    Ok(())
}

async fn follow(
    global: &Global,
    env: &Env,
    ledger: &Ledger,
    family: Family,
    task_id: &TaskId,
    timeout: u64,
) -> anyhow::Result<Snapshot> {
    let mut interrupts = Interrupts::install()?;
    let spinner = Spinner::start(!global.quiet, family.name());
    let options = env.wait_options(task_id, Duration::from_secs(timeout), None, &spinner);
    let outcome = interrupts
        .guard(
            || vec![task_id.to_string()],
            false,
            track::wait(&env.client, family, task_id, options),
        )
        .await;
    let elapsed = spinner.finish();
    let outcome = outcome?;
    match &outcome {
        Ok(s) => track::record(ledger, task_id, Ok((&s.record, s.state, &s.status))),
        Err(e) => track::record::<Value>(ledger, task_id, Err(e)),
    }
    let snap = outcome.map_err(|e: ClientError| anyhow::Error::from(e))?;
    if !global.quiet {
        eprintln!(
            "task {task_id} ({family}) reached {} after {:.1} s",
            snap.status,
            elapsed.as_secs_f64()
        );
    }
    Ok(snap)
}

/// Prints a record: lyrics as text, music and sounds as tracks, the other families
/// as JSON.
fn write_record(out: &mut impl Write, family: Family, record: &Value) -> anyhow::Result<()> {
    match family {
        Family::Lyrics => {
            if let Ok(r) = serde_json::from_value::<LyricsRecord>(record.clone()) {
                if !r.variations().is_empty() {
                    writeln!(out)?;
                    write_lyrics(out, r.variations())?;
                }
                return Ok(());
            }
        }
        Family::Music | Family::Sounds => {
            if let Ok(r) = serde_json::from_value::<MusicRecord>(record.clone()) {
                let tracks: Vec<_> = r.tracks().iter().collect();
                if !tracks.is_empty() {
                    writeln!(out)?;
                    write_tracks(out, &tracks)?;
                }
                return Ok(());
            }
        }
        _ => {}
    }
    serde_json::to_writer_pretty(&mut *out, record)?;
    writeln!(out)?;
    Ok(())
}
