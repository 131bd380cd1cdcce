//! Shared helpers: the documented bodies (through `kie_suno_types::fixtures`),
//! requests signed with the one signer (`kie_suno_types::signature`), receivers
//! over a temp SQLite file.

// Each feature set uses another part of these helpers.
#![allow(dead_code)]

use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use kie_suno_callbacks::{Confirmation, Keys, NewCallback};
use kie_suno_types::{CallbackFamily, TaskId};
use secrecy::SecretString;

pub const KEY: &str = "kie-hmac-key-01";

/// The task id of the documented lyrics callbacks.
pub const DOC_TASK: &str = "3b66882fde0a5d398bd269cab6d9542b";

pub fn key() -> SecretString {
    SecretString::from(KEY)
}

pub fn keys() -> Keys {
    Keys::new([key()]).unwrap()
}

/// The documented payload `name`, byte for byte.
pub fn documented(name: &str) -> &'static str {
    kie_suno_types::fixtures::documented(name)
        .unwrap_or_else(|| panic!("no documented payload {name}"))
}

/// The documented lyrics success callback (task [`DOC_TASK`]).
pub fn lyrics_success() -> &'static str {
    documented("lyrics-callback.success.json")
}

/// The documented lyrics failure callback (task [`DOC_TASK`]).
pub fn lyrics_failure() -> &'static str {
    documented("lyrics-callback.failure.json")
}

/// The documented lyrics success callback with another task id, as compact JSON.
pub fn lyrics_body(task: &str) -> String {
    let mut json: serde_json::Value = serde_json::from_str(lyrics_success()).unwrap();
    json["data"]["task_id"] = serde_json::Value::from(task);
    json.to_string()
}

/// Seconds since the Unix epoch, as `X-Webhook-Timestamp` carries them.
pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The two signature headers for `task` at `ts` with `key`, as KIE sends them
/// (the one signer: `kie_suno_types::signature`).
pub fn signature_headers(task: &str, ts: u64, key: &SecretString) -> [(&'static str, String); 2] {
    use kie_suno_types::signature::{sign, SIGNATURE_HEADER, TIMESTAMP_HEADER};
    use secrecy::ExposeSecret as _;
    [
        (TIMESTAMP_HEADER, ts.to_string()),
        (
            SIGNATURE_HEADER,
            sign(key.expose_secret().as_bytes(), task, ts),
        ),
    ]
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

#[cfg(all(feature = "router", feature = "sqlite"))]
pub use receiving::*;

/// Receivers over a temp SQLite file and requests through their router.
#[cfg(all(feature = "router", feature = "sqlite"))]
mod receiving {
    use std::sync::Arc;

    use axum::body::Body;
    use axum::Router;
    use http::{Request, StatusCode};
    use kie_suno_callbacks::{
        Receiver, ReceiverConfig, SqliteOptions, SqliteStore, Store, StoreStats, StoredCallback,
    };
    use kie_suno_types::TaskId;
    use secrecy::SecretString;
    use tower::ServiceExt;

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

        pub async fn count(&self, task: &str) -> Vec<StoredCallback> {
            self.store.callbacks_for(&TaskId::new(task)).await.unwrap()
        }
    }

    /// A store whose `record` reports that it began and then waits for the gate
    /// (one `notify_one` per write) before it writes: a pipeline held in flight.
    #[derive(Debug)]
    pub struct GatedStore {
        pub inner: Arc<dyn Store>,
        pub entered: tokio::sync::mpsc::UnboundedSender<()>,
        pub gate: Arc<tokio::sync::Notify>,
    }

    type Fut<'a, T> = kie_suno_callbacks::BoxFuture<'a, Result<T, kie_suno_callbacks::Error>>;

    impl Store for GatedStore {
        fn record(
            &self,
            callback: kie_suno_callbacks::NewCallback,
        ) -> Fut<'_, kie_suno_callbacks::Recorded> {
            Box::pin(async move {
                let _ = self.entered.send(());
                self.gate.notified().await;
                self.inner.record(callback).await
            })
        }
        fn claim_confirmations(
            &self,
            now_ms: i64,
            lease_ms: i64,
            limit: usize,
        ) -> Fut<'_, Vec<kie_suno_callbacks::ConfirmJob>> {
            self.inner.claim_confirmations(now_ms, lease_ms, limit)
        }
        fn retry_confirmation(&self, id: i64, due_ms: i64, error: String) -> Fut<'_, ()> {
            self.inner.retry_confirmation(id, due_ms, error)
        }
        fn finish_confirmation(
            &self,
            id: i64,
            result: kie_suno_callbacks::ConfirmResult,
        ) -> Fut<'_, Option<i64>> {
            self.inner.finish_confirmation(id, result)
        }
        fn outcomes_after(
            &self,
            cursor: i64,
            limit: usize,
        ) -> Fut<'_, Vec<kie_suno_callbacks::OutcomeEvent>> {
            self.inner.outcomes_after(cursor, limit)
        }
        fn outcomes_for<'a>(
            &'a self,
            task_id: &'a TaskId,
        ) -> Fut<'a, Vec<kie_suno_callbacks::OutcomeEvent>> {
            self.inner.outcomes_for(task_id)
        }
        fn latest_cursor(&self) -> Fut<'_, i64> {
            self.inner.latest_cursor()
        }
        fn callback(&self, id: i64) -> Fut<'_, Option<StoredCallback>> {
            self.inner.callback(id)
        }
        fn prune(&self, before_ms: i64) -> Fut<'_, kie_suno_callbacks::Pruned> {
            self.inner.prune(before_ms)
        }
        fn callbacks_for<'a>(&'a self, task_id: &'a TaskId) -> Fut<'a, Vec<StoredCallback>> {
            self.inner.callbacks_for(task_id)
        }
        fn record_submitted<'a>(
            &'a self,
            task_id: &'a TaskId,
            family: kie_suno_types::CallbackFamily,
        ) -> Fut<'a, ()> {
            self.inner.record_submitted(task_id, family)
        }
        fn is_submitted<'a>(&'a self, task_id: &'a TaskId) -> Fut<'a, bool> {
            self.inner.is_submitted(task_id)
        }
        fn stats(&self) -> Fut<'_, StoreStats> {
            self.inner.stats()
        }
        fn close(&self) -> Fut<'_, ()> {
            self.inner.close()
        }
    }

    /// A JSON POST signed with `key` for `task` at `ts`.
    pub fn signed(
        path: &str,
        body: &str,
        task: &str,
        ts: u64,
        key: &SecretString,
    ) -> Request<Body> {
        let mut request = Request::builder()
            .method("POST")
            .uri(path)
            .header("content-type", "application/json");
        for (name, value) in super::signature_headers(task, ts, key) {
            request = request.header(name, value);
        }
        request.body(Body::from(body.to_owned())).unwrap()
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
}
