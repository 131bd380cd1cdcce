//! The validation rules several music requests share: weights, duration,
//! required and length-limited text, the custom / non-custom mode rules and
//! `continueAt`.

use super::common::Model;
use crate::error::{check_len, check_range};
use crate::ValidationError;

/// Weight limits (styleWeight, weirdnessConstraint, audioWeight): 0 to 1.
pub(super) fn check_weights(
    style: Option<f64>,
    weird: Option<f64>,
    audio: Option<f64>,
) -> Result<(), ValidationError> {
    if let Some(v) = style {
        check_range("styleWeight", v, 0.0, 1.0)?;
    }
    if let Some(v) = weird {
        check_range("weirdnessConstraint", v, 0.0, 1.0)?;
    }
    if let Some(v) = audio {
        check_range("audioWeight", v, 0.0, 1.0)?;
    }
    Ok(())
}

pub(super) fn check_duration(duration: Option<u32>) -> Result<(), ValidationError> {
    match duration {
        Some(d) => check_range("duration", f64::from(d), 10.0, 360.0),
        None => Ok(()),
    }
}

pub(super) fn required_text<'a>(
    field: &'static str,
    value: Option<&'a String>,
    when: &'static str,
) -> Result<&'a str, ValidationError> {
    match value {
        Some(v) if !v.trim().is_empty() => Ok(v),
        _ => Err(ValidationError::missing_when(field, when)),
    }
}

pub(super) fn opt_len(
    field: &'static str,
    value: Option<&String>,
    max: usize,
    model: &Model,
) -> Result<(), ValidationError> {
    match value {
        Some(v) => check_len(field, v, max, model.context()),
        None => Ok(()),
    }
}

/// The custom / non-custom rules shared by generate, upload-cover and mashup.
pub(super) struct ModeRules<'a> {
    pub(super) custom: bool,
    /// `Some(true)` instrumental, `Some(false)` vocal, `None` not given (mashup).
    pub(super) instrumental: Option<bool>,
    pub(super) model: &'a Model,
    pub(super) prompt: Option<&'a String>,
    pub(super) style: Option<&'a String>,
    pub(super) title: Option<&'a String>,
    pub(super) simple_prompt_max: usize,
    pub(super) title_max: usize,
}

impl ModeRules<'_> {
    pub(super) fn check(&self) -> Result<(), ValidationError> {
        if self.custom {
            required_text("style", self.style, "when customMode is true")?;
            required_text("title", self.title, "when customMode is true")?;
            if self.instrumental == Some(false) {
                required_text(
                    "prompt",
                    self.prompt,
                    "when customMode is true and instrumental is false",
                )?;
            }
            opt_len("prompt", self.prompt, self.model.prompt_limit(), self.model)?;
            opt_len("style", self.style, self.model.style_limit(), self.model)?;
            opt_len("title", self.title, self.title_max, self.model)?;
        } else {
            let prompt = required_text("prompt", self.prompt, "when customMode is false")?;
            check_len(
                "prompt",
                prompt,
                self.simple_prompt_max,
                Some("customMode false".into()),
            )?;
            opt_len("style", self.style, self.model.style_limit(), self.model)?;
            opt_len("title", self.title, self.title_max, self.model)?;
        }
        Ok(())
    }
}

pub(super) fn check_continue_at(value: Option<f64>, required: bool) -> Result<(), ValidationError> {
    match value {
        Some(v) if !(v.is_finite() && v > 0.0) => Err(ValidationError::OutOfRange {
            field: "continueAt",
            min: 0.0,
            max: f64::MAX,
            actual: v,
        }),
        None if required => Err(ValidationError::missing_when(
            "continueAt",
            "when defaultParamFlag is true",
        )),
        _ => Ok(()),
    }
}
