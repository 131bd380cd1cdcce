//! One generated track in its two spellings: [`MusicTrack`] (record-info,
//! camelCase) and [`CallbackTrack`] (callbacks, snake_case), the conversions
//! between them, and whether a track is playable yet.
//!
//! A track can be listed before its audio exists: at the `first` stage the
//! second track's `audioUrl` may still be `""` (reported from live use), and the
//! text stage carries lyrics only. The fields keep what was sent; the accessors
//! ([`MusicTrack::audio_url`], [`MusicTrack::is_playable`], ...) read a blank URL
//! as none, so such a track is never handed out as playable.

use serde::{Deserialize, Serialize};

use crate::{AudioId, KieTime};

/// One generated track as music record-info spells it (camelCase: `audioUrl`).
/// The callback spelling (`audio_url`) is accepted too; this type writes
/// camelCase.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
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
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
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

/// A URL field as an accessor gives it: `None` when absent or blank.
fn url(field: &Option<String>) -> Option<&str> {
    field.as_deref().filter(|u| !u.trim().is_empty())
}

macro_rules! url_accessors {
    ($ty:ty) => {
        impl $ty {
            /// The MP3 URL, or `None` while there is none (absent or `""`).
            pub fn audio_url(&self) -> Option<&str> {
                url(&self.audio_url)
            }

            /// The streaming URL, or `None` while there is none (absent or `""`).
            pub fn stream_audio_url(&self) -> Option<&str> {
                url(&self.stream_audio_url)
            }

            /// The cover image URL, or `None` while there is none (absent or `""`).
            pub fn image_url(&self) -> Option<&str> {
                url(&self.image_url)
            }

            /// Whether the track's audio exists: it has a non-blank `audioUrl`.
            /// A track listed at the `first` stage with `audioUrl: ""`, or at the
            /// text stage, is not playable yet.
            pub fn is_playable(&self) -> bool {
                self.audio_url().is_some()
            }
        }
    };
}

url_accessors!(MusicTrack);
url_accessors!(CallbackTrack);

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
