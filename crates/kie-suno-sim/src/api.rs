//! The HTTP surface: `router(state)`, auth, the create pipeline (auth, faults, rate
//! limit, validation, credits, task creation) and the details endpoints.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::Router;
use kie_suno_types::{
    AddInstrumentalRequest, AddVocalsRequest, ApiCode, AudioId, BoostStyleRequest, CodeMeaning,
    CoverImageRequest, DownloadUrlRequest, Endpoint, ExtendMusicRequest, GenerateLyricsRequest,
    GenerateMusicRequest, LyricsPrompt, MashupRequest, MidiRequest, MusicVideoRequest,
    PersonaRequest, ReplaceSectionRequest, SeparationRequest, SeparationType, TaskId,
    TimestampedLyricsRequest, UploadCoverRequest, UploadExtendRequest, ValidationError, WavRequest,
};
use serde::Deserialize;
use serde_json::{json, Value};
use subtle::ConstantTimeEq;

use crate::config::{Auth, ErrorStatus};
use crate::keywords::{self, Directives, Outcome};
use crate::records::{self, Ctx, Family, MediaSpec, MusicDelays, MusicOp, MusicSpec, SepKind};
use crate::state::{lock, Shared, SimState, Task};

/// The largest upload body accepted (other calls keep axum's 2 MiB default).
const UPLOAD_BODY_MAX: usize = 64 * 1024 * 1024;

/// The body KIE documents for a missing or wrong API key.
const UNAUTHORIZED_BODY: &str = r#"{"code":401,"msg":"You do not have access permissions"}"#;

/// The simulator's routes over `state`: every documented path of `api.kie.ai` and of
/// the file-upload host (one server plays both), plus
/// `GET /sim/files/...` serving the generated files and `POST /sim/sink`, a callback
/// receiver that acknowledges everything (for demos without a receiver of their own).
pub fn router(state: SimState) -> Router {
    use Endpoint as E;
    Router::new()
        .route(E::GenerateLyrics.path(), create_route(E::GenerateLyrics))
        .route(
            E::LyricsDetails.path(),
            details_route(E::LyricsDetails, Family::Lyrics),
        )
        .route(E::GenerateMusic.path(), create_route(E::GenerateMusic))
        .route(E::ExtendMusic.path(), create_route(E::ExtendMusic))
        .route(E::UploadCover.path(), create_route(E::UploadCover))
        .route(E::UploadExtend.path(), create_route(E::UploadExtend))
        .route(E::AddInstrumental.path(), create_route(E::AddInstrumental))
        .route(E::AddVocals.path(), create_route(E::AddVocals))
        .route(E::ReplaceSection.path(), create_route(E::ReplaceSection))
        .route(E::Mashup.path(), create_route(E::Mashup))
        .route(
            E::MusicDetails.path(),
            details_route(E::MusicDetails, Family::Music),
        )
        .route(E::WavConvert.path(), create_route(E::WavConvert))
        .route(
            E::WavDetails.path(),
            details_route(E::WavDetails, Family::Wav),
        )
        .route(E::VocalSeparation.path(), create_route(E::VocalSeparation))
        .route(
            E::SeparationDetails.path(),
            details_route(E::SeparationDetails, Family::Separation),
        )
        .route(E::Midi.path(), create_route(E::Midi))
        .route(
            E::MidiDetails.path(),
            details_route(E::MidiDetails, Family::Midi),
        )
        .route(E::MusicVideo.path(), create_route(E::MusicVideo))
        .route(
            E::MusicVideoDetails.path(),
            details_route(E::MusicVideoDetails, Family::Video),
        )
        .route(E::CoverImage.path(), create_route(E::CoverImage))
        .route(
            E::CoverImageDetails.path(),
            details_route(E::CoverImageDetails, Family::CoverImage),
        )
        .route(E::BoostStyle.path(), create_route(E::BoostStyle))
        .route(E::Persona.path(), create_route(E::Persona))
        .route(E::TimestampedLyrics.path(), post(timestamped_lyrics))
        .route(E::Credits.path(), get(credits))
        .route(E::DownloadUrl.path(), post(download_url))
        .route(
            E::FileUploadBase64.path(),
            post(crate::uploads::base64_upload).layer(DefaultBodyLimit::max(UPLOAD_BODY_MAX)),
        )
        .route(E::FileUploadUrl.path(), post(crate::uploads::url_upload))
        .route(
            E::FileUploadStream.path(),
            post(crate::uploads::stream_upload).layer(DefaultBodyLimit::max(UPLOAD_BODY_MAX)),
        )
        .route("/sim/files/{*path}", get(crate::files::serve))
        .route("/sim/sink", post(sink))
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        .with_state(state)
}

fn create_route(endpoint: Endpoint) -> MethodRouter<SimState> {
    post(
        move |State(state): State<SimState>, headers: HeaderMap, body: Bytes| async move {
            create(&state.inner, endpoint, &headers, &body).await
        },
    )
}

fn details_route(endpoint: Endpoint, family: Family) -> MethodRouter<SimState> {
    get(
        move |State(state): State<SimState>, headers: HeaderMap, Query(q): Query<TaskQuery>| async move {
            details(&state.inner, endpoint, family, &headers, q).await
        },
    )
}

#[derive(Debug, Deserialize)]
struct TaskQuery {
    #[serde(rename = "taskId")]
    task_id: Option<String>,
}

/// An error envelope on its way out.
#[derive(Debug)]
pub(crate) struct Reject {
    code: ApiCode,
    msg: String,
    data: Value,
}

impl Reject {
    fn new(code: ApiCode, msg: impl Into<String>) -> Self {
        Self {
            code,
            msg: msg.into(),
            data: Value::Null,
        }
    }

    fn validation(msg: impl Into<String>) -> Self {
        Self::new(ApiCode::ValidationError, msg)
    }

    fn meaning(endpoint: Endpoint, meaning: CodeMeaning, msg: &str) -> Self {
        Self::new(code_for(endpoint, meaning), msg)
    }
}

/// The envelope code that means `meaning` on `endpoint`, per the endpoint's own
/// table: the lyrics endpoint says 405 for rate limiting and 429 for insufficient
/// credits; everything else 429 and 402. The choice is checked against
/// [`ApiCode::meaning`] by a test.
pub(crate) fn code_for(endpoint: Endpoint, meaning: CodeMeaning) -> ApiCode {
    let lyrics = endpoint == Endpoint::GenerateLyrics;
    match meaning {
        CodeMeaning::RateLimited if lyrics => ApiCode::Code405,
        CodeMeaning::RateLimited => ApiCode::Code429,
        CodeMeaning::InsufficientCredits if lyrics => ApiCode::Code429,
        CodeMeaning::InsufficientCredits => ApiCode::InsufficientCredits,
        CodeMeaning::PromptTooLong if lyrics => ApiCode::Code413,
        CodeMeaning::Maintenance => ApiCode::Maintenance,
        CodeMeaning::Unauthorized => ApiCode::Unauthorized,
        CodeMeaning::NotFound => ApiCode::NotFound,
        CodeMeaning::InvalidRequest => ApiCode::BadRequest,
        CodeMeaning::Conflict => ApiCode::Conflict,
        CodeMeaning::Server => ApiCode::ServerError,
        _ => ApiCode::ValidationError,
    }
}

fn json_response(status: StatusCode, body: impl Into<axum::body::Body>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.into(),
    )
        .into_response()
}

fn reject(shared: &Shared, r: Reject) -> Response {
    shared.count_rejection(r.code);
    let status = match shared.config.error_status {
        ErrorStatus::AlwaysOk => StatusCode::OK,
        ErrorStatus::Mirror => u16::try_from(r.code.as_i64())
            .ok()
            .filter(|c| (400..600).contains(c))
            .and_then(|c| StatusCode::from_u16(c).ok())
            .unwrap_or(StatusCode::OK),
    };
    if r.code == ApiCode::Unauthorized {
        return json_response(status, UNAUTHORIZED_BODY);
    }
    let body = json!({"code": r.code, "msg": r.msg, "data": r.data});
    json_response(status, body.to_string())
}

pub(crate) fn authorized(shared: &Shared, headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let mut parts = value.trim().splitn(2, ' ');
    let scheme = parts.next().unwrap_or_default();
    let token = parts.next().unwrap_or_default().trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return false;
    }
    match &shared.config.auth {
        Auth::AnyKey => true,
        Auth::Exact(key) => {
            use secrecy::ExposeSecret;
            bool::from(token.as_bytes().ct_eq(key.expose_secret().as_bytes()))
        }
    }
}

/// Auth and run-wide maintenance, common to every call.
fn gate(shared: &Shared, headers: &HeaderMap) -> Result<(), Reject> {
    if !authorized(shared, headers) {
        return Err(Reject::new(
            ApiCode::Unauthorized,
            "You do not have access permissions",
        ));
    }
    if shared.config.faults.maintenance {
        return Err(Reject::new(ApiCode::Maintenance, "System maintenance"));
    }
    Ok(())
}

// ---------------------------------------------------------------- create

/// What a validated create request turns into.
enum Spec {
    Lyrics(Box<GenerateLyricsRequest>),
    Music(Box<MusicSpec>),
    Wav(MediaSpec),
    Separation(MediaSpec, SepKind),
    Midi(MediaSpec),
    Video(MediaSpec),
    Cover(MediaSpec),
    /// A synchronous endpoint: the `data` to answer with.
    Sync(Value),
}

/// The create pipeline: count, auth, parse, keywords, then
/// [`admit_and_create`].
async fn create(
    shared: &Arc<Shared>,
    endpoint: Endpoint,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    shared.count_request(endpoint);
    // Count the prompt of everything received, before any rejection, so a test can
    // assert that a prompt was submitted exactly once.
    let parsed = serde_json::from_slice::<Value>(body);
    if let Some(prompt) = parsed
        .as_ref()
        .ok()
        .and_then(|v| v.get("prompt"))
        .and_then(Value::as_str)
    {
        shared.count_prompt(prompt);
    }
    let (value, d) = match gate(shared, headers).and_then(|()| parse_body(parsed, body)) {
        Ok(parsed) => parsed,
        Err(r) => return reject(shared, r),
    };
    if d.slow {
        tokio::time::sleep(shared.config.faults.slow_delay).await;
    }
    admit_and_create(shared, endpoint, &value, d).unwrap_or_else(|r| reject(shared, r))
}

/// Turns the parsed body into a JSON object and reads its keywords.
fn parse_body(
    parsed: Result<Value, serde_json::Error>,
    body: &[u8],
) -> Result<(Value, Directives), Reject> {
    let value = parsed.map_err(|e| {
        Reject::new(
            ApiCode::BadRequest,
            format!("Format Error - The parameter is not in a valid JSON format: {e}"),
        )
    })?;
    let text = std::str::from_utf8(body).unwrap_or_default();
    let directives = keywords::scan(text).map_err(|e| Reject::validation(e.to_string()))?;
    Ok((value, directives))
}

/// Forced faults, the rate limit, validation, credits, then the task itself.
fn admit_and_create(
    shared: &Arc<Shared>,
    endpoint: Endpoint,
    value: &Value,
    d: Directives,
) -> Result<Response, Reject> {
    let faults = &shared.config.faults;
    if d.maintenance {
        return Err(Reject::new(ApiCode::Maintenance, "System maintenance"));
    }
    if d.server_error || shared.chance(faults.submit_500) {
        return Err(Reject::new(
            ApiCode::ServerError,
            "Server Error - An unexpected error occurred while processing the request",
        ));
    }
    if d.rate_limit || !shared.admit() {
        return Err(Reject::meaning(
            endpoint,
            CodeMeaning::RateLimited,
            "Rate Limited - Request limit has been exceeded for this resource",
        ));
    }
    let (spec, callback_url) = validate(shared, endpoint, value)?;
    let cost = match &spec {
        Spec::Separation(_, SepKind::Vocal) => shared.config.costs.separate_vocal,
        Spec::Separation(_, SepKind::Split) => shared.config.costs.split_stem,
        Spec::Separation(_, SepKind::Advanced(_)) => shared.config.costs.split_stem_advanced,
        _ => shared.config.costs.of(endpoint),
    };
    if d.no_credits || !shared.charge(cost) {
        return Err(Reject::meaning(
            endpoint,
            CodeMeaning::InsufficientCredits,
            "Insufficient Credits - Account does not have enough credits to perform the operation",
        ));
    }
    if let Spec::Sync(data) = spec {
        *lock(&shared.stats)
            .tasks_created
            .entry(endpoint)
            .or_insert(0) += 1;
        return Ok(json_response(
            StatusCode::OK,
            json!({"code": 200, "msg": "success", "data": data}).to_string(),
        ));
    }
    let task_id = shared.new_task_id();
    let outcome = match d.outcome {
        Outcome::Success if shared.chance(faults.task_failure) => Outcome::GenerateFailed,
        o => o,
    };
    let ctx = Ctx {
        task_id: task_id.clone(),
        now: shared.config.clock.now(),
        files_base: shared.files_base.clone(),
        callback_url: callback_url.clone(),
        outcome,
    };
    let timing = &shared.config.timing;
    let (family, stages, children) = match spec {
        Spec::Lyrics(req) => (
            Family::Lyrics,
            records::lyrics(&ctx, &req, timing.lyrics),
            Vec::new(),
        ),
        Spec::Music(mut m) => {
            m.skip_stages |= d.skip_stages;
            let delays = MusicDelays {
                text: timing.music_text,
                first: timing.music_first,
                complete: timing.music_complete,
            };
            let (stages, ids) = records::music(&ctx, &m, delays);
            (Family::Music, stages, ids)
        }
        Spec::Wav(m) => (
            Family::Wav,
            records::wav(&ctx, &m, timing.media),
            Vec::new(),
        ),
        Spec::Separation(m, kind) => {
            let (stages, ids) = records::separation(&ctx, &m, &kind, timing.media);
            (Family::Separation, stages, ids)
        }
        Spec::Midi(m) => (
            Family::Midi,
            records::midi(&ctx, &m, timing.media),
            Vec::new(),
        ),
        Spec::Video(m) => (
            Family::Video,
            records::video(&ctx, &m, timing.media),
            Vec::new(),
        ),
        Spec::Cover(m) => {
            lock(&shared.unique)
                .insert((Family::CoverImage, m.parent_task.clone()), task_id.clone());
            (
                Family::CoverImage,
                records::cover_image(&ctx, &m, timing.media),
                Vec::new(),
            )
        }
        // Answered above; kept total rather than panicking.
        Spec::Sync(_) => return Err(Reject::new(ApiCode::ServerError, "Server Error")),
    };
    let task = Task {
        family,
        callback_url,
        directives: d,
        stages,
        current: 0,
        cost,
        children,
        poll_fault_served: AtomicBool::new(false),
        polls: std::sync::Mutex::new(std::collections::VecDeque::new()),
        delivery_tail: None,
    };
    tracing::info!(task_id = %task_id, endpoint = endpoint.name(), "task created");
    shared.insert(endpoint, task_id.clone(), task);
    Ok(json_response(
        StatusCode::OK,
        json!({"code": 200, "msg": "success", "data": {"taskId": task_id}}).to_string(),
    ))
}

// ---------------------------------------------------------------- validation

/// Deserialises `v` into a kie-suno-types request type, which validates every
/// documented rule; a failure is a 422 naming the field and the rule.
fn typed<T: serde::de::DeserializeOwned>(v: &Value) -> Result<T, Reject> {
    serde_json::from_value(v.clone()).map_err(|e| Reject::validation(e.to_string()))
}

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

/// A finished music task's track: (index, task) lookups for media requests.
fn music_track(shared: &Shared, task_id: &str, audio_id: &str) -> Result<usize, Reject> {
    let tasks = shared
        .tasks
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let task = tasks
        .get(&TaskId::new(task_id))
        .filter(|t| t.family == Family::Music)
        .ok_or_else(|| {
            Reject::validation(format!(
                "taskId {task_id} is not a music task of this simulator"
            ))
        })?;
    if task.stage().status != "SUCCESS" {
        return Err(Reject::validation(format!(
            "the music task {task_id} is not complete ({})",
            task.stage().status
        )));
    }
    task.children
        .iter()
        .position(|c| c == audio_id)
        .ok_or_else(|| {
            Reject::validation(format!(
                "audioId {audio_id} is not a track of task {task_id}"
            ))
        })
}

/// The parent track of a media request: a finished music task of this simulator.
fn media_of(shared: &Shared, task: &TaskId, audio: &AudioId) -> Result<MediaSpec, Reject> {
    let index = music_track(shared, task.as_str(), audio.as_str())?;
    Ok(MediaSpec {
        parent_task: task.as_str().to_owned(),
        audio_id: Some(audio.as_str().to_owned()),
        music_index: index,
    })
}

fn find_track_owner(shared: &Shared, audio_id: &str) -> Option<TaskId> {
    let tasks = shared
        .tasks
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    tasks
        .iter()
        .find(|(_, t)| t.family == Family::Music && t.children.iter().any(|c| c == audio_id))
        .map(|(id, _)| id.clone())
}

fn validate(
    shared: &Shared,
    endpoint: Endpoint,
    v: &Value,
) -> Result<(Spec, Option<String>), Reject> {
    use Endpoint as E;
    if !v.is_object() {
        return Err(Reject::new(
            ApiCode::BadRequest,
            "Format Error - the body must be a JSON object",
        ));
    }
    match endpoint {
        E::GenerateLyrics => {
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
            let url = req.callback_url().as_str().to_owned();
            Ok((Spec::Lyrics(Box::new(req)), Some(url)))
        }
        E::GenerateMusic => {
            let req: GenerateMusicRequest = typed(v)?;
            let url = req.call_back_url().to_string();
            Ok((
                Spec::Music(Box::new(music_spec(MusicOp::Generate, v))),
                Some(url),
            ))
        }
        E::UploadCover => {
            let req: UploadCoverRequest = typed(v)?;
            let mut m = music_spec(MusicOp::UploadCover, v);
            m.source_audio_url = Some(req.upload_url().to_string());
            Ok((
                Spec::Music(Box::new(m)),
                Some(req.call_back_url().to_string()),
            ))
        }
        E::Mashup => {
            let req: MashupRequest = typed(v)?;
            let mut m = music_spec(MusicOp::Mashup, v);
            m.source_audio_url = req.upload_url_list().first().map(ToString::to_string);
            Ok((
                Spec::Music(Box::new(m)),
                Some(req.call_back_url().to_string()),
            ))
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
            Ok((
                Spec::Music(Box::new(m)),
                Some(req.call_back_url().to_string()),
            ))
        }
        E::UploadExtend => {
            let req: UploadExtendRequest = typed(v)?;
            let mut m = music_spec(MusicOp::UploadExtend, v);
            m.source_audio_url = Some(req.upload_url().to_string());
            Ok((
                Spec::Music(Box::new(m)),
                Some(req.call_back_url().to_string()),
            ))
        }
        E::AddInstrumental => {
            let req: AddInstrumentalRequest = typed(v)?;
            let mut m = music_spec(MusicOp::AddInstrumental, v);
            m.instrumental = true;
            m.source_audio_url = Some(req.upload_url().to_string());
            Ok((
                Spec::Music(Box::new(m)),
                Some(req.call_back_url().to_string()),
            ))
        }
        E::AddVocals => {
            let req: AddVocalsRequest = typed(v)?;
            let mut m = music_spec(MusicOp::AddVocals, v);
            m.source_audio_url = Some(req.upload_url().to_string());
            Ok((
                Spec::Music(Box::new(m)),
                Some(req.call_back_url().to_string()),
            ))
        }
        E::ReplaceSection => {
            let req: ReplaceSectionRequest = typed(v)?;
            music_track(shared, req.task_id().as_str(), req.audio_id().as_str())?;
            let mut m = music_spec(MusicOp::ReplaceSection, v);
            m.parent_music_id = Some(req.audio_id().as_str().to_owned());
            Ok((
                Spec::Music(Box::new(m)),
                req.call_back_url().map(ToString::to_string),
            ))
        }
        E::WavConvert => {
            let req: WavRequest = typed(v)?;
            let spec = media_of(shared, req.task_id(), req.audio_id())?;
            Ok((Spec::Wav(spec), Some(req.call_back_url().to_string())))
        }
        E::MusicVideo => {
            let req: MusicVideoRequest = typed(v)?;
            let spec = media_of(shared, req.task_id(), req.audio_id())?;
            Ok((Spec::Video(spec), Some(req.call_back_url().to_string())))
        }
        E::VocalSeparation => {
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
                    SepKind::Advanced(req.stem_name().cloned().unwrap_or_default())
                }
                Some(other) => {
                    return Err(Reject::validation(format!(
                        "type {other} is not separate_vocal, split_stem or split_stem_advanced"
                    )))
                }
            };
            Ok((
                Spec::Separation(spec, kind),
                Some(req.call_back_url().to_string()),
            ))
        }
        E::Midi => {
            let req: MidiRequest = typed(v)?;
            let task = req.task_id().as_str();
            let audio = req.audio_id().map(|a| a.as_str().to_owned());
            {
                let tasks = shared
                    .tasks
                    .read()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let parent = tasks
                    .get(req.task_id())
                    .filter(|t| t.family == Family::Separation && t.stage().status == "SUCCESS")
                    .ok_or_else(|| {
                        Reject::validation(format!(
                            "taskId {task} is not a completed separation task of this simulator"
                        ))
                    })?;
                if let Some(a) = &audio {
                    if !parent.children.iter().any(|c| c == a) {
                        return Err(Reject::validation(format!(
                            "audioId {a} is not a stem of task {task}"
                        )));
                    }
                }
            }
            let spec = MediaSpec {
                parent_task: task.to_owned(),
                audio_id: audio,
                music_index: 0,
            };
            Ok((Spec::Midi(spec), Some(req.call_back_url().to_string())))
        }
        E::CoverImage => {
            let req: CoverImageRequest = typed(v)?;
            let task = req.task_id().as_str();
            {
                let tasks = shared
                    .tasks
                    .read()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                tasks
                    .get(req.task_id())
                    .filter(|t| t.family == Family::Music && t.stage().status == "SUCCESS")
                    .ok_or_else(|| {
                        Reject::validation(format!(
                            "taskId {task} is not a completed music task of this simulator"
                        ))
                    })?;
            }
            if let Some(existing) = lock(&shared.unique).get(&(Family::CoverImage, task.to_owned()))
            {
                let mut r = Reject::new(
                    ApiCode::BadRequest,
                    "A cover has already been generated for this music task",
                );
                r.data = json!({"taskId": existing});
                return Err(r);
            }
            let spec = MediaSpec {
                parent_task: task.to_owned(),
                audio_id: None,
                music_index: 0,
            };
            Ok((Spec::Cover(spec), Some(req.call_back_url().to_string())))
        }
        E::BoostStyle => {
            let req: BoostStyleRequest = typed(v)?;
            let content = req.content();
            let result = format!(
                "{}, {}",
                keywords::strip(content),
                crate::lyricsgen::tags(content)
            );
            let credits = *lock(&shared.credits);
            let cost = shared.config.costs.of(endpoint);
            let data = json!({
                "taskId": shared.new_task_id(),
                "param": v.to_string(),
                "result": result,
                "creditsConsumed": cost,
                "creditsRemaining": credits.saturating_sub(cost),
                "successFlag": "1",
                "errorCode": null,
                "errorMessage": null,
                "createTime": shared.config.clock.now().format("%Y-%m-%d %H:%M:%S").to_string(),
            });
            Ok((Spec::Sync(data), None))
        }
        E::Persona => {
            let req: PersonaRequest = typed(v)?;
            let audio = req.audio_id().as_str();
            music_track(shared, req.task_id().as_str(), audio)?;
            let mut unique = lock(&shared.unique);
            let key = (Family::Music, format!("persona:{audio}"));
            if unique.contains_key(&key) {
                return Err(Reject::new(
                    ApiCode::Conflict,
                    "Persona already exists for this music",
                ));
            }
            let persona =
                TaskId::new(records::derived_uuid(&TaskId::new(audio), "persona").replace('-', ""));
            unique.insert(key, persona.clone());
            let data =
                json!({"personaId": persona, "name": req.name(), "description": req.description()});
            Ok((Spec::Sync(data), None))
        }
        other => Err(Reject::new(
            ApiCode::NotFound,
            format!("{} is not a task endpoint", other.path()),
        )),
    }
}

// ---------------------------------------------------------------- details

async fn details(
    shared: &Arc<Shared>,
    endpoint: Endpoint,
    family: Family,
    headers: &HeaderMap,
    q: TaskQuery,
) -> Response {
    shared.count_request(endpoint);
    if let Err(r) = gate(shared, headers) {
        return reject(shared, r);
    }
    let Some(task_id) = q.task_id.filter(|t| !t.trim().is_empty()) else {
        return reject(shared, Reject::validation("taskId is required"));
    };
    let Some((bytes, d, first_fault, over_limit)) =
        shared.details(&TaskId::new(task_id.as_str()), family)
    else {
        return reject(
            shared,
            Reject::new(ApiCode::NotFound, format!("task {task_id} not found")),
        );
    };
    if over_limit {
        return reject(
            shared,
            Reject::meaning(
                endpoint,
                CodeMeaning::RateLimited,
                "Rate Limited - Maximum query rate exceeded for this task",
            ),
        );
    }
    if d.slow {
        tokio::time::sleep(shared.config.faults.slow_delay).await;
    }
    if first_fault || shared.chance(shared.config.faults.poll_500) {
        return reject(
            shared,
            Reject::new(
                ApiCode::ServerError,
                "Server Error - An unexpected error occurred while processing the request",
            ),
        );
    }
    json_response(StatusCode::OK, bytes)
}

// ---------------------------------------------------------------- sync endpoints

async fn credits(State(state): State<SimState>, headers: HeaderMap) -> Response {
    let shared = &state.inner;
    shared.count_request(Endpoint::Credits);
    if let Err(r) = gate(shared, &headers) {
        return reject(shared, r);
    }
    let balance = *lock(&shared.credits);
    json_response(
        StatusCode::OK,
        json!({"code": 200, "msg": "success", "data": balance}).to_string(),
    )
}

async fn download_url(State(state): State<SimState>, headers: HeaderMap, body: Bytes) -> Response {
    let shared = &state.inner;
    shared.count_request(Endpoint::DownloadUrl);
    if let Err(r) = gate(shared, &headers) {
        return reject(shared, r);
    }
    let req: DownloadUrlRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return reject(shared, Reject::validation(e.to_string())),
    };
    let url = req.url().as_str();
    let ours = format!("{}/sim/files/", shared.files_base);
    if !url.starts_with(&ours) {
        return reject(
            shared,
            Reject::validation(
                "Validation Error - Invalid URL (External file URLs are not supported)",
            ),
        );
    }
    let expires = shared.config.clock.now().timestamp() + 20 * 60;
    let link = format!("{url}?download=1&expires={expires}");
    json_response(
        StatusCode::OK,
        json!({"code": 200, "msg": "success", "data": link}).to_string(),
    )
}

async fn timestamped_lyrics(
    State(state): State<SimState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let shared = &state.inner;
    shared.count_request(Endpoint::TimestampedLyrics);
    if let Err(r) = gate(shared, &headers) {
        return reject(shared, r);
    }
    match aligned_words(shared, &body) {
        Ok(data) => json_response(
            StatusCode::OK,
            json!({"code": 200, "msg": "success", "data": data}).to_string(),
        ),
        Err(r) => reject(shared, r),
    }
}

fn aligned_words(shared: &Shared, body: &[u8]) -> Result<Value, Reject> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| Reject::new(ApiCode::BadRequest, format!("Format Error - {e}")))?;
    let req: TimestampedLyricsRequest = typed(&v)?;
    let task = req.task_id().as_str();
    let index = music_track(shared, task, req.audio_id().as_str())?;
    let details = shared
        .details(&TaskId::new(task), Family::Music)
        .map(|(b, ..)| b)
        .ok_or_else(|| Reject::new(ApiCode::NotFound, "task not found"))?;
    let record: Value = serde_json::from_slice(&details).unwrap_or_default();
    let track = &record["data"]["response"]["sunoData"][index];
    let lyrics = track["prompt"].as_str().unwrap_or_default();
    let mut words = Vec::new();
    let mut t = 1.0_f64;
    let mut pending_section = String::new();
    for line in lyrics.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            pending_section = format!("{line}\n");
            continue;
        }
        for w in line.split_whitespace() {
            let word = format!("{pending_section}{w}");
            pending_section.clear();
            let len = 0.2 + (w.chars().count() as f64) * 0.04;
            words.push(json!({
                "word": word,
                "success": true,
                "startS": (t * 100.0).round() / 100.0,
                "endS": ((t + len) * 100.0).round() / 100.0,
                "palign": 0,
            }));
            t += len + 0.05;
        }
    }
    let waveform: Vec<f64> = (0..64)
        .map(|i| ((f64::from(i) * 0.7).sin().abs() * 100.0).round() / 100.0)
        .collect();
    Ok(json!({
        "alignedWords": words,
        "waveformData": waveform,
        "hootCer": 0.12,
        "isStreamed": false,
    }))
}

async fn sink() -> Response {
    json_response(StatusCode::OK, r#"{"status":"received"}"#)
}

async fn not_found(State(state): State<SimState>) -> Response {
    reject(
        &state.inner,
        Reject::new(
            ApiCode::NotFound,
            "Not Found - The requested resource or endpoint does not exist",
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The codes the simulator answers with mean, per `ApiCode::meaning`, what the
    /// simulator meant on every endpoint.
    #[test]
    fn chosen_codes_agree_with_the_per_endpoint_table() {
        for endpoint in Endpoint::ALL.iter().copied().filter(|e| e.creates_task()) {
            for meaning in [
                CodeMeaning::RateLimited,
                CodeMeaning::InsufficientCredits,
                CodeMeaning::Maintenance,
                CodeMeaning::Unauthorized,
                CodeMeaning::Validation,
                CodeMeaning::Server,
                CodeMeaning::NotFound,
                CodeMeaning::Conflict,
            ] {
                let code = code_for(endpoint, meaning);
                assert_eq!(
                    code.meaning(endpoint),
                    meaning,
                    "{endpoint:?} {meaning:?} -> {code}"
                );
            }
        }
        let lyrics = Endpoint::GenerateLyrics;
        assert_eq!(code_for(lyrics, CodeMeaning::RateLimited).as_i64(), 405);
        assert_eq!(
            code_for(lyrics, CodeMeaning::InsufficientCredits).as_i64(),
            429
        );
        assert_eq!(code_for(lyrics, CodeMeaning::PromptTooLong).as_i64(), 413);
        assert_eq!(
            code_for(Endpoint::GenerateMusic, CodeMeaning::RateLimited).as_i64(),
            429
        );
        assert_eq!(
            code_for(Endpoint::GenerateMusic, CodeMeaning::InsufficientCredits).as_i64(),
            402
        );
    }

    #[test]
    fn the_401_body_is_the_documented_one() {
        let documented = include_str!(
            "../../kie-suno-types/fixtures/documented/error-401.missing-or-bad-auth-headers.json"
        );
        let ours: Value = serde_json::from_str(UNAUTHORIZED_BODY).unwrap_or_default();
        let theirs: Value = serde_json::from_str(documented).unwrap_or_default();
        assert_eq!(ours, theirs);
        assert!(ours.is_object());
    }
}
