//! Music video: `POST /api/v1/mp4/generate` of a finished music track, and
//! `GET /api/v1/mp4/record-info`.

use axum::Router;
use kie_suno_types::{Endpoint, MusicVideoRequest};
use serde_json::Value;

use super::details::details_route;
use super::envelope::{typed, Reject};
use super::parents::media_of;
use super::pipeline::{create_route, Accepted, Spec};
use crate::records::Family;
use crate::state::{Shared, SimState};

/// Adds the music video routes.
pub(crate) fn routes(router: Router<SimState>) -> Router<SimState> {
    router
        .route(
            Endpoint::MusicVideo.path(),
            create_route(Endpoint::MusicVideo, validate),
        )
        .route(
            Endpoint::MusicVideoDetails.path(),
            details_route(Endpoint::MusicVideoDetails, Family::Video),
        )
}

fn validate(shared: &Shared, _: Endpoint, v: &Value) -> Result<Accepted, Reject> {
    let req: MusicVideoRequest = typed(v)?;
    let spec = media_of(shared, req.task_id(), req.audio_id())?;
    Ok(
        Accepted::new(Spec::Video(spec), Some(req.callback_url().to_string()))
            .made_from(Some(req.task_id().clone())),
    )
}
