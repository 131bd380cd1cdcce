//! The documented examples: every file of `/work/shared/kie-api/examples/`, as
//! copied into `crates/kie-suno-types/fixtures/documented/`, with its wire type.

use kie_suno_types::CallbackFamily as F;

use super::{fx, Fixture};

/// Every documented example taken from `/work/shared/kie-api/examples/` (111).
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
    fx("sounds.request.json", "GenerateSoundsRequest", None),
    fx("sounds.response.cn-page.json", "TaskCreatedResponse", None),
    // `code` 422 with `msg` "success": an error envelope, the task id notwithstanding.
    fx("sounds.response.json", "TaskCreatedResponse", None),
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
