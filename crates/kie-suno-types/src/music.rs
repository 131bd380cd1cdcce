//! The music family (notes 10-16, 20, 21): models and their limits, the create
//! requests (generate, extend, upload-cover, upload-extend, add-instrumental,
//! add-vocals, replace-section, mashup), the record-info details and the callbacks.
//!
//! Where the upstream docs contradict themselves, this module settles it as follows
//! (`docs/contradictions.md` has the full list):
//!
//! - Track keys are camelCase in record-info (`audioUrl`) and snake_case in callbacks
//!   (`audio_url`). [`MusicTrack`] (record-info) and [`CallbackTrack`] (callbacks)
//!   each accept both spellings and write their own origin's spelling back.
//! - `createTime` is a `"2025-01-01 00:00:00"` string in most examples and integer
//!   epoch milliseconds in the newest callback example: it is a [`KieTime`].
//! - `source_*` fields appear only in some callback examples (and, per third-party
//!   code, in record-info): they are optional.
//! - The non-custom generate prompt limit is 500 characters in the OpenAPI copies and
//!   3000 in the newest rendered docs: we take **3000** for generate (the current
//!   server documents it; a stricter client would reject what the API accepts).
//!   Upload-cover and mashup keep **500** (their newest pages still say so).
//! - `prompt` is schema-required everywhere but the prose makes it conditional: we
//!   validate the prose rules (custom + vocal needs it; non-custom needs it; extend
//!   with `defaultParamFlag: false` does not).
//! - `title` is 80 characters for every model on generate/mashup, but 80 or 100 by
//!   model on extend/upload-cover/upload-extend: [`Model::title_limit`].
//! - `V3_5` appears only in the quickstart; it is a known [`Model`] with the V4
//!   limits (the quickstart pairs them). Unknown models get the newest (largest)
//!   limits: the server stays the judge.
//! - `personaModel` is "only for V5 / V5_5" in the newest docs, yet every documented
//!   request example sends it with `V4`: it is not checked against the model.
//!   `duration` is "only effective with V5_5": range-checked (10-360), not rejected
//!   for other models, as the newest example also sends it with `V4`.
//! - Replace-section: the section was 6-60 s in older docs and "at least 10 s" in
//!   the newest: we require **10-60 s** (the newest minimum, the older maximum).
//! - The failure `data.data` of music callbacks is `null` on some pages and `[]` on
//!   others; both parse (`None` / empty). Replace-section failures carry `data.error`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{check_len, check_range, check_required};
use crate::macros::{open_str_enum, validated_request};
use crate::{
    ApiCode, AudioId, CallbackType, CallbackUrl, HttpUrl, KieTime, LenientNumber, MusicStatus,
    PersonaId, RawParam, TaskId, ValidationError,
};

open_str_enum! {
    /// The `model` of music requests. Older pages lack `V5_5`; the quickstart still
    /// shows `V3_5`.
    pub enum Model {
        /// V3_5 (quickstart only).
        V3_5 = "V3_5",
        /// V4: up to 4 minutes.
        V4 = "V4",
        /// V4_5: up to 8 minutes.
        V4_5 = "V4_5",
        /// V4_5PLUS: richer sound, up to 8 minutes.
        V4_5Plus = "V4_5PLUS",
        /// V4_5ALL: up to 8 minutes.
        V4_5All = "V4_5ALL",
        /// V5.
        V5 = "V5",
        /// V5_5.
        V5_5 = "V5_5",
    }
}

/// The non-custom (`customMode: false`) prompt limit of generate, in characters
/// (newest docs; older copies say 500).
pub const SIMPLE_PROMPT_MAX_CHARS: usize = 3000;
/// The non-custom prompt limit of upload-cover and mashup, in characters.
pub const SIMPLE_UPLOAD_PROMPT_MAX_CHARS: usize = 500;
/// The title limit of generate and mashup, for every model.
pub const GENERATE_TITLE_MAX_CHARS: usize = 80;

impl Model {
    fn is_small(&self) -> bool {
        matches!(self, Self::V3_5 | Self::V4)
    }

    /// Custom-mode prompt (lyrics) limit: V3_5 / V4 3000, newer models 5000.
    pub fn prompt_limit(&self) -> usize {
        if self.is_small() {
            3000
        } else {
            5000
        }
    }

    /// Style limit: V3_5 / V4 200, newer models 1000.
    pub fn style_limit(&self) -> usize {
        if self.is_small() {
            200
        } else {
            1000
        }
    }

    /// Title limit of extend, upload-cover and upload-extend: V3_5, V4 and V4_5ALL
    /// 80, the others 100. (Generate and mashup use a flat
    /// [`GENERATE_TITLE_MAX_CHARS`].)
    pub fn title_limit(&self) -> usize {
        if self.is_small() || *self == Self::V4_5All {
            80
        } else {
            100
        }
    }

    fn context(&self) -> Option<std::borrow::Cow<'static, str>> {
        Some(format!("model {}", self.as_str()).into())
    }
}

open_str_enum! {
    /// `vocalGender`: a preference, not a guarantee.
    pub enum VocalGender {
        /// Male.
        Male = "m",
        /// Female.
        Female = "f",
    }
}

open_str_enum! {
    /// `personaModel`.
    pub enum PersonaModel {
        /// Style persona (default).
        StylePersona = "style_persona",
        /// Voice persona (V5 / V5_5).
        VoicePersona = "voice_persona",
    }
}

open_str_enum! {
    /// `operationType` of music record-info. Documented values cover generate,
    /// extend and the upload variants only.
    pub enum OperationType {
        /// Generate music.
        Generate = "generate",
        /// Extend music.
        Extend = "extend",
        /// Upload and cover.
        UploadCover = "upload_cover",
        /// Upload and extend.
        UploadExtend = "upload_extend",
    }
}

/// Weight limits (styleWeight, weirdnessConstraint, audioWeight): 0 to 1.
fn check_weights(
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

fn check_duration(duration: Option<u32>) -> Result<(), ValidationError> {
    match duration {
        Some(d) => check_range("duration", f64::from(d), 10.0, 360.0),
        None => Ok(()),
    }
}

fn required_text<'a>(
    field: &'static str,
    value: Option<&'a String>,
    when: &'static str,
) -> Result<&'a str, ValidationError> {
    match value {
        Some(v) if !v.trim().is_empty() => Ok(v),
        _ => Err(ValidationError::missing_when(field, when)),
    }
}

fn opt_len(
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
struct ModeRules<'a> {
    custom: bool,
    /// `Some(true)` instrumental, `Some(false)` vocal, `None` not given (mashup).
    instrumental: Option<bool>,
    model: &'a Model,
    prompt: Option<&'a String>,
    style: Option<&'a String>,
    title: Option<&'a String>,
    simple_prompt_max: usize,
    title_max: usize,
}

impl ModeRules<'_> {
    fn check(&self) -> Result<(), ValidationError> {
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

validated_request! {
    /// `POST /api/v1/generate` body.
    ///
    /// Rules: `customMode: false` needs `prompt` (at most
    /// [`SIMPLE_PROMPT_MAX_CHARS`]); `customMode: true` needs `style` and `title`,
    /// and `prompt` (the lyrics) unless `instrumental`; limits per [`Model`]; title
    /// at most 80; weights 0-1; `duration` 10-360.
    ///
    /// ```
    /// use kie_suno_types::{GenerateMusicRequest, Model};
    /// let req = GenerateMusicRequest::new(Model::V5, "a calm piano piece", "https://example.com/cb")?
    ///     .with_style_weight(0.6)?;
    /// assert_eq!(*req.custom_mode(), false);
    /// assert!(GenerateMusicRequest::new(Model::V5, "", "https://example.com/cb").is_err());
    /// # Ok::<(), kie_suno_types::ValidationError>(())
    /// ```
    pub struct GenerateMusicRequest via GenerateMusicWire {
        /// Custom mode: the lyrics; non-custom: the idea.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt prompt: String => with_prompt,
        /// Style (custom mode).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt style: String => with_style,
        /// Title (custom mode).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt title: String => with_title,
        /// Custom (advanced) mode.
        req custom_mode: bool => with_custom_mode,
        /// No vocals.
        req instrumental: bool => with_instrumental,
        /// The model.
        req model: Model => with_model,
        /// Where callbacks go.
        #[serde(rename = "callBackUrl")]
        req call_back_url: CallbackUrl => with_callback_url,
        /// Styles to avoid.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt negative_tags: String => with_negative_tags,
        /// Preferred vocal gender (custom mode).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt vocal_gender: VocalGender => with_vocal_gender,
        /// 0-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 0.0, max = 1.0))]
        opt style_weight: f64 => with_style_weight,
        /// 0-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 0.0, max = 1.0))]
        opt weirdness_constraint: f64 => with_weirdness_constraint,
        /// 0-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 0.0, max = 1.0))]
        opt audio_weight: f64 => with_audio_weight,
        /// A persona (custom mode).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt persona_id: PersonaId => with_persona_id,
        /// The persona model.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt persona_model: PersonaModel => with_persona_model,
        /// Seconds, 10-360 (newest docs; effective with V5_5 in custom mode).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 10, max = 360))]
        opt duration: u32 => with_duration,
    }
}

impl GenerateMusicRequest {
    fn blank(model: Model, callback_url: impl AsRef<str>) -> Result<Self, ValidationError> {
        Ok(Self {
            prompt: None,
            style: None,
            title: None,
            custom_mode: false,
            instrumental: false,
            model,
            call_back_url: CallbackUrl::parse(callback_url)?,
            negative_tags: None,
            vocal_gender: None,
            style_weight: None,
            weirdness_constraint: None,
            audio_weight: None,
            persona_id: None,
            persona_model: None,
            duration: None,
        })
    }

    /// Non-custom mode: the API writes lyrics, style and title from `prompt`.
    pub fn new(
        model: Model,
        prompt: impl Into<String>,
        callback_url: impl AsRef<str>,
    ) -> Result<Self, ValidationError> {
        let mut r = Self::blank(model, callback_url)?;
        r.prompt = Some(prompt.into());
        r.validate()?;
        Ok(r)
    }

    /// Custom mode. `lyrics: None` makes an instrumental track.
    pub fn custom(
        model: Model,
        style: impl Into<String>,
        title: impl Into<String>,
        lyrics: Option<String>,
        callback_url: impl AsRef<str>,
    ) -> Result<Self, ValidationError> {
        let mut r = Self::blank(model, callback_url)?;
        r.custom_mode = true;
        r.instrumental = lyrics.is_none();
        r.prompt = lyrics;
        r.style = Some(style.into());
        r.title = Some(title.into());
        r.validate()?;
        Ok(r)
    }

    /// Checks every documented rule.
    pub fn validate(&self) -> Result<(), ValidationError> {
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
        #[schemars(range(min = 0.0))]
        opt continue_at: f64 => with_continue_at,
        /// Styles to avoid.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt negative_tags: String => with_negative_tags,
        /// Preferred vocal gender.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt vocal_gender: VocalGender => with_vocal_gender,
        /// 0-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 0.0, max = 1.0))]
        opt style_weight: f64 => with_style_weight,
        /// 0-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 0.0, max = 1.0))]
        opt weirdness_constraint: f64 => with_weirdness_constraint,
        /// 0-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 0.0, max = 1.0))]
        opt audio_weight: f64 => with_audio_weight,
        /// A persona.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt persona_id: PersonaId => with_persona_id,
        /// The persona model.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt persona_model: PersonaModel => with_persona_model,
    }
}

fn check_continue_at(value: Option<f64>, required: bool) -> Result<(), ValidationError> {
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

validated_request! {
    /// `POST /api/v1/generate/upload-cover` body: restyle an uploaded track (up to
    /// 8 minutes). Same mode rules as [`GenerateMusicRequest`], with a non-custom
    /// prompt limit of [`SIMPLE_UPLOAD_PROMPT_MAX_CHARS`] and per-model titles.
    pub struct UploadCoverRequest via UploadCoverWire {
        /// The source audio.
        req upload_url: HttpUrl => with_upload_url,
        /// Lyrics (custom, vocal) or the idea (non-custom).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt prompt: String => with_prompt,
        /// Custom mode.
        req custom_mode: bool => with_custom_mode,
        /// No vocals.
        req instrumental: bool => with_instrumental,
        /// The model.
        req model: Model => with_model,
        /// Where callbacks go.
        #[serde(rename = "callBackUrl")]
        req call_back_url: CallbackUrl => with_callback_url,
        /// Style (custom mode).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt style: String => with_style,
        /// Title (custom mode).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt title: String => with_title,
        /// Styles to avoid.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt negative_tags: String => with_negative_tags,
        /// Preferred vocal gender.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt vocal_gender: VocalGender => with_vocal_gender,
        /// 0-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 0.0, max = 1.0))]
        opt style_weight: f64 => with_style_weight,
        /// 0-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 0.0, max = 1.0))]
        opt weirdness_constraint: f64 => with_weirdness_constraint,
        /// 0-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 0.0, max = 1.0))]
        opt audio_weight: f64 => with_audio_weight,
        /// A persona (custom mode).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt persona_id: PersonaId => with_persona_id,
        /// The persona model.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt persona_model: PersonaModel => with_persona_model,
        /// Seconds, 10-360 (newest docs; V5_5 custom mode).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 10, max = 360))]
        opt duration: u32 => with_duration,
    }
}

impl UploadCoverRequest {
    /// Non-custom mode.
    pub fn new(
        upload_url: impl AsRef<str>,
        model: Model,
        prompt: impl Into<String>,
        callback_url: impl AsRef<str>,
    ) -> Result<Self, ValidationError> {
        let r = Self {
            upload_url: HttpUrl::parse_field("uploadUrl", upload_url)?,
            prompt: Some(prompt.into()),
            custom_mode: false,
            instrumental: false,
            model,
            call_back_url: CallbackUrl::parse(callback_url)?,
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
        };
        r.validate()?;
        Ok(r)
    }

    /// Custom mode. `lyrics: None` makes it instrumental.
    pub fn custom(
        upload_url: impl AsRef<str>,
        model: Model,
        style: impl Into<String>,
        title: impl Into<String>,
        lyrics: Option<String>,
        callback_url: impl AsRef<str>,
    ) -> Result<Self, ValidationError> {
        let mut r = Self::new(upload_url, model, "-", callback_url)?;
        r.custom_mode = true;
        r.instrumental = lyrics.is_none();
        r.prompt = lyrics;
        r.style = Some(style.into());
        r.title = Some(title.into());
        r.validate()?;
        Ok(r)
    }

    /// Checks every documented rule.
    pub fn validate(&self) -> Result<(), ValidationError> {
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
    pub struct UploadExtendRequest via UploadExtendWire {
        /// The source audio.
        req upload_url: HttpUrl => with_upload_url,
        /// Custom parameters.
        req default_param_flag: bool => with_default_param_flag,
        /// No vocals.
        req instrumental: bool => with_instrumental,
        /// Where to continue, in seconds (> 0).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 0.0))]
        opt continue_at: f64 => with_continue_at,
        /// The model.
        req model: Model => with_model,
        /// Where callbacks go.
        #[serde(rename = "callBackUrl")]
        req call_back_url: CallbackUrl => with_callback_url,
        /// Lyrics / description.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt prompt: String => with_prompt,
        /// Style.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt style: String => with_style,
        /// Title.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt title: String => with_title,
        /// Styles to avoid.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt negative_tags: String => with_negative_tags,
        /// Preferred vocal gender.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt vocal_gender: VocalGender => with_vocal_gender,
        /// 0-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 0.0, max = 1.0))]
        opt style_weight: f64 => with_style_weight,
        /// 0-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 0.0, max = 1.0))]
        opt weirdness_constraint: f64 => with_weirdness_constraint,
        /// 0-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 0.0, max = 1.0))]
        opt audio_weight: f64 => with_audio_weight,
        /// A persona.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt persona_id: PersonaId => with_persona_id,
        /// The persona model.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt persona_model: PersonaModel => with_persona_model,
    }
}

impl UploadExtendRequest {
    /// Extends with the source's own parameters (`defaultParamFlag: false`).
    pub fn new(
        upload_url: impl AsRef<str>,
        model: Model,
        instrumental: bool,
        callback_url: impl AsRef<str>,
    ) -> Result<Self, ValidationError> {
        let r = Self {
            upload_url: HttpUrl::parse_field("uploadUrl", upload_url)?,
            default_param_flag: false,
            instrumental,
            continue_at: None,
            model,
            call_back_url: CallbackUrl::parse(callback_url)?,
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
        };
        r.validate()?;
        Ok(r)
    }

    /// Extends with custom parameters. `lyrics: None` makes it instrumental.
    #[allow(clippy::too_many_arguments)]
    pub fn custom(
        upload_url: impl AsRef<str>,
        model: Model,
        style: impl Into<String>,
        title: impl Into<String>,
        lyrics: Option<String>,
        continue_at: f64,
        callback_url: impl AsRef<str>,
    ) -> Result<Self, ValidationError> {
        let mut r = Self::new(upload_url, model, lyrics.is_none(), callback_url)?;
        r.default_param_flag = true;
        r.prompt = lyrics;
        r.style = Some(style.into());
        r.title = Some(title.into());
        r.continue_at = Some(continue_at);
        r.validate()?;
        Ok(r)
    }

    /// Checks every documented rule.
    pub fn validate(&self) -> Result<(), ValidationError> {
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
    pub struct AddInstrumentalRequest via AddInstrumentalWire {
        /// The source audio.
        req upload_url: HttpUrl => with_upload_url,
        /// Title (required, no documented limit).
        req title: String => with_title,
        /// Styles to avoid (required; at most 200 characters).
        req negative_tags: String => with_negative_tags,
        /// Styles to include (required; at most 1000 characters).
        req tags: String => with_tags,
        /// Where callbacks go.
        #[serde(rename = "callBackUrl")]
        req call_back_url: CallbackUrl => with_callback_url,
        /// V4_5PLUS (default when unset), V5 or V5_5.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt model: Model => with_model,
        /// Preferred vocal gender.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt vocal_gender: VocalGender => with_vocal_gender,
        /// 0-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 0.0, max = 1.0))]
        opt style_weight: f64 => with_style_weight,
        /// 0-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 0.0, max = 1.0))]
        opt weirdness_constraint: f64 => with_weirdness_constraint,
        /// 0-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 0.0, max = 1.0))]
        opt audio_weight: f64 => with_audio_weight,
    }
}

impl AddInstrumentalRequest {
    /// Builds and validates the request.
    pub fn new(
        upload_url: impl AsRef<str>,
        title: impl Into<String>,
        tags: impl Into<String>,
        negative_tags: impl Into<String>,
        callback_url: impl AsRef<str>,
    ) -> Result<Self, ValidationError> {
        let r = Self {
            upload_url: HttpUrl::parse_field("uploadUrl", upload_url)?,
            title: title.into(),
            negative_tags: negative_tags.into(),
            tags: tags.into(),
            call_back_url: CallbackUrl::parse(callback_url)?,
            model: None,
            vocal_gender: None,
            style_weight: None,
            weirdness_constraint: None,
            audio_weight: None,
        };
        r.validate()?;
        Ok(r)
    }

    /// Checks every documented rule.
    pub fn validate(&self) -> Result<(), ValidationError> {
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
    pub struct AddVocalsRequest via AddVocalsWire {
        /// What the vocals sing about.
        req prompt: String => with_prompt,
        /// Title.
        req title: String => with_title,
        /// Styles to avoid (required).
        req negative_tags: String => with_negative_tags,
        /// Style.
        req style: String => with_style,
        /// The instrumental.
        req upload_url: HttpUrl => with_upload_url,
        /// Where callbacks go.
        #[serde(rename = "callBackUrl")]
        req call_back_url: CallbackUrl => with_callback_url,
        /// V4_5PLUS (default when unset), V5 or V5_5.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt model: Model => with_model,
        /// Legacy `tags` (one older render only; not in the schema).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt tags: String => with_tags,
        /// Preferred vocal gender.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt vocal_gender: VocalGender => with_vocal_gender,
        /// 0-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 0.0, max = 1.0))]
        opt style_weight: f64 => with_style_weight,
        /// 0-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 0.0, max = 1.0))]
        opt weirdness_constraint: f64 => with_weirdness_constraint,
        /// 0-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 0.0, max = 1.0))]
        opt audio_weight: f64 => with_audio_weight,
    }
}

impl AddVocalsRequest {
    /// Builds and validates the request.
    pub fn new(
        upload_url: impl AsRef<str>,
        prompt: impl Into<String>,
        title: impl Into<String>,
        style: impl Into<String>,
        negative_tags: impl Into<String>,
        callback_url: impl AsRef<str>,
    ) -> Result<Self, ValidationError> {
        let r = Self {
            prompt: prompt.into(),
            title: title.into(),
            negative_tags: negative_tags.into(),
            style: style.into(),
            upload_url: HttpUrl::parse_field("uploadUrl", upload_url)?,
            call_back_url: CallbackUrl::parse(callback_url)?,
            model: None,
            tags: None,
            vocal_gender: None,
            style_weight: None,
            weirdness_constraint: None,
            audio_weight: None,
        };
        r.validate()?;
        Ok(r)
    }

    /// Checks every documented rule.
    pub fn validate(&self) -> Result<(), ValidationError> {
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

/// Replace-section: the shortest section, in seconds (newest docs; older: 6).
pub const REPLACE_MIN_SECONDS: f64 = 10.0;
/// Replace-section: the longest section, in seconds (older docs).
pub const REPLACE_MAX_SECONDS: f64 = 60.0;

validated_request! {
    /// `POST /api/v1/generate/replace-section` body: regenerate a time range of a
    /// track. The range must be 10-60 s long and start at or after 0.
    /// `callBackUrl` is optional here (unlike every other task endpoint).
    pub struct ReplaceSectionRequest via ReplaceSectionWire {
        /// The parent music task.
        req task_id: TaskId => with_task_id,
        /// The track to modify.
        req audio_id: AudioId => with_audio_id,
        /// The replacement lyrics / description.
        req prompt: String => with_prompt,
        /// Style tags.
        req tags: String => with_tags,
        /// Title.
        req title: String => with_title,
        /// Start of the section, seconds.
        #[schemars(range(min = 0.0))]
        req infill_start_s: f64 => with_infill_start_s,
        /// End of the section, seconds.
        #[schemars(range(min = 0.0))]
        req infill_end_s: f64 => with_infill_end_s,
        /// Styles to avoid.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt negative_tags: String => with_negative_tags,
        /// The complete lyrics after the change.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt full_lyrics: String => with_full_lyrics,
        /// Where callbacks go (optional here).
        #[serde(rename = "callBackUrl", default, skip_serializing_if = "Option::is_none")]
        opt call_back_url: CallbackUrl => with_callback_url,
    }
}

impl ReplaceSectionRequest {
    /// Builds and validates the request.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        task_id: TaskId,
        audio_id: AudioId,
        prompt: impl Into<String>,
        tags: impl Into<String>,
        title: impl Into<String>,
        infill_start_s: f64,
        infill_end_s: f64,
    ) -> Result<Self, ValidationError> {
        let r = Self {
            task_id,
            audio_id,
            prompt: prompt.into(),
            tags: tags.into(),
            title: title.into(),
            infill_start_s,
            infill_end_s,
            negative_tags: None,
            full_lyrics: None,
            call_back_url: None,
        };
        r.validate()?;
        Ok(r)
    }

    /// Checks every documented rule.
    pub fn validate(&self) -> Result<(), ValidationError> {
        check_required("taskId", self.task_id.as_str())?;
        check_required("audioId", self.audio_id.as_str())?;
        check_required("prompt", &self.prompt)?;
        check_required("tags", &self.tags)?;
        check_required("title", &self.title)?;
        check_range("infillStartS", self.infill_start_s, 0.0, f64::MAX)?;
        check_range("infillEndS", self.infill_end_s, 0.0, f64::MAX)?;
        let len = self.infill_end_s - self.infill_start_s;
        check_range(
            "infillEndS - infillStartS",
            len,
            REPLACE_MIN_SECONDS,
            REPLACE_MAX_SECONDS,
        )
    }
}

validated_request! {
    /// `POST /api/v1/generate/mashup` body (newest docs only): a mashup of exactly
    /// two uploaded tracks. Mode rules as generate, non-custom prompt at most 500.
    pub struct MashupRequest via MashupWire {
        /// Exactly two audio URLs.
        #[schemars(length(min = 2, max = 2))]
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
        #[schemars(range(min = 0.0, max = 1.0))]
        opt style_weight: f64 => with_style_weight,
        /// 0-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 0.0, max = 1.0))]
        opt weirdness_constraint: f64 => with_weirdness_constraint,
        /// 0-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 0.0, max = 1.0))]
        opt audio_weight: f64 => with_audio_weight,
        /// Seconds, 10-360 (V5_5 custom mode).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 10, max = 360))]
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

/// One generated track as music record-info spells it (camelCase: `audioUrl`).
/// The callback spelling (`audio_url`) is accepted too; this type writes
/// camelCase.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MusicTrack {
    /// The audio id.
    #[serde(default)]
    pub id: Option<AudioId>,
    /// MP3 URL.
    #[serde(default, alias = "audio_url", skip_serializing_if = "Option::is_none")]
    pub audio_url: Option<String>,
    /// Streaming URL.
    #[serde(
        default,
        alias = "stream_audio_url",
        skip_serializing_if = "Option::is_none"
    )]
    pub stream_audio_url: Option<String>,
    /// Cover image URL.
    #[serde(default, alias = "image_url", skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Lyrics / prompt used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// Internal model name, e.g. `chirp-v3-5`.
    #[serde(default, alias = "model_name", skip_serializing_if = "Option::is_none")]
    pub model_name: Option<String>,
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Style tags (omitted in some examples).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<String>,
    /// Creation time (text or epoch ms).
    #[serde(
        default,
        alias = "create_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub create_time: Option<KieTime>,
    /// Length in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<f64>,
    /// Source audio (cover / upload variants; undocumented in record-info).
    #[serde(
        default,
        alias = "source_audio_url",
        skip_serializing_if = "Option::is_none"
    )]
    pub source_audio_url: Option<String>,
    /// Source stream (cover / upload variants; undocumented in record-info).
    #[serde(
        default,
        alias = "source_stream_audio_url",
        skip_serializing_if = "Option::is_none"
    )]
    pub source_stream_audio_url: Option<String>,
    /// Source image (cover / upload variants; undocumented in record-info).
    #[serde(
        default,
        alias = "source_image_url",
        skip_serializing_if = "Option::is_none"
    )]
    pub source_image_url: Option<String>,
}

/// One generated track as callbacks spell it (snake_case: `audio_url`, but
/// `createTime`). The record-info spelling is accepted too; this type writes
/// snake_case.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct CallbackTrack {
    /// The audio id.
    #[serde(default)]
    pub id: Option<AudioId>,
    /// MP3 URL.
    #[serde(default, alias = "audioUrl", skip_serializing_if = "Option::is_none")]
    pub audio_url: Option<String>,
    /// Source audio (upload-cover / upload-extend; newest generate example).
    #[serde(
        default,
        alias = "sourceAudioUrl",
        skip_serializing_if = "Option::is_none"
    )]
    pub source_audio_url: Option<String>,
    /// Streaming URL.
    #[serde(
        default,
        alias = "streamAudioUrl",
        skip_serializing_if = "Option::is_none"
    )]
    pub stream_audio_url: Option<String>,
    /// Source stream URL.
    #[serde(
        default,
        alias = "sourceStreamAudioUrl",
        skip_serializing_if = "Option::is_none"
    )]
    pub source_stream_audio_url: Option<String>,
    /// Cover image URL.
    #[serde(default, alias = "imageUrl", skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Source image URL.
    #[serde(
        default,
        alias = "sourceImageUrl",
        skip_serializing_if = "Option::is_none"
    )]
    pub source_image_url: Option<String>,
    /// Lyrics / prompt used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// Internal model name.
    #[serde(default, alias = "modelName", skip_serializing_if = "Option::is_none")]
    pub model_name: Option<String>,
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Style tags (omitted in some examples).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<String>,
    /// Creation time (text or epoch ms).
    #[serde(
        default,
        rename = "createTime",
        alias = "create_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub create_time: Option<KieTime>,
    /// Length in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<f64>,
}

impl From<CallbackTrack> for MusicTrack {
    fn from(t: CallbackTrack) -> Self {
        Self {
            id: t.id,
            audio_url: t.audio_url,
            stream_audio_url: t.stream_audio_url,
            image_url: t.image_url,
            prompt: t.prompt,
            model_name: t.model_name,
            title: t.title,
            tags: t.tags,
            create_time: t.create_time,
            duration: t.duration,
            source_audio_url: t.source_audio_url,
            source_stream_audio_url: t.source_stream_audio_url,
            source_image_url: t.source_image_url,
        }
    }
}

impl From<MusicTrack> for CallbackTrack {
    fn from(t: MusicTrack) -> Self {
        Self {
            id: t.id,
            audio_url: t.audio_url,
            source_audio_url: t.source_audio_url,
            stream_audio_url: t.stream_audio_url,
            source_stream_audio_url: t.source_stream_audio_url,
            image_url: t.image_url,
            source_image_url: t.source_image_url,
            prompt: t.prompt,
            model_name: t.model_name,
            title: t.title,
            tags: t.tags,
            create_time: t.create_time,
            duration: t.duration,
        }
    }
}

/// `data.response` of music record-info.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MusicResponse {
    /// The task id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<TaskId>,
    /// The tracks generated so far.
    #[serde(default)]
    pub suno_data: Option<Vec<MusicTrack>>,
}

/// `data` of `GET /api/v1/generate/record-info`: the state of any music-family
/// task (generate, extend, covers, add-instrumental, add-vocals,
/// replace-section, mashup).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MusicRecord {
    /// The task id.
    pub task_id: TaskId,
    /// The parent track (extend only; `""` otherwise in the example).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_music_id: Option<String>,
    /// The original request, as a JSON document in a string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<RawParam>,
    /// The result; absent or null while pending.
    #[serde(default)]
    pub response: Option<MusicResponse>,
    /// The task status.
    pub status: MusicStatus,
    /// Task type: the schema says `chirp-v3-5` / `chirp-v4`, the example `GENERATE`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub task_type: Option<String>,
    /// What kind of music task this is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_type: Option<OperationType>,
    /// Error code when failed (400, 408, 413 documented).
    #[serde(default)]
    pub error_code: Option<LenientNumber>,
    /// Error message when failed.
    #[serde(default)]
    pub error_message: Option<String>,
}

impl MusicRecord {
    /// A record with the given id and status and nothing else.
    pub fn new(task_id: TaskId, status: MusicStatus) -> Self {
        Self {
            task_id,
            parent_music_id: None,
            param: None,
            response: None,
            status,
            task_type: None,
            operation_type: None,
            error_code: None,
            error_message: None,
        }
    }

    /// The tracks, empty when there are none yet.
    pub fn tracks(&self) -> &[MusicTrack] {
        self.response
            .as_ref()
            .and_then(|r| r.suno_data.as_deref())
            .unwrap_or(&[])
    }
}

/// The music-family callback body (generate, extend, covers, add-instrumental,
/// add-vocals, mashup, and replace-section):
/// `{code, msg, data: {callbackType, task_id, data, error?}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct MusicCallback {
    /// 200 on success; 400, 408, 413, 500, 501, 531 on failure.
    pub code: ApiCode,
    /// A message; do not match on it.
    #[serde(default)]
    pub msg: String,
    /// The payload.
    pub data: MusicCallbackData,
}

/// `data` of the music callback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct MusicCallbackData {
    /// `text`, `first`, `complete` or `error`.
    #[serde(rename = "callbackType")]
    pub callback_type: CallbackType,
    /// The task id (`task_id`; `taskId` accepted).
    #[serde(alias = "taskId")]
    pub task_id: TaskId,
    /// The tracks: empty for `text`, one for `first`, all for `complete`;
    /// `null`, `[]` or absent on failure.
    #[serde(default)]
    pub data: Option<Vec<CallbackTrack>>,
    /// The failure reason (replace-section).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl MusicCallbackData {
    /// Builds the payload.
    pub fn new(
        callback_type: CallbackType,
        task_id: TaskId,
        tracks: Option<Vec<CallbackTrack>>,
    ) -> Self {
        Self {
            callback_type,
            task_id,
            data: tracks,
            error: None,
        }
    }

    /// Sets the failure reason (replace-section's `data.error`).
    pub fn with_error(mut self, error: impl Into<String>) -> Self {
        self.error = Some(error.into());
        self
    }
}

impl MusicCallback {
    /// Builds a callback body.
    pub fn new(code: ApiCode, msg: impl Into<String>, data: MusicCallbackData) -> Self {
        Self {
            code,
            msg: msg.into(),
            data,
        }
    }

    /// The tracks carried (empty when none).
    pub fn tracks(&self) -> &[CallbackTrack] {
        self.data.data.as_deref().unwrap_or(&[])
    }

    /// The stage: `text` and `first` are progress, `complete` and `error` final.
    pub fn stage(&self) -> &CallbackType {
        &self.data.callback_type
    }

    /// Whether no further callback follows: `complete`, `error`, or an unknown
    /// stage with a failure code.
    pub fn is_terminal(&self) -> bool {
        match &self.data.callback_type {
            CallbackType::Complete | CallbackType::Error => true,
            CallbackType::Text | CallbackType::First => false,
            _ => self.code != ApiCode::Success,
        }
    }

    /// Whether the task finished successfully (`complete` with code 200).
    pub fn is_success(&self) -> bool {
        self.code == ApiCode::Success && self.data.callback_type == CallbackType::Complete
    }
}
