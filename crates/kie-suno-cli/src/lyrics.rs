//! `kie-suno lyrics "<prompt>"`, `kie-suno lyrics show <id>` and `kie-suno credits`.

use std::io::Write;
use std::time::Duration;

use anyhow::Context;
use kie_suno_types::{CallbackFamily, GenerateLyricsRequest, LyricsRecord, TaskId, TaskState};

use crate::args::{Global, LyricsGenerate, ShowArgs};
use crate::embedded::Env;
use crate::family::Family;
use crate::ledger::State;
use crate::output::{write_lyrics, Spinner};
use crate::track::{self, Interrupts};

/// Submits a lyrics task, waits (callback or polling), prints the variations.
pub async fn generate(global: &Global, args: LyricsGenerate) -> anyhow::Result<()> {
    let prompt = args.prompt.unwrap_or_default();
    Env::check_timeout(global, args.follow.timeout, args.follow.poll_interval)?;
    let ledger = track::open_ledger(global)?;
    let env = Env::for_task(global, &args.follow, CallbackFamily::Lyrics).await?;
    let result = run(global, &env, &ledger, &prompt, &args.follow).await;
    env.close().await;
    result
}

async fn run(
    global: &Global,
    env: &Env,
    ledger: &crate::ledger::Ledger,
    prompt: &str,
    follow: &crate::args::Follow,
) -> anyhow::Result<()> {
    let mut request = GenerateLyricsRequest::builder(prompt);
    if let Some(url) = &env.callback_url {
        request = request.with_callback_url(url.clone());
    }
    let request = request.build()?;
    let spinner = Spinner::start(!global.quiet, "lyrics");
    spinner.status("submitting");
    let subscription = env.subscribe();
    let mut interrupts = Interrupts::install()?;
    let task_id = track::submit(
        ledger,
        &spinner,
        Family::Lyrics,
        &request,
        None,
        env.client.lyrics().generate(&request),
    )
    .await?;
    let options = env.wait_options(
        &task_id,
        Duration::from_secs(follow.timeout),
        subscription,
        &spinner,
    );
    let outcome = interrupts
        .guard(
            || vec![task_id.to_string()],
            env.simulated,
            env.client.lyrics().wait(&task_id, options),
        )
        .await;
    let elapsed = spinner.finish();
    let outcome = outcome?;
    match &outcome {
        Ok(o) => {
            let status = o.record().status.to_string();
            track::record(
                ledger,
                &task_id,
                Ok((o.record(), State::Succeeded, &status)),
            );
        }
        Err(e) => track::record::<LyricsRecord>(ledger, &task_id, Err(e)),
    }
    let outcome = outcome?;
    let mut out = std::io::stdout().lock();
    if global.json {
        serde_json::to_writer_pretty(&mut out, outcome.record())?;
        writeln!(out)?;
    } else {
        if !global.quiet {
            eprintln!(
                "task {} done in {:.1} s: {} variation(s)",
                outcome.task_id(),
                elapsed.as_secs_f64(),
                outcome.variations().len()
            );
        }
        write_lyrics(&mut out, outcome.variations())?;
    }
    out.flush().context("cannot write to stdout")?;
    Ok(())
}

/// Prints the details of a lyrics task.
pub async fn show(global: &Global, args: ShowArgs) -> anyhow::Result<()> {
    let env = Env::for_query(global).await?;
    let record = env
        .client
        .lyrics()
        .details(&TaskId::new(args.task_id))
        .await?;
    let mut out = std::io::stdout().lock();
    if global.json {
        serde_json::to_writer_pretty(&mut out, &record)?;
        writeln!(out)?;
    } else {
        writeln!(out, "task {}: {}", record.task_id, record.status)?;
        if record.status.is_failure() {
            if let Some(m) = record.error_message.as_deref().filter(|m| !m.is_empty()) {
                writeln!(out, "error: {m}")?;
            }
        }
        if !record.variations().is_empty() {
            writeln!(out)?;
            write_lyrics(&mut out, record.variations())?;
        }
    }
    Ok(())
}

/// Prints the remaining credits.
pub async fn credits(global: &Global) -> anyhow::Result<()> {
    let env = Env::for_query(global).await?;
    let credits = env.client.credits().await?;
    if global.json {
        crate::output::println(&serde_json::json!({ "credits": credits }).to_string())
    } else {
        crate::output::println(&credits.to_string())
    }
}
