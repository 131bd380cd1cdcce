//! Shared helpers: documented bodies, requests signed with the test kit's
//! builders, and a throwaway database per test on the shared cluster.

// Not every module uses every helper in every feature set.
#![allow(dead_code)]

use std::sync::Arc;

use bytes::Bytes;
use kie_suno_callbacks::{Confirmation, Keys, NewCallback, PostgresOptions, PostgresStore};
pub use kie_suno_testkit::lyrics_body;
#[cfg(feature = "router")]
pub use kie_suno_testkit::{now_secs, DOC_TASK, LYRICS_SUCCESS};
use kie_suno_testkit::{pg, signed::Signer, SignedCallback};
use kie_suno_types::{CallbackFamily, TaskId};
use secrecy::{ExposeSecret as _, SecretString};

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

/// A new database `name` on the shared cluster, as a connection URL; `None`
/// when the tests skip.
pub async fn database(name: &str) -> Option<String> {
    let cluster = pg::shared()?;
    Some(cluster.create_db(name).await.unwrap())
}

pub async fn store(url: &str) -> Arc<PostgresStore> {
    Arc::new(
        PostgresStore::connect(url, PostgresOptions::default().max_connections(8))
            .await
            .unwrap(),
    )
}

/// A signed callback as KIE sends it: the body and its two signature headers.
pub fn signed_callback(body: &str, task: &str, ts: u64, key: &SecretString) -> SignedCallback {
    let signer = Signer::new(key.expose_secret().as_bytes());
    SignedCallback::new(&signer, task, ts, body.to_owned())
}

#[cfg(feature = "router")]
pub use requests::*;

/// Requests through a receiver's router.
#[cfg(feature = "router")]
mod requests {
    use axum::body::Body;
    use axum::Router;
    use http::{Request, StatusCode};
    use secrecy::SecretString;
    use tower::ServiceExt;

    /// A JSON POST signed with `key` for `task` at `ts`.
    pub fn signed(
        path: &str,
        body: &str,
        task: &str,
        ts: u64,
        key: &SecretString,
    ) -> Request<Body> {
        let callback = super::signed_callback(body, task, ts, key);
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
}
