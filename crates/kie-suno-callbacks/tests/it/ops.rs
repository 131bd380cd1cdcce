//! The operator's endpoints: `/healthz`, `/readyz` (the store's health check),
//! `/metrics` (with the `metrics` feature), each optional.

use axum::body::Body;
use http::{Request, StatusCode};
use kie_suno_callbacks::{Endpoints, Metrics, ReceiverConfig, Store};
use serde_json::json;
use tower::ServiceExt;

use crate::common::*;

async fn get(router: &axum::Router, path: &str) -> (StatusCode, Option<String>, String) {
    let res = router
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, ct, String::from_utf8(bytes.to_vec()).unwrap())
}

#[tokio::test]
async fn healthz_and_readyz_answer_and_readyz_fails_once_the_store_is_closed() {
    let rig = Rig::new(ReceiverConfig::new()).await;
    let router = rig.router();
    let (status, ct, body) = get(&router, "/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ct.as_deref(), Some("application/json"));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body).unwrap(),
        json!({"status": "ok"})
    );
    let (status, _, body) = get(&router, "/readyz").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body).unwrap(),
        json!({"status": "ready"})
    );
    rig.store.health().await.unwrap();

    rig.store.close().await.unwrap();
    assert!(rig.store.health().await.is_err());
    let (status, ct, body) = get(&router, "/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(ct.as_deref(), Some("application/json"));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body).unwrap(),
        json!({"status": "not_ready", "error": "store_unavailable"})
    );
    // Liveness does not depend on the store.
    assert_eq!(get(&router, "/healthz").await.0, StatusCode::OK);
}

#[tokio::test]
async fn every_endpoint_is_optional() {
    let rig = Rig::new(ReceiverConfig::new().endpoints(Endpoints::none())).await;
    let router = rig.router();
    for path in ["/healthz", "/readyz", "/metrics"] {
        assert_eq!(get(&router, path).await.0, StatusCode::NOT_FOUND, "{path}");
    }
    let only_ready = Endpoints {
        readyz: true,
        ..Endpoints::none()
    };
    let rig = Rig::new(ReceiverConfig::new().endpoints(only_ready)).await;
    let router = rig.router();
    assert_eq!(get(&router, "/healthz").await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&router, "/readyz").await.0, StatusCode::OK);
    // The callback routes are there either way.
    let (status, _) = send(&router, unsigned("/callbacks/lyrics", lyrics_success())).await;
    assert_eq!(status, StatusCode::OK);
}

#[cfg(not(feature = "metrics"))]
#[tokio::test]
async fn without_the_metrics_feature_the_hooks_do_nothing_and_there_is_no_route() {
    let metrics = Metrics::new();
    metrics.set_confirmation_backlog(3);
    assert!(!metrics.is_enabled());
    assert!(metrics.render().is_none());
    let rig = Rig::new(ReceiverConfig::new()).await;
    assert_eq!(
        get(&rig.router(), "/metrics").await.0,
        StatusCode::NOT_FOUND
    );
}

/// The value of the sample `name` (with its labels, as rendered), if present.
#[cfg(feature = "metrics")]
fn sample(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
}

#[cfg(feature = "metrics")]
#[tokio::test]
async fn metrics_count_deliveries_repeats_rejections_and_commit_latency() {
    let rig = Rig::new(ReceiverConfig::new()).await;
    let router = rig.router();
    for _ in 0..2 {
        let (status, _) = send(&router, unsigned("/callbacks/lyrics", lyrics_success())).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, _) = send(&router, unsigned("/callbacks/lyrics", "{not json")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = send(&router, unsigned("/callbacks/nope", lyrics_success())).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let metrics: Metrics = rig.receiver.metrics();
    metrics.set_confirmation_backlog(7);
    metrics.set_confirmation_lag(std::time::Duration::from_millis(1500));

    let (status, ct, text) = get(&router, "/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        ct.as_deref(),
        Some(kie_suno_callbacks::METRICS_CONTENT_TYPE)
    );
    let p = "kie_suno_callbacks_";
    assert_eq!(
        sample(&text, &format!("{p}deliveries_total{{family=\"lyrics\"}}")),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, &format!("{p}repeats_total{{family=\"lyrics\"}}")),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            &format!("{p}rejections_total{{reason=\"malformed_json\"}}")
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            &format!("{p}rejections_total{{reason=\"unknown_family\"}}")
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, &format!("{p}store_commit_seconds_count")),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, &format!("{p}confirmation_backlog")),
        Some(7.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, &format!("{p}confirmation_lag_seconds")),
        Some(1.5),
        "{text}"
    );
    assert!(text.trim_end().ends_with("# EOF"), "{text}");

    // Off in the config: the handle records nothing and the route is gone.
    let rig = Rig::new(ReceiverConfig::new().metrics(false)).await;
    assert!(!rig.receiver.metrics().is_enabled());
    assert_eq!(
        get(&rig.router(), "/metrics").await.0,
        StatusCode::NOT_FOUND
    );
}
