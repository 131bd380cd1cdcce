//! Shared helpers: documented bodies, signed requests, receivers over a temp SQLite file.

use std::sync::Arc;

use axum::body::Body;
use axum::Router;
use bytes::Bytes;
use http::{Request, StatusCode};
use kie_suno_callbacks::{
    Confirmation, Keys, NewCallback, Receiver, ReceiverConfig, SqliteOptions, SqliteStore, Store,
    StoreStats,
};
pub use kie_suno_testkit::{lyrics_body, now_secs, DOC_TASK, LYRICS_FAILURE, LYRICS_SUCCESS};
use kie_suno_testkit::{signed::Signer, SignedCallback};
use kie_suno_types::{CallbackFamily, TaskId};
use secrecy::{ExposeSecret as _, SecretString};
use tower::ServiceExt;

pub const KEY: &str = "kie-hmac-key-01";

pub fn key() -> SecretString {
    SecretString::from(KEY)
}

pub fn keys() -> Keys {
    Keys::new([key()]).unwrap()
}

/// A terminal, successful lyrics record for the store tests: the documented body
/// with this task id, stored as sent with a JSON content type.
pub fn record(task: &str, stage: &str) -> NewCallback {
    let mut cb = NewCallback::new(CallbackFamily::Lyrics, TaskId::new(task), stage);
    cb.body = Bytes::from(lyrics_body(task));
    cb.code = Some(200);
    cb.success = true;
    cb.terminal = true;
    cb.confirmation = Confirmation::NotRequested;
    cb.headers = vec![("content-type".to_owned(), "application/json".to_owned())];
    cb
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
    let signer = Signer::new(key.expose_secret().as_bytes());
    let callback = SignedCallback::new(&signer, task, ts, body.to_owned());
    let mut request = Request::builder()
        .method("POST")
        .uri(path)
        .header("content-type", "application/json");
    for (name, value) in callback.headers() {
        request = request.header(name, value);
    }
    request.body(Body::from(callback.body)).unwrap()
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
