//! Vocal and stem separation: `POST /api/v1/vocal-removal/generate` of a finished
//! music track or of an audio URL, and `GET /api/v1/vocal-removal/record-info`.

use axum::Router;
use kie_suno_types::{Endpoint, SeparationRequest, SeparationType, StemName};
use serde_json::Value;

use super::details::details_route;
use super::envelope::{typed, Reject};
use super::parents::{media_of, task_of_url};
use super::pipeline::{create_route, Accepted, Spec};
use super::rules;
use crate::records::{Family, MediaSpec, SepKind};
use crate::state::{Shared, SimState};

/// Adds the separation routes.
pub(crate) fn routes(router: Router<SimState>) -> Router<SimState> {
    router
        .route(
            Endpoint::VocalSeparation.path(),
            create_route(Endpoint::VocalSeparation, validate),
        )
        .route(
            Endpoint::SeparationDetails.path(),
            details_route(Endpoint::SeparationDetails, Family::Separation),
        )
}

fn validate(shared: &Shared, _: Endpoint, v: &Value) -> Result<Accepted, Reject> {
    let req: SeparationRequest = typed(v)?;
    let spec = match (req.audio_url(), req.task_id(), req.audio_id()) {
        (Some(_), task, _) => MediaSpec {
            parent_task: task.map(|t| t.as_str().to_owned()).unwrap_or_default(),
            audio_id: None,
            music_index: 0,
        },
        (None, Some(task), Some(audio)) => media_of(shared, task, audio)?,
        // The type's validation requires one of the two forms.
        _ => {
            return Err(Reject::validation(
                "taskId and audioId, or audioUrl, are required",
            ))
        }
    };
    let kind = match req.separation_type() {
        None | Some(SeparationType::SeparateVocal) => SepKind::Vocal,
        Some(SeparationType::SplitStem) => SepKind::Split,
        Some(SeparationType::SplitStemAdvanced) => {
            // The types crate's `StemName` is open: an unlisted name passes there.
            rules::one_of(v, "stemName", StemName::KNOWN)?;
            SepKind::Advanced(
                req.stem_name()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
            )
        }
        Some(other) => {
            return Err(Reject::validation(format!(
                "type {other} is not separate_vocal, split_stem or split_stem_advanced"
            )))
        }
    };
    let parent = match req.audio_url() {
        Some(url) => task_of_url(shared, url.as_str()),
        None => req.task_id().cloned(),
    };
    Ok(Accepted::new(
        Spec::Separation(spec, kind),
        Some(req.callback_url().to_string()),
    )
    .made_from(parent))
}
