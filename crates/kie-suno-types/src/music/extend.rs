//! `POST /api/v1/generate/extend`: [`ExtendMusicRequest`].

use super::common::{Model, PersonaModel, VocalGender};
use super::rules::{check_continue_at, check_weights, opt_len, required_text};
use crate::error::check_required;
use crate::macros::validated_request;
use crate::{AudioId, CallbackUrl, PersonaId, ValidationError};

validated_request! {
    /// `POST /api/v1/generate/extend` body.
    ///
    /// `defaultParamFlag: true` (custom) needs `prompt`, `style`, `title` and
    /// `continueAt > 0`; `false` inherits the source track's parameters and needs
    /// only `audioId` (and `model`, which must match the source).
    pub struct ExtendMusicRequest via ExtendMusicWire {
        /// Use this request's parameters (`true`) or the source's (`false`).
        req default_param_flag: bool => with_default_param_flag,
        /// The track to extend.
        req audio_id: AudioId => with_audio_id,
        /// Lyrics / description of the extension.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt prompt: String => with_prompt,
        /// The model (must match the source track's).
        req model: Model => with_model,
        /// Where callbacks go.
        #[serde(rename = "callBackUrl")]
        req call_back_url: CallbackUrl => with_callback_url,
        /// Style.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt style: String => with_style,
        /// Title.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt title: String => with_title,
        /// Where to continue, in seconds (> 0).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "schemars", schemars(range(min = 0.0)))]
        opt continue_at: f64 => with_continue_at,
        /// Styles to avoid.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt negative_tags: String => with_negative_tags,
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
        /// A persona.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt persona_id: PersonaId => with_persona_id,
        /// The persona model.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt persona_model: PersonaModel => with_persona_model,
    }
}

impl ExtendMusicRequest {
    fn blank(
        audio_id: AudioId,
        model: Model,
        callback_url: impl AsRef<str>,
    ) -> Result<Self, ValidationError> {
        Ok(Self {
            default_param_flag: false,
            audio_id,
            prompt: None,
            model,
            call_back_url: CallbackUrl::parse(callback_url)?,
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
        })
    }

    /// Extends with the source track's own parameters (`defaultParamFlag: false`).
    pub fn new(
        audio_id: AudioId,
        model: Model,
        callback_url: impl AsRef<str>,
    ) -> Result<Self, ValidationError> {
        let r = Self::blank(audio_id, model, callback_url)?;
        r.validate()?;
        Ok(r)
    }

    /// Extends with custom parameters (`defaultParamFlag: true`).
    pub fn custom(
        audio_id: AudioId,
        model: Model,
        prompt: impl Into<String>,
        style: impl Into<String>,
        title: impl Into<String>,
        continue_at: f64,
        callback_url: impl AsRef<str>,
    ) -> Result<Self, ValidationError> {
        let mut r = Self::blank(audio_id, model, callback_url)?;
        r.default_param_flag = true;
        r.prompt = Some(prompt.into());
        r.style = Some(style.into());
        r.title = Some(title.into());
        r.continue_at = Some(continue_at);
        r.validate()?;
        Ok(r)
    }

    /// Checks every documented rule.
    pub fn validate(&self) -> Result<(), ValidationError> {
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
