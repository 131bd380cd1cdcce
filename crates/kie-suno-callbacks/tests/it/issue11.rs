//! Issue 11's cases, one function each, run against both stores (`tests/it`
//! on SQLite, `tests/workspace` on PostgreSQL through `#[path]`). Written with
//! nothing but the API that existed before the fix (statuses, JSON bodies,
//! `Store` reads), so each can be run against the old code and seen to fail.

use std::sync::Arc;

use axum::body::Body;
use axum::Router;
use http::{Request, StatusCode};
use kie_suno_callbacks::{Keys, Receiver, ReceiverConfig, Store};
use kie_suno_types::TaskId;
use secrecy::SecretString;
use serde_json::{json, Value};
use tower::ServiceExt;

const KEY: &str = "issue-11-key";
pub const LYRICS_TASK: &str = "21aee3c3c2a01fa5e030b3799fa4dd56";
pub const MUSIC_TASK: &str = "73d6128b3523a0079df10da9471017c8";

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn documented(name: &str) -> Value {
    serde_json::from_str(kie_suno_types::fixtures::documented(name).unwrap()).unwrap()
}

pub fn lyrics(task: &str) -> String {
    let mut v = documented("lyrics-callback.success.json");
    v["data"]["task_id"] = json!(task);
    v.to_string()
}

fn music(task: &str, stage: &str) -> String {
    let mut v = documented("music-callback.complete.json");
    v["data"]["task_id"] = json!(task);
    v["data"]["callbackType"] = json!(stage);
    v.to_string()
}

pub fn receiver(store: Arc<dyn Store>) -> Receiver {
    let keys = Keys::new([SecretString::from(KEY)]).unwrap();
    Receiver::new(ReceiverConfig::new().keys(keys), store)
}

pub fn signed_at(path: &str, body: impl Into<Body>, task: &str, ts: u64) -> Request<Body> {
    Request::builder()
        .method("POST")
        .uri(path)
        .header("content-type", "application/json")
        .header("x-webhook-timestamp", ts.to_string())
        .header(
            "x-webhook-signature",
            kie_suno_types::signature::sign(KEY.as_bytes(), task, ts),
        )
        .body(body.into())
        .unwrap()
}

pub fn signed(path: &str, body: impl Into<Body>, task: &str) -> Request<Body> {
    signed_at(path, body, task, now())
}

pub async fn send(router: &Router, req: Request<Body>) -> (StatusCode, Value) {
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn error(body: &Value) -> &str {
    body["error"].as_str().unwrap_or("")
}

/// 100,000 nested objects inside an unknown field: 400, nothing stored.
pub async fn deep_nesting_is_refused(store: Arc<dyn Store>) {
    let r = receiver(Arc::clone(&store)).router();
    let deep = format!(
        "{{\"code\":200,\"msg\":\"ok\",\"junk\":{}1{},\"data\":{{\"callbackType\":\"complete\",\"task_id\":\"{LYRICS_TASK}\",\"data\":[]}}}}",
        "{\"a\":".repeat(100_000),
        "}".repeat(100_000)
    );
    let (status, body) = send(&r, signed("/callbacks/lyrics", deep, LYRICS_TASK)).await;
    assert_eq!(
        (status, error(&body)),
        (StatusCode::BAD_REQUEST, "json_too_deep")
    );
    assert_eq!(store.stats().await.unwrap().callbacks, 0);
}

/// A signed lyrics body on the video route is refused, and the real lyrics
/// delivery is then new, stored as lyrics; music on the lyrics route too.
pub async fn another_familys_body_is_refused(store: Arc<dyn Store>) {
    let r = receiver(Arc::clone(&store)).router();
    let (status, body) = send(
        &r,
        signed("/callbacks/video", lyrics(LYRICS_TASK), LYRICS_TASK),
    )
    .await;
    assert_eq!(
        (status, error(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "wrong_callback_family")
    );
    let (status, body) = send(
        &r,
        signed("/callbacks/lyrics", lyrics(LYRICS_TASK), LYRICS_TASK),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["duplicate"], json!(false));
    let (status, body) = send(
        &r,
        signed(
            "/callbacks/lyrics",
            music(MUSIC_TASK, "complete"),
            MUSIC_TASK,
        ),
    )
    .await;
    assert_eq!(
        (status, error(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "wrong_callback_family")
    );
    let rows = store
        .callbacks_for(&TaskId::new(LYRICS_TASK))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].family, "lyrics");
    assert!(store
        .callbacks_for(&TaskId::new(MUSIC_TASK))
        .await
        .unwrap()
        .is_empty());
}

/// With one set of signature headers, `Complete`, ` COMPLETE ` and
/// `complete` are one stage; undocumented stages share one `other` row.
pub async fn the_stage_cannot_be_invented(store: Arc<dyn Store>) {
    let r = receiver(Arc::clone(&store)).router();
    let ts = now();
    let mut duplicates = Vec::new();
    for stage in [
        "complete",
        "Complete",
        " COMPLETE ",
        "x1",
        "x2",
        "X1",
        "text",
        "TEXT",
    ] {
        let (status, body) = send(
            &r,
            signed_at("/callbacks/music", music(MUSIC_TASK, stage), MUSIC_TASK, ts),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{stage}: {body}");
        duplicates.push(body["duplicate"] == json!(true));
    }
    assert_eq!(
        duplicates,
        [false, true, true, false, true, true, false, true]
    );
    let rows = store.callbacks_for(&TaskId::new(MUSIC_TASK)).await.unwrap();
    let stages: Vec<_> = rows.iter().map(|r| r.stage.as_str()).collect();
    assert_eq!(stages, ["complete", "other", "text"]);
    assert!(rows[0].terminal && rows[0].success);
    assert_eq!(
        rows.iter().map(|r| r.deliveries).collect::<Vec<_>>(),
        [3, 3, 2]
    );
}

/// Lyrics says `complete` even on failure: the stage comes from the code.
pub async fn a_lyrics_failure_is_stored_as_error(store: Arc<dyn Store>) {
    let r = receiver(Arc::clone(&store)).router();
    let mut failure = documented("lyrics-callback.failure.json");
    failure["data"]["task_id"] = json!(LYRICS_TASK);
    let (status, _) = send(
        &r,
        signed("/callbacks/lyrics", failure.to_string(), LYRICS_TASK),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let rows = store
        .callbacks_for(&TaskId::new(LYRICS_TASK))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].stage, "error");
    assert!(rows[0].terminal && !rows[0].success);
}

/// The 1 MB task id and the NUL (503 on PostgreSQL, stored by SQLite): 422
/// on both, nothing stored.
pub async fn unstorable_task_ids_are_refused(store: Arc<dyn Store>) {
    let r = receiver(Arc::clone(&store)).router();
    let mb = "a".repeat(1_000_000);
    for task in [mb.as_str(), "pg\u{0}nul", "ok\n\u{1b}[31mforged"] {
        let (status, body) = send(&r, signed("/callbacks/lyrics", lyrics(task), task)).await;
        assert_eq!(
            (status, error(&body)),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_task_id"),
            "task id of {} bytes",
            task.len()
        );
    }
    assert_eq!(store.stats().await.unwrap().callbacks, 0);
}

/// A body with a content coding is not the JSON it claims to be: 415.
pub async fn a_content_coding_is_refused(store: Arc<dyn Store>) {
    let r = receiver(Arc::clone(&store)).router();
    let mut req = signed("/callbacks/lyrics", lyrics(LYRICS_TASK), LYRICS_TASK);
    req.headers_mut()
        .insert("content-encoding", http::HeaderValue::from_static("gzip"));
    let (status, body) = send(&r, req).await;
    assert_eq!(
        (status, error(&body)),
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_content_encoding"
        )
    );
    assert_eq!(store.stats().await.unwrap().callbacks, 0);
}

/// Every case above, each on a fresh store from `open`.
pub async fn all<F, Fut>(open: F)
where
    F: Fn(&'static str) -> Fut,
    Fut: std::future::Future<Output = Arc<dyn Store>>,
{
    deep_nesting_is_refused(open("deep").await).await;
    another_familys_body_is_refused(open("family").await).await;
    the_stage_cannot_be_invented(open("stage").await).await;
    a_lyrics_failure_is_stored_as_error(open("lyricsfail").await).await;
    unstorable_task_ids_are_refused(open("taskid").await).await;
    a_content_coding_is_refused(open("coding").await).await;
}
