//! Cover image records, one per music task: `successFlag` 0 -> 1 with two images
//! (or 3 on failure).

use std::time::Duration;

use serde_json::{json, Value};

use super::media::{media_end, media_pending, MediaSpec};
use super::stage::{failure_code, success_envelope, to_bytes, Ctx, Stage};
use crate::ids::derived_uuid;
use crate::keywords::Outcome;

/// Cover art images: `successFlag` 0 -> 1 (or 3 on failure).
pub(crate) fn cover_image(ctx: &Ctx, spec: &MediaSpec, delay: Duration) -> Vec<Stage> {
    let images: Vec<String> = (0..2)
        .map(|i| {
            ctx.file(&format!(
                "{}.png",
                derived_uuid(&ctx.task_id, &format!("cover{i}"))
            ))
        })
        .collect();
    let record = |flag: i64, response: Value, complete: Value, err: Value, msg: Value| {
        success_envelope(json!({
            "taskId": ctx.task_id,
            "parentTaskId": spec.parent_task,
            "callbackUrl": ctx.callback_url,
            "completeTime": complete,
            "response": response,
            "successFlag": flag,
            "createTime": ctx.iso(Duration::ZERO),
            "errorCode": err,
            "errorMessage": msg,
        }))
    };
    let pending = media_pending(
        json!(0),
        record(0, Value::Null, Value::Null, Value::Null, Value::Null),
    );
    let end = match ctx.outcome {
        Outcome::Stall => return vec![pending],
        Outcome::Success => media_end(
            json!(1),
            delay,
            record(
                1,
                json!({"images": images}),
                json!(ctx.iso(delay)),
                json!(200),
                json!(""),
            ),
            to_bytes(
                &json!({"code": 200, "msg": "success", "data": {"images": images, "taskId": ctx.task_id}}),
            ),
            false,
        ),
        outcome => {
            let (code, msg, refund) = failure_code(outcome, 501, "Cover generation failed");
            media_end(
                json!(3),
                delay,
                record(
                    3,
                    Value::Null,
                    json!(ctx.iso(delay)),
                    json!(code),
                    json!(msg),
                ),
                to_bytes(
                    &json!({"code": code, "msg": msg, "data": {"taskId": ctx.task_id, "images": null}}),
                ),
                refund,
            )
        }
    };
    vec![pending, end]
}
