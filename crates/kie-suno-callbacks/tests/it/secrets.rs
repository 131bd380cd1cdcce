//! Secrets never show: keys are redacted in Debug, and secret headers are never
//! stored.

use std::sync::Arc;

use http::{HeaderMap, HeaderValue, Request};
use kie_suno_callbacks::{is_secret_header, storable_headers, Keys, ReceiverConfig};
use kie_suno_testkit::LogBuffer;
use secrecy::SecretString;

use crate::common::*;

#[tokio::test]
async fn keys_are_redacted_everywhere() {
    let secret = "super-secret-webhook-key-xyz";
    let keys = Keys::new([SecretString::from(secret)]).unwrap();
    let config = ReceiverConfig::new().keys(keys.clone());
    let rig = Rig::new(config.clone()).await;
    for text in [
        format!("{keys:?}"),
        format!("{config:?}"),
        format!("{:?}", rig.receiver),
        format!("{:?}", rig.receiver.state()),
    ] {
        assert!(!text.contains(secret), "{text}");
        assert!(!text.contains("super-secret"), "{text}");
    }
    assert!(format!("{keys:?}").contains("redacted"));
    let err = Keys::new([SecretString::from("")]).unwrap_err();
    assert!(!err.to_string().is_empty());
}

#[test]
fn secret_headers_are_not_storable() {
    for name in [
        "authorization",
        "Proxy-Authorization",
        "cookie",
        "x-api-key",
        "x-auth-token",
        "x-kie-secret",
        "x-session-id",
    ] {
        assert!(is_secret_header(name), "{name}");
    }
    for name in [
        "x-webhook-signature",
        "X-Webhook-Timestamp",
        "content-type",
        "user-agent",
    ] {
        assert!(!is_secret_header(name), "{name}");
    }
    let mut h = HeaderMap::new();
    h.insert(
        "authorization",
        HeaderValue::from_static("Bearer sk-live-123"),
    );
    h.insert("x-webhook-signature", HeaderValue::from_static("abc="));
    let kept = storable_headers(&h);
    assert_eq!(
        kept,
        vec![("x-webhook-signature".to_owned(), "abc=".to_owned())]
    );
}

#[tokio::test]
async fn a_stored_record_holds_no_secret_header() {
    let rig = Rig::new(ReceiverConfig::new()).await;
    let req = Request::builder()
        .method("POST")
        .uri("/callbacks/lyrics")
        .header("content-type", "application/json")
        .header("authorization", "Bearer sk-live-123")
        .header("cookie", "session=abc")
        .header("user-agent", "kie-callback/1.0")
        .body(axum::body::Body::from(LYRICS_SUCCESS))
        .unwrap();
    send(&rig.router(), req).await;
    let stored = rig.count(DOC_TASK).await.remove(0);
    let all = format!("{:?}", stored.headers);
    assert!(
        !all.contains("sk-live-123") && !all.contains("session=abc"),
        "{all}"
    );
    assert!(all.contains("kie-callback/1.0"));
}

fn logs_of(f: impl FnOnce()) -> String {
    let captured = LogBuffer::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::with_default(subscriber, f);
    captured.text().unwrap()
}

#[tokio::test]
async fn a_receiver_without_keys_warns_loudly_and_one_with_keys_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn kie_suno_callbacks::Store> = Arc::new(
        kie_suno_callbacks::SqliteStore::open(dir.path().join("w.db"), Default::default())
            .await
            .unwrap(),
    );
    let unsigned = logs_of(|| {
        kie_suno_callbacks::Receiver::new(ReceiverConfig::new(), store.clone());
    });
    assert!(unsigned.contains("WARN"), "{unsigned}");
    assert!(
        unsigned.contains("NO WEBHOOK HMAC KEY CONFIGURED"),
        "{unsigned}"
    );
    let signed = logs_of(|| {
        kie_suno_callbacks::Receiver::new(ReceiverConfig::new().keys(keys()), store.clone());
    });
    assert!(!signed.contains("WARN"), "{signed}");
    assert!(!signed.contains(KEY), "{signed}");
}

#[test]
fn the_default_bind_is_loopback_only() {
    assert!(kie_suno_callbacks::DEFAULT_BIND.ip().is_loopback());
}

#[test]
fn this_crate_does_not_depend_on_the_client_crate() {
    // The layering rule (STYLE.md 3): callbacks must not depend on the client.
    let manifest = include_str!("../../Cargo.toml");
    assert!(!manifest.contains("kie-suno-client"), "{manifest}");
    assert!(manifest.contains("kie-suno-types"));
}
