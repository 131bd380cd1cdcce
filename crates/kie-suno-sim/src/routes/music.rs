//! Music: `POST /api/v1/generate` and its siblings (extend, upload-cover,
//! upload-extend, add-instrumental, add-vocals, replace-section, mashup), all read
//! back at `GET /api/v1/generate/record-info`.

use axum::Router;
use kie_suno_types::{
    AddInstrumentalRequest, AddVocalsRequest, ApiCode, Endpoint, ExtendMusicRequest,
    GenerateMusicRequest, MashupRequest, ReplaceSectionRequest, UploadCoverRequest,
    UploadExtendRequest,
};
use serde_json::Value;

use super::details::details_route;
use super::envelope::{typed, Reject};
use super::parents::{find_track_owner, music_track};
use super::pipeline::{create_route, Spec};
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
        custom_mode: v
            .get("customMode")
            .or_else(|| v.get("defaultParamFlag"))
            .and_then(Value::as_bool)
            .unwrap_or(true),
        instrumental: v
            .get("instrumental")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        model: v
            .get("model")
            .and_then(Value::as_str)
            .unwrap_or("V4_5PLUS")
            .to_owned(),
        duration: v.get("duration").and_then(Value::as_f64),
        parent_music_id: None,
        source_audio_url: None,
        skip_stages: op == MusicOp::ReplaceSection,
    }
}

/// A music task on `source` (an uploaded or external audio URL).
fn from_source(op: MusicOp, v: &Value, source: String) -> MusicSpec {
    let mut m = music_spec(op, v);
    m.source_audio_url = Some(source);
    m
}

fn music(m: MusicSpec, callback: String) -> Result<(Spec, Option<String>), Reject> {
    Ok((Spec::Music(Box::new(m)), Some(callback)))
}

fn validate(
    shared: &Shared,
    endpoint: Endpoint,
    v: &Value,
) -> Result<(Spec, Option<String>), Reject> {
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
            if find_track_owner(shared, audio).is_none() {
                return Err(Reject::validation(format!(
                    "audioId {audio} is not a track of this simulator"
                )));
            }
            let mut m = music_spec(MusicOp::Extend, v);
            m.parent_music_id = Some(audio.to_owned());
            music(m, req.callback_url().to_string())
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
            music_track(shared, req.task_id().as_str(), req.audio_id().as_str())?;
            let mut m = music_spec(MusicOp::ReplaceSection, v);
            m.parent_music_id = Some(req.audio_id().as_str().to_owned());
            Ok((
                Spec::Music(Box::new(m)),
                req.callback_url().map(ToString::to_string),
            ))
        }
        other => Err(Reject::new(
            ApiCode::NotFound,
            format!("{} is not a music endpoint", other.path()),
        )),
    }
}
