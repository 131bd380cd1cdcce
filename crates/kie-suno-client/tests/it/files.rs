//! File Upload API: base64, URL, multipart bytes and stream, on the upload host.

use kie_suno_client::types::{FileUploadBase64Request, FileUploadUrlRequest, UploadPath};
use kie_suno_client::{Client, ClientError, FakeClock, StreamUpload};
use std::sync::Arc;
use wiremock::matchers::{body_json, body_string_contains, header, header_regex, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{bearer, fixture, fixture_json, ok_fixture, server};

/// A client whose API host and upload host are two different servers.
fn client(api: &MockServer, upload: &MockServer) -> Client {
    Client::builder()
        .api_key(crate::support::KEY)
        .base_url(api.uri())
        .upload_base_url(upload.uri())
        .clock(Arc::new(FakeClock::new()))
        .build()
        .unwrap()
}

#[tokio::test]
async fn base64_upload_goes_to_the_upload_host() {
    let (api, upload) = (server().await, server().await);
    Mock::given(method("POST"))
        .and(path("/api/file-base64-upload"))
        .and(header("authorization", bearer().as_str()))
        .and(body_json(fixture_json(
            "file-upload-base64.request.pure-base64.json",
        )))
        .respond_with(ok_fixture("file-upload.response.json"))
        .expect(1)
        .mount(&upload)
        .await;
    let req: FileUploadBase64Request =
        serde_json::from_value(fixture_json("file-upload-base64.request.pure-base64.json"))
            .unwrap();
    let out = client(&api, &upload)
        .files()
        .upload_base64(&req)
        .await
        .unwrap();
    assert_eq!(
        out.download_url.as_deref(),
        Some("https://tempfile.redpandaai.co/xxx/images/user-uploads/uploaded-image.png")
    );
    assert_eq!(out.file_size, Some(154832));
    assert_eq!(out.mime_type.as_deref(), Some("image/png"));
}

#[tokio::test]
async fn url_upload_reads_the_quickstart_variant_of_the_result() {
    let (api, upload) = (server().await, server().await);
    Mock::given(method("POST"))
        .and(path("/api/file-url-upload"))
        .and(body_json(fixture_json(
            "file-upload-url.request.image.json",
        )))
        .respond_with(ok_fixture("file-upload.response.quickstart-variant.json"))
        .expect(1)
        .mount(&upload)
        .await;
    let req =
        FileUploadUrlRequest::builder("https://example.com/images/sample.jpg", "images/downloaded")
            .with_file_name("my-downloaded-image.jpg")
            .build()
            .unwrap();
    let out = client(&api, &upload)
        .files()
        .upload_url(&req)
        .await
        .unwrap();
    assert_eq!(out.file_id.as_deref(), Some("file_abc123456"));
    assert_eq!(
        out.url(),
        Some("https://kieai.redpandaai.co/download/file_abc123456")
    );
}

#[tokio::test]
async fn bytes_and_stream_uploads_send_multipart_forms() {
    let (api, upload) = (server().await, server().await);
    Mock::given(method("POST"))
        .and(path("/api/file-stream-upload"))
        .and(header_regex(
            "content-type",
            "^multipart/form-data; boundary=",
        ))
        .and(body_string_contains("name=\"uploadPath\""))
        .and(body_string_contains("images/user-uploads"))
        .and(body_string_contains("filename=\"custom-name.jpg\""))
        .and(body_string_contains("PIXELS"))
        .respond_with(ok_fixture("file-upload.response.json"))
        .expect(2)
        .mount(&upload)
        .await;
    let client = client(&api, &upload);
    let req = StreamUpload::new(UploadPath::new("images/user-uploads").unwrap())
        .with_file_name("custom-name.jpg");
    let a = client
        .files()
        .upload_bytes(&req, &b"PIXELS"[..])
        .await
        .unwrap();
    let b = client
        .files()
        .upload_stream(&req, reqwest::Body::from("PIXELS"))
        .await
        .unwrap();
    assert_eq!(a, b);
}

#[tokio::test]
async fn a_failed_stream_upload_is_not_retried_but_a_bytes_upload_is() {
    let (api, upload) = (server().await, server().await);
    Mock::given(method("POST"))
        .and(path("/api/file-stream-upload"))
        .and(body_string_contains("STREAMED"))
        .respond_with(
            ResponseTemplate::new(500).set_body_string(fixture("file-upload.error-500.json")),
        )
        .expect(1)
        .mount(&upload)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/file-stream-upload"))
        .and(body_string_contains("IN-MEMORY"))
        .respond_with(
            ResponseTemplate::new(500).set_body_string(fixture("file-upload.error-500.json")),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&upload)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/file-stream-upload"))
        .and(body_string_contains("IN-MEMORY"))
        .respond_with(ok_fixture("file-upload.response.json"))
        .expect(1)
        .mount(&upload)
        .await;
    let client = client(&api, &upload);
    let req = StreamUpload::new(UploadPath::new("a/b").unwrap());
    let err = client
        .files()
        .upload_stream(&req, reqwest::Body::from("STREAMED"))
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::Server(_)), "{err:?}");
    client
        .files()
        .upload_bytes(&req, &b"IN-MEMORY"[..])
        .await
        .unwrap();
}

#[tokio::test]
async fn documented_upload_errors_map_by_code() {
    for (status, name, code) in [
        (400, "file-upload.error-400.missing-parameter.json", 400),
        (400, "file-upload.error-400.invalid-format.json", 400),
        (401, "file-upload.error-401.json", 401),
    ] {
        let (api, upload) = (server().await, server().await);
        Mock::given(method("POST"))
            .and(path("/api/file-base64-upload"))
            .respond_with(ResponseTemplate::new(status).set_body_string(fixture(name)))
            .expect(1)
            .mount(&upload)
            .await;
        let req = FileUploadBase64Request::new("aGk=", "a").unwrap();
        let err = client(&api, &upload)
            .files()
            .upload_base64(&req)
            .await
            .unwrap_err();
        assert_eq!(err.code().map(|c| c.as_i64()), Some(code), "{name}");
        assert_eq!(err.http_status().map(|s| s.as_u16()), Some(status));
        let expected = if code == 401 {
            matches!(err, ClientError::Unauthorized(_))
        } else {
            matches!(err, ClientError::Validation(_))
        };
        assert!(expected, "{name}: {err:?}");
    }
}

#[tokio::test]
async fn success_false_with_code_200_is_an_error() {
    let (api, upload) = (server().await, server().await);
    Mock::given(method("POST"))
        .and(path("/api/file-base64-upload"))
        .respond_with(crate::support::ok_json(serde_json::json!({
            "success": false, "code": 200, "msg": "odd", "data": null
        })))
        .expect(1)
        .mount(&upload)
        .await;
    let req = FileUploadBase64Request::new("aGk=", "a").unwrap();
    let err = client(&api, &upload)
        .files()
        .upload_base64(&req)
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::Api(_)), "{err:?}");
    assert_eq!(err.msg(), Some("odd"));
}

#[tokio::test]
async fn upload_file_reads_the_file_and_names_it_after_the_path() {
    let (api, upload) = (server().await, server().await);
    Mock::given(method("POST"))
        .and(path("/api/file-stream-upload"))
        .and(body_string_contains(
            "filename=\"kie-suno-client-upload-test.txt\"",
        ))
        .and(body_string_contains("FILE-CONTENTS"))
        .respond_with(ok_fixture("file-upload.response.json"))
        .expect(1)
        .mount(&upload)
        .await;
    let dir = std::env::temp_dir().join(format!("kie-suno-client-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("kie-suno-client-upload-test.txt");
    std::fs::write(&file, "FILE-CONTENTS").unwrap();
    let req = StreamUpload::new(UploadPath::new("docs").unwrap());
    let result = client(&api, &upload).files().upload_file(&req, &file).await;
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(result.unwrap().file_size, Some(154832));

    let missing = client(&api, &upload)
        .files()
        .upload_file(&req, dir.join("nope"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &missing,
            ClientError::ReadFile { path, source, .. }
                if *path == dir.join("nope") && source.kind() == std::io::ErrorKind::NotFound
        ),
        "{missing:?}"
    );
}
