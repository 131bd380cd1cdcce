//! File upload (note 07), on its own host: base64, URL and stream (multipart)
//! uploads, and their own envelope with a `success` flag.
//!
//! Contradictions settled here: the endpoint pages and the quickstart show two
//! different `data` shapes (`filePath`/`uploadedAt` vs
//! `fileId`/`fileUrl`/`uploadTime`/`expiresAt`): [`FileUploadResult`] carries the
//! union, all optional. The schema types `code` as `object` (an export artifact):
//! it is read as the usual integer [`ApiCode`]. Error bodies have no `data`.
//! Live stream-upload bodies repeat `success: true` inside `data`, which no docs
//! page shows: [`FileUploadResult::success`] keeps it.

use serde::{Deserialize, Serialize};

use crate::error::check_required;
use crate::request::{validated_request, FromRaw};
use crate::{ApiCode, HttpUrl, KieTime, ValidationError};

/// An upload folder: not blank, no leading or trailing `/`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UploadPath(String);

impl UploadPath {
    /// Validates a path such as `images/user-uploads`.
    pub fn new(path: impl Into<String>) -> Result<Self, ValidationError> {
        <Self as FromRaw<String>>::from_raw("uploadPath", path.into())
    }

    /// The path.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromRaw<String> for UploadPath {
    fn from_raw(field: &'static str, path: String) -> Result<Self, ValidationError> {
        check_required(field, &path)?;
        if path.starts_with('/') || path.ends_with('/') {
            return Err(ValidationError::NotAllowed {
                field,
                reason: "must not start or end with a slash".into(),
            });
        }
        Ok(Self(path))
    }
    fn into_raw(self) -> String {
        self.0
    }
}

impl TryFrom<String> for UploadPath {
    type Error = ValidationError;
    fn try_from(s: String) -> Result<Self, ValidationError> {
        Self::new(s)
    }
}

impl From<UploadPath> for String {
    fn from(p: UploadPath) -> String {
        p.0
    }
}

#[cfg(feature = "schemars")]
impl ::schemars::JsonSchema for UploadPath {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "UploadPath".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "minLength": 1,
            "pattern": "^[^/].*[^/]$|^[^/]$",
            "description": "An upload folder without leading or trailing slashes"
        })
    }
}

validated_request! {
    /// `POST /api/file-base64-upload` body (small files; files expire after 3 days).
    pub struct FileUploadBase64Request with FileUploadBase64RequestBuilder via FileUploadBase64Wire {
        /// Pure Base64 or a `data:<mime>;base64,` URL.
        text base64_data: String => with_base64_data,
        /// The folder.
        req upload_path: UploadPath as String = "uploadPath" => with_upload_path,
        /// The file name. Default: random (same name overwrites).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt_text file_name: String => with_file_name,
    }
}

impl FileUploadBase64Request {
    /// A builder with the required fields; the optional ones unset. Text
    /// fields and URLs are checked by `build()`.
    pub fn builder(
        base64_data: impl Into<String>,
        upload_path: impl Into<String>,
    ) -> FileUploadBase64RequestBuilder {
        FileUploadBase64RequestBuilder {
            base64_data: base64_data.into(),
            upload_path: upload_path.into(),
            file_name: None,
        }
    }

    /// Builds and validates the request: `builder(...).build()`.
    pub fn new(
        base64_data: impl Into<String>,
        upload_path: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        Self::builder(base64_data, upload_path).build()
    }

    /// Every documented rule between fields; `build()` calls it.
    fn check(&self) -> Result<(), ValidationError> {
        check_required("base64Data", &self.base64_data)
    }
}

validated_request! {
    /// `POST /api/file-url-upload` body: fetch a public URL (30 s timeout).
    pub struct FileUploadUrlRequest with FileUploadUrlRequestBuilder via FileUploadUrlWire {
        /// The public file URL.
        req file_url: HttpUrl as String = "fileUrl" => with_file_url,
        /// The folder.
        req upload_path: UploadPath as String = "uploadPath" => with_upload_path,
        /// The file name. Default: random.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opt_text file_name: String => with_file_name,
    }
}

impl FileUploadUrlRequest {
    /// A builder with the required fields; the optional ones unset. Text
    /// fields and URLs are checked by `build()`.
    pub fn builder(
        file_url: impl Into<String>,
        upload_path: impl Into<String>,
    ) -> FileUploadUrlRequestBuilder {
        FileUploadUrlRequestBuilder {
            file_url: file_url.into(),
            upload_path: upload_path.into(),
            file_name: None,
        }
    }

    /// Builds and validates the request: `builder(...).build()`.
    pub fn new(
        file_url: impl Into<String>,
        upload_path: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        Self::builder(file_url, upload_path).build()
    }

    /// Every documented rule between fields; `build()` calls it.
    fn check(&self) -> Result<(), ValidationError> {
        Ok(())
    }
}

/// `data` of an upload response: the union of the endpoint pages' and the
/// quickstart's shapes.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FileUploadResult {
    /// `true` on success, inside `data` too: live stream-upload bodies carry it,
    /// no docs page shows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success: Option<bool>,
    /// Stored file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// Path inside the store (endpoint pages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_path: Option<String>,
    /// Download URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download_url: Option<String>,
    /// Size in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_size: Option<u64>,
    /// MIME type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// Upload time (endpoint pages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uploaded_at: Option<KieTime>,
    /// File id (quickstart).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_id: Option<String>,
    /// Original name (quickstart).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_name: Option<String>,
    /// Folder (quickstart).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload_path: Option<String>,
    /// File URL (quickstart).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_url: Option<String>,
    /// Upload time (quickstart).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload_time: Option<KieTime>,
    /// Expiry (quickstart).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<KieTime>,
}

impl FileUploadResult {
    /// The URL to use as an input URL elsewhere: `downloadUrl`, else `fileUrl`.
    pub fn url(&self) -> Option<&str> {
        self.download_url.as_deref().or(self.file_url.as_deref())
    }
}

/// The upload host's envelope: `{success, code, msg, data}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[non_exhaustive]
pub struct FileUploadResponse {
    /// `true` on success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success: Option<bool>,
    /// 200, 400, 401, 405 (method not allowed), 500.
    pub code: ApiCode,
    /// A message.
    #[serde(default)]
    pub msg: String,
    /// The file; absent on errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<FileUploadResult>,
}

impl FileUploadResponse {
    /// A success envelope.
    pub fn success(data: FileUploadResult) -> Self {
        Self {
            success: Some(true),
            code: ApiCode::Success,
            msg: "File uploaded successfully".to_owned(),
            data: Some(data),
        }
    }

    /// An error envelope.
    pub fn error(code: ApiCode, msg: impl Into<String>) -> Self {
        Self {
            success: Some(false),
            code,
            msg: msg.into(),
            data: None,
        }
    }

    /// Success: `code == 200` and `success` not false.
    pub fn is_success(&self) -> bool {
        self.code == ApiCode::Success && self.success != Some(false)
    }
}
