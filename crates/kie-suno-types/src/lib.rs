//! Wire types of the KIE.AI Suno API (the crate docs are the README below).
#![doc = include_str!("../README.md")]

mod macros;
mod request;

mod callback;
mod common;
mod cover_image;
mod envelope;
mod error;
mod extras;
#[cfg(feature = "fixtures")]
pub mod fixtures;
mod ids;
mod lenient;
mod lyrics;
mod midi;
mod music;
#[cfg(feature = "schemars")]
pub mod schemas;
mod separation;
#[cfg(feature = "signature")]
pub mod signature;
mod sounds;
mod status;
mod stem;
mod time;
mod unknown;
mod upload;
mod url;
mod video;
mod wav;

pub use callback::{
    callback_key, parse, Callback, CallbackFamily, CallbackKey, KeyError, ParseError,
};
pub use common::{Credits, DownloadUrl, DownloadUrlRequest, DownloadUrlRequestBuilder};
pub use cover_image::{
    CoverImageCallback, CoverImageCallbackData, CoverImageRecord, CoverImageRequest,
    CoverImageRequestBuilder, CoverImageResponse,
};
pub use envelope::{ApiCode, ApiResponse, CodeMeaning, Endpoint, Host, Method, TaskCreated};
pub use error::ValidationError;
pub use extras::{
    AlignedWord, BoostStyleRequest, BoostStyleRequestBuilder, BoostStyleResult, Persona,
    PersonaRequest, PersonaRequestBuilder, TimestampedLyrics, TimestampedLyricsRequest,
    TimestampedLyricsRequestBuilder, PERSONA_WINDOW_SECONDS,
};
pub use ids::{AudioId, PersonaId, TaskId};
pub use lenient::{opt_int_or_string, KieTime, LenientNumber, RawParam};
pub use lyrics::{
    CallbackType, GenerateLyricsRequest, GenerateLyricsRequestBuilder, LyricsCallback,
    LyricsCallbackData, LyricsCallbackItem, LyricsItemStatus, LyricsPrompt, LyricsRecord,
    LyricsResponse, LyricsVariation, LYRICS_PROMPT_MAX_CHARS,
};
pub use midi::{
    MidiCallback, MidiCallbackData, MidiData, MidiInstrument, MidiNote, MidiRecord, MidiRequest,
    MidiRequestBuilder,
};
pub use music::{
    AddInstrumentalRequest, AddInstrumentalRequestBuilder, AddVocalsRequest,
    AddVocalsRequestBuilder, CallbackTrack, ExtendMusicRequest, ExtendMusicRequestBuilder,
    GenerateMusicRequest, GenerateMusicRequestBuilder, MashupRequest, MashupRequestBuilder, Model,
    MusicCallback, MusicCallbackData, MusicRecord, MusicResponse, MusicTrack, OperationType,
    PersonaModel, ReplaceSectionRequest, ReplaceSectionRequestBuilder, UploadCoverRequest,
    UploadCoverRequestBuilder, UploadExtendRequest, UploadExtendRequestBuilder, VocalGender,
    GENERATE_TITLE_MAX_CHARS, OVERLAY_NEGATIVE_TAGS_MAX_CHARS, OVERLAY_TAGS_MAX_CHARS,
    REPLACE_MAX_TRACK_SHARE, REPLACE_MIN_SECONDS, SIMPLE_PROMPT_MAX_CHARS,
    SIMPLE_UPLOAD_PROMPT_MAX_CHARS,
};
pub use separation::{
    SeparationCallback, SeparationCallbackData, SeparationInfo, SeparationRecord,
    SeparationRequest, SeparationRequestBuilder, SeparationResponse, SeparationType, StemTrack,
};
pub use sounds::{
    GenerateSoundsRequest, GenerateSoundsRequestBuilder, SoundKey, SOUNDS_PROMPT_MAX_CHARS,
    SOUND_TEMPO_MAX, SOUND_TEMPO_MIN,
};
pub use status::{
    BoostStatus, CoverImageStatus, CoverImageStatusName, LyricsStatus, MidiStatus, MusicStatus,
    SeparationStatus, TaskState, VideoStatus, WavStatus,
};
pub use stem::StemName;
pub use unknown::{UnknownInt, UnknownValue};
pub use upload::{
    FileUploadBase64Request, FileUploadBase64RequestBuilder, FileUploadResponse, FileUploadResult,
    FileUploadUrlRequest, FileUploadUrlRequestBuilder, UploadPath,
};
pub use url::{CallbackUrl, HttpUrl};
pub use video::{
    MusicVideoRequest, MusicVideoRequestBuilder, VideoCallback, VideoCallbackData, VideoRecord,
    VideoResponse, VIDEO_TEXT_MAX_CHARS,
};
pub use wav::{
    WavCallback, WavCallbackData, WavRecord, WavRequest, WavRequestBuilder, WavResponse,
};
