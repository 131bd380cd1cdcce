//! The API key never appears in Debug output, errors or logs.

use kie_suno_client::{Client, ClientError};

// Builds a client on the default https URL, which a build without TLS refuses
// (tested in `config::without_tls`).
#[cfg(any(
    feature = "rustls-tls",
    feature = "rustls-tls-native-roots",
    feature = "native-tls"
))]
#[test]
fn debug_output_hides_the_key() {
    let builder = Client::builder().api_key(crate::support::KEY);
    assert!(!format!("{builder:?}").contains(crate::support::KEY));
    assert!(format!("{builder:?}").contains("[redacted]"));
    let client = builder.build().unwrap();
    let dbg = format!("{client:?}");
    assert!(!dbg.contains(crate::support::KEY), "{dbg}");
    assert!(dbg.contains("[redacted]"));
    assert!(!format!("{:?}", client.clone()).contains(crate::support::KEY));
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
    std::env::set_var("KIE_API_KEY", crate::support::KEY);
    std::env::set_var("KIE_BASE_URL", "http://127.0.0.1:9/");
    std::env::set_var("KIE_UPLOAD_BASE_URL", "http://127.0.0.1:10");
    let client = Client::from_env().unwrap();
    std::env::remove_var("KIE_API_KEY");
    std::env::remove_var("KIE_BASE_URL");
    std::env::remove_var("KIE_UPLOAD_BASE_URL");
    assert_eq!(client.base_url(), "http://127.0.0.1:9");
    assert_eq!(client.upload_base_url(), "http://127.0.0.1:10");
    assert!(!format!("{client:?}").contains(crate::support::KEY));
    let defaults = Client::new(crate::support::KEY).unwrap();
    assert_eq!(defaults.base_url(), "https://api.kie.ai");
    assert_eq!(defaults.upload_base_url(), "https://kieai.redpandaai.co");
    assert!(matches!(
        Client::builder()
            .api_key(crate::support::KEY)
            .base_url("not a url")
            .build(),
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
    let client = Client::new(crate::support::KEY).unwrap();
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
