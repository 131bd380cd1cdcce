//! Typed errors without a server answer: configuration (bad URLs, an `https` URL
//! on a build without TLS), bodies that cannot be serialised, and the JSON error
//! kept as the source of a decode error.

use std::collections::BTreeMap;
use std::error::Error as _;

use kie_suno_client::{Client, ClientError, ConfigError};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::support::{client, server, KEY};

#[test]
fn a_url_that_does_not_parse_keeps_the_parse_error() {
    let err = Client::builder()
        .api_key(KEY)
        .base_url("not a url")
        .build()
        .unwrap_err();
    let ClientError::Config(ConfigError::InvalidUrl {
        what, url, source, ..
    }) = &err
    else {
        panic!("expected InvalidUrl, got {err:?}")
    };
    assert_eq!((*what, url.as_str()), ("base url", "not a url"));
    assert_eq!(*source, url::ParseError::RelativeUrlWithoutBase);
    // The chain reaches the parse error.
    let inner = err.source().and_then(|e| e.source()).unwrap();
    assert!(
        inner.downcast_ref::<url::ParseError>().is_some(),
        "{inner:?}"
    );
}

#[test]
fn a_url_that_is_not_http_is_refused() {
    let err = Client::builder()
        .api_key(KEY)
        .upload_base_url("ftp://example.com")
        .build()
        .unwrap_err();
    assert!(
        matches!(
            &err,
            ClientError::Config(ConfigError::UnsupportedUrl {
                what: "upload base url",
                ..
            })
        ),
        "{err:?}"
    );
}

#[test]
fn key_errors_are_distinct() {
    let missing = Client::builder().build().unwrap_err();
    assert!(
        matches!(missing, ClientError::Config(ConfigError::MissingApiKey)),
        "{missing:?}"
    );
    let empty = Client::new("  ").unwrap_err();
    assert!(
        matches!(empty, ClientError::Config(ConfigError::EmptyApiKey)),
        "{empty:?}"
    );
    let invalid = Client::new("bad\nkey").unwrap_err();
    assert!(
        matches!(invalid, ClientError::Config(ConfigError::InvalidApiKey(_))),
        "{invalid:?}"
    );
}

#[tokio::test]
async fn a_body_that_cannot_be_serialised_is_an_encode_error_and_nothing_is_sent() {
    // The catch-all fails the test if anything reaches the server.
    let server = server().await;
    let (client, _) = client(&server);
    // JSON object keys must be strings.
    let body: BTreeMap<(u8, u8), u8> = [((1, 2), 3)].into();
    let err = client
        .raw()
        .post::<serde_json::Value>("/api/v1/anything", &body)
        .await
        .unwrap_err();
    let ClientError::Encode(source) = &err else {
        panic!("expected Encode, got {err:?}")
    };
    assert!(
        source.to_string().contains("key must be a string"),
        "{source:?}"
    );
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_decode_error_keeps_the_json_error_as_its_source() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/chat/credit"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(r#"{"code":200,"msg":"ok","data":"many"}"#),
        )
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let err = client.credits().await.unwrap_err();
    let ClientError::Decode(d) = &err else {
        panic!("expected Decode, got {err:?}")
    };
    assert_eq!(d.json_path(), "data");
    // `ClientError::Decode` is transparent: its source is the JSON error itself.
    let json = err
        .source()
        .and_then(|e| e.downcast_ref::<serde_json::Error>())
        .unwrap();
    assert!(json.is_data(), "{json:?}");
    assert_eq!(d.message(), json.to_string());
}

#[tokio::test]
async fn trailing_data_is_a_decode_error_at_the_root_with_its_json_error() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/chat/credit"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(r#"{"code":200,"msg":"ok","data":5} x"#),
        )
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let err = client.credits().await.unwrap_err();
    let ClientError::Decode(d) = &err else {
        panic!("expected Decode, got {err:?}")
    };
    assert_eq!(d.json_path(), ".");
    let json = err
        .source()
        .and_then(|e| e.downcast_ref::<serde_json::Error>())
        .unwrap();
    assert!(json.is_syntax(), "{json:?}");
}

/// Without a TLS feature (`cargo test -p kie-suno-client --no-default-features`).
#[cfg(not(any(
    feature = "rustls-tls",
    feature = "rustls-tls-native-roots",
    feature = "native-tls"
)))]
mod without_tls {
    use kie_suno_client::types::UploadPath;
    use kie_suno_client::{Client, ClientError, ConfigError, StreamUpload};

    use crate::support::KEY;

    #[test]
    fn an_https_base_url_is_refused_when_the_client_is_built() {
        let err = Client::new(KEY).unwrap_err();
        let ClientError::Config(ConfigError::TlsDisabled { what, url, .. }) = &err else {
            panic!("expected TlsDisabled, got {err:?}")
        };
        assert_eq!((*what, url.as_str()), ("base url", "https://api.kie.ai"));
        let text = err.to_string();
        assert!(
            text.contains("rustls-tls") && text.contains("native-tls"),
            "{text}"
        );
    }

    #[test]
    fn a_reqwest_client_of_your_own_may_bring_tls() {
        let client = Client::builder()
            .api_key(KEY)
            .http_client(kie_suno_client::reqwest::Client::new())
            .build()
            .unwrap();
        assert_eq!(client.base_url(), "https://api.kie.ai");
    }

    #[tokio::test]
    async fn an_https_upload_base_url_is_refused_by_the_upload_calls_only() {
        // Nothing listens on port 9: a request would be a transport error.
        let client = Client::builder()
            .api_key(KEY)
            .base_url("http://127.0.0.1:9")
            .build()
            .unwrap();
        let req = StreamUpload::new(UploadPath::new("docs").unwrap());
        let err = client
            .files()
            .upload_bytes(&req, b"bytes".to_vec())
            .await
            .unwrap_err();
        assert!(
            matches!(
                &err,
                ClientError::Config(ConfigError::TlsDisabled {
                    what: "upload base url",
                    ..
                })
            ),
            "{err:?}"
        );
    }
}
