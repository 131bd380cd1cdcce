//! WAV conversion and music video: the two families whose result is one file, on one
//! state machine (`successFlag` `PENDING` -> `SUCCESS`, or a failure flag).

use std::time::Duration;

use serde_json::{json, Value};

use super::media::{media_end, media_pending, MediaSpec};
use super::stage::{failure_code, success_envelope, to_bytes, Ctx, Stage};
use crate::keywords::Outcome;

/// WAV conversion: `successFlag` `PENDING` -> `SUCCESS` / `GENERATE_WAV_FAILED`.
pub(crate) fn wav(ctx: &Ctx, spec: &MediaSpec, delay: Duration) -> Vec<Stage> {
    single_file_task(
        ctx,
        spec,
        delay,
        &SingleFile {
            file: ("wav", "audio"),
            failed_flag: "GENERATE_WAV_FAILED",
            response: |url| json!({"audioWavUrl": url}),
            callback_data: |task, url| json!({"audioWavUrl": url, "task_id": task}),
        },
    )
}

/// What differs between the single-file media families (WAV, video).
struct SingleFile {
    /// The file's extension, and its stem when the request names no audio id.
    file: (&'static str, &'static str),
    /// The `successFlag` of a generation failure.
    failed_flag: &'static str,
    /// Record-info `response` around the file URL.
    response: fn(&str) -> Value,
    /// Callback `data` for the task id and the file URL (`null` on failure).
    callback_data: fn(&str, Option<&str>) -> Value,
}

/// A task with a string `successFlag` whose result is one file: `PENDING` ->
/// `SUCCESS`, or `CREATE_TASK_FAILED` / the family's generation failure.
fn single_file_task(ctx: &Ctx, spec: &MediaSpec, delay: Duration, kind: &SingleFile) -> Vec<Stage> {
    let (ext, stem) = kind.file;
    let url = ctx.file(&format!(
        "{}.{ext}",
        spec.audio_id.as_deref().unwrap_or(stem)
    ));
    let record = |flag: &str, response: Value, complete: Value, err: Value, msg: Value| {
        success_envelope(json!({
            "taskId": ctx.task_id,
            "musicId": spec.audio_id,
            "callbackUrl": ctx.callback_url,
            "musicIndex": spec.music_index,
            "completeTime": complete,
            "response": response,
            "successFlag": flag,
            "createTime": ctx.text_time(Duration::ZERO),
            "errorCode": err,
            "errorMessage": msg,
        }))
    };
    let pending = media_pending(
        json!("PENDING"),
        record(
            "PENDING",
            Value::Null,
            Value::Null,
            Value::Null,
            Value::Null,
        ),
    );
    let end = match ctx.outcome {
        Outcome::Stall => return vec![pending],
        Outcome::Success => media_end(
            json!("SUCCESS"),
            delay,
            record(
                "SUCCESS",
                (kind.response)(&url),
                json!(ctx.text_time(delay)),
                Value::Null,
                Value::Null,
            ),
            to_bytes(&json!({
                "code": 200,
                "msg": "success",
                "data": (kind.callback_data)(ctx.task_id.as_str(), Some(&url)),
            })),
            false,
        ),
        outcome => {
            let flag = if outcome == Outcome::CreateFailed {
                "CREATE_TASK_FAILED"
            } else {
                kind.failed_flag
            };
            let (code, msg, refund) =
                failure_code(outcome, 500, "Internal Error - Please try again later");
            media_end(
                json!(flag),
                delay,
                record(
                    flag,
                    Value::Null,
                    json!(ctx.text_time(delay)),
                    json!(code),
                    json!(msg),
                ),
                to_bytes(&json!({
                    "code": code,
                    "msg": msg,
                    "data": (kind.callback_data)(ctx.task_id.as_str(), None),
                })),
                refund,
            )
        }
    };
    vec![pending, end]
}

/// Music video: `successFlag` `PENDING` -> `SUCCESS` / `GENERATE_MP4_FAILED`.
pub(crate) fn video(ctx: &Ctx, spec: &MediaSpec, delay: Duration) -> Vec<Stage> {
    single_file_task(
        ctx,
        spec,
        delay,
        &SingleFile {
            file: ("mp4", "video"),
            failed_flag: "GENERATE_MP4_FAILED",
            response: |url| json!({"videoUrl": url}),
            callback_data: |task, url| json!({"task_id": task, "video_url": url}),
        },
    )
}
