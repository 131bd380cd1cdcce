//! Shared helpers: servers with a catch-all that fails on unexpected requests,
//! documented fixtures, and clients wired to a fake clock.

use std::sync::Arc;

use kie_suno_client::{Client, ClientBuilder, FakeClock, RetryPolicy};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The API key used everywhere; tests assert it never leaks.
pub const KEY: &str = "sk-test-SUPERSECRET-0123456789";

/// A documented payload, from kie-suno-types' `fixtures` feature (so these tests also
/// build from the packaged crate, which has no `../kie-suno-types`).
pub fn fixture(name: &str) -> String {
    kie_suno_client::types::fixtures::documented(name)
        .unwrap_or_else(|| panic!("no documented fixture {name}"))
        .to_owned()
}

/// A documented payload as JSON.
pub fn fixture_json(name: &str) -> serde_json::Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

/// A server whose catch-all mock (lowest priority) fails the test on drop if any
/// request matched no other mock.
pub async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(599).set_body_string("unexpected request"))
        .with_priority(u8::MAX)
        .expect(0)
        .named("catch-all: unexpected request")
        .mount(&server)
        .await;
    server
}

/// A builder aimed at `server` for both hosts, on a fake clock.
pub fn builder(server: &MockServer, clock: &FakeClock) -> ClientBuilder {
    Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .upload_base_url(server.uri())
        .clock(Arc::new(clock.clone()))
}

/// A client aimed at `server` on a fake clock, with the default policies.
pub fn client(server: &MockServer) -> (Client, FakeClock) {
    let clock = FakeClock::new();
    (builder(server, &clock).build().unwrap(), clock)
}

/// A client that never retries (for one-request error mappings).
pub fn client_no_retry(server: &MockServer) -> Client {
    let clock = FakeClock::new();
    builder(server, &clock)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

/// An envelope body.
pub fn envelope(code: i64, msg: &str, data: serde_json::Value) -> serde_json::Value {
    serde_json::json!({ "code": code, "msg": msg, "data": data })
}

/// A 200 response with a JSON body.
pub fn ok_json(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// A 200 response with a raw fixture body.
pub fn ok_fixture(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "application/json")
        .set_body_string(fixture(name))
}

/// The bearer header the client must send.
pub fn bearer() -> String {
    format!("Bearer {KEY}")
}
