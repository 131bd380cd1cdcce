//! The API key never appears in trace logs (captured with the test kit's `LogBuffer`).

use kie_suno_client::types::GenerateLyricsRequest;
use kie_suno_client::{Client, ClientError};
use kie_suno_testkit::LogBuffer;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::support::{client, envelope, ok_fixture, ok_json, server, KEY};

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
