//! `client.files()`: the File Upload API on its own host (base64, multipart
//! stream, remote URL). The JSON request and result types live in
//! `kie-suno-types`; the multipart form fields are here.

use std::path::Path;

use bytes::Bytes;
use kie_suno_types::{
    Endpoint, FileUploadBase64Request, FileUploadResult, FileUploadUrlRequest, UploadPath,
};

use crate::client::{Call, Payload};
use crate::{Client, Result};

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

    /// Names the file. Default: none (`upload_file` uses the path's file name,
    /// the other uploads send `file`).
    pub fn with_file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The upload path.
    pub fn upload_path(&self) -> &UploadPath {
        &self.upload_path
    }

    /// The file name, when one was given.
    pub fn file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    fn form(&self, part: reqwest::multipart::Part) -> reqwest::multipart::Form {
        let mut form = reqwest::multipart::Form::new()
            .text("uploadPath", self.upload_path.as_str().to_owned());
        if let Some(name) = &self.file_name {
            form = form.text("fileName", name.clone());
        }
        form.part("file", part)
    }

    fn part_name(&self) -> String {
        self.file_name.clone().unwrap_or_else(|| "file".to_owned())
    }
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
    pub async fn upload_base64(&self, req: &FileUploadBase64Request) -> Result<FileUploadResult> {
        self.client.call(Endpoint::FileUploadBase64, req).await
    }

    /// `POST /api/file-url-upload`.
    pub async fn upload_url(&self, req: &FileUploadUrlRequest) -> Result<FileUploadResult> {
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
    /// the file name defaults to the path's file name. A file that cannot be read
    /// is [`ClientError::ReadFile`](crate::ClientError::ReadFile).
    pub async fn upload_file(
        &self,
        req: &StreamUpload,
        path: impl AsRef<Path>,
    ) -> Result<FileUploadResult> {
        let path = path.as_ref();
        let data = tokio::fs::read(path)
            .await
            .map_err(|source| crate::ClientError::ReadFile {
                path: path.to_owned(),
                source,
            })?;
        let mut req = req.clone();
        if req.file_name.is_none() {
            req.file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        }
        self.upload_bytes(&req, data).await
    }
}
