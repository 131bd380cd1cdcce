//! `POST /api/v1/generate/mashup`: [`MashupRequest`].

use super::common::{Model, VocalGender, GENERATE_TITLE_MAX_CHARS, SIMPLE_UPLOAD_PROMPT_MAX_CHARS};
use super::rules::{check_duration, check_weights, ModeRules};
use crate::macros::validated_request;
use crate::{CallbackUrl, HttpUrl, ValidationError};

validated_request! {
    /// `POST /api/v1/generate/mashup` body (newest docs only): a mashup of exactly
    /// two uploaded tracks. Mode rules as generate, non-custom prompt at most 500.
    pub struct MashupRequest via MashupWire {
        /// Exactly two audio URLs.
        #[cfg_attr(feature = "schemars", schemars(length(min = 2, max = 2)))]
        req upload_url_list: Vec<HttpUrl> => with_upload_url_list,
        /// Custom mode.
        req custom_mode: bool => with_custom_mode,
        /// The model.
        req model: Model => with_model,
        /// Where callbacks go.
        #[serde(rename = "callBackUrl")]
        req call_back_url: CallbackUrl => with_callback_url,
        /// Lyrics (custom, vocal) or the idea (non-custom).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt prompt: String => with_prompt,
        /// Style (custom mode).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt style: String => with_style,
        /// Title (custom mode).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt title: String => with_title,
        /// No vocals (optional here).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt instrumental: bool => with_instrumental,
        /// Preferred vocal gender.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt vocal_gender: VocalGender => with_vocal_gender,
        /// 0-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "schemars", schemars(range(min = 0.0, max = 1.0)))]
        opt style_weight: f64 => with_style_weight,
        /// 0-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "schemars", schemars(range(min = 0.0, max = 1.0)))]
        opt weirdness_constraint: f64 => with_weirdness_constraint,
        /// 0-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "schemars", schemars(range(min = 0.0, max = 1.0)))]
        opt audio_weight: f64 => with_audio_weight,
        /// Seconds, 10-360 (V5_5 custom mode).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "schemars", schemars(range(min = 10, max = 360)))]
        opt duration: u32 => with_duration,
    }
}

impl MashupRequest {
    /// Non-custom mode.
    pub fn new(
        first: impl AsRef<str>,
        second: impl AsRef<str>,
        model: Model,
        prompt: impl Into<String>,
        callback_url: impl AsRef<str>,
    ) -> Result<Self, ValidationError> {
        let r = Self {
            upload_url_list: vec![
                HttpUrl::parse_field("uploadUrlList", first)?,
                HttpUrl::parse_field("uploadUrlList", second)?,
            ],
            custom_mode: false,
            model,
            call_back_url: CallbackUrl::parse(callback_url)?,
            prompt: Some(prompt.into()),
            style: None,
            title: None,
            instrumental: None,
            vocal_gender: None,
            style_weight: None,
            weirdness_constraint: None,
            audio_weight: None,
            duration: None,
        };
        r.validate()?;
        Ok(r)
    }

    /// Checks every documented rule.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.upload_url_list.len() != 2 {
            return Err(ValidationError::NotAllowed {
                field: "uploadUrlList",
                reason: format!(
                    "exactly 2 urls are required, got {}",
                    self.upload_url_list.len()
                )
                .into(),
            });
        }
        ModeRules {
            custom: self.custom_mode,
            instrumental: self.instrumental,
            model: &self.model,
            prompt: self.prompt.as_ref(),
            style: self.style.as_ref(),
            title: self.title.as_ref(),
            simple_prompt_max: SIMPLE_UPLOAD_PROMPT_MAX_CHARS,
            title_max: GENERATE_TITLE_MAX_CHARS,
        }
        .check()?;
        check_weights(
            self.style_weight,
            self.weirdness_constraint,
            self.audio_weight,
        )?;
        check_duration(self.duration)
    }
}
