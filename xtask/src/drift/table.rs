//! Which of our schemas (`docs/schemas/<name>.json`) stands for each documented
//! operation's request body, 200 response and callback body. One row per endpoint
//! of `00-endpoint-index.md`; an operation of the export without a row, or a row
//! without an operation, is itself a difference.

/// One endpoint and our wire types for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mapping {
    /// `GET` / `POST`.
    pub method: &'static str,
    /// The documented path.
    pub path: &'static str,
    /// The schema of the JSON request body (`None`: no JSON body, e.g. a query
    /// parameter or a multipart upload).
    pub request: Option<&'static str>,
    /// The schema of the 200 response (the `{code, msg, data}` envelope).
    pub response: Option<&'static str>,
    /// The schema of the callback body.
    pub callback: Option<&'static str>,
}

const fn row(
    method: &'static str,
    path: &'static str,
    request: Option<&'static str>,
    response: &'static str,
    callback: Option<&'static str>,
) -> Mapping {
    Mapping {
        method,
        path,
        request,
        response: Some(response),
        callback,
    }
}

const CREATED: &str = "TaskCreatedResponse";
const MUSIC_CB: Option<&str> = Some("MusicCallback");

/// Every endpoint we model.
#[rustfmt::skip]
pub const TABLE: &[Mapping] = &[
    // lyrics
    row("POST", "/api/v1/lyrics", Some("GenerateLyricsRequest"), CREATED, Some("LyricsCallback")),
    row("GET", "/api/v1/lyrics/record-info", None, "LyricsRecordResponse", None),
    // music
    row("POST", "/api/v1/generate", Some("GenerateMusicRequest"), CREATED, MUSIC_CB),
    row("POST", "/api/v1/generate/extend", Some("ExtendMusicRequest"), CREATED, MUSIC_CB),
    row("POST", "/api/v1/generate/upload-cover", Some("UploadCoverRequest"), CREATED, MUSIC_CB),
    row("POST", "/api/v1/generate/upload-extend", Some("UploadExtendRequest"), CREATED, MUSIC_CB),
    row("POST", "/api/v1/generate/add-instrumental", Some("AddInstrumentalRequest"), CREATED, MUSIC_CB),
    row("POST", "/api/v1/generate/add-vocals", Some("AddVocalsRequest"), CREATED, MUSIC_CB),
    row("POST", "/api/v1/generate/mashup", Some("MashupRequest"), CREATED, MUSIC_CB),
    row("POST", "/api/v1/generate/replace-section", Some("ReplaceSectionRequest"), CREATED, MUSIC_CB),
    row("GET", "/api/v1/generate/record-info", None, "MusicRecordResponse", None),
    row("POST", "/api/v1/generate/sounds", Some("GenerateSoundsRequest"), CREATED, None),
    // sync tools
    row("POST", "/api/v1/generate/get-timestamped-lyrics", Some("TimestampedLyricsRequest"), "TimestampedLyricsResponse", None),
    row("POST", "/api/v1/style/generate", Some("BoostStyleRequest"), "BoostStyleResponse", None),
    row("POST", "/api/v1/generate/generate-persona", Some("PersonaRequest"), "PersonaResponse", None),
    // media families
    row("POST", "/api/v1/suno/cover/generate", Some("CoverImageRequest"), CREATED, Some("CoverImageCallback")),
    row("GET", "/api/v1/suno/cover/record-info", None, "CoverImageRecordResponse", None),
    row("POST", "/api/v1/wav/generate", Some("WavRequest"), CREATED, Some("WavCallback")),
    row("GET", "/api/v1/wav/record-info", None, "WavRecordResponse", None),
    row("POST", "/api/v1/vocal-removal/generate", Some("SeparationRequest"), CREATED, Some("SeparationCallback")),
    row("GET", "/api/v1/vocal-removal/record-info", None, "SeparationRecordResponse", None),
    row("POST", "/api/v1/midi/generate", Some("MidiRequest"), CREATED, Some("MidiCallback")),
    row("GET", "/api/v1/midi/record-info", None, "MidiRecordResponse", None),
    row("POST", "/api/v1/mp4/generate", Some("MusicVideoRequest"), CREATED, Some("VideoCallback")),
    row("GET", "/api/v1/mp4/record-info", None, "VideoRecordResponse", None),
    // common API and file upload
    row("GET", "/api/v1/chat/credit", None, "CreditsResponse", None),
    row("POST", "/api/v1/common/download-url", Some("DownloadUrlRequest"), "DownloadUrlResponse", None),
    row("POST", "/api/file-base64-upload", Some("FileUploadBase64Request"), "FileUploadResponse", None),
    row("POST", "/api/file-url-upload", Some("FileUploadUrlRequest"), "FileUploadResponse", None),
    row("POST", "/api/file-stream-upload", None, "FileUploadResponse", None),
];

/// The row of `method path`.
pub fn lookup<'a>(table: &'a [Mapping], method: &str, path: &str) -> Option<&'a Mapping> {
    table
        .iter()
        .find(|m| m.method.eq_ignore_ascii_case(method) && m.path == path)
}
