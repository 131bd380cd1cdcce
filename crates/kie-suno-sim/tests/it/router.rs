//! The router alone, driven with `tower::ServiceExt::oneshot` (no socket).

use axum::body::Body;
use axum::http::Request;
use kie_suno_sim::{router, SimConfig, SimState, Timing};
use tower::ServiceExt;

async fn call(state: &SimState, req: Request<Body>) -> (u16, serde_json::Value) {
    let resp = router(state.clone()).oneshot(req).await.unwrap();
    let status = resp.status().as_u16();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, serde_json::from_slice(&bytes).unwrap())
}

#[tokio::test(start_paused = true)]
async fn the_router_serves_without_a_socket() {
    let state = SimState::new(SimConfig::default().with_timing(Timing::manual()));
    let req = Request::post("/api/v1/lyrics")
        .header("authorization", "Bearer k")
        .header("content-type", "application/json")
        .body(Body::from(
            r#"{"prompt":"a song about trains","callBackUrl":"https://example.com/cb"}"#,
        ))
        .unwrap();
    let (status, v) = call(&state, req).await;
    assert_eq!(status, 200, "{v}");
    let task = v["data"]["taskId"].as_str().unwrap().to_owned();
    assert_eq!(
        state
            .task_status(&kie_suno_types::TaskId::new(&task))
            .as_deref(),
        Some("PENDING")
    );

    let req = Request::get(format!("/api/v1/lyrics/record-info?taskId={task}"))
        .header("authorization", "Bearer k")
        .body(Body::empty())
        .unwrap();
    let (status, v) = call(&state, req).await;
    assert_eq!(
        (status, v["data"]["status"].as_str()),
        (200, Some("PENDING"))
    );

    let req = Request::get("/api/v1/chat/credit")
        .header("authorization", "Bearer k")
        .body(Body::empty())
        .unwrap();
    let (_, v) = call(&state, req).await;
    assert_eq!(v["data"], 9_999);
}
