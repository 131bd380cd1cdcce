//! `POST /api/v1/generate`: [`GenerateMusicRequest`].

use super::common::{
    Model, PersonaModel, VocalGender, GENERATE_TITLE_MAX_CHARS, SIMPLE_PROMPT_MAX_CHARS,
};
use super::rules::{check_duration, check_weights, ModeRules};
use crate::request::validated_request;
use crate::{CallbackUrl, PersonaId, ValidationError};

validated_request! {
    /// `POST /api/v1/generate` body.
    ///
    /// Rules: `customMode: false` needs `prompt` (at most
    /// [`SIMPLE_PROMPT_MAX_CHARS`]); `customMode: true` needs `style` and `title`,
    /// and `prompt` (the lyrics) unless `instrumental`; limits per [`Model`]; title
    /// at most 80; weights 0-1; `duration` 10-360.
    pub struct GenerateMusicRequest with GenerateMusicRequestBuilder via GenerateMusicWire {
        /// Custom mode: the lyrics; non-custom: the idea.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt_text prompt: String => with_prompt,
        /// Style (custom mode).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt_text style: String => with_style,
        /// Title (custom mode).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt_text title: String => with_title,
        /// Custom (advanced) mode.
        copy custom_mode: bool => with_custom_mode = "false",
        /// No vocals.
        copy instrumental: bool => with_instrumental = "false",
        /// The model.
        req model: Model => with_model,
        /// Where callbacks go. Required: the live API answers 422 "Please
        /// enter callBackUrl." without one.
        #[serde(rename = "callBackUrl")]
        req callback_url: CallbackUrl as String = "callBackUrl" => with_callback_url,
        /// Styles to avoid.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt_text negative_tags: String => with_negative_tags,
        /// Preferred vocal gender (custom mode).
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
        /// A persona (custom mode).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt persona_id: PersonaId => with_persona_id,
        /// The persona model.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt persona_model: PersonaModel => with_persona_model,
        /// Seconds, 10-360 (newest docs; effective with V5_5 in custom mode).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "schemars", schemars(range(min = 10, max = 360)))]
        opt_copy duration: u32 => with_duration,
    }
}

impl GenerateMusicRequest {
    /// A builder with the model and the callback URL; everything else unset,
    /// `customMode` and `instrumental` false. The URL is checked by `build()`.
    ///
    /// ```
    /// use kie_suno_types::{GenerateMusicRequest, Model};
    /// // Setters cannot fail and their order does not matter; `build` checks.
    /// let req = GenerateMusicRequest::builder(Model::V5, "https://example.com/cb")
    ///     .with_style_weight(0.6)
    ///     .with_prompt("a calm piano piece")
    ///     .build()?;
    /// assert!(!req.custom_mode());
    /// assert_eq!(req.style_weight(), Some(0.6));
    /// assert!(GenerateMusicRequest::new(Model::V5, "", "https://example.com/cb").is_err());
    /// # Ok::<(), kie_suno_types::ValidationError>(())
    /// ```
    pub fn builder(model: Model, callback_url: impl Into<String>) -> GenerateMusicRequestBuilder {
        GenerateMusicRequestBuilder {
            prompt: None,
            style: None,
            title: None,
            custom_mode: false,
            instrumental: false,
            model,
            callback_url: callback_url.into(),
            negative_tags: None,
            vocal_gender: None,
            style_weight: None,
            weirdness_constraint: None,
            audio_weight: None,
            persona_id: None,
            persona_model: None,
            duration: None,
        }
    }

    /// Non-custom mode: the API writes lyrics, style and title from `prompt`.
    /// Shorthand for `builder(model, callback_url).with_prompt(prompt).build()`.
    pub fn new(
        model: Model,
        prompt: impl Into<String>,
        callback_url: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        Self::builder(model, callback_url)
            .with_prompt(prompt)
            .build()
    }

    /// Custom mode. `lyrics: None` makes an instrumental track. Shorthand for
    /// the builder with `customMode`, `instrumental`, `style`, `title` and
    /// `prompt` set, then `build()`.
    pub fn custom(
        model: Model,
        style: impl Into<String>,
        title: impl Into<String>,
        lyrics: Option<String>,
        callback_url: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        let mut b = Self::builder(model, callback_url)
            .with_custom_mode(true)
            .with_instrumental(lyrics.is_none())
            .with_style(style)
            .with_title(title);
        b.prompt = lyrics;
        b.build()
    }

    /// Every documented rule between fields; `build()` calls it.
    fn check(&self) -> Result<(), ValidationError> {
        ModeRules {
            custom: self.custom_mode,
            instrumental: Some(self.instrumental),
            model: &self.model,
            prompt: self.prompt.as_ref(),
            style: self.style.as_ref(),
            title: self.title.as_ref(),
            simple_prompt_max: SIMPLE_PROMPT_MAX_CHARS,
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
