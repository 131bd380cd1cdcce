//! Generate Sounds: `POST /api/v1/generate/sounds` (ambience, loops, effects from a
//! prompt, with loop, tempo and key), read back at music record-info as the page's
//! poll link says. The docs document no callback for it: with a `callBackUrl` the
//! music family's `first` and `complete` callbacks are sent.

use axum::Router;
use kie_suno_types::{Endpoint, GenerateSoundsRequest, SoundKey};
use serde_json::Value;

use super::envelope::{typed, Reject};
use super::pipeline::{create_route, Accepted, Spec};
use super::rules;
use crate::records::{MusicOp, MusicSpec};
use crate::state::{Shared, SimState};

/// Adds the sounds route (its details are the music record-info route's).
pub(crate) fn routes(router: Router<SimState>) -> Router<SimState> {
    router.route(
        Endpoint::GenerateSounds.path(),
        create_route(Endpoint::GenerateSounds, validate),
    )
}

fn validate(_shared: &Shared, _: Endpoint, v: &Value) -> Result<Accepted, Reject> {
    let req: GenerateSoundsRequest = typed(v)?;
    // The types crate passes unknown models and keys through; the API's lists are
    // V5 / V5_5 and the 24 keys, plus `Any`, the documented default and example.
    rules::one_of(v, "model", rules::SOUNDS_MODELS)?;
    let keys: Vec<&str> = SoundKey::KNOWN.iter().copied().chain(["Any"]).collect();
    rules::one_of(v, "soundKey", &keys)?;
    let mut tags = vec![crate::lyricsgen::tags(req.prompt())];
    if req.sound_loop() == Some(true) {
        tags.push("loop".to_owned());
    }
    if let Some(bpm) = req.sound_tempo() {
        tags.push(format!("{bpm} bpm"));
    }
    if let Some(key) = req.sound_key() {
        tags.push(key.to_string());
    }
    let spec = MusicSpec {
        op: MusicOp::Sounds,
        param: v.to_string(),
        prompt: Some(req.prompt().to_owned()),
        style: Some(tags.join(", ")),
        title: None,
        custom_mode: false,
        instrumental: true,
        model: req.model().to_string(),
        duration: None,
        parent_music_id: None,
        source_audio_url: None,
        skip_stages: false,
    };
    Ok(Accepted::new(
        Spec::Music(Box::new(spec)),
        req.callback_url().map(ToString::to_string),
    ))
}
