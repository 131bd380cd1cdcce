#![doc = include_str!("../README.md")]

mod macros;

mod callback;
mod common;
mod envelope;
mod error;
mod ids;
mod lenient;
mod lyrics;
mod music;
mod status;
mod url;

pub use callback::{
    callback_key, parse, Callback, CallbackFamily, CallbackKey, KeyError, ParseError,
};
pub use common::{Credits, DownloadUrl, DownloadUrlRequest};
pub use envelope::{ApiCode, ApiResponse, CodeMeaning, Endpoint, Host, Method, TaskCreated};
pub use error::ValidationError;
pub use ids::{AudioId, PersonaId, TaskId};
pub use lenient::{opt_int_or_string, KieTime, LenientNumber, RawParam};
pub use lyrics::{
    CallbackType, GenerateLyricsRequest, LyricsCallback, LyricsCallbackData, LyricsCallbackItem,
    LyricsItemStatus, LyricsPrompt, LyricsRecord, LyricsResponse, LyricsVariation,
    LYRICS_PROMPT_MAX_CHARS,
};
pub use music::{
    AddInstrumentalRequest, AddVocalsRequest, CallbackTrack, ExtendMusicRequest,
    GenerateMusicRequest, MashupRequest, Model, MusicCallback, MusicCallbackData, MusicRecord,
    MusicResponse, MusicTrack, OperationType, PersonaModel, ReplaceSectionRequest,
    UploadCoverRequest, UploadExtendRequest, VocalGender, GENERATE_TITLE_MAX_CHARS,
    OVERLAY_NEGATIVE_TAGS_MAX_CHARS, OVERLAY_TAGS_MAX_CHARS, REPLACE_MAX_SECONDS,
    REPLACE_MIN_SECONDS, SIMPLE_PROMPT_MAX_CHARS, SIMPLE_UPLOAD_PROMPT_MAX_CHARS,
};
pub use status::{LyricsStatus, MusicStatus, TaskState};
pub use url::{CallbackUrl, HttpUrl};
