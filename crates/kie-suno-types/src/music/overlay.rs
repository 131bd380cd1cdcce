//! The overlays on an uploaded track: `add-instrumental`
//! ([`AddInstrumentalRequest`]) and `add-vocals` ([`AddVocalsRequest`]), with
//! their model rule and tag limits.

use super::common::{Model, VocalGender};
use super::rules::check_weights;
use crate::error::{check_len, check_required};
use crate::request::validated_request;
use crate::{CallbackUrl, HttpUrl, ValidationError};

/// add-instrumental / add-vocals accept only V4_5PLUS (default), V5 and V5_5;
/// an unknown model is passed through (open enum).
fn check_overlay_model(model: Option<&Model>) -> Result<(), ValidationError> {
    match model {
        Some(m @ (Model::V3_5 | Model::V4 | Model::V4_5 | Model::V4_5All)) => {
            Err(ValidationError::NotAllowed {
                field: "model",
                reason: format!("{m} is not accepted here; use V4_5PLUS, V5 or V5_5").into(),
            })
        }
        _ => Ok(()),
    }
}

/// `negativeTags` limit of add-instrumental (newest docs).
pub const OVERLAY_NEGATIVE_TAGS_MAX_CHARS: usize = 200;
/// `tags` limit of add-instrumental (newest docs).
pub const OVERLAY_TAGS_MAX_CHARS: usize = 1000;

validated_request! {
    /// `POST /api/v1/generate/add-instrumental` body: an accompaniment for an
    /// uploaded (vocal) track. Uses `tags`, not `style`.
    pub struct AddInstrumentalRequest with AddInstrumentalRequestBuilder via AddInstrumentalWire {
        /// The source audio.
        req upload_url: HttpUrl as String = "uploadUrl" => with_upload_url,
        /// Title (required, no documented limit).
        text title: String => with_title,
        /// Styles to avoid (required; at most 200 characters).
        text negative_tags: String => with_negative_tags,
        /// Styles to include (required; at most 1000 characters).
        text tags: String => with_tags,
        /// Where callbacks go.
        #[serde(rename = "callBackUrl")]
        req callback_url: CallbackUrl as String = "callBackUrl" => with_callback_url,
        /// V4_5PLUS (default when unset), V5 or V5_5.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt model: Model => with_model,
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
    }
}

impl AddInstrumentalRequest {
    /// A builder with the required fields; the optional ones unset. Text
    /// fields and URLs are checked by `build()`.
    pub fn builder(
        upload_url: impl Into<String>,
        title: impl Into<String>,
        tags: impl Into<String>,
        negative_tags: impl Into<String>,
        callback_url: impl Into<String>,
    ) -> AddInstrumentalRequestBuilder {
        AddInstrumentalRequestBuilder {
            upload_url: upload_url.into(),
            title: title.into(),
            negative_tags: negative_tags.into(),
            tags: tags.into(),
            callback_url: callback_url.into(),
            model: None,
            vocal_gender: None,
            style_weight: None,
            weirdness_constraint: None,
            audio_weight: None,
        }
    }

    /// Builds and validates the request: `builder(...).build()`.
    pub fn new(
        upload_url: impl Into<String>,
        title: impl Into<String>,
        tags: impl Into<String>,
        negative_tags: impl Into<String>,
        callback_url: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        Self::builder(upload_url, title, tags, negative_tags, callback_url).build()
    }

    /// Every documented rule between fields; `build()` calls it.
    fn check(&self) -> Result<(), ValidationError> {
        check_required("title", &self.title)?;
        check_required("tags", &self.tags)?;
        check_len("tags", &self.tags, OVERLAY_TAGS_MAX_CHARS, None)?;
        check_len(
            "negativeTags",
            &self.negative_tags,
            OVERLAY_NEGATIVE_TAGS_MAX_CHARS,
            None,
        )?;
        check_overlay_model(self.model.as_ref())?;
        check_weights(
            self.style_weight,
            self.weirdness_constraint,
            self.audio_weight,
        )
    }
}

validated_request! {
    /// `POST /api/v1/generate/add-vocals` body: vocals over an uploaded
    /// instrumental. Uses `style`; an older render also sent `tags` (kept, legacy).
    pub struct AddVocalsRequest with AddVocalsRequestBuilder via AddVocalsWire {
        /// What the vocals sing about.
        text prompt: String => with_prompt,
        /// Title.
        text title: String => with_title,
        /// Styles to avoid (required).
        text negative_tags: String => with_negative_tags,
        /// Style.
        text style: String => with_style,
        /// The instrumental.
        req upload_url: HttpUrl as String = "uploadUrl" => with_upload_url,
        /// Where callbacks go.
        #[serde(rename = "callBackUrl")]
        req callback_url: CallbackUrl as String = "callBackUrl" => with_callback_url,
        /// V4_5PLUS (default when unset), V5 or V5_5.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt model: Model => with_model,
        /// Legacy `tags` (one older render only; not in the schema).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt_text tags: String => with_tags,
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
    }
}

impl AddVocalsRequest {
    /// A builder with the required fields; the optional ones unset. Text
    /// fields and URLs are checked by `build()`.
    pub fn builder(
        upload_url: impl Into<String>,
        prompt: impl Into<String>,
        title: impl Into<String>,
        style: impl Into<String>,
        negative_tags: impl Into<String>,
        callback_url: impl Into<String>,
    ) -> AddVocalsRequestBuilder {
        AddVocalsRequestBuilder {
            prompt: prompt.into(),
            title: title.into(),
            negative_tags: negative_tags.into(),
            style: style.into(),
            upload_url: upload_url.into(),
            callback_url: callback_url.into(),
            model: None,
            tags: None,
            vocal_gender: None,
            style_weight: None,
            weirdness_constraint: None,
            audio_weight: None,
        }
    }

    /// Builds and validates the request: `builder(...).build()`.
    pub fn new(
        upload_url: impl Into<String>,
        prompt: impl Into<String>,
        title: impl Into<String>,
        style: impl Into<String>,
        negative_tags: impl Into<String>,
        callback_url: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        Self::builder(
            upload_url,
            prompt,
            title,
            style,
            negative_tags,
            callback_url,
        )
        .build()
    }

    /// Every documented rule between fields; `build()` calls it.
    fn check(&self) -> Result<(), ValidationError> {
        check_required("prompt", &self.prompt)?;
        check_required("title", &self.title)?;
        check_required("style", &self.style)?;
        check_overlay_model(self.model.as_ref())?;
        check_weights(
            self.style_weight,
            self.weirdness_constraint,
            self.audio_weight,
        )
    }
}
