//! `client.files()`: the File Upload API on its own host (base64, multipart
//! stream, remote URL), with its request and result types.

use std::borrow::Cow;
use std::path::Path;

use base64::Engine as _;
use bytes::Bytes;
use kie_suno_types::{Endpoint, HttpUrl, KieTime, ValidationError};
use serde::{Deserialize, Serialize};

use crate::client::{Call, Payload};
use crate::{Client, Result};

/// Where an uploaded file goes, e.g. `images/user-uploads`: not blank, without
/// leading or trailing slashes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct UploadPath(String);

impl UploadPath {
    /// Validates an upload path.
    pub fn new(path: impl Into<String>) -> Result<Self, ValidationError> {
        let path = path.into();
        if path.trim().is_empty() {
            return Err(ValidationError::Missing {
                field: "uploadPath",
                when: None,
            });
        }
        if path.starts_with('/') || path.ends_with('/') {
            return Err(ValidationError::NotAllowed {
                field: "uploadPath",
                reason: Cow::Borrowed("no leading or trailing slashes"),
            });
        }
        Ok(Self(path))
    }

    /// The path.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `POST /api/file-base64-upload` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Base64Upload {
    base64_data: String,
    upload_path: UploadPath,
    #[serde(skip_serializing_if = "Option::is_none")]
    file_name: Option<String>,
}

impl Base64Upload {
    /// Uploads already-encoded data: pure base64 or a data URL
    /// (`data:image/png;base64,...`).
    pub fn new(
        base64_data: impl Into<String>,
        upload_path: UploadPath,
    ) -> Result<Self, ValidationError> {
        let base64_data = base64_data.into();
        if base64_data.trim().is_empty() {
            return Err(ValidationError::Missing {
                field: "base64Data",
                when: None,
            });
        }
        Ok(Self {
            base64_data,
            upload_path,
            file_name: None,
        })
    }

    /// Encodes `bytes`, as a data URL when `mime_type` is given.
    pub fn from_bytes(
        bytes: &[u8],
        mime_type: Option<&str>,
        upload_path: UploadPath,
    ) -> Result<Self, ValidationError> {
        let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
        let data = match mime_type {
            Some(m) => format!("data:{m};base64,{encoded}"),
            None => encoded,
        };
        Self::new(data, upload_path)
    }

    /// Names the file (default: a random name; the same name overwrites).
    pub fn with_file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }
}

/// `POST /api/file-url-upload` body: the server downloads `fileUrl` (30 s
/// timeout, 100 MB recommended maximum).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UrlUpload {
    file_url: HttpUrl,
    upload_path: UploadPath,
    #[serde(skip_serializing_if = "Option::is_none")]
    file_name: Option<String>,
}

impl UrlUpload {
    /// Uploads the file at `file_url` (absolute http(s)).
    pub fn new(
        file_url: impl AsRef<str>,
        upload_path: UploadPath,
    ) -> Result<Self, ValidationError> {
        Ok(Self {
            file_url: HttpUrl::parse_field("fileUrl", file_url)?,
            upload_path,
            file_name: None,
        })
    }

    /// Names the file.
    pub fn with_file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }
}

/// The form fields of `POST /api/file-stream-upload` besides the file itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamUpload {
    upload_path: UploadPath,
    file_name: Option<String>,
}

impl StreamUpload {
    /// Uploads to `upload_path`.
    pub fn new(upload_path: UploadPath) -> Self {
        Self {
            upload_path,
            file_name: None,
        }
    }

    /// Names the file.
    pub fn with_file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    fn form(&self, part: reqwest::multipart::Part) -> reqwest::multipart::Form {
        let mut form =
            reqwest::multipart::Form::new().text("uploadPath", self.upload_path.0.clone());
        if let Some(name) = &self.file_name {
            form = form.text("fileName", name.clone());
        }
        form.part("file", part)
    }

    fn part_name(&self) -> String {
        self.file_name.clone().unwrap_or_else(|| "file".to_owned())
    }
}

/// `data` of an upload response. The endpoint pages and the quickstart page
/// document two shapes; only `downloadUrl` is common and required, the rest is
/// optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FileUploadResult {
    /// A URL to fetch the file (files are deleted after 3 days).
    pub download_url: String,
    /// The stored file name.
    #[serde(default)]
    pub file_name: Option<String>,
    /// Path of the file on the upload host (endpoint pages).
    #[serde(default)]
    pub file_path: Option<String>,
    /// Size in bytes.
    #[serde(default)]
    pub file_size: Option<u64>,
    /// Detected MIME type.
    #[serde(default)]
    pub mime_type: Option<String>,
    /// Upload time (endpoint pages).
    #[serde(default)]
    pub uploaded_at: Option<KieTime>,
    /// File id (quickstart page).
    #[serde(default)]
    pub file_id: Option<String>,
    /// The name the file was sent with (quickstart page).
    #[serde(default)]
    pub original_name: Option<String>,
    /// The upload path (quickstart page).
    #[serde(default)]
    pub upload_path: Option<String>,
    /// A public URL of the file (quickstart page).
    #[serde(default)]
    pub file_url: Option<String>,
    /// Upload time (quickstart page).
    #[serde(default)]
    pub upload_time: Option<KieTime>,
    /// When the file is deleted (quickstart page).
    #[serde(default)]
    pub expires_at: Option<KieTime>,
}

/// The File Upload API. Get one with [`Client::files`]. Uploads are free, so they
/// are retried like reads, except a streamed body, which cannot be sent twice.
#[derive(Debug, Clone, Copy)]
pub struct Files<'a> {
    client: &'a Client,
}

impl Client {
    /// The File Upload API (on the upload host).
    pub fn files(&self) -> Files<'_> {
        Files { client: self }
    }
}

impl Files<'_> {
    /// `POST /api/file-base64-upload`.
    pub async fn upload_base64(&self, req: &Base64Upload) -> Result<FileUploadResult> {
        self.client.call(Endpoint::FileUploadBase64, req).await
    }

    /// `POST /api/file-url-upload`.
    pub async fn upload_url(&self, req: &UrlUpload) -> Result<FileUploadResult> {
        self.client.call(Endpoint::FileUploadUrl, req).await
    }

    /// `POST /api/file-stream-upload` with an in-memory body (multipart). The body
    /// is shared, not copied, between retries.
    pub async fn upload_bytes(
        &self,
        req: &StreamUpload,
        data: impl Into<Bytes>,
    ) -> Result<FileUploadResult> {
        let data: Bytes = data.into();
        let req = req.clone();
        let mut call = Call::endpoint(Endpoint::FileUploadStream);
        call.payload = Payload::Form {
            build: Box::new(move || {
                let len = data.len() as u64;
                let part = reqwest::multipart::Part::stream_with_length(
                    reqwest::Body::from(data.clone()),
                    len,
                )
                .file_name(req.part_name());
                Some(req.form(part))
            }),
            replayable: true,
        };
        self.client.execute(call).await
    }

    /// `POST /api/file-stream-upload` with a streamed body (for files over 10 MB).
    /// Sent once: a stream cannot be replayed, so it is never retried.
    pub async fn upload_stream(
        &self,
        req: &StreamUpload,
        body: reqwest::Body,
    ) -> Result<FileUploadResult> {
        let mut body = Some(body);
        let req = req.clone();
        let mut call = Call::endpoint(Endpoint::FileUploadStream);
        call.payload = Payload::Form {
            build: Box::new(move || {
                let part =
                    reqwest::multipart::Part::stream(body.take()?).file_name(req.part_name());
                Some(req.form(part))
            }),
            replayable: false,
        };
        self.client.execute(call).await
    }

    /// Reads a local file and uploads it with [`upload_bytes`](Self::upload_bytes);
    /// the file name defaults to the path's file name.
    pub async fn upload_file(
        &self,
        req: &StreamUpload,
        path: impl AsRef<Path>,
    ) -> Result<FileUploadResult> {
        let path = path.as_ref();
        let data = tokio::fs::read(path).await.map_err(|e| {
            crate::ClientError::InvalidRequest(ValidationError::NotAllowed {
                field: "file",
                reason: Cow::Owned(format!("cannot read {}: {e}", path.display())),
            })
        })?;
        let mut req = req.clone();
        if req.file_name.is_none() {
            req.file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        }
        self.upload_bytes(&req, data).await
    }
}
