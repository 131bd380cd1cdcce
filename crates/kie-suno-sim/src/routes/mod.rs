//! The HTTP surface, one file per endpoint family: [`router`] puts every family's
//! routes together. `pipeline` (create) and `details` (record-info) are the two
//! request pipelines the families share; `envelope` is how answers and errors look;
//! `parents` is what a media request may refer to.

mod common;
mod cover_image;
mod details;
mod envelope;
mod files;
mod lyrics;
mod midi;
mod music;
mod parents;
mod persona;
mod pipeline;
mod rules;
mod separation;
mod sounds;
mod style;
mod timestamped_lyrics;
mod uploads;
mod video;
mod wav;

use axum::extract::State;
use axum::response::Response;
use axum::Router;
use kie_suno_types::ApiCode;

use crate::state::SimState;

/// What each family file offers: its routes added to a router.
type AddRoutes = fn(Router<SimState>) -> Router<SimState>;

/// The simulator's routes over `state`: every documented path of `api.kie.ai` and of
/// the file-upload host (one server plays both), plus
/// `GET /sim/files/...` serving the generated files and `POST /sim/sink`, a callback
/// receiver that acknowledges everything (for demos without a receiver of their own).
pub fn router(state: SimState) -> Router {
    let families: &[AddRoutes] = &[
        lyrics::routes,
        music::routes,
        sounds::routes,
        wav::routes,
        separation::routes,
        midi::routes,
        video::routes,
        cover_image::routes,
        style::routes,
        persona::routes,
        timestamped_lyrics::routes,
        common::routes,
        uploads::routes,
        files::routes,
    ];
    families
        .iter()
        .fold(Router::new(), |router, add| add(router))
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        .with_state(state)
}

/// Any other path or method: the 404 envelope.
async fn not_found(State(state): State<SimState>) -> Response {
    envelope::reject(
        &state.inner,
        envelope::Reject::new(
            ApiCode::NotFound,
            "Not Found - The requested resource or endpoint does not exist",
        ),
    )
}
