//! The create pipeline every task-creating endpoint runs: count, auth, JSON syntax,
//! keywords, `[sim:slow]`, forced faults, the rate limit, the family's validation,
//! credits, then the task itself (its stages rendered by `records`). Each family's
//! route file supplies only its [`Validator`].

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{post, MethodRouter};
use kie_suno_types::{ApiCode, CodeMeaning, Endpoint, GenerateLyricsRequest, TaskId};
use serde_json::{json, Value};

use super::envelope::{gate, reject, server_error, success, Reject};
use crate::keywords::{self, Directives, Outcome};
use crate::records::{self, Child, Ctx, Family, MediaSpec, MusicDelays, MusicSpec, SepKind};
use crate::state::{Shared, SimState};
use crate::sync::lock;
use crate::task::{NewTask, Task};

/// What a validated create request turns into.
pub(crate) enum Spec {
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

/// A create request that passed its family's validation.
pub(crate) struct Accepted {
    pub(crate) spec: Spec,
    pub(crate) callback_url: Option<String>,
    /// The task the new one is made from (a track's music task, a separation, the
    /// task behind one of the simulator's file URLs): its keywords are inherited.
    pub(crate) parent: Option<TaskId>,
}

impl Accepted {
    /// `spec` with `callback_url` and no parent.
    pub(crate) fn new(spec: Spec, callback_url: Option<String>) -> Self {
        Self {
            spec,
            callback_url,
            parent: None,
        }
    }

    /// The same, made from `parent`.
    pub(crate) fn made_from(mut self, parent: Option<TaskId>) -> Self {
        self.parent = parent;
        self
    }
}

/// A family's validation of a JSON-object body: what it accepted, or the rejection.
pub(crate) type Validator = fn(&Shared, Endpoint, &Value) -> Result<Accepted, Reject>;

/// `POST endpoint` through the create pipeline with `validate`.
pub(crate) fn create_route(endpoint: Endpoint, validate: Validator) -> MethodRouter<SimState> {
    post(
        move |State(state): State<SimState>, headers: HeaderMap, body: Bytes| async move {
            create(&state.inner, endpoint, validate, &headers, &body).await
        },
    )
}

/// The create pipeline: count, auth, parse, keywords, then [`admit_and_create`].
async fn create(
    shared: &Arc<Shared>,
    endpoint: Endpoint,
    validate: Validator,
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
    match admit_and_create(shared, endpoint, validate, &value, d) {
        Ok((response, inherited_slow)) => {
            // A task made from a `[sim:slow]` task answers late too.
            if inherited_slow {
                tokio::time::sleep(shared.config.faults.slow_delay).await;
            }
            response
        }
        Err(r) => reject(shared, r),
    }
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

/// Forced faults, the rate limit, validation, credits, then the task itself; with
/// whether `[sim:slow]` came from the parent only.
fn admit_and_create(
    shared: &Arc<Shared>,
    endpoint: Endpoint,
    validate: Validator,
    value: &Value,
    own: Directives,
) -> Result<(Response, bool), Reject> {
    let d = own;
    let faults = &shared.config.faults;
    if d.maintenance {
        return Err(Reject::new(ApiCode::Maintenance, "System maintenance"));
    }
    if d.server_error || shared.chance(faults.submit_500) {
        return Err(server_error());
    }
    if d.rate_limit || !shared.admit() {
        return Err(Reject::meaning(
            endpoint,
            CodeMeaning::RateLimited,
            "Rate Limited - Request limit has been exceeded for this resource",
        ));
    }
    if !value.is_object() {
        return Err(Reject::new(
            ApiCode::BadRequest,
            "Format Error - the body must be a JSON object",
        ));
    }
    let Accepted {
        spec,
        callback_url,
        parent,
    } = validate(shared, endpoint, value)?;
    let d = match parent.and_then(|p| shared.directives_of(&p)) {
        Some(inherited) => own.inherit(inherited),
        None => own,
    };
    let inherited_slow = d.slow && !own.slow;
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
        shared.count_task(endpoint);
        return Ok((success(data), inherited_slow));
    }
    let task_id = shared.new_task_id();
    let outcome = match d.outcome {
        Outcome::Success if shared.chance(faults.task_failure) => Outcome::GenerateFailed,
        o => o,
    };
    let now = shared.config.clock.now();
    let ctx = Ctx {
        task_id: task_id.clone(),
        now,
        files_base: shared.files_base.clone(),
        callback_url: callback_url.clone(),
        outcome,
    };
    let (family, stages, children) = render(shared, &ctx, spec, d)?;
    let task = Task::new(NewTask {
        family,
        callback_url,
        directives: d,
        stages,
        cost,
        children,
        created_at: now,
    });
    tracing::info!(task_id = %task_id, endpoint = endpoint.name(), "task created");
    shared.insert(endpoint, task_id.clone(), task);
    Ok((success(json!({"taskId": task_id})), inherited_slow))
}

/// The family, the stages and the child ids of a new task.
fn render(
    shared: &Shared,
    ctx: &Ctx,
    spec: Spec,
    d: Directives,
) -> Result<(Family, Vec<records::Stage>, Vec<Child>), Reject> {
    let timing = &shared.config.timing;
    Ok(match spec {
        Spec::Lyrics(req) => (
            Family::Lyrics,
            records::lyrics(ctx, &req, timing.lyrics),
            Vec::new(),
        ),
        Spec::Music(mut m) => {
            m.skip_stages |= d.skip_stages;
            let delays = MusicDelays {
                text: timing.music_text,
                first: timing.music_first,
                complete: timing.music_complete,
            };
            let (stages, ids) = records::music(ctx, &m, delays);
            (Family::Music, stages, ids)
        }
        Spec::Wav(m) => (Family::Wav, records::wav(ctx, &m, timing.media), Vec::new()),
        Spec::Separation(m, kind) => {
            let (stages, ids) = records::separation(ctx, &m, &kind, timing.media);
            (Family::Separation, stages, ids)
        }
        Spec::Midi(m) => (
            Family::Midi,
            records::midi(ctx, &m, timing.media),
            Vec::new(),
        ),
        Spec::Video(m) => (
            Family::Video,
            records::video(ctx, &m, timing.media),
            Vec::new(),
        ),
        Spec::Cover(m) => {
            lock(&shared.unique).insert(
                (Family::CoverImage, m.parent_task.clone()),
                ctx.task_id.clone(),
            );
            (
                Family::CoverImage,
                records::cover_image(ctx, &m, timing.media),
                Vec::new(),
            )
        }
        // Answered before; kept total rather than panicking.
        Spec::Sync(_) => return Err(Reject::new(ApiCode::ServerError, "Server Error")),
    })
}
