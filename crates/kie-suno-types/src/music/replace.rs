//! `POST /api/v1/generate/replace-section`: [`ReplaceSectionRequest`] and the
//! section length limits.

use crate::error::{check_range, check_required};
use crate::request::validated_request;
use crate::{AudioId, CallbackUrl, TaskId, ValidationError};

/// Replace-section: the shortest section, in seconds (newest docs; older: 6).
pub const REPLACE_MIN_SECONDS: f64 = 10.0;
/// Replace-section: the largest share of the track a section may cover (the
/// section may be at most half as long as the track). The request does not
/// carry the track's length, so `build()` cannot check it: the API does, and
/// [`ReplaceSectionRequest::check_track_duration`] does given the length.
pub const REPLACE_MAX_TRACK_SHARE: f64 = 0.5;

validated_request! {
    /// `POST /api/v1/generate/replace-section` body: regenerate a time range of a
    /// track. The range must be at least 10 s long and start at or after 0; it
    /// may cover at most half of the track, which the API checks (the request
    /// does not carry the track's length; see [`Self::check_track_duration`]).
    /// `fullLyrics` is required (newest docs). `callBackUrl` is optional here
    /// (unlike the other music-family endpoints).
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
        /// The complete lyrics after the change (changed and unchanged parts).
        text full_lyrics: String => with_full_lyrics,
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
        full_lyrics: impl Into<String>,
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
            full_lyrics: full_lyrics.into(),
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
        full_lyrics: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        Self::builder(
            task_id,
            audio_id,
            prompt,
            tags,
            title,
            infill_start_s,
            infill_end_s,
            full_lyrics,
        )
        .build()
    }

    /// The rule `build()` cannot check: the section covers at most
    /// [`REPLACE_MAX_TRACK_SHARE`] of a track `track_seconds` long (e.g. the
    /// parent track's `duration`). The API checks it too.
    ///
    /// ```
    /// use kie_suno_types::ReplaceSectionRequest;
    /// let req = ReplaceSectionRequest::new("t", "a", "p", "jazz", "x", 10.0, 70.0, "[Verse] ...")?;
    /// assert!(req.check_track_duration(120.0).is_ok());
    /// assert!(req.check_track_duration(100.0).is_err());
    /// # Ok::<(), kie_suno_types::ValidationError>(())
    /// ```
    pub fn check_track_duration(&self, track_seconds: f64) -> Result<(), ValidationError> {
        check_range(
            "infillEndS - infillStartS",
            self.infill_end_s - self.infill_start_s,
            REPLACE_MIN_SECONDS,
            track_seconds * REPLACE_MAX_TRACK_SHARE,
        )
    }

    /// Every documented rule between fields; `build()` calls it.
    fn check(&self) -> Result<(), ValidationError> {
        check_required("taskId", self.task_id.as_str())?;
        check_required("audioId", self.audio_id.as_str())?;
        check_required("prompt", &self.prompt)?;
        check_required("tags", &self.tags)?;
        check_required("title", &self.title)?;
        check_required("fullLyrics", &self.full_lyrics)?;
        check_range("infillStartS", self.infill_start_s, 0.0, f64::MAX)?;
        check_range("infillEndS", self.infill_end_s, 0.0, f64::MAX)?;
        let len = self.infill_end_s - self.infill_start_s;
        check_range(
            "infillEndS - infillStartS",
            len,
            REPLACE_MIN_SECONDS,
            f64::MAX,
        )
    }
}
