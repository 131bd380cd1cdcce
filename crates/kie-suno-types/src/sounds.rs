//! Generate Sounds (note 27, `POST /api/v1/generate/sounds`): background music,
//! ambience, effects and loops from a text prompt, with loop, tempo and key
//! settings: [`GenerateSoundsRequest`] and [`SoundKey`].
//!
//! What the docs leave open, and how it is settled here (`docs/contradictions.md`
//! has the full list):
//!
//! - `model` is required in the newest copies (`V5` | `V5_5`), not in an older
//!   one: required. It is the crate's open [`Model`]: the other known models are
//!   refused, an unknown one is passed through (the server is the judge).
//! - `soundKey` lists 24 keys (sharps only) but gives `Any` as default and
//!   example without listing it: the 24 keys are [`SoundKey`]'s known values;
//!   `Any` is reached by leaving the field out (an explicit `"Any"` still parses,
//!   as an unknown value, and is written back unchanged).
//! - `soundTempo` 1-300 BPM; left out means Auto (sending `null` is not documented).
//! - `callBackUrl` is optional, and no sounds callback is documented at all. The
//!   result is polled through music record-info (`GET /api/v1/generate/record-info`,
//!   the page's poll link): a [`MusicRecord`](crate::MusicRecord).
//! - The create response's example is `code` 422 with `msg` "success": it is an
//!   error envelope (success is `code == 200`), the task id notwithstanding.

use crate::error::{check_len, check_range, check_required};
use crate::macros::open_str_enum;
use crate::request::validated_request;
use crate::{CallbackUrl, Model, ValidationError};

/// The prompt limit of Generate Sounds, in characters ("Sound task type
/// limit: 500 characters").
pub const SOUNDS_PROMPT_MAX_CHARS: usize = 500;
/// The slowest `soundTempo`, in BPM.
pub const SOUND_TEMPO_MIN: u16 = 1;
/// The fastest `soundTempo`, in BPM.
pub const SOUND_TEMPO_MAX: u16 = 300;

open_str_enum! {
    /// `soundKey`: the 24 documented keys, minor then major, sharps only (no
    /// flats). The documented default `Any` is not in the list: leave the field
    /// out for it.
    pub enum SoundKey {
        /// C minor.
        CMinor = "Cm",
        /// C♯ minor.
        CSharpMinor = "C#m",
        /// D minor.
        DMinor = "Dm",
        /// D♯ minor.
        DSharpMinor = "D#m",
        /// E minor.
        EMinor = "Em",
        /// F minor.
        FMinor = "Fm",
        /// F♯ minor.
        FSharpMinor = "F#m",
        /// G minor.
        GMinor = "Gm",
        /// G♯ minor.
        GSharpMinor = "G#m",
        /// A minor.
        AMinor = "Am",
        /// A♯ minor.
        ASharpMinor = "A#m",
        /// B minor.
        BMinor = "Bm",
        /// C major.
        C = "C",
        /// C♯ major.
        CSharp = "C#",
        /// D major.
        D = "D",
        /// D♯ major.
        DSharp = "D#",
        /// E major.
        E = "E",
        /// F major.
        F = "F",
        /// F♯ major.
        FSharp = "F#",
        /// G major.
        G = "G",
        /// G♯ major.
        GSharp = "G#",
        /// A major.
        A = "A",
        /// A♯ major.
        ASharp = "A#",
        /// B major.
        B = "B",
    }
}

validated_request! {
    /// `POST /api/v1/generate/sounds` body.
    ///
    /// Rules: `prompt` not blank, at most [`SOUNDS_PROMPT_MAX_CHARS`]; `model`
    /// `V5` or `V5_5` (other known models refused, unknown ones passed
    /// through); `soundTempo` 1-300. Every other field is optional and left out
    /// when unset, which selects the documented default.
    pub struct GenerateSoundsRequest with GenerateSoundsRequestBuilder via GenerateSoundsWire {
        /// What to generate (ambience, a loop, an effect...).
        #[cfg_attr(feature = "schemars", schemars(length(min = 1, max = 500)))]
        text prompt: String => with_prompt,
        /// The model: `V5` or `V5_5`.
        req model: Model => with_model,
        /// Whether the sound loops (suits background music and ambience).
        /// Server default: false.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt_copy sound_loop: bool => with_sound_loop,
        /// Tempo in BPM, 1-300. Unset: Auto.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "schemars", schemars(range(min = 1, max = 300)))]
        opt_copy sound_tempo: u16 => with_sound_tempo,
        /// The key. Unset: `Any`, the documented default.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt sound_key: SoundKey => with_sound_key,
        /// Whether lyric subtitles are fetched after completion (where they
        /// appear in the result is not documented). Server default: false.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt_copy grab_lyrics: bool => with_grab_lyrics,
        /// Where a callback may go (optional; no sounds callback is documented).
        #[serde(rename = "callBackUrl", default, skip_serializing_if = "Option::is_none")]
        opt callback_url: CallbackUrl as String = "callBackUrl" => with_callback_url,
    }
}

impl GenerateSoundsRequest {
    /// A builder with the prompt and the model (both required); everything
    /// else unset. Checked by `build()`.
    ///
    /// ```
    /// use kie_suno_types::{GenerateSoundsRequest, Model, SoundKey};
    /// let req = GenerateSoundsRequest::builder("rain on a tin roof", Model::V5)
    ///     .with_sound_loop(true)
    ///     .with_sound_tempo(90)
    ///     .with_sound_key(SoundKey::DSharpMinor)
    ///     .build()?;
    /// assert_eq!(
    ///     serde_json::to_string(&req).unwrap(),
    ///     r##"{"prompt":"rain on a tin roof","model":"V5","soundLoop":true,"soundTempo":90,"soundKey":"D#m"}"##
    /// );
    /// assert!(GenerateSoundsRequest::builder("x", Model::V4).build().is_err());
    /// # Ok::<(), kie_suno_types::ValidationError>(())
    /// ```
    pub fn builder(prompt: impl Into<String>, model: Model) -> GenerateSoundsRequestBuilder {
        GenerateSoundsRequestBuilder {
            prompt: prompt.into(),
            model,
            sound_loop: None,
            sound_tempo: None,
            sound_key: None,
            grab_lyrics: None,
            callback_url: None,
        }
    }

    /// Builds and validates the request: `builder(prompt, model).build()`.
    pub fn new(prompt: impl Into<String>, model: Model) -> Result<Self, ValidationError> {
        Self::builder(prompt, model).build()
    }

    /// Every documented rule; `build()` calls it.
    fn check(&self) -> Result<(), ValidationError> {
        check_required("prompt", &self.prompt)?;
        check_len("prompt", &self.prompt, SOUNDS_PROMPT_MAX_CHARS, None)?;
        if self.model.is_known() && !matches!(self.model, Model::V5 | Model::V5_5) {
            return Err(ValidationError::NotAllowed {
                field: "model",
                reason: format!("{} is not accepted here; use V5 or V5_5", self.model).into(),
            });
        }
        if let Some(bpm) = self.sound_tempo {
            check_range(
                "soundTempo",
                f64::from(bpm),
                f64::from(SOUND_TEMPO_MIN),
                f64::from(SOUND_TEMPO_MAX),
            )?;
        }
        Ok(())
    }
}
