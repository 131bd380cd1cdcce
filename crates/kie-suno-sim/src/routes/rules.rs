//! The documented value sets and limits the types crate lets through. Its request
//! enums are open (an unseen `model` such as `chirp-v5` is kept, so a client can send
//! it) and some limits hang on what only the simulator knows (how long a track is).
//! Each rule here answers 422, worded as the types crate words its own rules; the
//! docs give 422 "Validation Error" for parameters that fail validation and no
//! message of their own for an enum value.

use std::borrow::Cow;

use kie_suno_types::{Endpoint, ValidationError};
use serde_json::Value;

use super::envelope::Reject;

/// `model` of generate, extend, upload-cover, upload-extend and mashup (the endpoint
/// pages; only the quickstart still shows `V3_5`).
pub(crate) const MUSIC_MODELS: &[&str] = &["V4", "V4_5", "V4_5PLUS", "V4_5ALL", "V5", "V5_5"];
/// `model` of add-instrumental and add-vocals.
pub(crate) const OVERLAY_MODELS: &[&str] = &["V4_5PLUS", "V5", "V5_5"];
/// `model` of generate-sounds.
pub(crate) const SOUNDS_MODELS: &[&str] = &["V5", "V5_5"];
/// The models `personaModel: voice_persona` works with ("only available for models
/// version 5 and 5.5").
const VOICE_PERSONA_MODELS: &[&str] = &["V5", "V5_5"];
/// `vocalGender`.
const VOCAL_GENDERS: &[&str] = &["m", "f"];
/// `personaModel`.
const PERSONA_MODELS: &[&str] = &["style_persona", "voice_persona"];
/// The longest uploaded audio the music endpoints take: 8 minutes.
pub(crate) const UPLOAD_MAX_SECONDS: f64 = 480.0;

/// The 422 of a rule: the types crate's `ValidationError`, worded the same way.
pub(crate) fn reject(e: &ValidationError) -> Reject {
    Reject::validation(e.to_string())
}

/// `field` must be one of `allowed`, when it is a string; other JSON types are the
/// types crate's to refuse.
pub(crate) fn one_of(v: &Value, field: &'static str, allowed: &[&str]) -> Result<(), Reject> {
    match v.get(field).and_then(Value::as_str) {
        Some(value) if !allowed.contains(&value) => Err(reject(&ValidationError::NotAllowed {
            field,
            reason: Cow::Owned(format!("{value} is not one of {}", allowed.join(", "))),
        })),
        _ => Ok(()),
    }
}

/// The enums of a music-family body: `model` (per endpoint), `vocalGender`,
/// `personaModel` (and `voice_persona` only with V5 / V5_5).
pub(crate) fn music_enums(endpoint: Endpoint, v: &Value) -> Result<(), Reject> {
    let models = match endpoint {
        Endpoint::AddInstrumental | Endpoint::AddVocals => OVERLAY_MODELS,
        _ => MUSIC_MODELS,
    };
    one_of(v, "model", models)?;
    one_of(v, "vocalGender", VOCAL_GENDERS)?;
    one_of(v, "personaModel", PERSONA_MODELS)?;
    let model = v.get("model").and_then(Value::as_str).unwrap_or_default();
    if v.get("personaModel").and_then(Value::as_str) == Some("voice_persona")
        && !VOICE_PERSONA_MODELS.contains(&model)
    {
        return Err(reject(&ValidationError::NotAllowed {
            field: "personaModel",
            reason: Cow::Owned(format!(
                "voice_persona is only available with V5 and V5_5, not {model}"
            )),
        }));
    }
    Ok(())
}

/// A number field of `v`, when it is one.
pub(crate) fn number(v: &Value, field: &str) -> Option<f64> {
    v.get(field).and_then(Value::as_f64)
}

/// `value` of `field` within `[min, max]`, the real bounds (a track's length, say).
pub(crate) fn within(field: &'static str, value: f64, min: f64, max: f64) -> Result<(), Reject> {
    if value.is_finite() && value >= min && value <= max {
        Ok(())
    } else {
        Err(reject(&ValidationError::OutOfRange {
            field,
            min,
            max,
            actual: value,
        }))
    }
}

/// `continueAt`, when given: more than 0 and less than `length`, the length of the
/// audio it continues ("greater than 0 and less than the total duration").
pub(crate) fn continue_at(v: &Value, length: f64) -> Result<(), Reject> {
    match number(v, "continueAt") {
        Some(at) if !(at > 0.0 && at < length) => Err(reject(&ValidationError::OutOfRange {
            field: "continueAt",
            min: 0.0,
            max: length,
            actual: at,
        })),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn continue_at_bounds_are_exclusive_and_printed() {
        assert!(continue_at(&json!({"continueAt": 60}), 120.5).is_ok());
        for bad in [0.0, -1.0, 120.5, 300.0] {
            let e = continue_at(&json!({"continueAt": bad}), 120.5);
            assert!(e.is_err(), "{bad}");
        }
        assert!(continue_at(&json!({}), 120.5).is_ok());
    }
}
