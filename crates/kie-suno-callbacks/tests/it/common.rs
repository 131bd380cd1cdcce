//! Shared helpers: documented bodies, signed requests, receivers over a temp SQLite file.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::Router;
use http::{Request, StatusCode};
use kie_suno_callbacks::{
    sign, Keys, Receiver, ReceiverConfig, SqliteOptions, SqliteStore, Store, StoreStats,
};
use kie_suno_types::TaskId;
use secrecy::{ExposeSecret as _, SecretString};
use tower::ServiceExt;

/// The documented lyrics success callback (task `3b66882fde0a5d398bd269cab6d9542b`).
pub const LYRICS_SUCCESS: &str =
    include_str!("../../../kie-suno-types/fixtures/documented/lyrics-callback.success.json");
/// The documented lyrics failure callback.
pub const LYRICS_FAILURE: &str =
    include_str!("../../../kie-suno-types/fixtures/documented/lyrics-callback.failure.json");
pub const DOC_TASK: &str = "3b66882fde0a5d398bd269cab6d9542b";

pub const KEY: &str = "kie-hmac-key-01";

pub fn key() -> SecretString {
    SecretString::from(KEY)
}

pub fn keys() -> Keys {
    Keys::new([key()]).unwrap()
}

/// The documented success body with another task id.
pub fn lyrics_body(task: &str) -> String {
    LYRICS_SUCCESS.replace(DOC_TASK, task)
}

pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A SQLite-backed receiver in a temp dir.
pub struct Rig {
    pub receiver: Receiver,
    pub store: Arc<SqliteStore>,
    pub _dir: tempfile::TempDir,
}

impl Rig {
    pub async fn new(config: ReceiverConfig) -> Rig {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(
            SqliteStore::open(dir.path().join("callbacks.db"), SqliteOptions::default())
                .await
                .unwrap(),
        );
        let receiver = Receiver::new(config, store.clone() as Arc<dyn Store>);
        Rig {
            receiver,
            store,
            _dir: dir,
        }
    }

    pub fn router(&self) -> Router {
        self.receiver.router()
    }

    pub async fn stats(&self) -> StoreStats {
        self.store.stats().await.unwrap()
    }

    pub async fn count(&self, task: &str) -> Vec<kie_suno_callbacks::StoredCallback> {
        self.store.callbacks_for(&TaskId::new(task)).await.unwrap()
    }
}

/// A JSON POST signed with `key` for `task` at `ts`.
pub fn signed(path: &str, body: &str, task: &str, ts: u64, key: &SecretString) -> Request<Body> {
    Request::builder()
        .method("POST")
        .uri(path)
        .header("content-type", "application/json")
        .header("X-Webhook-Timestamp", ts.to_string())
        .header(
            "X-Webhook-Signature",
            sign(key.expose_secret().as_bytes(), task, ts),
        )
        .body(Body::from(body.to_owned()))
        .unwrap()
}

/// An unsigned JSON POST.
pub fn unsigned(path: &str, body: &str) -> Request<Body> {
    Request::builder()
        .method("POST")
        .uri(path)
        .header("content-type", "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

/// Sends through the router; returns the status and the JSON body.
pub async fn send(router: &Router, req: Request<Body>) -> (StatusCode, serde_json::Value) {
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let ct = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    assert_eq!(ct.as_deref(), Some("application/json"), "status {status}");
    let json = serde_json::from_slice(&bytes).unwrap();
    (status, json)
}
