//! WAV conversion: `POST /api/v1/wav/generate` of a finished music track, and
//! `GET /api/v1/wav/record-info`.

use axum::Router;
use kie_suno_types::{Endpoint, WavRequest};
use serde_json::Value;

use super::details::details_route;
use super::envelope::{typed, Reject};
use super::parents::media_of;
use super::pipeline::{create_route, Accepted, Spec};
use crate::records::Family;
use crate::state::{Shared, SimState};

/// Adds the WAV routes.
pub(crate) fn routes(router: Router<SimState>) -> Router<SimState> {
    router
        .route(
            Endpoint::WavConvert.path(),
            create_route(Endpoint::WavConvert, validate),
        )
        .route(
            Endpoint::WavDetails.path(),
            details_route(Endpoint::WavDetails, Family::Wav),
        )
}

fn validate(shared: &Shared, _: Endpoint, v: &Value) -> Result<Accepted, Reject> {
    let req: WavRequest = typed(v)?;
    let spec = media_of(shared, req.task_id(), req.audio_id())?;
    Ok(
        Accepted::new(Spec::Wav(spec), Some(req.callback_url().to_string()))
            .made_from(Some(req.task_id().clone())),
    )
}
