//! Lyrics: the generate request, the record-info details and the callback.
//!
//! Contradictions settled here (`docs/contradictions.md` has the full list): the
//! prompt limit is "200 characters" in the current docs and "200 words" in an
//! older page (200 characters, counted as Unicode scalar values); `callBackUrl`
//! is required by the OpenAPI schema but optional on the newest rendered page:
//! optional (nothing live says otherwise; polling finds the result without a
//! callback), and sent whenever given; record-info variations sit under
//! `response.data` (current) or `response.lyricsData` (older): both read, each
//! written back under its own key; the item error key is `errorMessage` in
//! record-info and `error_message` in callbacks (each type accepts both); the
//! callback's `callbackType` is `complete` even on failure, so success is
//! `code == 200`.

use serde::{Deserialize, Serialize};

use crate::error::{check_len, check_required};
use crate::macros::open_str_enum;
use crate::request::{validated_request, FromRaw};
use crate::{ApiCode, CallbackUrl, LenientNumber, LyricsStatus, RawParam, TaskId, ValidationError};

/// The documented prompt limit of the lyrics endpoint, in characters.
pub const LYRICS_PROMPT_MAX_CHARS: usize = 200;

/// A lyrics prompt: non-blank, at most [`LYRICS_PROMPT_MAX_CHARS`] characters
/// (counted as Unicode scalar values, not bytes).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LyricsPrompt(String);

impl LyricsPrompt {
    /// Validates a prompt.
    pub fn new(prompt: impl Into<String>) -> Result<Self, ValidationError> {
        <Self as FromRaw<String>>::from_raw("prompt", prompt.into())
    }

    /// The prompt text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromRaw<String> for LyricsPrompt {
    fn from_raw(field: &'static str, prompt: String) -> Result<Self, ValidationError> {
        check_required(field, &prompt)?;
        check_len(field, &prompt, LYRICS_PROMPT_MAX_CHARS, None)?;
        Ok(Self(prompt))
    }
    fn into_raw(self) -> String {
        self.0
    }
}

impl TryFrom<String> for LyricsPrompt {
    type Error = ValidationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl From<LyricsPrompt> for String {
    fn from(p: LyricsPrompt) -> String {
        p.0
    }
}

#[cfg(feature = "schemars")]
impl ::schemars::JsonSchema for LyricsPrompt {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LyricsPrompt".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "minLength": 1,
            "maxLength": LYRICS_PROMPT_MAX_CHARS,
            "pattern": "\\S",
            "description": "What the lyrics should be about; at most 200 characters"
        })
    }
}

validated_request! {
    /// `POST /api/v1/lyrics` body.
    ///
    /// ```
    /// use kie_suno_types::GenerateLyricsRequest;
    /// let req = GenerateLyricsRequest::new("a song about the sea", "https://example.com/cb")?;
    /// assert_eq!(req.prompt().as_str(), "a song about the sea");
    /// # Ok::<(), kie_suno_types::ValidationError>(())
    /// ```
    #[derive(Eq)]
    pub struct GenerateLyricsRequest with GenerateLyricsRequestBuilder via GenerateLyricsWire {
        /// What the lyrics should be about.
        req prompt: LyricsPrompt as String = "prompt" => with_prompt,
        /// Where the callback goes (optional in the newest docs).
        #[serde(rename = "callBackUrl", default, skip_serializing_if = "Option::is_none")]
        opt callback_url: CallbackUrl as String = "callBackUrl" => with_callback_url,
    }
}

impl GenerateLyricsRequest {
    /// A builder with the prompt (the one required field), checked by
    /// `build()`; no callback URL.
    pub fn builder(prompt: impl Into<String>) -> GenerateLyricsRequestBuilder {
        GenerateLyricsRequestBuilder {
            prompt: prompt.into(),
            callback_url: None,
        }
    }

    /// A request with a callback URL, the usual form:
    /// `builder(prompt).with_callback_url(callback_url).build()`.
    pub fn new(
        prompt: impl Into<String>,
        callback_url: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        Self::builder(prompt)
            .with_callback_url(callback_url)
            .build()
    }

    /// The rules are the fields' own (prompt, URL).
    fn check(&self) -> Result<(), ValidationError> {
        Ok(())
    }
}

open_str_enum! {
    /// Status of one lyrics variation (`complete` / `failed`).
    pub enum LyricsItemStatus {
        /// Generated.
        Complete = "complete",
        /// Failed; see the item's error message.
        Failed = "failed",
    }
}

/// One generated lyrics variation, as record-info and callbacks carry it.
///
/// Record-info spells the error field `errorMessage`, callbacks `error_message`;
/// both are read, and it is written back in the spelling of [`LyricsVariation`]'s
/// origin by the containing type.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[non_exhaustive]
pub struct LyricsVariation {
    /// The lyrics, with `[Verse]` / `[Chorus]` section markers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The suggested title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `complete` or `failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<LyricsItemStatus>,
    /// Why the variation failed; `""` on success in the docs' examples.
    #[serde(
        default,
        rename = "errorMessage",
        alias = "error_message",
        skip_serializing_if = "Option::is_none"
    )]
    pub error_message: Option<String>,
}

impl LyricsVariation {
    /// A completed variation.
    pub fn complete(title: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            text: Some(text.into()),
            title: Some(title.into()),
            status: Some(LyricsItemStatus::Complete),
            error_message: Some(String::new()),
        }
    }

    /// Whether this variation carries usable lyrics.
    pub fn is_complete(&self) -> bool {
        self.status
            .as_ref()
            .is_none_or(|s| *s == LyricsItemStatus::Complete)
            && self.text.as_deref().is_some_and(|t| !t.trim().is_empty())
    }
}

/// `data.response` of lyrics record-info.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LyricsResponse {
    /// The task id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<TaskId>,
    /// The variations, under the current docs' key `data`.
    #[serde(default)]
    pub data: Option<Vec<LyricsVariation>>,
    /// The variations under the older docs' key `lyricsData`. Kept apart from
    /// [`LyricsResponse::data`] so a record re-encodes with the key it came
    /// with; read both through [`LyricsRecord::variations`].
    #[serde(
        default,
        rename = "lyricsData",
        skip_serializing_if = "Option::is_none"
    )]
    pub lyrics_data: Option<Vec<LyricsVariation>>,
}

impl LyricsResponse {
    /// The variations, from `data` or else `lyricsData`.
    pub fn variations(&self) -> &[LyricsVariation] {
        self.data
            .as_deref()
            .or(self.lyrics_data.as_deref())
            .unwrap_or(&[])
    }
}

/// `data` of `GET /api/v1/lyrics/record-info`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LyricsRecord {
    /// The task id.
    pub task_id: TaskId,
    /// The original request, as a JSON document in a string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<RawParam>,
    /// The result; absent or null while pending (not documented either way).
    #[serde(default)]
    pub response: Option<LyricsResponse>,
    /// The task status.
    pub status: LyricsStatus,
    /// Task type, e.g. `LYRICS` (absent from some doc copies).
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub task_type: Option<String>,
    /// Error code when the task failed (200, 400, 500 documented).
    #[serde(default)]
    pub error_code: Option<LenientNumber>,
    /// Error message when the task failed.
    #[serde(default)]
    pub error_message: Option<String>,
}

impl LyricsRecord {
    /// A record with the given id and status and nothing else.
    pub fn new(task_id: TaskId, status: LyricsStatus) -> Self {
        Self {
            task_id,
            param: None,
            response: None,
            status,
            task_type: None,
            error_code: None,
            error_message: None,
        }
    }

    /// The variations, empty when there are none yet.
    pub fn variations(&self) -> &[LyricsVariation] {
        self.response
            .as_ref()
            .map(LyricsResponse::variations)
            .unwrap_or(&[])
    }
}

open_str_enum! {
    /// `callbackType` of callbacks that have one.
    pub enum CallbackType {
        /// Lyrics or text stage generated (music).
        Text = "text",
        /// First track generated (music).
        First = "first",
        /// Everything generated (also sent on lyrics failures).
        Complete = "complete",
        /// The task failed (music families).
        Error = "error",
    }
}

/// The lyrics callback body: `{code, msg, data: {callbackType, task_id, data}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[non_exhaustive]
pub struct LyricsCallback {
    /// 200 on success; 400 / 500 (and more on the Chinese page) on failure.
    pub code: ApiCode,
    /// A message; do not match on it.
    #[serde(default)]
    pub msg: String,
    /// The payload.
    pub data: LyricsCallbackData,
}

/// `data` of the lyrics callback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[non_exhaustive]
pub struct LyricsCallbackData {
    /// Always `complete`, even on failure.
    #[serde(rename = "callbackType")]
    pub callback_type: CallbackType,
    /// The task id (`task_id`; `taskId` accepted).
    #[serde(alias = "taskId")]
    pub task_id: TaskId,
    /// The variations; `null` on failure.
    #[serde(default)]
    pub data: Option<Vec<LyricsCallbackItem>>,
}

/// One variation as the lyrics callback spells it (`error_message`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[non_exhaustive]
pub struct LyricsCallbackItem {
    /// The lyrics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `complete` or `failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<LyricsItemStatus>,
    /// Why the item failed.
    #[serde(
        default,
        alias = "errorMessage",
        skip_serializing_if = "Option::is_none"
    )]
    pub error_message: Option<String>,
}

impl From<LyricsCallbackItem> for LyricsVariation {
    fn from(i: LyricsCallbackItem) -> Self {
        Self {
            text: i.text,
            title: i.title,
            status: i.status,
            error_message: i.error_message,
        }
    }
}

impl From<LyricsVariation> for LyricsCallbackItem {
    fn from(v: LyricsVariation) -> Self {
        Self {
            text: v.text,
            title: v.title,
            status: v.status,
            error_message: v.error_message,
        }
    }
}

impl LyricsCallback {
    /// Builds a callback body.
    pub fn new(code: ApiCode, msg: impl Into<String>, data: LyricsCallbackData) -> Self {
        Self {
            code,
            msg: msg.into(),
            data,
        }
    }

    /// Whether the callback reports success (`code == 200`).
    pub fn is_success(&self) -> bool {
        self.code == ApiCode::Success
    }

    /// The variations as [`LyricsVariation`]s.
    pub fn variations(&self) -> Vec<LyricsVariation> {
        self.data
            .data
            .iter()
            .flatten()
            .cloned()
            .map(LyricsVariation::from)
            .collect()
    }
}

impl LyricsCallbackData {
    /// Builds the payload.
    pub fn new(task_id: TaskId, items: Option<Vec<LyricsCallbackItem>>) -> Self {
        Self {
            callback_type: CallbackType::Complete,
            task_id,
            data: items,
        }
    }
}
