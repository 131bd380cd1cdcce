//! MIDI records, from a finished separation: `successFlag` 0 -> 1 with generated
//! notes per instrument (or 2 / 3 on failure).

use std::time::Duration;

use serde_json::{json, Value};

use super::media::{media_end, media_pending, MediaSpec};
use super::stage::{failure_code, success_envelope, to_bytes, Ctx, Stage};
use crate::ids::fnv1a;
use crate::keywords::Outcome;

/// MIDI from a separation: `successFlag` 0 -> 1 (or 2 / 3 on failure).
pub(crate) fn midi(ctx: &Ctx, spec: &MediaSpec, delay: Duration) -> Vec<Stage> {
    let seed = fnv1a(&[ctx.task_id.as_str().as_bytes(), b"midi"]);
    let instruments: Vec<Value> = ["Drums", "Electric Bass (finger)", "Acoustic Grand Piano"]
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let notes: Vec<Value> = (0..8u64)
                .map(|n| {
                    let h = seed.rotate_left((i as u32) * 7 + n as u32);
                    let start = n as f64 * 0.5 + (h % 100) as f64 / 1000.0;
                    json!({
                        "pitch": 36 + (h % 48),
                        "start": start,
                        "end": start + 0.25,
                        "velocity": 0.5 + (h % 50) as f64 / 100.0,
                    })
                })
                .collect();
            json!({"name": name, "notes": notes})
        })
        .collect();
    let record = |flag: i64, midi: Value, complete: Value, err: Value, msg: Value| {
        success_envelope(json!({
            "taskId": ctx.task_id,
            "recordTaskId": -1,
            "audioId": spec.audio_id.clone().unwrap_or_default(),
            "callbackUrl": ctx.callback_url,
            "completeTime": complete,
            "midiData": midi,
            "successFlag": flag,
            "createTime": ctx.millis(Duration::ZERO),
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
                json!({"state": "complete", "instruments": instruments}),
                json!(ctx.millis(delay)),
                Value::Null,
                Value::Null,
            ),
            to_bytes(&json!({
                "code": 200,
                "msg": "success",
                "data": {"taskId": ctx.task_id, "state": "complete", "instruments": instruments},
            })),
            false,
        ),
        outcome => {
            let flag = if outcome == Outcome::CreateFailed {
                2
            } else {
                3
            };
            let (code, msg, refund) = failure_code(outcome, 500, "MIDI generation failed");
            media_end(
                json!(flag),
                delay,
                record(
                    flag,
                    Value::Null,
                    json!(ctx.millis(delay)),
                    json!(code.to_string()),
                    json!(msg),
                ),
                to_bytes(&json!({"code": code, "msg": msg, "data": {"taskId": ctx.task_id}})),
                refund,
            )
        }
    };
    vec![pending, end]
}
