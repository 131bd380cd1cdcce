//! Timestamped lyrics: `POST /api/v1/generate/get-timestamped-lyrics`, answered at
//! once with word timings laid over a finished track's lyrics.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use kie_suno_types::{ApiCode, Endpoint, TaskId, TimestampedLyricsRequest};
use serde_json::{json, Value};

use super::envelope::{gate, reject, success, typed, Reject};
use super::parents::music_track;
use crate::records::Family;
use crate::state::{Shared, SimState};

/// Adds the timestamped lyrics route.
pub(crate) fn routes(router: Router<SimState>) -> Router<SimState> {
    router.route(Endpoint::TimestampedLyrics.path(), post(timestamped_lyrics))
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
        Ok((data, parent)) => {
            // Made from a `[sim:slow]` task: the answer is late too.
            if shared.directives_of(&parent).is_some_and(|d| d.slow) {
                tokio::time::sleep(shared.config.faults.slow_delay).await;
            }
            success(data)
        }
        Err(r) => reject(shared, r),
    }
}

/// The `data` of the answer, and the music task it was read from.
fn aligned_words(shared: &Shared, body: &[u8]) -> Result<(Value, TaskId), Reject> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| Reject::new(ApiCode::BadRequest, format!("Format Error - {e}")))?;
    let req: TimestampedLyricsRequest = typed(&v)?;
    let task = req.task_id().as_str();
    let index = music_track(shared, task, req.audio_id().as_str())?.index;
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
    let data = json!({
        "alignedWords": words,
        "waveformData": waveform,
        "hootCer": 0.12,
        "isStreamed": false,
    });
    Ok((data, TaskId::new(task)))
}
