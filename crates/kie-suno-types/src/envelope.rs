//! The `{code, msg, data}` envelope, the envelope-code enum, the endpoint table, and
//! what each code means on each endpoint.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The envelope every KIE response and callback uses: `{ code, msg, data }`.
///
/// Success is `code == 200`; `data` is `null` (or absent) on errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[non_exhaustive]
pub struct ApiResponse<T> {
    /// The envelope code (not the HTTP status).
    pub code: ApiCode,
    /// A human-readable message; varies, do not match on it.
    #[serde(default)]
    pub msg: String,
    /// The payload; `None` when null or absent. (No `#[serde(default)]`: a
    /// missing `Option` field is already `None`, and the attribute would add a
    /// `T: Default` bound.)
    pub data: Option<T>,
}

impl<T> ApiResponse<T> {
    /// Builds an envelope.
    pub fn new(code: ApiCode, msg: impl Into<String>, data: Option<T>) -> Self {
        Self {
            code,
            msg: msg.into(),
            data,
        }
    }

    /// A `200 success` envelope around `data`.
    pub fn success(data: T) -> Self {
        Self::new(ApiCode::Success, "success", Some(data))
    }

    /// Whether `code == 200`.
    pub fn is_success(&self) -> bool {
        self.code == ApiCode::Success
    }
}

macro_rules! api_codes {
    ($( $(#[$vmeta:meta])* $variant:ident = $value:literal ),* $(,)?) => {
        /// An envelope `code`. Open: an unseen code is kept in `Unknown`.
        ///
        /// Names follow the generic table; what a code *means* depends on the endpoint
        /// (the lyrics endpoint uses 405 for rate limiting and 429 for insufficient
        /// credits): see [`ApiCode::meaning`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ApiCode {
            $( $(#[$vmeta])* $variant, )*
            /// A code this version does not know, kept verbatim. Sealed: only
            /// parsing builds it, so `from_i64(200)` is always `Success`.
            Unknown($crate::UnknownInt),
        }

        impl ApiCode {
            /// Every code this version knows.
            pub const KNOWN: &'static [i64] = &[$($value),*];

            /// The numeric code.
            pub fn as_i64(self) -> i64 {
                match self {
                    $( Self::$variant => $value, )*
                    Self::Unknown(c) => c.as_i64(),
                }
            }

            /// The code for a number; never fails.
            pub fn from_i64(code: i64) -> Self {
                match code {
                    $( $value => Self::$variant, )*
                    other => Self::Unknown($crate::UnknownInt::new(other)),
                }
            }
        }
    };
}

api_codes! {
    /// 200: success.
    Success = 200,
    /// 400: bad request, or content rejected (lyrics: "flagged for moderation").
    BadRequest = 400,
    /// 401: missing or invalid API key.
    Unauthorized = 401,
    /// 402: insufficient credits (generic table).
    InsufficientCredits = 402,
    /// 404: not found.
    NotFound = 404,
    /// 405: rate limited on the lyrics endpoint; method not allowed on file upload.
    Code405 = 405,
    /// 408: upstream timeout.
    Timeout = 408,
    /// 409: conflict (WAV record already exists).
    Conflict = 409,
    /// 413: prompt too long (lyrics) or uploaded audio matches an existing work.
    Code413 = 413,
    /// 422: validation error.
    ValidationError = 422,
    /// 429: rate limited (generic table); insufficient credits on the lyrics endpoint.
    Code429 = 429,
    /// 430: call frequency too high.
    CallFrequencyTooHigh = 430,
    /// 433: sub-key usage exceeds its limit.
    SubKeyLimit = 433,
    /// 451: failed to fetch the input (access limits), treated as content rejected.
    Code451 = 451,
    /// 455: maintenance.
    Maintenance = 455,
    /// 500: server error.
    ServerError = 500,
    /// 501: generation failed.
    GenerationFailed = 501,
    /// 505: feature disabled.
    FeatureDisabled = 505,
    /// 531: generation failed, credits refunded.
    GenerationFailedRefunded = 531,
}

impl ApiCode {
    /// What this code means on `endpoint`, per the endpoint's documented table.
    pub fn meaning(self, endpoint: Endpoint) -> CodeMeaning {
        use CodeMeaning as M;
        let lyrics_create = endpoint == Endpoint::GenerateLyrics;
        let upload = endpoint.host() == Host::Upload;
        match self.as_i64() {
            200 => M::Success,
            // "If a Cover has already been generated for this music task, a 400
            // status code and existing taskId will be returned."
            400 if endpoint == Endpoint::CoverImage => M::Conflict,
            400 => M::InvalidRequest,
            401 => M::Unauthorized,
            402 => M::InsufficientCredits,
            404 => M::NotFound,
            405 if lyrics_create => M::RateLimited,
            405 if upload => M::MethodNotAllowed,
            405 => M::MethodNotAllowed,
            408 => M::UpstreamTimeout,
            409 => M::Conflict,
            413 if lyrics_create => M::PromptTooLong,
            413 => M::Conflict,
            422 => M::Validation,
            429 if lyrics_create => M::InsufficientCredits,
            429 | 430 => M::RateLimited,
            433 => M::SubKeyLimit,
            451 => M::ContentPolicy,
            455 => M::Maintenance,
            500 | 501 | 505 | 531 => M::Server,
            c if (500..600).contains(&c) => M::Server,
            _ => M::Unknown,
        }
    }
}

impl From<i64> for ApiCode {
    fn from(c: i64) -> Self {
        Self::from_i64(c)
    }
}

impl fmt::Display for ApiCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.as_i64())
    }
}

impl Serialize for ApiCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.as_i64())
    }
}

impl<'de> Deserialize<'de> for ApiCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ApiCode;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer code (or a string of digits)")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ApiCode, E> {
                Ok(ApiCode::from_i64(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ApiCode, E> {
                i64::try_from(v)
                    .map(ApiCode::from_i64)
                    .map_err(|_| E::custom("code out of range"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ApiCode, E> {
                v.trim()
                    .parse::<i64>()
                    .map(ApiCode::from_i64)
                    .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(feature = "schemars")]
impl ::schemars::JsonSchema for ApiCode {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ApiCode".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Envelope code; 200 is success. Open set: unknown codes are kept.",
            "anyOf": [
                { "type": "integer", "examples": ApiCode::KNOWN },
                { "type": "string", "pattern": "^\\s*-?\\d+\\s*$" }
            ]
        })
    }
}

/// What an envelope code means on a given endpoint. Ours, not the wire's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CodeMeaning {
    /// 200.
    Success,
    /// Bad parameters (400).
    InvalidRequest,
    /// Missing or bad API key (401).
    Unauthorized,
    /// Not enough credits (402; 429 on the lyrics endpoint).
    InsufficientCredits,
    /// Not found (404).
    NotFound,
    /// Method not allowed (405 outside the lyrics endpoint).
    MethodNotAllowed,
    /// Rate limited (429, 430; 405 on the lyrics endpoint). The request was refused
    /// and did not enter the queue.
    RateLimited,
    /// The prompt is too long (413 on the lyrics endpoint).
    PromptTooLong,
    /// Conflict (409: the record already exists; 413 outside lyrics: uploaded audio
    /// matches an existing work; 400 on cover images: a cover already exists and
    /// its task id is returned).
    Conflict,
    /// Validation error (422).
    Validation,
    /// Content rejected (451).
    ContentPolicy,
    /// Sub-key usage limit (433).
    SubKeyLimit,
    /// Maintenance (455).
    Maintenance,
    /// Upstream timeout (408).
    UpstreamTimeout,
    /// Server-side failure (500, 501, 505, 531, other 5xx).
    Server,
    /// A code with no documented meaning.
    Unknown,
}

/// Which host an endpoint lives on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Host {
    /// `https://api.kie.ai`.
    Api,
    /// The file-upload host (`https://kieai.redpandaai.co`).
    Upload,
}

/// HTTP method of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
}

macro_rules! endpoints {
    ($( $(#[$vmeta:meta])* $variant:ident => ($method:ident, $host:ident, $path:literal, $creates:literal) ),* $(,)?) => {
        /// Every documented endpoint (00-endpoint-index), with its method, host, path
        /// and whether a call creates a billed task.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Endpoint {
            $( $(#[$vmeta])* $variant, )*
        }

        impl Endpoint {
            /// Every endpoint.
            pub const ALL: &'static [Endpoint] = &[$(Endpoint::$variant),*];

            /// The HTTP method.
            pub fn method(self) -> Method {
                match self { $( Self::$variant => Method::$method, )* }
            }

            /// The host the endpoint lives on.
            pub fn host(self) -> Host {
                match self { $( Self::$variant => Host::$host, )* }
            }

            /// The path, e.g. `/api/v1/lyrics`.
            pub fn path(self) -> &'static str {
                match self { $( Self::$variant => $path, )* }
            }

            /// Whether a call submits work that may bill the account. Such calls
            /// have no idempotency key and must never be blindly retried.
            pub fn creates_task(self) -> bool {
                match self { $( Self::$variant => $creates, )* }
            }

            /// A stable name, e.g. `generate_lyrics`.
            pub fn name(self) -> &'static str {
                match self { $( Self::$variant => stringify!($variant), )* }
            }
        }
    };
}

endpoints! {
    /// `POST /api/v1/lyrics`.
    GenerateLyrics => (Post, Api, "/api/v1/lyrics", true),
    /// `GET /api/v1/lyrics/record-info`.
    LyricsDetails => (Get, Api, "/api/v1/lyrics/record-info", false),
    /// `GET /api/v1/chat/credit`.
    Credits => (Get, Api, "/api/v1/chat/credit", false),
    /// `POST /api/v1/common/download-url`.
    DownloadUrl => (Post, Api, "/api/v1/common/download-url", false),
    /// `POST /api/file-base64-upload` (upload host).
    FileUploadBase64 => (Post, Upload, "/api/file-base64-upload", false),
    /// `POST /api/file-stream-upload` (upload host, multipart).
    FileUploadStream => (Post, Upload, "/api/file-stream-upload", false),
    /// `POST /api/file-url-upload` (upload host).
    FileUploadUrl => (Post, Upload, "/api/file-url-upload", false),
    /// `POST /api/v1/generate`.
    GenerateMusic => (Post, Api, "/api/v1/generate", true),
    /// `POST /api/v1/generate/extend`.
    ExtendMusic => (Post, Api, "/api/v1/generate/extend", true),
    /// `POST /api/v1/generate/upload-cover`.
    UploadCover => (Post, Api, "/api/v1/generate/upload-cover", true),
    /// `POST /api/v1/generate/upload-extend`.
    UploadExtend => (Post, Api, "/api/v1/generate/upload-extend", true),
    /// `POST /api/v1/generate/add-instrumental`.
    AddInstrumental => (Post, Api, "/api/v1/generate/add-instrumental", true),
    /// `POST /api/v1/generate/add-vocals`.
    AddVocals => (Post, Api, "/api/v1/generate/add-vocals", true),
    /// `GET /api/v1/generate/record-info`.
    MusicDetails => (Get, Api, "/api/v1/generate/record-info", false),
    /// `POST /api/v1/generate/get-timestamped-lyrics` (synchronous).
    TimestampedLyrics => (Post, Api, "/api/v1/generate/get-timestamped-lyrics", false),
    /// `POST /api/v1/style/generate` (synchronous, billed).
    BoostStyle => (Post, Api, "/api/v1/style/generate", true),
    /// `POST /api/v1/suno/cover/generate` (cover art images).
    CoverImage => (Post, Api, "/api/v1/suno/cover/generate", true),
    /// `GET /api/v1/suno/cover/record-info`.
    CoverImageDetails => (Get, Api, "/api/v1/suno/cover/record-info", false),
    /// `POST /api/v1/generate/replace-section`.
    ReplaceSection => (Post, Api, "/api/v1/generate/replace-section", true),
    /// `POST /api/v1/generate/mashup`.
    Mashup => (Post, Api, "/api/v1/generate/mashup", true),
    /// `POST /api/v1/generate/generate-persona` (synchronous).
    Persona => (Post, Api, "/api/v1/generate/generate-persona", true),
    /// `POST /api/v1/wav/generate`.
    WavConvert => (Post, Api, "/api/v1/wav/generate", true),
    /// `GET /api/v1/wav/record-info`.
    WavDetails => (Get, Api, "/api/v1/wav/record-info", false),
    /// `POST /api/v1/vocal-removal/generate`.
    VocalSeparation => (Post, Api, "/api/v1/vocal-removal/generate", true),
    /// `GET /api/v1/vocal-removal/record-info`.
    SeparationDetails => (Get, Api, "/api/v1/vocal-removal/record-info", false),
    /// `POST /api/v1/midi/generate`.
    Midi => (Post, Api, "/api/v1/midi/generate", true),
    /// `GET /api/v1/midi/record-info`.
    MidiDetails => (Get, Api, "/api/v1/midi/record-info", false),
    /// `POST /api/v1/mp4/generate`.
    MusicVideo => (Post, Api, "/api/v1/mp4/generate", true),
    /// `GET /api/v1/mp4/record-info`.
    MusicVideoDetails => (Get, Api, "/api/v1/mp4/record-info", false),
    /// `POST /api/v1/generate/sounds` (polled through music record-info).
    GenerateSounds => (Post, Api, "/api/v1/generate/sounds", true),
}

/// The create response of every asynchronous endpoint: `data: { taskId }`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TaskCreated {
    /// The new task's id.
    pub task_id: crate::TaskId,
}

impl TaskCreated {
    /// Builds the payload.
    pub fn new(task_id: crate::TaskId) -> Self {
        Self { task_id }
    }
}
