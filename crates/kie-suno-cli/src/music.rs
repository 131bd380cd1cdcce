//! `kie-suno music "<prompt>"`: generate music and wait for the tracks.

use std::io::Write;
use std::time::Duration;

use kie_suno_client::MusicStage;
use kie_suno_types::{CallbackFamily, GenerateMusicRequest, Model};

use crate::args::{Global, MusicCmd, StopAt};
use crate::embedded::Env;
use crate::output::Spinner;

/// Submits a music task, waits for the requested stage, prints the tracks.
pub async fn generate(global: &Global, args: MusicCmd) -> anyhow::Result<()> {
    let env = Env::for_task(global, &args.follow, CallbackFamily::Music).await?;
    let result = run(global, &env, &args).await;
    env.close().await;
    result
}

async fn run(global: &Global, env: &Env, args: &MusicCmd) -> anyhow::Result<()> {
    let callback_url = env.callback_url.as_deref().unwrap_or_default();
    let model = Model::from_wire(&args.model);
    let request = match (&args.style, &args.title) {
        (Some(style), Some(title)) => {
            let lyrics = (!args.instrumental).then(|| args.prompt.clone());
            GenerateMusicRequest::custom(model, style, title, lyrics, callback_url)?
        }
        _ => GenerateMusicRequest::new(model, args.prompt.clone(), callback_url)?,
    };
    let stage = match args.stop_at {
        StopAt::Text => MusicStage::TextSuccess,
        StopAt::First => MusicStage::FirstSuccess,
        StopAt::Complete => MusicStage::Success,
    };
    let spinner = Spinner::start(!global.quiet, "music");
    spinner.status("submitting");
    let subscription = env.subscribe();
    let task_id = env.client.music().generate(&request).await?;
    let options = env
        .wait_options(
            &task_id,
            Duration::from_secs(args.follow.timeout),
            subscription,
            &spinner,
        )
        .with_stop_at(stage);
    let outcome = env.client.music().wait(&task_id, options).await;
    let elapsed = spinner.finish();
    let outcome = outcome?;
    let mut out = std::io::stdout().lock();
    if global.json {
        serde_json::to_writer_pretty(&mut out, outcome.record())?;
        writeln!(out)?;
        return Ok(());
    }
    if !global.quiet {
        eprintln!(
            "task {} reached {} in {:.1} s: {} track(s)",
            outcome.task_id(),
            outcome.status(),
            elapsed.as_secs_f64(),
            outcome.tracks().len()
        );
    }
    let n = outcome.tracks().len();
    for (i, track) in outcome.tracks().iter().enumerate() {
        let title = track.title.as_deref().unwrap_or("(untitled)");
        writeln!(out, "── {}/{}: {} ──", i + 1, n, title)?;
        if let Some(tags) = track.tags.as_deref().filter(|t| !t.is_empty()) {
            writeln!(out, "style:  {tags}")?;
        }
        if let Some(d) = track.duration {
            writeln!(out, "length: {d:.0} s")?;
        }
        if let Some(url) = track.audio_url.as_deref().filter(|u| !u.is_empty()) {
            writeln!(out, "audio:  {url}")?;
        }
        if let Some(url) = track.stream_audio_url.as_deref().filter(|u| !u.is_empty()) {
            writeln!(out, "stream: {url}")?;
        }
        if let Some(url) = track.image_url.as_deref().filter(|u| !u.is_empty()) {
            writeln!(out, "image:  {url}")?;
        }
    }
    Ok(())
}
