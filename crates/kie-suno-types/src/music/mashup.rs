//! `POST /api/v1/generate/mashup`: [`MashupRequest`].

use super::common::{Model, VocalGender, GENERATE_TITLE_MAX_CHARS, SIMPLE_UPLOAD_PROMPT_MAX_CHARS};
use super::rules::{check_duration, check_weights, ModeRules};
use crate::request::validated_request;
use crate::{CallbackUrl, HttpUrl, ValidationError};

validated_request! {
    /// `POST /api/v1/generate/mashup` body (newest docs only): a mashup of exactly
    /// two uploaded tracks. Mode rules as generate, non-custom prompt at most 500.
    pub struct MashupRequest with MashupRequestBuilder via MashupWire {
        /// Exactly two audio URLs.
        #[cfg_attr(feature = "schemars", schemars(length(min = 2, max = 2)))]
        list upload_url_list: HttpUrl as String = "uploadUrlList" => with_upload_url_list,
        /// Custom mode.
        copy custom_mode: bool => with_custom_mode = "false",
        /// The model.
        req model: Model => with_model,
        /// Where callbacks go.
        #[serde(rename = "callBackUrl")]
        req callback_url: CallbackUrl as String = "callBackUrl" => with_callback_url,
        /// Lyrics (custom, vocal) or the idea (non-custom).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt_text prompt: String => with_prompt,
        /// Style (custom mode).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt_text style: String => with_style,
        /// Title (custom mode).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt_text title: String => with_title,
        /// No vocals (optional here).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt_copy instrumental: bool => with_instrumental,
        /// Preferred vocal gender.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt vocal_gender: VocalGender => with_vocal_gender,
        /// 0-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "schemars", schemars(range(min = 0.0, max = 1.0)))]
        opt_copy style_weight: f64 => with_style_weight,
        /// 0-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "schemars", schemars(range(min = 0.0, max = 1.0)))]
        opt_copy weirdness_constraint: f64 => with_weirdness_constraint,
        /// 0-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "schemars", schemars(range(min = 0.0, max = 1.0)))]
        opt_copy audio_weight: f64 => with_audio_weight,
        /// Seconds, 10-360 (V5_5 custom mode).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "schemars", schemars(range(min = 10, max = 360)))]
        opt_copy duration: u32 => with_duration,
    }
}

impl MashupRequest {
    /// A builder in non-custom mode with the two tracks, the model and the
    /// callback URL; everything else unset. The URLs are checked by `build()`.
    pub fn builder(
        first: impl Into<String>,
        second: impl Into<String>,
        model: Model,
        callback_url: impl Into<String>,
    ) -> MashupRequestBuilder {
        MashupRequestBuilder {
            upload_url_list: vec![first.into(), second.into()],
            custom_mode: false,
            model,
            callback_url: callback_url.into(),
            prompt: None,
            style: None,
            title: None,
            instrumental: None,
            vocal_gender: None,
            style_weight: None,
            weirdness_constraint: None,
            audio_weight: None,
            duration: None,
        }
    }

    /// Non-custom mode: `builder(first, second, model, callback_url)`, `prompt`
    /// set, then `build()`.
    pub fn new(
        first: impl Into<String>,
        second: impl Into<String>,
        model: Model,
        prompt: impl Into<String>,
        callback_url: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        Self::builder(first, second, model, callback_url)
            .with_prompt(prompt)
            .build()
    }

    /// Every documented rule between fields; `build()` calls it.
    fn check(&self) -> Result<(), ValidationError> {
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
