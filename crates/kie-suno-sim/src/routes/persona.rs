//! Personas: `POST /api/v1/generate/generate-persona`, answered at once, from a
//! finished music track (one per track: a second request gets 409).

use axum::Router;
use kie_suno_types::{ApiCode, Endpoint, PersonaRequest, TaskId};
use serde_json::{json, Value};

use super::envelope::{typed, Reject};
use super::parents::music_track;
use super::pipeline::{create_route, Accepted, Spec};
use super::rules;
use crate::ids::derived_uuid;
use crate::records::Family;
use crate::state::{Shared, SimState};
use crate::sync::lock;

/// Adds the persona route.
pub(crate) fn routes(router: Router<SimState>) -> Router<SimState> {
    router.route(
        Endpoint::Persona.path(),
        create_route(Endpoint::Persona, validate),
    )
}

fn validate(shared: &Shared, _: Endpoint, v: &Value) -> Result<Accepted, Reject> {
    bounds(shared, v)?;
    let req: PersonaRequest = typed(v)?;
    let audio = req.audio_id().as_str();
    let track = music_track(shared, req.task_id().as_str(), audio)?;
    let mut unique = lock(&shared.unique);
    let key = (Family::Music, format!("persona:{audio}"));
    if unique.contains_key(&key) {
        return Err(Reject::new(
            ApiCode::Conflict,
            "Persona already exists for this music",
        ));
    }
    let persona = TaskId::new(derived_uuid(&TaskId::new(audio), "persona").replace('-', ""));
    unique.insert(key, persona.clone());
    let data = json!({"personaId": persona, "name": req.name(), "description": req.description()});
    Ok(Accepted::new(Spec::Sync(data), None).made_from(Some(track.task)))
}

/// `vocalStart` and `vocalEnd` inside the track, checked with its real length before
/// the types crate (whose own bound there is "no upper limit"); a track this
/// simulator does not know is refused here already.
fn bounds(shared: &Shared, v: &Value) -> Result<(), Reject> {
    let text = |field: &str| v.get(field).and_then(Value::as_str);
    let (Some(task), Some(audio)) = (text("taskId"), text("audioId")) else {
        return Ok(());
    };
    let track = music_track(shared, task, audio)?;
    for field in ["vocalStart", "vocalEnd"] {
        if let Some(at) = rules::number(v, field) {
            rules::within(field, at, 0.0, track.child.duration)?;
        }
    }
    Ok(())
}
