//! The API key never appears in Debug output, errors or logs.

use kie_suno_client::types::GenerateLyricsRequest;
use kie_suno_client::{Client, ClientError};
use kie_suno_testkit::LogBuffer;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::support::{client, envelope, ok_fixture, ok_json, server, KEY};

// Builds a client on the default https URL, which a build without TLS refuses
// (tested in `config::without_tls`).
#[cfg(any(
    feature = "rustls-tls",
    feature = "rustls-tls-native-roots",
    feature = "native-tls"
))]
#[test]
fn debug_output_hides_the_key() {
    let builder = Client::builder().api_key(KEY);
    assert!(!format!("{builder:?}").contains(KEY));
    assert!(format!("{builder:?}").contains("[redacted]"));
    let client = builder.build().unwrap();
    let dbg = format!("{client:?}");
    assert!(!dbg.contains(KEY), "{dbg}");
    assert!(dbg.contains("[redacted]"));
    assert!(!format!("{:?}", client.clone()).contains(KEY));
}

#[test]
fn configuration_errors_do_not_echo_the_key() {
    let err = Client::builder()
        .api_key("bad\nkey-SECRET")
        .build()
        .unwrap_err();
    assert!(matches!(err, ClientError::Config(_)));
    assert!(!format!("{err} {err:?}").contains("SECRET"));
}

#[tokio::test(flavor = "current_thread")]
async fn errors_and_trace_logs_never_contain_the_key() {
    let capture = LogBuffer::default();
    let sink = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/chat/credit"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/chat/credit"))
        .respond_with(ok_fixture("credits.response.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/lyrics"))
        .respond_with(ok_json(envelope(
            401,
            "You do not have access permissions",
            json!(null),
        )))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/lyrics/record-info"))
        .respond_with(ok_fixture("lyrics-record-info.success.json"))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    client.credits().await.unwrap();
    client
        .lyrics()
        .details(&kie_suno_client::types::TaskId::new("11dc****8b0f"))
        .await
        .unwrap();
    let req = GenerateLyricsRequest::new("a song", "https://example.com/cb").unwrap();
    let err = client.lyrics().generate(&req).await.unwrap_err();
    assert!(!format!("{err} {err:?}").contains(KEY));

    // A transport error (nothing listens there) carries reqwest's error.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let dead = Client::builder()
        .api_key(KEY)
        .base_url(format!("http://{addr}"))
        .retry_policy(kie_suno_client::RetryPolicy::none())
        .build()
        .unwrap();
    let err = dead.credits().await.unwrap_err();
    assert!(matches!(err, ClientError::Transport { .. }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains(KEY));

    let logs = capture.text().unwrap();
    assert!(logs.contains("kie_suno_request"), "{logs}");
    assert!(logs.contains("attempt=2"), "{logs}");
    assert!(
        logs.contains("path=\"/api/v1/lyrics\"") || logs.contains("path=/api/v1/lyrics"),
        "{logs}"
    );
    assert!(
        logs.contains("task_id=\"11dc****8b0f\"") || logs.contains("task_id=11dc****8b0f"),
        "{logs}"
    );
    assert!(
        logs.contains("method=\"GET\"") || logs.contains("method=GET"),
        "{logs}"
    );
    assert!(!logs.contains(KEY), "{logs}");
}

// Builds a client on the default https URL, which a build without TLS refuses
// (tested in `config::without_tls`).
#[cfg(any(
    feature = "rustls-tls",
    feature = "rustls-tls-native-roots",
    feature = "native-tls"
))]
#[test]
fn from_env_reads_the_key_and_the_base_urls() {
    // The only test that touches these variables.
    std::env::remove_var("KIE_API_KEY");
    let err = Client::from_env().unwrap_err();
    assert!(matches!(err, ClientError::Config(_)), "{err:?}");
    std::env::set_var("KIE_API_KEY", KEY);
    std::env::set_var("KIE_BASE_URL", "http://127.0.0.1:9/");
    std::env::set_var("KIE_UPLOAD_BASE_URL", "http://127.0.0.1:10");
    let client = Client::from_env().unwrap();
    std::env::remove_var("KIE_API_KEY");
    std::env::remove_var("KIE_BASE_URL");
    std::env::remove_var("KIE_UPLOAD_BASE_URL");
    assert_eq!(client.base_url(), "http://127.0.0.1:9");
    assert_eq!(client.upload_base_url(), "http://127.0.0.1:10");
    assert!(!format!("{client:?}").contains(KEY));
    let defaults = Client::new(KEY).unwrap();
    assert_eq!(defaults.base_url(), "https://api.kie.ai");
    assert_eq!(defaults.upload_base_url(), "https://kieai.redpandaai.co");
    assert!(matches!(
        Client::builder().api_key(KEY).base_url("not a url").build(),
        Err(ClientError::Config(_))
    ));
}

// Builds a client on the default https URL, which a build without TLS refuses
// (tested in `config::without_tls`).
#[cfg(any(
    feature = "rustls-tls",
    feature = "rustls-tls-native-roots",
    feature = "native-tls"
))]
#[test]
fn the_client_and_its_futures_are_send_and_sync() {
    fn send_sync_clone<T: Send + Sync + Clone + 'static>() {}
    fn send<T: Send>(_: &T) {}
    send_sync_clone::<Client>();
    let client = Client::new(KEY).unwrap();
    let id = kie_suno_client::types::TaskId::new("t");
    send(&client.credits());
    send(&client.lyrics().details(&id));
    send(
        &client
            .lyrics()
            .wait(&id, kie_suno_client::WaitOptions::default()),
    );
    send(
        &client
            .music()
            .wait(&id, kie_suno_client::WaitOptions::default()),
    );
}
