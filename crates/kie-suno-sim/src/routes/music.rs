//! Music: `POST /api/v1/generate` and its siblings (extend, upload-cover,
//! upload-extend, add-instrumental, add-vocals, replace-section, mashup), all read
//! back at `GET /api/v1/generate/record-info`.

use axum::Router;
use kie_suno_types::{
    AddInstrumentalRequest, AddVocalsRequest, ApiCode, Endpoint, ExtendMusicRequest,
    GenerateMusicRequest, MashupRequest, ReplaceSectionRequest, UploadCoverRequest,
    UploadExtendRequest, ValidationError, REPLACE_MAX_TRACK_SHARE, REPLACE_MIN_SECONDS,
};
use serde_json::Value;

use super::details::details_route;
use super::envelope::{typed, Reject};
use super::parents::{find_track_owner, music_track, task_of_url};
use super::pipeline::{create_route, Accepted, Spec};
use super::rules;
use crate::records::{Family, MusicOp, MusicSpec};
use crate::state::{Shared, SimState};

/// The music-creating endpoints.
const CREATE: [Endpoint; 8] = [
    Endpoint::GenerateMusic,
    Endpoint::ExtendMusic,
    Endpoint::UploadCover,
    Endpoint::UploadExtend,
    Endpoint::AddInstrumental,
    Endpoint::AddVocals,
    Endpoint::ReplaceSection,
    Endpoint::Mashup,
];

/// Adds the music routes.
pub(crate) fn routes(router: Router<SimState>) -> Router<SimState> {
    CREATE
        .into_iter()
        .fold(router, |r, e| r.route(e.path(), create_route(e, validate)))
        .route(
            Endpoint::MusicDetails.path(),
            details_route(Endpoint::MusicDetails, Family::Music),
        )
}

/// What every music request shares, read from the body as sent.
fn music_spec(op: MusicOp, v: &Value) -> MusicSpec {
    MusicSpec {
        op,
        param: v.to_string(),
        prompt: v.get("prompt").and_then(Value::as_str).map(str::to_owned),
        style: v
            .get("style")
            .or_else(|| v.get("tags"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        title: v.get("title").and_then(Value::as_str).map(str::to_owned),
        custom_mode: custom_mode(v),
        instrumental: v
            .get("instrumental")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        model: v
            .get("model")
            .and_then(Value::as_str)
            .unwrap_or("V4_5PLUS")
            .to_owned(),
        // "Only effective when customMode is true and model is V5_5."
        duration: v
            .get("duration")
            .and_then(Value::as_f64)
            .filter(|_| custom_mode(v) && v.get("model").and_then(Value::as_str) == Some("V5_5")),
        parent_music_id: None,
        source_audio_url: None,
        skip_stages: op == MusicOp::ReplaceSection,
    }
}

/// Custom mode: `customMode`, or extend's `defaultParamFlag`.
fn custom_mode(v: &Value) -> bool {
    v.get("customMode")
        .or_else(|| v.get("defaultParamFlag"))
        .and_then(Value::as_bool)
        .unwrap_or(true)
}

/// A music task on `source` (an uploaded or external audio URL).
fn from_source(op: MusicOp, v: &Value, source: String) -> MusicSpec {
    let mut m = music_spec(op, v);
    m.source_audio_url = Some(source);
    m
}

fn music(m: MusicSpec, callback: String) -> Result<Accepted, Reject> {
    Ok(Accepted::new(Spec::Music(Box::new(m)), Some(callback)))
}

fn validate(shared: &Shared, endpoint: Endpoint, v: &Value) -> Result<Accepted, Reject> {
    use Endpoint as E;
    bounds(shared, endpoint, v)?;
    let accepted = typed_music(shared, endpoint, v)?;
    // The open enums of the types crate keep what the API refuses.
    rules::music_enums(endpoint, v)?;
    Ok(match endpoint {
        E::UploadCover | E::UploadExtend | E::AddInstrumental | E::AddVocals => {
            let url = v
                .get("uploadUrl")
                .and_then(Value::as_str)
                .unwrap_or_default();
            accepted.made_from(task_of_url(shared, url))
        }
        E::Mashup => {
            let urls = v.get("uploadUrlList").and_then(Value::as_array);
            let parent = urls
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .find_map(|url| task_of_url(shared, url));
            accepted.made_from(parent)
        }
        _ => accepted,
    })
}

/// The limits that hang on the audio a request works on, checked with the real
/// bounds before the types crate (whose own bound there is "no upper limit"):
/// `continueAt` below the track's (or the longest upload's) length, the replaced
/// section inside the track and at most half of it. A track this simulator does not
/// know is refused here, before the types crate could print its unbounded limit.
fn bounds(shared: &Shared, endpoint: Endpoint, v: &Value) -> Result<(), Reject> {
    let text = |field: &str| v.get(field).and_then(Value::as_str);
    match endpoint {
        Endpoint::ExtendMusic => match text("audioId") {
            Some(audio) => match find_track_owner(shared, audio) {
                Some((_, track)) => rules::continue_at(v, track.duration),
                None => Err(Reject::validation(format!(
                    "audioId {audio} is not a track of this simulator"
                ))),
            },
            None => Ok(()),
        },
        Endpoint::UploadExtend => rules::continue_at(v, rules::UPLOAD_MAX_SECONDS),
        Endpoint::ReplaceSection => {
            let (Some(task), Some(audio)) = (text("taskId"), text("audioId")) else {
                return Ok(());
            };
            let length = music_track(shared, task, audio)?.child.duration;
            let start = rules::number(v, "infillStartS");
            let end = rules::number(v, "infillEndS");
            if let Some(start) = start {
                rules::within("infillStartS", start, 0.0, length)?;
            }
            if let Some(end) = end {
                rules::within("infillEndS", end, 0.0, length)?;
            }
            match (start, end) {
                // At least 10 s, at most half the track ("should not exceed 50%").
                (Some(start), Some(end)) => rules::within(
                    "infillEndS - infillStartS",
                    end - start,
                    REPLACE_MIN_SECONDS,
                    (length * REPLACE_MAX_TRACK_SHARE * 100.0).floor() / 100.0,
                ),
                _ => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

/// The body read as the endpoint's kie-suno-types request, and its parent.
fn typed_music(shared: &Shared, endpoint: Endpoint, v: &Value) -> Result<Accepted, Reject> {
    use Endpoint as E;
    match endpoint {
        E::GenerateMusic => {
            let req: GenerateMusicRequest = typed(v)?;
            music(
                music_spec(MusicOp::Generate, v),
                req.callback_url().to_string(),
            )
        }
        E::UploadCover => {
            let req: UploadCoverRequest = typed(v)?;
            let m = from_source(MusicOp::UploadCover, v, req.upload_url().to_string());
            music(m, req.callback_url().to_string())
        }
        E::Mashup => {
            let req: MashupRequest = typed(v)?;
            let mut m = music_spec(MusicOp::Mashup, v);
            m.source_audio_url = req.upload_url_list().first().map(ToString::to_string);
            music(m, req.callback_url().to_string())
        }
        E::ExtendMusic => {
            let req: ExtendMusicRequest = typed(v)?;
            let audio = req.audio_id().as_str();
            let Some((owner, track)) = find_track_owner(shared, audio) else {
                return Err(Reject::validation(format!(
                    "audioId {audio} is not a track of this simulator"
                )));
            };
            // "Model version must match the source audio's model version."
            let model = req.model().as_str();
            if track.model.as_deref().is_some_and(|m| m != model) {
                return Err(rules::reject(&ValidationError::NotAllowed {
                    field: "model",
                    reason: format!(
                        "{model} does not match the model of audio {audio} ({})",
                        track.model.as_deref().unwrap_or_default()
                    )
                    .into(),
                }));
            }
            let mut m = music_spec(MusicOp::Extend, v);
            m.parent_music_id = Some(audio.to_owned());
            Ok(music(m, req.callback_url().to_string())?.made_from(Some(owner)))
        }
        E::UploadExtend => {
            let req: UploadExtendRequest = typed(v)?;
            let m = from_source(MusicOp::UploadExtend, v, req.upload_url().to_string());
            music(m, req.callback_url().to_string())
        }
        E::AddInstrumental => {
            let req: AddInstrumentalRequest = typed(v)?;
            let mut m = from_source(MusicOp::AddInstrumental, v, req.upload_url().to_string());
            m.instrumental = true;
            music(m, req.callback_url().to_string())
        }
        E::AddVocals => {
            let req: AddVocalsRequest = typed(v)?;
            let m = from_source(MusicOp::AddVocals, v, req.upload_url().to_string());
            music(m, req.callback_url().to_string())
        }
        E::ReplaceSection => {
            let req: ReplaceSectionRequest = typed(v)?;
            let track = music_track(shared, req.task_id().as_str(), req.audio_id().as_str())?;
            let mut m = music_spec(MusicOp::ReplaceSection, v);
            m.parent_music_id = Some(req.audio_id().as_str().to_owned());
            // No `model` here: the new section is made with the track's.
            if let Some(model) = &track.child.model {
                m.model.clone_from(model);
            }
            Ok(Accepted::new(
                Spec::Music(Box::new(m)),
                req.callback_url().map(ToString::to_string),
            )
            .made_from(Some(track.task)))
        }
        other => Err(Reject::new(
            ApiCode::NotFound,
            format!("{} is not a music endpoint", other.path()),
        )),
    }
}
