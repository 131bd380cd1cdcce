//! `kie-suno sounds "<prompt>"`: Generate Sounds, followed by polling music
//! record-info (no sounds callback is documented), then the tracks printed.

use std::io::Write;
use std::time::Duration;

use kie_suno_client::MusicStage;
use kie_suno_types::{GenerateSoundsRequest, Model, MusicTrack, SoundKey};

use crate::args::{Global, SoundsCmd};
use crate::embedded::Env;
use crate::exit::Usage;
use crate::family::Family;
use crate::ledger::{Ledger, State};
use crate::music::{settle, write_tracks};
use crate::output::Spinner;
use crate::track::{self, Interrupts};

/// Submits a sounds task, polls until it succeeds, prints the tracks.
pub async fn generate(global: &Global, args: SoundsCmd) -> anyhow::Result<()> {
    // Refuse bad arguments before starting anything.
    let request = request(&args)?;
    Env::check_timeout(global, args.timeout, args.poll_interval)?;
    let ledger = track::open_ledger(global)?;
    let env = Env::for_polling(global, args.callback_url.clone(), args.poll_interval).await?;
    let result = run(global, &env, &ledger, &request, &args).await;
    env.close().await;
    result
}

/// The request the arguments describe: `--key Any` (the documented default)
/// sends no key; any other key must be one of the 24 documented ones; the rest
/// (prompt length, model, tempo range) is the types crate's `build()`.
pub fn request(args: &SoundsCmd) -> anyhow::Result<GenerateSoundsRequest> {
    let mut b = GenerateSoundsRequest::builder(args.prompt.clone(), Model::from_wire(&args.model));
    if args.sound_loop {
        b = b.with_sound_loop(true);
    }
    if let Some(bpm) = args.tempo {
        b = b.with_sound_tempo(bpm);
    }
    if let Some(key) = args
        .key
        .as_deref()
        .filter(|k| !k.eq_ignore_ascii_case("any"))
    {
        let key = SoundKey::from_wire(key);
        if !key.is_known() {
            anyhow::bail!(Usage(format!(
                "--key {key} is not a documented key: use one of {} (sharps only), or Any",
                SoundKey::KNOWN.join(", ")
            )));
        }
        b = b.with_sound_key(key);
    }
    if args.grab_lyrics {
        b = b.with_grab_lyrics(true);
    }
    if let Some(url) = &args.callback_url {
        b = b.with_callback_url(url.clone());
    }
    Ok(b.build()?)
}

async fn run(
    global: &Global,
    env: &Env,
    ledger: &Ledger,
    request: &GenerateSoundsRequest,
    args: &SoundsCmd,
) -> anyhow::Result<()> {
    let spinner = Spinner::start(!global.quiet, "sounds");
    spinner.status("submitting");
    let mut interrupts = Interrupts::install()?;
    let task_id = track::submit(
        ledger,
        &spinner,
        Family::Sounds,
        request,
        None,
        env.client.sounds().generate(request),
    )
    .await?;
    let options = env
        .wait_options(&task_id, Duration::from_secs(args.timeout), None, &spinner)
        .with_stop_at(MusicStage::Success);
    let outcome = interrupts
        .guard(
            || vec![task_id.to_string()],
            env.simulated,
            env.client.sounds().wait(&task_id, options),
        )
        .await;
    let elapsed = spinner.finish();
    let outcome = settle(
        global,
        ledger,
        &task_id,
        outcome?,
        |_| State::Succeeded,
        Family::Sounds,
        args.download.as_deref(),
    )
    .await?;
    let mut out = std::io::stdout().lock();
    if global.json {
        serde_json::to_writer_pretty(&mut out, outcome.record())?;
        writeln!(out)?;
        return Ok(());
    }
    let tracks: Vec<&MusicTrack> = outcome.tracks();
    if !global.quiet {
        eprintln!(
            "task {} reached {} in {:.1} s: {} track(s)",
            outcome.task_id(),
            outcome.status(),
            elapsed.as_secs_f64(),
            tracks.len()
        );
    }
    write_tracks(&mut out, &tracks)?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap
mod tests {
    use clap::Parser;

    use super::*;
    use crate::args::{Cli, Command};

    fn parse(args: &[&str]) -> SoundsCmd {
        let mut argv = vec!["kie-suno", "sounds"];
        argv.extend_from_slice(args);
        match Cli::try_parse_from(argv).map(|c| c.command) {
            Ok(Command::Sounds(cmd)) => cmd,
            other => panic!("{other:?}"),
        }
    }

    /// The request's JSON; `callBackUrl` left out unless given as a flag (it
    /// may come from KIE_CALLBACK_URL in the test's environment).
    fn json(args: &[&str]) -> serde_json::Value {
        let req = request(&parse(args)).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        let mut v = serde_json::to_value(&req).unwrap_or_default();
        if !args.contains(&"--callback-url") {
            if let Some(o) = v.as_object_mut() {
                o.remove("callBackUrl");
            }
        }
        v
    }

    #[test]
    fn the_flags_become_the_documented_fields() {
        assert_eq!(
            json(&[
                "rain",
                "--loop",
                "--tempo",
                "166",
                "--key",
                "D#m",
                "--grab-lyrics"
            ]),
            serde_json::json!({
                "prompt": "rain", "model": "V5", "soundLoop": true, "soundTempo": 166,
                "soundKey": "D#m", "grabLyrics": true
            })
        );
        assert_eq!(
            json(&["waves", "--model", "V5_5"]),
            serde_json::json!({"prompt": "waves", "model": "V5_5"})
        );
        // `Any` is the documented default: no key is sent.
        assert_eq!(
            json(&["waves", "--key", "Any"]),
            serde_json::json!({"prompt": "waves", "model": "V5"})
        );
        assert_eq!(
            json(&["waves", "--callback-url", "https://example.com/cb"])["callBackUrl"],
            "https://example.com/cb"
        );
    }

    #[test]
    fn bad_values_are_refused_before_sending() {
        // The documented keys and models are the only values the flags take.
        for (flag, value) in [("--key", "Ebm"), ("--model", "V4"), ("--model", "V9")] {
            let err = Cli::try_parse_from(["kie-suno", "sounds", "x", flag, value]).unwrap_err();
            assert_eq!(
                err.kind(),
                clap::error::ErrorKind::InvalidValue,
                "{flag} {value}"
            );
            let text = err.to_string();
            assert!(text.contains("possible values"), "{text}");
        }
        let keys = Cli::try_parse_from(["kie-suno", "sounds", "x", "--key", "Ebm"])
            .unwrap_err()
            .to_string();
        assert!(keys.contains("D#m") && keys.contains("Any"), "{keys}");
        for args in [&["x", "--tempo", "301"][..], &["x", "--tempo", "0"]] {
            let err = request(&parse(args)).unwrap_err();
            assert!(
                err.downcast_ref::<kie_suno_types::ValidationError>()
                    .is_some(),
                "{args:?}: {err}"
            );
        }
        let long = "é".repeat(501);
        let err = request(&parse(&[long.as_str()])).unwrap_err();
        assert!(err.to_string().contains("500"), "{err}");
        assert!(Cli::try_parse_from(["kie-suno", "sounds", "x", "--tempo", "fast"]).is_err());
    }
}
