//! `kie-suno music "<prompt>"`: generate music and wait for the tracks.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use kie_suno_client::{ClientError, MusicOutcome, MusicStage};
use kie_suno_types::{
    CallbackFamily, GenerateMusicRequest, Model, MusicRecord, MusicTrack, TaskId, TaskState,
};

use crate::args::{Global, MusicCmd, StopAt};
use crate::embedded::Env;
use crate::family::Family;
use crate::ledger::{Ledger, State};
use crate::output::Spinner;
use crate::track::{self, Interrupts};

/// Submits a music task, waits for the requested stage, prints the tracks.
pub async fn generate(global: &Global, args: MusicCmd) -> anyhow::Result<()> {
    Env::check_timeout(global, args.follow.timeout, args.follow.poll_interval)?;
    let ledger = track::open_ledger(global)?;
    let env = Env::for_task(global, &args.follow, CallbackFamily::Music).await?;
    let result = run(global, &env, &ledger, &args).await;
    env.close().await;
    result
}

async fn run(global: &Global, env: &Env, ledger: &Ledger, args: &MusicCmd) -> anyhow::Result<()> {
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
    let mut interrupts = Interrupts::install()?;
    let task_id = track::submit(
        ledger,
        &spinner,
        Family::Music,
        &request,
        None,
        env.client.music().generate(&request),
    )
    .await?;
    let options = env
        .wait_options(
            &task_id,
            Duration::from_secs(args.follow.timeout),
            subscription,
            &spinner,
        )
        .with_stop_at(stage);
    let outcome = interrupts
        .guard(
            || vec![task_id.to_string()],
            env.simulated,
            env.client.music().wait(&task_id, options),
        )
        .await;
    let elapsed = spinner.finish();
    let state = |o: &MusicOutcome| {
        if o.status().is_success() {
            State::Succeeded
        } else {
            State::Pending
        }
    };
    let outcome = settle(
        global,
        ledger,
        &task_id,
        outcome?,
        state,
        Family::Music,
        args.download.as_deref(),
    )
    .await?;
    let mut out = std::io::stdout().lock();
    if global.json {
        serde_json::to_writer_pretty(&mut out, outcome.record())?;
        writeln!(out)?;
        return Ok(());
    }
    // At the text stage the tracks are lyrics without audio; past it, only the
    // playable ones are shown (a track listed with `audioUrl: ""` is not ready).
    let tracks: Vec<&MusicTrack> = if args.stop_at == StopAt::Text {
        outcome.all_tracks().iter().collect()
    } else {
        outcome.tracks()
    };
    if !global.quiet {
        let waiting = outcome.all_tracks().len().saturating_sub(tracks.len());
        let more = if waiting > 0 {
            format!(" ({waiting} more without audio yet)")
        } else {
            String::new()
        };
        eprintln!(
            "task {} reached {} in {:.1} s: {} track(s){more}",
            outcome.task_id(),
            outcome.status(),
            elapsed.as_secs_f64(),
            tracks.len()
        );
    }
    write_tracks(&mut out, &tracks)?;
    Ok(())
}

/// What `music` and `sounds` do with a wait's outcome: record it in the ledger
/// (in the `state` it gives for a settled one), then, with `--download DIR`, fetch
/// its files. The outcome, or the error the wait ended with.
pub(crate) async fn settle(
    global: &Global,
    ledger: &Ledger,
    task_id: &TaskId,
    outcome: Result<MusicOutcome, ClientError>,
    state: impl FnOnce(&MusicOutcome) -> State,
    family: Family,
    download: Option<&Path>,
) -> anyhow::Result<MusicOutcome> {
    match &outcome {
        Ok(o) => {
            let status = o.status().to_string();
            track::record(ledger, task_id, Ok((o.record(), state(o), &status)));
        }
        Err(e) => track::record::<MusicRecord>(ledger, task_id, Err(e)),
    }
    let outcome = outcome?;
    if let Some(dir) = download {
        crate::download::after_outcome(
            global,
            ledger,
            dir,
            outcome.task_id(),
            family,
            outcome.record(),
        )
        .await?;
    }
    Ok(outcome)
}

/// Prints each track: a numbered title line, then style, length and the URLs
/// that exist (an empty URL is never printed).
pub fn write_tracks(out: &mut impl Write, tracks: &[&MusicTrack]) -> std::io::Result<()> {
    let n = tracks.len();
    for (i, track) in tracks.iter().enumerate() {
        let title = track.title.as_deref().unwrap_or("(untitled)");
        writeln!(out, "── {}/{}: {} ──", i + 1, n, title)?;
        if let Some(tags) = track.tags.as_deref().filter(|t| !t.is_empty()) {
            writeln!(out, "style:  {tags}")?;
        }
        if let Some(d) = track.duration {
            writeln!(out, "length: {d:.0} s")?;
        }
        if let Some(url) = track.audio_url() {
            writeln!(out, "audio:  {url}")?;
        }
        if let Some(url) = track.stream_audio_url() {
            writeln!(out, "stream: {url}")?;
        }
        if let Some(url) = track.image_url() {
            writeln!(out, "image:  {url}")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The documented record at `FIRST_SUCCESS` with a second track whose
    /// `audioUrl` is `""`: its heading is printed, no empty `audio:` line.
    #[test]
    fn an_empty_audio_url_is_never_printed() {
        let doc = include_str!(
            "../../kie-suno-types/fixtures/documented/music-record-info.response.json"
        );
        let body: serde_json::Value = serde_json::from_str(doc).unwrap_or_default();
        let mut first: MusicTrack =
            serde_json::from_value(body["data"]["response"]["sunoData"][0].clone())
                .unwrap_or_default();
        assert!(first.is_playable());
        let mut second = first.clone();
        second.audio_url = Some(String::new());
        second.image_url = Some(String::new());
        first.title = Some("one".to_owned());
        let mut out = Vec::new();
        write_tracks(&mut out, &[&first, &second]).unwrap_or_default();
        let text = String::from_utf8_lossy(&out);
        assert_eq!(text.matches("audio:  ").count(), 1, "{text}");
        assert_eq!(text.matches("image:  ").count(), 1, "{text}");
        assert!(!text.contains("audio:  \n"), "{text}");
        assert!(text.contains("── 1/2: one ──"), "{text}");
    }
}
