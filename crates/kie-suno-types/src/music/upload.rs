//! The requests that start from an uploaded track: `upload-cover`
//! ([`UploadCoverRequest`]) and `upload-extend` ([`UploadExtendRequest`]).

use super::common::{Model, PersonaModel, VocalGender, SIMPLE_UPLOAD_PROMPT_MAX_CHARS};
#[cfg(doc)]
use super::generate::GenerateMusicRequest;
use super::rules::{
    check_continue_at, check_duration, check_weights, opt_len, required_text, ModeRules,
};
use crate::request::validated_request;
use crate::{CallbackUrl, HttpUrl, PersonaId, ValidationError};

validated_request! {
    /// `POST /api/v1/generate/upload-cover` body: restyle an uploaded track (up to
    /// 8 minutes). Same mode rules as [`GenerateMusicRequest`], with a non-custom
    /// prompt limit of [`SIMPLE_UPLOAD_PROMPT_MAX_CHARS`] and per-model titles.
    pub struct UploadCoverRequest with UploadCoverRequestBuilder via UploadCoverWire {
        /// The source audio.
        req upload_url: HttpUrl as String = "uploadUrl" => with_upload_url,
        /// Lyrics (custom, vocal) or the idea (non-custom).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt_text prompt: String => with_prompt,
        /// Custom mode.
        copy custom_mode: bool => with_custom_mode = "false",
        /// No vocals.
        copy instrumental: bool => with_instrumental = "false",
        /// The model.
        req model: Model => with_model,
        /// Where callbacks go.
        #[serde(rename = "callBackUrl")]
        req callback_url: CallbackUrl as String = "callBackUrl" => with_callback_url,
        /// Style (custom mode).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt_text style: String => with_style,
        /// Title (custom mode).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt_text title: String => with_title,
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
        /// A persona (custom mode).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt persona_id: PersonaId => with_persona_id,
        /// The persona model.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt persona_model: PersonaModel => with_persona_model,
        /// Seconds, 10-360 (newest docs; V5_5 custom mode).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "schemars", schemars(range(min = 10, max = 360)))]
        opt_copy duration: u32 => with_duration,
    }
}

impl UploadCoverRequest {
    /// A builder in non-custom mode with the source audio, the model and the
    /// callback URL; everything else unset. The URLs are checked by `build()`.
    pub fn builder(
        upload_url: impl Into<String>,
        model: Model,
        callback_url: impl Into<String>,
    ) -> UploadCoverRequestBuilder {
        UploadCoverRequestBuilder {
            upload_url: upload_url.into(),
            prompt: None,
            custom_mode: false,
            instrumental: false,
            model,
            callback_url: callback_url.into(),
            style: None,
            title: None,
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

    /// Non-custom mode: `builder(upload_url, model, callback_url)`, `prompt` set,
    /// then `build()`.
    pub fn new(
        upload_url: impl Into<String>,
        model: Model,
        prompt: impl Into<String>,
        callback_url: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        Self::builder(upload_url, model, callback_url)
            .with_prompt(prompt)
            .build()
    }

    /// Custom mode. `lyrics: None` makes it instrumental.
    pub fn custom(
        upload_url: impl Into<String>,
        model: Model,
        style: impl Into<String>,
        title: impl Into<String>,
        lyrics: Option<String>,
        callback_url: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        let mut b = Self::builder(upload_url, model, callback_url)
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
            simple_prompt_max: SIMPLE_UPLOAD_PROMPT_MAX_CHARS,
            title_max: self.model.title_limit(),
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

validated_request! {
    /// `POST /api/v1/generate/upload-extend` body: extend an uploaded track.
    ///
    /// `defaultParamFlag: true` needs `style`, `title`, `continueAt > 0`, and
    /// `prompt` unless `instrumental`. `false` uses the source's parameters
    /// (`continueAt` and `prompt` optional, although the schema lists them).
    pub struct UploadExtendRequest with UploadExtendRequestBuilder via UploadExtendWire {
        /// The source audio.
        req upload_url: HttpUrl as String = "uploadUrl" => with_upload_url,
        /// Custom parameters.
        copy default_param_flag: bool => with_default_param_flag = "false",
        /// No vocals.
        copy instrumental: bool => with_instrumental = "false",
        /// Where to continue, in seconds (> 0).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "schemars", schemars(range(min = 0.0)))]
        opt_copy continue_at: f64 => with_continue_at,
        /// The model.
        req model: Model => with_model,
        /// Where callbacks go.
        #[serde(rename = "callBackUrl")]
        req callback_url: CallbackUrl as String = "callBackUrl" => with_callback_url,
        /// Lyrics / description.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt_text prompt: String => with_prompt,
        /// Style.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt_text style: String => with_style,
        /// Title.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt_text title: String => with_title,
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

impl UploadExtendRequest {
    /// A builder that extends with the source's own parameters
    /// (`defaultParamFlag: false`, `instrumental: false`); everything else
    /// unset. The URLs are checked by `build()`.
    pub fn builder(
        upload_url: impl Into<String>,
        model: Model,
        callback_url: impl Into<String>,
    ) -> UploadExtendRequestBuilder {
        UploadExtendRequestBuilder {
            upload_url: upload_url.into(),
            default_param_flag: false,
            instrumental: false,
            continue_at: None,
            model,
            callback_url: callback_url.into(),
            prompt: None,
            style: None,
            title: None,
            negative_tags: None,
            vocal_gender: None,
            style_weight: None,
            weirdness_constraint: None,
            audio_weight: None,
            persona_id: None,
            persona_model: None,
        }
    }

    /// Extends with the source's own parameters (`defaultParamFlag: false`).
    pub fn new(
        upload_url: impl Into<String>,
        model: Model,
        instrumental: bool,
        callback_url: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        Self::builder(upload_url, model, callback_url)
            .with_instrumental(instrumental)
            .build()
    }

    /// Extends with custom parameters. `lyrics: None` makes it instrumental.
    #[allow(clippy::too_many_arguments)]
    pub fn custom(
        upload_url: impl Into<String>,
        model: Model,
        style: impl Into<String>,
        title: impl Into<String>,
        lyrics: Option<String>,
        continue_at: f64,
        callback_url: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        let mut b = Self::builder(upload_url, model, callback_url)
            .with_default_param_flag(true)
            .with_instrumental(lyrics.is_none())
            .with_style(style)
            .with_title(title)
            .with_continue_at(continue_at);
        b.prompt = lyrics;
        b.build()
    }

    /// Every documented rule between fields; `build()` calls it.
    fn check(&self) -> Result<(), ValidationError> {
        if self.default_param_flag {
            let when = "when defaultParamFlag is true";
            required_text("style", self.style.as_ref(), when)?;
            required_text("title", self.title.as_ref(), when)?;
            if !self.instrumental {
                required_text(
                    "prompt",
                    self.prompt.as_ref(),
                    "when defaultParamFlag is true and instrumental is false",
                )?;
            }
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
