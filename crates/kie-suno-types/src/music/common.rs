//! The shared vocabulary of the music requests: [`Model`] and its per-model
//! limits, the flat prompt / title limits, [`VocalGender`] and [`PersonaModel`].

use crate::macros::open_str_enum;

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
/// (every schema and the quickstart; one newest rendered page says 3000).
pub const SIMPLE_PROMPT_MAX_CHARS: usize = 500;
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

    pub(super) fn context(&self) -> Option<std::borrow::Cow<'static, str>> {
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
