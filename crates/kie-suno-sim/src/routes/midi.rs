//! MIDI: `POST /api/v1/midi/generate` of a finished separation (optionally one of
//! its stems), and `GET /api/v1/midi/record-info`.

use axum::Router;
use kie_suno_types::{Endpoint, MidiRequest};
use serde_json::Value;

use super::details::details_route;
use super::envelope::{typed, Reject};
use super::parents::finished;
use super::pipeline::{create_route, Accepted, Spec};
use crate::records::{Family, MediaSpec};
use crate::state::{Shared, SimState};

/// Adds the MIDI routes.
pub(crate) fn routes(router: Router<SimState>) -> Router<SimState> {
    router
        .route(
            Endpoint::Midi.path(),
            create_route(Endpoint::Midi, validate),
        )
        .route(
            Endpoint::MidiDetails.path(),
            details_route(Endpoint::MidiDetails, Family::Midi),
        )
}

fn validate(shared: &Shared, _: Endpoint, v: &Value) -> Result<Accepted, Reject> {
    let req: MidiRequest = typed(v)?;
    let task = req.task_id().as_str();
    let audio = req.audio_id().map(|a| a.as_str().to_owned());
    let stems = finished(shared, req.task_id(), Family::Separation, "separation")?;
    if let Some(a) = &audio {
        if !stems.iter().any(|c| &c.id == a) {
            return Err(Reject::validation(format!(
                "audioId {a} is not a stem of task {task}"
            )));
        }
    }
    let spec = MediaSpec {
        parent_task: task.to_owned(),
        audio_id: audio,
        music_index: 0,
    };
    Ok(
        Accepted::new(Spec::Midi(spec), Some(req.callback_url().to_string()))
            .made_from(Some(req.task_id().clone())),
    )
}
