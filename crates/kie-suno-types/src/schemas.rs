//! The registry of every public wire type: its name, its JSON Schema (draft 2020-12)
//! and a decode-then-re-encode function. `cargo xtask codegen` writes the schemas
//! under `docs/schemas/`, `kie-suno schema` prints them, and the contract checks use
//! the decoders. Pure functions, no I/O.

use std::fmt::Debug;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate as t;

/// What decoding a document as a wire type produced.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Decoded {
    /// The typed value's `{:#?}`, for snapshots.
    pub debug: String,
    /// The typed value serialised again, for the no-silent-drop comparison.
    pub reencoded: serde_json::Value,
}

/// One public wire type.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct WireType {
    /// The type's name, also the schema file name (`<name>.json`).
    pub name: &'static str,
    /// Decodes a JSON document as this type and serialises it again.
    pub decode: fn(&[u8]) -> Result<Decoded, String>,
    /// Decodes a JSON document as this type and drops it (for benchmarks).
    pub decode_only: fn(&[u8]) -> Result<(), serde_json::Error>,
    /// The JSON Schema (draft 2020-12), titled `name`.
    pub schema: fn() -> serde_json::Value,
}

impl Debug for WireType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WireType")
            .field("name", &self.name)
            .finish()
    }
}

fn decode<T: DeserializeOwned + Serialize + Debug>(bytes: &[u8]) -> Result<Decoded, String> {
    let value: T = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    let reencoded = serde_json::to_value(&value).map_err(|e| format!("re-encode: {e}"))?;
    Ok(Decoded {
        debug: format!("{value:#?}"),
        reencoded,
    })
}

fn decode_only<T: DeserializeOwned>(bytes: &[u8]) -> Result<(), serde_json::Error> {
    serde_json::from_slice::<T>(bytes).map(|v| drop(std::hint::black_box(v)))
}

fn schema<T: schemars::JsonSchema>(name: &'static str) -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let schema = generator.into_root_schema_for::<T>();
    let mut value = schema.to_value();
    if let Some(obj) = value.as_object_mut() {
        obj.insert(
            "title".to_owned(),
            serde_json::Value::String(name.to_owned()),
        );
    }
    value
}

macro_rules! wire_types {
    ($($name:literal => $ty:ty),* $(,)?) => {
        /// Every public wire type, in schema-file order.
        pub const ALL: &[WireType] = &[
            $(WireType {
                name: $name,
                decode: decode::<$ty>,
                decode_only: decode_only::<$ty>,
                schema: || schema::<$ty>($name),
            },)*
        ];
    };
}

wire_types! {
    // requests
    "GenerateLyricsRequest" => t::GenerateLyricsRequest,
    "GenerateMusicRequest" => t::GenerateMusicRequest,
    "ExtendMusicRequest" => t::ExtendMusicRequest,
    "UploadCoverRequest" => t::UploadCoverRequest,
    "UploadExtendRequest" => t::UploadExtendRequest,
    "AddInstrumentalRequest" => t::AddInstrumentalRequest,
    "AddVocalsRequest" => t::AddVocalsRequest,
    "MashupRequest" => t::MashupRequest,
    "ReplaceSectionRequest" => t::ReplaceSectionRequest,
    "TimestampedLyricsRequest" => t::TimestampedLyricsRequest,
    "BoostStyleRequest" => t::BoostStyleRequest,
    "CoverImageRequest" => t::CoverImageRequest,
    "PersonaRequest" => t::PersonaRequest,
    "WavRequest" => t::WavRequest,
    "SeparationRequest" => t::SeparationRequest,
    "MidiRequest" => t::MidiRequest,
    "MusicVideoRequest" => t::MusicVideoRequest,
    "DownloadUrlRequest" => t::DownloadUrlRequest,
    "FileUploadBase64Request" => t::FileUploadBase64Request,
    "FileUploadUrlRequest" => t::FileUploadUrlRequest,
    "GenerateSoundsRequest" => t::GenerateSoundsRequest,
    // responses (the `{code, msg, data}` envelope around each payload)
    "TaskCreatedResponse" => t::ApiResponse<t::TaskCreated>,
    "LyricsRecordResponse" => t::ApiResponse<t::LyricsRecord>,
    "MusicRecordResponse" => t::ApiResponse<t::MusicRecord>,
    "CoverImageRecordResponse" => t::ApiResponse<t::CoverImageRecord>,
    "WavRecordResponse" => t::ApiResponse<t::WavRecord>,
    "SeparationRecordResponse" => t::ApiResponse<t::SeparationRecord>,
    "MidiRecordResponse" => t::ApiResponse<t::MidiRecord>,
    "VideoRecordResponse" => t::ApiResponse<t::VideoRecord>,
    "TimestampedLyricsResponse" => t::ApiResponse<t::TimestampedLyrics>,
    "BoostStyleResponse" => t::ApiResponse<t::BoostStyleResult>,
    "PersonaResponse" => t::ApiResponse<t::Persona>,
    "CreditsResponse" => t::ApiResponse<t::Credits>,
    "DownloadUrlResponse" => t::ApiResponse<t::DownloadUrl>,
    "FileUploadResponse" => t::FileUploadResponse,
    // payloads on their own
    "TaskCreated" => t::TaskCreated,
    "LyricsRecord" => t::LyricsRecord,
    "MusicRecord" => t::MusicRecord,
    "CoverImageRecord" => t::CoverImageRecord,
    "WavRecord" => t::WavRecord,
    "SeparationRecord" => t::SeparationRecord,
    "MidiRecord" => t::MidiRecord,
    "VideoRecord" => t::VideoRecord,
    "TimestampedLyrics" => t::TimestampedLyrics,
    "BoostStyleResult" => t::BoostStyleResult,
    "Persona" => t::Persona,
    "FileUploadResult" => t::FileUploadResult,
    // callbacks
    "LyricsCallback" => t::LyricsCallback,
    "MusicCallback" => t::MusicCallback,
    "CoverImageCallback" => t::CoverImageCallback,
    "WavCallback" => t::WavCallback,
    "SeparationCallback" => t::SeparationCallback,
    "MidiCallback" => t::MidiCallback,
    "VideoCallback" => t::VideoCallback,
}

/// Every public wire type.
pub fn all() -> &'static [WireType] {
    ALL
}

/// The wire type registered under `name` (exact match).
pub fn wire_type(name: &str) -> Option<&'static WireType> {
    ALL.iter().find(|w| w.name == name)
}
