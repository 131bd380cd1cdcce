//! Lyrics: `POST /api/v1/lyrics` and `GET /api/v1/lyrics/record-info`. A prompt
//! over 200 characters is this endpoint's own 413.

use axum::Router;
use kie_suno_types::{CodeMeaning, Endpoint, GenerateLyricsRequest, LyricsPrompt, ValidationError};
use serde_json::Value;

use super::details::details_route;
use super::envelope::Reject;
use super::pipeline::{create_route, Accepted, Spec};
use crate::records::Family;
use crate::state::{Shared, SimState};

/// Adds the lyrics routes.
pub(crate) fn routes(router: Router<SimState>) -> Router<SimState> {
    router
        .route(
            Endpoint::GenerateLyrics.path(),
            create_route(Endpoint::GenerateLyrics, validate),
        )
        .route(
            Endpoint::LyricsDetails.path(),
            details_route(Endpoint::LyricsDetails, Family::Lyrics),
        )
}

fn validate(_shared: &Shared, endpoint: Endpoint, v: &Value) -> Result<Accepted, Reject> {
    let req: GenerateLyricsRequest = serde_json::from_value(v.clone()).map_err(|e| {
        let too_long = v
            .get("prompt")
            .and_then(Value::as_str)
            .map(LyricsPrompt::new)
            .is_some_and(|r| matches!(r, Err(ValidationError::TooLong { .. })));
        if too_long {
            Reject::meaning(
                endpoint,
                CodeMeaning::PromptTooLong,
                "Theme or prompt too long",
            )
        } else {
            Reject::validation(e.to_string())
        }
    })?;
    let url = req.callback_url().map(|u| u.as_str().to_owned());
    Ok(Accepted::new(Spec::Lyrics(Box::new(req)), url))
}
