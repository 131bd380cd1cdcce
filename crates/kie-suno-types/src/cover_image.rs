//! Cover art images for a music task (note 19): the create request, the
//! record-info details and the callback.
//!
//! Contradictions settled here: the record-info `successFlag` is an integer 0-3
//! in the schema but state names in the prose ([`CoverImageStatus`] reads both);
//! times are ISO 8601 here ([`KieTime`] reads every encoding); the newest render
//! shows `callBackUrl` as optional while the older schema requires it (optional:
//! nothing live says otherwise; sent whenever given); the callback spells the id
//! `taskId` (camelCase,
//! `task_id` accepted) and has no `callbackType`.

use serde::{Deserialize, Serialize};

use crate::error::check_required;
use crate::request::validated_request;
use crate::{
    ApiCode, CallbackUrl, CoverImageStatus, KieTime, LenientNumber, TaskId, ValidationError,
};

validated_request! {
    /// `POST /api/v1/suno/cover/generate` body: cover images for a music task.
    /// One cover per music task; a repeat returns the existing task id.
    pub struct CoverImageRequest with CoverImageRequestBuilder via CoverImageWire {
        /// The music task to illustrate.
        req task_id: TaskId => with_task_id,
        /// Where the callback goes (optional in the newest docs).
        #[serde(rename = "callBackUrl", default, skip_serializing_if = "Option::is_none")]
        opt callback_url: CallbackUrl as String = "callBackUrl" => with_callback_url,
    }
}

impl CoverImageRequest {
    /// A builder with the music task (the one required field); no callback
    /// URL. Checked by `build()`.
    pub fn builder(task_id: impl Into<TaskId>) -> CoverImageRequestBuilder {
        CoverImageRequestBuilder {
            task_id: task_id.into(),
            callback_url: None,
        }
    }

    /// A request with a callback URL, the usual form:
    /// `builder(task_id).with_callback_url(callback_url).build()`.
    pub fn new(
        task_id: impl Into<TaskId>,
        callback_url: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        Self::builder(task_id)
            .with_callback_url(callback_url)
            .build()
    }

    /// Every documented rule between fields; `build()` calls it.
    fn check(&self) -> Result<(), ValidationError> {
        check_required("taskId", self.task_id.as_str())
    }
}

/// `data.response` of cover-image record-info.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[non_exhaustive]
pub struct CoverImageResponse {
    /// Image URLs (usually 2).
    #[serde(default)]
    pub images: Option<Vec<String>>,
}

/// `data` of `GET /api/v1/suno/cover/record-info`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CoverImageRecord {
    /// The cover task id.
    pub task_id: TaskId,
    /// The music task it illustrates.
    #[serde(default)]
    pub parent_task_id: Option<TaskId>,
    /// The callback URL (lower-case `b` here).
    #[serde(default)]
    pub callback_url: Option<String>,
    /// When it finished.
    #[serde(default)]
    pub complete_time: Option<KieTime>,
    /// The images.
    #[serde(default)]
    pub response: Option<CoverImageResponse>,
    /// The state.
    pub success_flag: CoverImageStatus,
    /// When it was created.
    #[serde(default)]
    pub create_time: Option<KieTime>,
    /// Error code (200 / 500 documented).
    #[serde(default)]
    pub error_code: Option<LenientNumber>,
    /// Error message.
    #[serde(default)]
    pub error_message: Option<String>,
}

impl CoverImageRecord {
    /// A record with the given id and state and nothing else.
    pub fn new(task_id: TaskId, success_flag: CoverImageStatus) -> Self {
        Self {
            task_id,
            parent_task_id: None,
            callback_url: None,
            complete_time: None,
            response: None,
            success_flag,
            create_time: None,
            error_code: None,
            error_message: None,
        }
    }

    /// The image URLs, empty when there are none.
    pub fn images(&self) -> &[String] {
        self.response
            .as_ref()
            .and_then(|r| r.images.as_deref())
            .unwrap_or(&[])
    }
}

/// The cover-image callback: `{code, msg, data: {taskId, images}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[non_exhaustive]
pub struct CoverImageCallback {
    /// 200 on success; 400, 408, 500, 501, 531 on failure.
    pub code: ApiCode,
    /// A message.
    #[serde(default)]
    pub msg: String,
    /// The payload.
    pub data: CoverImageCallbackData,
}

/// `data` of the cover-image callback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[non_exhaustive]
pub struct CoverImageCallbackData {
    /// The cover task id (`taskId`; `task_id` accepted).
    #[serde(rename = "taskId", alias = "task_id")]
    pub task_id: TaskId,
    /// The image URLs; `null` on failure.
    #[serde(default)]
    pub images: Option<Vec<String>>,
}

impl CoverImageCallback {
    /// Builds a callback body.
    pub fn new(
        code: ApiCode,
        msg: impl Into<String>,
        task_id: TaskId,
        images: Option<Vec<String>>,
    ) -> Self {
        Self {
            code,
            msg: msg.into(),
            data: CoverImageCallbackData { task_id, images },
        }
    }

    /// Success: code 200.
    pub fn is_success(&self) -> bool {
        self.code == ApiCode::Success
    }
}

impl CoverImageCallbackData {
    /// Builds the payload.
    pub fn new(task_id: TaskId, images: Option<Vec<String>>) -> Self {
        Self { task_id, images }
    }
}
