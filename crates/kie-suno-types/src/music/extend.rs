//! `POST /api/v1/generate/extend`: [`ExtendMusicRequest`].

use super::common::{Model, PersonaModel, VocalGender};
use super::rules::{check_continue_at, check_weights, opt_len, required_text};
use crate::error::check_required;
use crate::request::validated_request;
use crate::{AudioId, CallbackUrl, PersonaId, ValidationError};

validated_request! {
    /// `POST /api/v1/generate/extend` body.
    ///
    /// `defaultParamFlag: true` (custom) needs `prompt`, `style`, `title` and
    /// `continueAt > 0`; `false` inherits the source track's parameters and needs
    /// only `audioId` (and `model`, which must match the source).
    pub struct ExtendMusicRequest with ExtendMusicRequestBuilder via ExtendMusicWire {
        /// Use this request's parameters (`true`) or the source's (`false`).
        copy default_param_flag: bool => with_default_param_flag = "false",
        /// The track to extend.
        req audio_id: AudioId => with_audio_id,
        /// Lyrics / description of the extension.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt_text prompt: String => with_prompt,
        /// The model (must match the source track's).
        req model: Model => with_model,
        /// Where callbacks go.
        #[serde(rename = "callBackUrl")]
        req callback_url: CallbackUrl as String = "callBackUrl" => with_callback_url,
        /// Style.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt_text style: String => with_style,
        /// Title.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt_text title: String => with_title,
        /// Where to continue, in seconds (> 0).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "schemars", schemars(range(min = 0.0)))]
        opt_copy continue_at: f64 => with_continue_at,
        /// Styles to avoid.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt_text negative_tags: String => with_negative_tags,
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
        /// A persona.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt persona_id: PersonaId => with_persona_id,
        /// The persona model.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt persona_model: PersonaModel => with_persona_model,
    }
}

impl ExtendMusicRequest {
    /// A builder that extends with the source track's own parameters
    /// (`defaultParamFlag: false`); everything optional unset. The URL is
    /// checked by `build()`.
    pub fn builder(
        audio_id: impl Into<AudioId>,
        model: Model,
        callback_url: impl Into<String>,
    ) -> ExtendMusicRequestBuilder {
        ExtendMusicRequestBuilder {
            default_param_flag: false,
            audio_id: audio_id.into(),
            prompt: None,
            model,
            callback_url: callback_url.into(),
            style: None,
            title: None,
            continue_at: None,
            negative_tags: None,
            vocal_gender: None,
            style_weight: None,
            weirdness_constraint: None,
            audio_weight: None,
            persona_id: None,
            persona_model: None,
        }
    }

    /// Extends with the source track's own parameters (`defaultParamFlag:
    /// false`): `builder(audio_id, model, callback_url).build()`.
    pub fn new(
        audio_id: impl Into<AudioId>,
        model: Model,
        callback_url: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        Self::builder(audio_id, model, callback_url).build()
    }

    /// Extends with custom parameters (`defaultParamFlag: true`): the builder
    /// with `prompt`, `style`, `title` and `continueAt` set, then `build()`.
    pub fn custom(
        audio_id: impl Into<AudioId>,
        model: Model,
        prompt: impl Into<String>,
        style: impl Into<String>,
        title: impl Into<String>,
        continue_at: f64,
        callback_url: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        Self::builder(audio_id, model, callback_url)
            .with_default_param_flag(true)
            .with_prompt(prompt)
            .with_style(style)
            .with_title(title)
            .with_continue_at(continue_at)
            .build()
    }

    /// Every documented rule between fields; `build()` calls it.
    fn check(&self) -> Result<(), ValidationError> {
        check_required("audioId", self.audio_id.as_str())?;
        if self.default_param_flag {
            let when = "when defaultParamFlag is true";
            required_text("prompt", self.prompt.as_ref(), when)?;
            required_text("style", self.style.as_ref(), when)?;
            required_text("title", self.title.as_ref(), when)?;
        }
        check_continue_at(self.continue_at, self.default_param_flag)?;
        let m = &self.model;
        opt_len("prompt", self.prompt.as_ref(), m.prompt_limit(), m)?;
        opt_len("style", self.style.as_ref(), m.style_limit(), m)?;
        opt_len("title", self.title.as_ref(), m.title_limit(), m)?;
        check_weights(
            self.style_weight,
            self.weirdness_constraint,
            self.audio_weight,
        )
    }
}
