//! `POST /api/v1/generate/replace-section`: [`ReplaceSectionRequest`] and the
//! section length limits.

use crate::error::{check_range, check_required};
use crate::request::validated_request;
use crate::{AudioId, CallbackUrl, TaskId, ValidationError};

/// Replace-section: the shortest section, in seconds (newest docs; older: 6).
pub const REPLACE_MIN_SECONDS: f64 = 10.0;
/// Replace-section: the longest section, in seconds (older docs).
pub const REPLACE_MAX_SECONDS: f64 = 60.0;

validated_request! {
    /// `POST /api/v1/generate/replace-section` body: regenerate a time range of a
    /// track. The range must be 10-60 s long and start at or after 0.
    /// `callBackUrl` is optional here (unlike every other task endpoint).
    pub struct ReplaceSectionRequest with ReplaceSectionRequestBuilder via ReplaceSectionWire {
        /// The parent music task.
        req task_id: TaskId => with_task_id,
        /// The track to modify.
        req audio_id: AudioId => with_audio_id,
        /// The replacement lyrics / description.
        text prompt: String => with_prompt,
        /// Style tags.
        text tags: String => with_tags,
        /// Title.
        text title: String => with_title,
        /// Start of the section, seconds.
        #[cfg_attr(feature = "schemars", schemars(range(min = 0.0)))]
        copy infill_start_s: f64 => with_infill_start_s,
        /// End of the section, seconds.
        #[cfg_attr(feature = "schemars", schemars(range(min = 0.0)))]
        copy infill_end_s: f64 => with_infill_end_s,
        /// Styles to avoid.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt_text negative_tags: String => with_negative_tags,
        /// The complete lyrics after the change.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt_text full_lyrics: String => with_full_lyrics,
        /// Where callbacks go (optional here).
        #[serde(rename = "callBackUrl", default, skip_serializing_if = "Option::is_none")]
        opt callback_url: CallbackUrl as String = "callBackUrl" => with_callback_url,
    }
}

impl ReplaceSectionRequest {
    /// A builder with the required fields; the optional ones unset. Text
    /// fields and URLs are checked by `build()`.
    #[allow(clippy::too_many_arguments)]
    pub fn builder(
        task_id: impl Into<TaskId>,
        audio_id: impl Into<AudioId>,
        prompt: impl Into<String>,
        tags: impl Into<String>,
        title: impl Into<String>,
        infill_start_s: f64,
        infill_end_s: f64,
    ) -> ReplaceSectionRequestBuilder {
        ReplaceSectionRequestBuilder {
            task_id: task_id.into(),
            audio_id: audio_id.into(),
            prompt: prompt.into(),
            tags: tags.into(),
            title: title.into(),
            infill_start_s,
            infill_end_s,
            negative_tags: None,
            full_lyrics: None,
            callback_url: None,
        }
    }

    /// Builds and validates the request: `builder(...).build()`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        task_id: impl Into<TaskId>,
        audio_id: impl Into<AudioId>,
        prompt: impl Into<String>,
        tags: impl Into<String>,
        title: impl Into<String>,
        infill_start_s: f64,
        infill_end_s: f64,
    ) -> Result<Self, ValidationError> {
        Self::builder(
            task_id,
            audio_id,
            prompt,
            tags,
            title,
            infill_start_s,
            infill_end_s,
        )
        .build()
    }

    /// Every documented rule between fields; `build()` calls it.
    fn check(&self) -> Result<(), ValidationError> {
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
