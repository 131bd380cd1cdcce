//! Common API: credits and download URL.

use kie_suno_client::types::DownloadUrlRequest;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::Mock;

use crate::support::{bearer, client, fixture_json, ok_fixture, server};

#[tokio::test]
async fn credits_returns_the_balance() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/chat/credit"))
        .and(header("authorization", bearer().as_str()))
        .respond_with(ok_fixture("credits.response.json"))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let credits = client.credits().await.unwrap();
    assert_eq!(credits.as_i64(), Some(100));
}

#[tokio::test]
async fn download_url_posts_the_documented_request() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/common/download-url"))
        .and(header("authorization", bearer().as_str()))
        .and(body_json(fixture_json("download-url.request.json")))
        .respond_with(ok_fixture("download-url.response.json"))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let req =
        DownloadUrlRequest::new("https://tempfile.1f6cxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxbd98").unwrap();
    let url = client.download_url(&req).await.unwrap();
    assert_eq!(
        url,
        "https://tempfile.1f6cxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxbd98"
    );
}
