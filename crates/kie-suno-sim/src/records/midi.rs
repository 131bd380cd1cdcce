//! MIDI records, from a finished separation: `successFlag` 0 -> 1 with generated
//! notes per instrument (or 2 / 3 on failure).

use std::time::Duration;

use serde_json::{json, Value};

use super::media::{media_end, media_pending, MediaSpec};
use super::stage::{failure_code, success_envelope, to_bytes, Ctx, Stage};
use crate::ids::fnv1a;
use crate::keywords::Outcome;

/// The notes of one instrument: numbers in record-info (as its example shows), and
/// in the callback each `start` / `end` a number or a numeric string, chosen per note
/// from the task id (the callback example mixes both; its page says to handle both).
fn notes(seed: u64, instrument: u32, as_callback: bool) -> Vec<Value> {
    (0..8u32)
        .map(|n| {
            let h = seed.rotate_left(instrument * 7 + n);
            // Milliseconds, so no float noise: 0.537, not 0.5370000000000001.
            let start_ms = u64::from(n) * 500 + h % 100;
            let end_ms = start_ms + 250;
            let time = |ms: u64, bit: u32| {
                let secs = ms as f64 / 1000.0;
                if as_callback && (h >> bit) & 1 == 1 {
                    json!(secs.to_string())
                } else {
                    json!(secs)
                }
            };
            json!({
                "pitch": 36 + (h % 48),
                "start": time(start_ms, 40),
                "end": time(end_ms, 41),
                "velocity": (50 + h % 50) as f64 / 100.0,
            })
        })
        .collect()
}

/// MIDI from a separation: `successFlag` 0 -> 1 (or 2 / 3 on failure).
pub(crate) fn midi(ctx: &Ctx, spec: &MediaSpec, delay: Duration) -> Vec<Stage> {
    let seed = fnv1a(&[ctx.task_id.as_str().as_bytes(), b"midi"]);
    let instruments = |as_callback: bool| -> Vec<Value> {
        ["Drums", "Electric Bass (finger)", "Acoustic Grand Piano"]
            .iter()
            .zip(0u32..)
            .map(|(name, i)| json!({"name": name, "notes": notes(seed, i, as_callback)}))
            .collect()
    };
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
                json!({"state": "complete", "instruments": instruments(false)}),
                json!(ctx.millis(delay)),
                Value::Null,
                Value::Null,
            ),
            to_bytes(&json!({
                "code": 200,
                "msg": "success",
                "data": {"taskId": ctx.task_id, "state": "complete", "instruments": instruments(true)},
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
