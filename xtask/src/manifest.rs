//! The fixture manifest: which wire type each documented example and each
//! negative sample must be read as (by its name in the registry of every public
//! wire type, `kie_suno_types::schemas`). Shared by `cargo xtask verify` / `codegen` and by
//! the `#[test]`s in `xtask/tests/it`.

use kie_suno_types::CallbackFamily as F;

/// A documented example: file name (as upstream), wire type, and the callback
/// family when it is a callback body.
#[derive(Debug, Clone, Copy)]
pub struct Fixture {
    /// File name in `fixtures/documented/`.
    pub file: &'static str,
    /// Registry name of its wire type.
    pub ty: &'static str,
    /// The callback family, for callback bodies (also checked with `parse`).
    pub family: Option<F>,
}

const fn fx(file: &'static str, ty: &'static str, family: Option<F>) -> Fixture {
    Fixture { file, ty, family }
}

/// Every documented example taken from `/work/shared/kie-api/examples/` (108).
pub const DOCUMENTED: &[Fixture] = &[
    fx(
        "add-instrumental-callback.complete.json",
        "MusicCallback",
        Some(F::Music),
    ),
    fx(
        "add-instrumental-callback.error.json",
        "MusicCallback",
        Some(F::Music),
    ),
    fx(
        "add-instrumental-callback.first.json",
        "MusicCallback",
        Some(F::Music),
    ),
    fx(
        "add-instrumental-callback.text.json",
        "MusicCallback",
        Some(F::Music),
    ),
    fx(
        "add-instrumental.request.json",
        "AddInstrumentalRequest",
        None,
    ),
    fx(
        "add-instrumental.response.json",
        "TaskCreatedResponse",
        None,
    ),
    fx(
        "add-vocals-callback.complete.json",
        "MusicCallback",
        Some(F::Music),
    ),
    fx(
        "add-vocals-callback.error.json",
        "MusicCallback",
        Some(F::Music),
    ),
    fx(
        "add-vocals-callback.first.json",
        "MusicCallback",
        Some(F::Music),
    ),
    fx(
        "add-vocals-callback.text.json",
        "MusicCallback",
        Some(F::Music),
    ),
    fx(
        "add-vocals.request.docs-kie-ai-rendered-with-tags.json",
        "AddVocalsRequest",
        None,
    ),
    fx("add-vocals.request.json", "AddVocalsRequest", None),
    fx("add-vocals.response.json", "TaskCreatedResponse", None),
    fx("boost-style.request.json", "BoostStyleRequest", None),
    fx(
        "boost-style.response.newest-rendered-placeholder.json",
        "BoostStyleResponse",
        None,
    ),
    fx(
        "boost-style.response.schema-placeholder.json",
        "BoostStyleResponse",
        None,
    ),
    fx(
        "cover-image-callback.complete.json",
        "CoverImageCallback",
        Some(F::CoverImage),
    ),
    fx(
        "cover-image-callback.error.json",
        "CoverImageCallback",
        Some(F::CoverImage),
    ),
    fx(
        "cover-image-record-info.response.json",
        "CoverImageRecordResponse",
        None,
    ),
    fx("cover-image.request.json", "CoverImageRequest", None),
    fx("cover-image.response.json", "TaskCreatedResponse", None),
    fx("credits.response.json", "CreditsResponse", None),
    fx("download-url.request.json", "DownloadUrlRequest", None),
    fx(
        "download-url.request.openapi.jsonc",
        "DownloadUrlRequest",
        None,
    ),
    fx("download-url.response.json", "DownloadUrlResponse", None),
    fx(
        "error-401.missing-or-bad-auth-headers.json",
        "TaskCreatedResponse",
        None,
    ),
    fx("error-500.request-failed.json", "TaskCreatedResponse", None),
    fx(
        "file-upload-base64.request.data-url.json",
        "FileUploadBase64Request",
        None,
    ),
    fx(
        "file-upload-base64.request.pure-base64.json",
        "FileUploadBase64Request",
        None,
    ),
    fx(
        "file-upload-url.request.document.json",
        "FileUploadUrlRequest",
        None,
    ),
    fx(
        "file-upload-url.request.image.json",
        "FileUploadUrlRequest",
        None,
    ),
    fx(
        "file-upload.error-400.invalid-format.json",
        "FileUploadResponse",
        None,
    ),
    fx(
        "file-upload.error-400.missing-parameter.json",
        "FileUploadResponse",
        None,
    ),
    fx("file-upload.error-401.json", "FileUploadResponse", None),
    fx("file-upload.error-500.json", "FileUploadResponse", None),
    fx("file-upload.response.json", "FileUploadResponse", None),
    fx(
        "file-upload.response.quickstart-variant.json",
        "FileUploadResponse",
        None,
    ),
    fx(
        "lyrics-callback.failure.json",
        "LyricsCallback",
        Some(F::Lyrics),
    ),
    fx(
        "lyrics-callback.success.cn-page.json",
        "LyricsCallback",
        Some(F::Lyrics),
    ),
    fx(
        "lyrics-callback.success.json",
        "LyricsCallback",
        Some(F::Lyrics),
    ),
    fx(
        "lyrics-callback.success.openapi-embedded.json",
        "LyricsCallback",
        Some(F::Lyrics),
    ),
    fx(
        "lyrics-generate.request.json",
        "GenerateLyricsRequest",
        None,
    ),
    fx("lyrics-generate.response.json", "TaskCreatedResponse", None),
    fx(
        "lyrics-record-info.success.apidog-rendered.json",
        "LyricsRecordResponse",
        None,
    ),
    fx(
        "lyrics-record-info.success.json",
        "LyricsRecordResponse",
        None,
    ),
    fx(
        "lyrics-record-info.success.mintlify-lyricsData.json",
        "LyricsRecordResponse",
        None,
    ),
    fx("mashup.request.json", "MashupRequest", None),
    fx("midi-callback.complete.json", "MidiCallback", Some(F::Midi)),
    fx("midi-callback.error.json", "MidiCallback", Some(F::Midi)),
    fx("midi-record-info.response.json", "MidiRecordResponse", None),
    fx("midi.request.json", "MidiRequest", None),
    fx("midi.response.json", "TaskCreatedResponse", None),
    fx(
        "music-callback.complete.json",
        "MusicCallback",
        Some(F::Music),
    ),
    fx(
        "music-callback.complete.newest-rendered.json",
        "MusicCallback",
        Some(F::Music),
    ),
    fx(
        "music-callback.complete.openapi-example.json",
        "MusicCallback",
        Some(F::Music),
    ),
    fx("music-callback.error.json", "MusicCallback", Some(F::Music)),
    fx(
        "music-extend-callback.complete.json",
        "MusicCallback",
        Some(F::Music),
    ),
    fx(
        "music-extend-callback.error.json",
        "MusicCallback",
        Some(F::Music),
    ),
    fx(
        "music-extend-callback.first.json",
        "MusicCallback",
        Some(F::Music),
    ),
    fx(
        "music-extend-callback.text.json",
        "MusicCallback",
        Some(F::Music),
    ),
    fx("music-extend.request.json", "ExtendMusicRequest", None),
    fx(
        "music-extend.response.schema-derived.json",
        "TaskCreatedResponse",
        None,
    ),
    fx("music-generate.request.json", "GenerateMusicRequest", None),
    fx(
        "music-generate.request.newest-rendered.json",
        "GenerateMusicRequest",
        None,
    ),
    fx(
        "music-generate.response.error-500.json",
        "TaskCreatedResponse",
        None,
    ),
    fx("music-generate.response.json", "TaskCreatedResponse", None),
    fx(
        "music-record-info.response.json",
        "MusicRecordResponse",
        None,
    ),
    fx("persona.request.json", "PersonaRequest", None),
    fx(
        "persona.request.parameter-example.json",
        "PersonaRequest",
        None,
    ),
    fx("persona.response.json", "PersonaResponse", None),
    fx(
        "replace-section-callback.complete.json",
        "MusicCallback",
        Some(F::ReplaceSection),
    ),
    fx(
        "replace-section-callback.error.json",
        "MusicCallback",
        Some(F::ReplaceSection),
    ),
    fx(
        "replace-section.request.json",
        "ReplaceSectionRequest",
        None,
    ),
    fx("replace-section.response.json", "TaskCreatedResponse", None),
    fx(
        "separation-callback.separate_vocal.complete.json",
        "SeparationCallback",
        Some(F::Separation),
    ),
    fx(
        "separation-callback.separate_vocal.error.json",
        "SeparationCallback",
        Some(F::Separation),
    ),
    fx(
        "separation-callback.split_stem.complete.json",
        "SeparationCallback",
        Some(F::Separation),
    ),
    fx(
        "separation-callback.split_stem.error.json",
        "SeparationCallback",
        Some(F::Separation),
    ),
    fx(
        "separation-record-info.separate_vocal.response.json",
        "SeparationRecordResponse",
        None,
    ),
    fx(
        "separation-record-info.split_stem.response.json",
        "SeparationRecordResponse",
        None,
    ),
    fx("separation.request.json", "SeparationRequest", None),
    fx("separation.response.json", "TaskCreatedResponse", None),
    fx(
        "timestamped-lyrics.request.json",
        "TimestampedLyricsRequest",
        None,
    ),
    fx(
        "timestamped-lyrics.response.json",
        "TimestampedLyricsResponse",
        None,
    ),
    fx(
        "upload-cover-callback.complete.json",
        "MusicCallback",
        Some(F::Music),
    ),
    fx(
        "upload-cover-callback.error.json",
        "MusicCallback",
        Some(F::Music),
    ),
    fx(
        "upload-cover-callback.first.json",
        "MusicCallback",
        Some(F::Music),
    ),
    fx(
        "upload-cover-callback.text.json",
        "MusicCallback",
        Some(F::Music),
    ),
    fx("upload-cover.request.json", "UploadCoverRequest", None),
    fx(
        "upload-cover.request.newest-rendered.json",
        "UploadCoverRequest",
        None,
    ),
    fx("upload-cover.response.json", "TaskCreatedResponse", None),
    fx(
        "upload-extend-callback.complete.json",
        "MusicCallback",
        Some(F::Music),
    ),
    fx(
        "upload-extend-callback.error.json",
        "MusicCallback",
        Some(F::Music),
    ),
    fx(
        "upload-extend-callback.first.json",
        "MusicCallback",
        Some(F::Music),
    ),
    fx(
        "upload-extend-callback.text.json",
        "MusicCallback",
        Some(F::Music),
    ),
    fx("upload-extend.request.json", "UploadExtendRequest", None),
    fx(
        "video-callback.complete.json",
        "VideoCallback",
        Some(F::Video),
    ),
    fx("video-callback.error.json", "VideoCallback", Some(F::Video)),
    fx(
        "video-record-info.response.json",
        "VideoRecordResponse",
        None,
    ),
    fx("video.request.json", "MusicVideoRequest", None),
    fx(
        "video.response.placeholder.json",
        "TaskCreatedResponse",
        None,
    ),
    fx("wav-callback.complete.json", "WavCallback", Some(F::Wav)),
    fx("wav-callback.error.json", "WavCallback", Some(F::Wav)),
    fx("wav-convert.request.json", "WavRequest", None),
    fx("wav-convert.response.json", "TaskCreatedResponse", None),
    fx(
        "wav-record-info.response.docs-kie-ai-rendered-older.json",
        "WavRecordResponse",
        None,
    ),
    fx("wav-record-info.response.json", "WavRecordResponse", None),
    fx(
        "webhook-signed-callback.example.http",
        "MusicCallback",
        Some(F::Music),
    ),
];

/// What the JSON Schema of a negative sample's type can say about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaVerdict {
    /// The schema rejects it too.
    Rejects,
    /// The schema cannot express the rule; the reason is recorded. Verify checks
    /// the schema indeed accepts the sample, so this list stays honest.
    CannotExpress(&'static str),
    /// The sample is not JSON, so no schema applies.
    NotJson,
}

/// A hand-written invalid sample: file, the type it must be rejected as, the
/// callback family when it is a callback body, and the schema's verdict.
#[derive(Debug, Clone, Copy)]
pub struct Negative {
    /// File name in `fixtures/negative/`.
    pub file: &'static str,
    /// Registry name of the type that must reject it.
    pub ty: &'static str,
    /// The callback family, for callback bodies (`parse` must reject it too).
    pub family: Option<F>,
    /// What the schema says.
    pub schema: SchemaVerdict,
    /// A fragment the serde error must contain: the sample is rejected for the
    /// reason it was written for (naming the field and the limit), not by accident.
    pub reason: &'static str,
}

const fn neg(
    file: &'static str,
    ty: &'static str,
    family: Option<F>,
    schema: SchemaVerdict,
    reason: &'static str,
) -> Negative {
    Negative {
        file,
        ty,
        family,
        schema,
        reason,
    }
}

use SchemaVerdict::{CannotExpress, NotJson, Rejects};

const CONDITIONAL: &str =
    "a field required only under another field's value (customMode / defaultParamFlag / type)";
const PER_MODEL: &str = "a length limit that depends on the value of `model`";
const DIFFERENCE: &str = "a rule on the difference of two numbers";
const OPEN_MODEL: &str = "the model enum is open (any string is a model); the subset an endpoint accepts is that endpoint's rule";

/// The hand-written invalid samples.
pub const NEGATIVE: &[Negative] = &[
    neg(
        "GenerateMusicRequest--custom-mode-without-style.json",
        "GenerateMusicRequest",
        None,
        CannotExpress(CONDITIONAL),
        "style is required when customMode is true",
    ),
    neg(
        "GenerateMusicRequest--v4-prompt-3001-chars.json",
        "GenerateMusicRequest",
        None,
        CannotExpress(PER_MODEL),
        "the limit is 3000 (model V4)",
    ),
    neg(
        "GenerateMusicRequest--style-weight-above-1.json",
        "GenerateMusicRequest",
        None,
        Rejects,
        "styleWeight must be between 0 and 1",
    ),
    neg(
        "GenerateMusicRequest--callback-url-not-http.json",
        "GenerateMusicRequest",
        None,
        Rejects,
        "callBackUrl must be an absolute http or https url",
    ),
    neg(
        "GenerateMusicRequest--custom-mode-is-a-string.json",
        "GenerateMusicRequest",
        None,
        Rejects,
        "expected a boolean",
    ),
    neg(
        "GenerateMusicRequest--missing-model.json",
        "GenerateMusicRequest",
        None,
        Rejects,
        "missing field `model`",
    ),
    neg(
        "GenerateMusicRequest--model-is-a-number.json",
        "GenerateMusicRequest",
        None,
        Rejects,
        "invalid type: integer `5`, expected a string",
    ),
    neg(
        "GenerateMusicRequest--truncated.json",
        "GenerateMusicRequest",
        None,
        NotJson,
        "EOF while parsing",
    ),
    neg(
        "GenerateLyricsRequest--prompt-201-chars.json",
        "GenerateLyricsRequest",
        None,
        Rejects,
        "prompt is too long: 201 characters, the limit is 200",
    ),
    neg(
        "GenerateLyricsRequest--missing-callback-url.json",
        "GenerateLyricsRequest",
        None,
        Rejects,
        "missing field `callBackUrl`",
    ),
    neg(
        "ExtendMusicRequest--custom-without-continue-at.json",
        "ExtendMusicRequest",
        None,
        CannotExpress(CONDITIONAL),
        "continueAt is required when defaultParamFlag is true",
    ),
    neg(
        "AddInstrumentalRequest--model-v4-not-accepted.json",
        "AddInstrumentalRequest",
        None,
        CannotExpress(OPEN_MODEL),
        "model is not allowed: V4",
    ),
    neg(
        "MashupRequest--three-urls.json",
        "MashupRequest",
        None,
        Rejects,
        "exactly 2 urls are required, got 3",
    ),
    neg(
        "ReplaceSectionRequest--section-5-seconds.json",
        "ReplaceSectionRequest",
        None,
        CannotExpress(DIFFERENCE),
        "infillEndS - infillStartS must be between 10 and 60",
    ),
    neg(
        "PersonaRequest--vocal-window-5-seconds.json",
        "PersonaRequest",
        None,
        CannotExpress(DIFFERENCE),
        "vocalEnd - vocalStart must be between 10 and 30",
    ),
    neg(
        "MusicVideoRequest--author-51-chars.json",
        "MusicVideoRequest",
        None,
        Rejects,
        "author is too long: 51 characters, the limit is 50",
    ),
    neg(
        "FileUploadUrlRequest--upload-path-leading-slash.json",
        "FileUploadUrlRequest",
        None,
        Rejects,
        "uploadPath is not allowed",
    ),
    neg(
        "SeparationRequest--split-stem-advanced-without-stem-name.json",
        "SeparationRequest",
        None,
        CannotExpress(CONDITIONAL),
        "stemName is required when type is split_stem_advanced",
    ),
    neg(
        "MusicCallback--missing-task-id.json",
        "MusicCallback",
        Some(F::Music),
        Rejects,
        "missing field `task_id`",
    ),
    neg(
        "MusicCallback--truncated.json",
        "MusicCallback",
        Some(F::Music),
        NotJson,
        "EOF while parsing",
    ),
    neg(
        "LyricsCallback--data-is-a-string.json",
        "LyricsCallback",
        Some(F::Lyrics),
        Rejects,
        "expected struct LyricsCallbackData",
    ),
    neg(
        "MidiCallback--no-task-id-anywhere.json",
        "MidiCallback",
        Some(F::Midi),
        Rejects,
        "missing field `taskId`",
    ),
    neg(
        "WavCallback--task-id-is-a-number.json",
        "WavCallback",
        Some(F::Wav),
        Rejects,
        "invalid type: integer `988`, expected a string",
    ),
    neg(
        "MusicRecordResponse--status-is-a-number.json",
        "MusicRecordResponse",
        None,
        Rejects,
        "invalid type: integer `3`, expected a string",
    ),
    neg(
        "TaskCreatedResponse--code-is-a-bool.json",
        "TaskCreatedResponse",
        None,
        Rejects,
        "expected an integer code",
    ),
];

/// The registry of every public wire type lives in `kie_suno_types::schemas`
/// (the CLI's `kie-suno schema` uses it too); re-exported here under the names
/// the checks use.
pub use kie_suno_types::schemas::{wire_type, Decoded, WireType, ALL as TYPES};
