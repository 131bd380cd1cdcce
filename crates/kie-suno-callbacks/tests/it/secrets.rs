//! Secrets never show: keys are redacted in Debug, secret headers are never
//! stored, and a connection string never reaches an error.

use http::{HeaderMap, HeaderValue};
use kie_suno_callbacks::{is_secret_header, storable_headers, Keys};
use secrecy::SecretString;

#[cfg(all(feature = "router", feature = "sqlite"))]
use crate::common::*;

#[test]
fn keys_are_redacted_without_the_router_too() {
    let secret = "super-secret-webhook-key-xyz";
    let keys = Keys::new([SecretString::from(secret)]).unwrap();
    let text = format!("{keys:?}");
    assert!(
        !text.contains(secret) && !text.contains("super-secret"),
        "{text}"
    );
    assert!(text.contains("redacted"), "{text}");
    let err = Keys::new([SecretString::from("")]).unwrap_err();
    assert!(!err.to_string().is_empty());
}

#[cfg(all(feature = "router", feature = "sqlite"))]
#[tokio::test]
async fn keys_are_redacted_everywhere() {
    use kie_suno_callbacks::ReceiverConfig;
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

#[cfg(all(feature = "router", feature = "sqlite"))]
#[tokio::test]
async fn a_stored_record_holds_no_secret_header() {
    use kie_suno_callbacks::ReceiverConfig;
    let rig = Rig::new(ReceiverConfig::new()).await;
    let req = http::Request::builder()
        .method("POST")
        .uri("/callbacks/lyrics")
        .header("content-type", "application/json")
        .header("authorization", "Bearer sk-live-123")
        .header("cookie", "session=abc")
        .header("user-agent", "kie-callback/1.0")
        .body(axum::body::Body::from(lyrics_success()))
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

/// An in-memory writer shared by its clones, for tracing's fmt subscriber.
#[cfg(all(feature = "router", feature = "sqlite"))]
#[derive(Clone, Default)]
struct LogBuffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

#[cfg(all(feature = "router", feature = "sqlite"))]
impl std::io::Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(all(feature = "router", feature = "sqlite"))]
fn logs_of(f: impl FnOnce()) -> String {
    let captured = LogBuffer::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::with_default(subscriber, f);
    let bytes = captured.0.lock().unwrap().clone();
    String::from_utf8(bytes).unwrap()
}

#[cfg(all(feature = "router", feature = "sqlite"))]
#[tokio::test]
async fn a_receiver_without_keys_warns_loudly_and_one_with_keys_does_not() {
    use std::sync::Arc;

    use kie_suno_callbacks::ReceiverConfig;
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

#[cfg(feature = "router")]
#[test]
fn the_default_bind_is_loopback_only() {
    assert!(kie_suno_callbacks::DEFAULT_BIND.ip().is_loopback());
}

/// Moved from the PostgreSQL tests: it needs no server. The chain and `Debug` are
/// checked too, not only the message.
#[cfg(feature = "postgres")]
#[tokio::test]
async fn a_bad_connection_string_does_not_echo_it() {
    use kie_suno_callbacks::{PostgresOptions, PostgresStore};
    let err = PostgresStore::connect(
        "host=127.0.0.1 password=hunter2 port=notaport",
        PostgresOptions::default(),
    )
    .await
    .unwrap_err();
    assert!(!err.to_string().contains("hunter2"), "{err}");
    let mut chain: Option<&dyn std::error::Error> = Some(&err);
    while let Some(e) = chain {
        assert!(!e.to_string().contains("hunter2"), "{e}");
        chain = e.source();
    }
    assert!(!format!("{err:?}").contains("hunter2"), "{err:?}");
    assert!(
        matches!(err, kie_suno_callbacks::Error::Config(_)),
        "{err:?}"
    );
}

#[test]
fn this_crate_does_not_depend_on_the_client_crate() {
    // The layering rule (STYLE.md 3): callbacks must not depend on the client.
    let manifest = include_str!("../../Cargo.toml");
    assert!(!manifest.contains("kie-suno-client"), "{manifest}");
    assert!(manifest.contains("kie-suno-types"));
}
