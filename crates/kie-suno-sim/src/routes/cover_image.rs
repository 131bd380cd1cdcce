//! Cover images: `POST /api/v1/suno/cover/generate` of a finished music task (one
//! per task: a second request gets 400 with the existing `taskId`), and
//! `GET /api/v1/suno/cover/record-info`.

use axum::Router;
use kie_suno_types::{ApiCode, CoverImageRequest, Endpoint};
use serde_json::{json, Value};

use super::details::details_route;
use super::envelope::{typed, Reject};
use super::parents::finished;
use super::pipeline::{create_route, Accepted, Spec};
use crate::records::{Family, MediaSpec};
use crate::state::{Shared, SimState};
use crate::sync::lock;

/// Adds the cover image routes.
pub(crate) fn routes(router: Router<SimState>) -> Router<SimState> {
    router
        .route(
            Endpoint::CoverImage.path(),
            create_route(Endpoint::CoverImage, validate),
        )
        .route(
            Endpoint::CoverImageDetails.path(),
            details_route(Endpoint::CoverImageDetails, Family::CoverImage),
        )
}

fn validate(shared: &Shared, _: Endpoint, v: &Value) -> Result<Accepted, Reject> {
    let req: CoverImageRequest = typed(v)?;
    let task = req.task_id().as_str();
    finished(shared, req.task_id(), Family::Music, "music")?;
    if let Some(existing) = lock(&shared.unique).get(&(Family::CoverImage, task.to_owned())) {
        return Err(Reject::new(
            ApiCode::BadRequest,
            "A cover has already been generated for this music task",
        )
        .with_data(json!({"taskId": existing})));
    }
    let spec = MediaSpec {
        parent_task: task.to_owned(),
        audio_id: None,
        music_index: 0,
    };
    Ok(Accepted::new(
        Spec::Cover(spec),
        req.callback_url().map(ToString::to_string),
    )
    .made_from(Some(req.task_id().clone())))
}
