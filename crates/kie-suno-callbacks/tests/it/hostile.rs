//! The hostile corpus ([`crate::corpus`]) against a receiver on SQLite.

use std::sync::Arc;

use kie_suno_callbacks::{SqliteOptions, SqliteStore, Store};

#[tokio::test]
async fn the_hostile_corpus_is_refused_and_leaves_the_sqlite_store_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("cb.db"), SqliteOptions::default())
        .await
        .unwrap();
    let n = crate::corpus::run(Arc::new(store) as Arc<dyn Store>).await;
    assert!(n >= 60, "{n}");
}

async fn sqlite(dir: &tempfile::TempDir, name: &str) -> Arc<dyn Store> {
    Arc::new(
        SqliteStore::open(
            dir.path().join(format!("{name}.db")),
            SqliteOptions::default(),
        )
        .await
        .unwrap(),
    )
}

#[tokio::test]
async fn the_issue_cases_hold_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    crate::issue11::all(|name| sqlite(&dir, name)).await;
}

#[tokio::test]
async fn every_family_pair_is_refused_or_kept_apart_by_the_family_key_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    crate::corpus::check_family_pairs(sqlite(&dir, "pairs").await).await;
}

type Fut<'a, T> = kie_suno_callbacks::BoxFuture<'a, Result<T, kie_suno_callbacks::Error>>;

/// A store that fails every write with a given fault, or panics in it with
/// `None` (reads go to SQLite).
#[derive(Debug)]
struct Failing(Arc<dyn Store>, Option<kie_suno_callbacks::Fault>);

impl Store for Failing {
    fn record(
        &self,
        _: kie_suno_callbacks::NewCallback,
    ) -> kie_suno_callbacks::BoxFuture<
        '_,
        Result<kie_suno_callbacks::Recorded, kie_suno_callbacks::Error>,
    > {
        let fault = self.1;
        Box::pin(async move {
            let Some(fault) = fault else {
                panic!("a store bug");
            };
            Err(kie_suno_callbacks::Error::custom_store_fault(
                "refused", fault,
            ))
        })
    }
    fn claim_confirmations(
        &self,
        now_ms: i64,
        lease_ms: i64,
        limit: usize,
    ) -> Fut<'_, Vec<kie_suno_callbacks::ConfirmJob>> {
        self.0.claim_confirmations(now_ms, lease_ms, limit)
    }
    fn retry_confirmation(&self, id: i64, due_ms: i64, error: String) -> Fut<'_, ()> {
        self.0.retry_confirmation(id, due_ms, error)
    }
    fn finish_confirmation(
        &self,
        id: i64,
        result: kie_suno_callbacks::ConfirmResult,
    ) -> Fut<'_, Option<i64>> {
        self.0.finish_confirmation(id, result)
    }
    fn outcomes_after(
        &self,
        cursor: i64,
        limit: usize,
    ) -> Fut<'_, Vec<kie_suno_callbacks::OutcomeEvent>> {
        self.0.outcomes_after(cursor, limit)
    }
    fn outcomes_for<'a>(
        &'a self,
        task_id: &'a kie_suno_types::TaskId,
    ) -> Fut<'a, Vec<kie_suno_callbacks::OutcomeEvent>> {
        self.0.outcomes_for(task_id)
    }
    fn latest_cursor(&self) -> Fut<'_, i64> {
        self.0.latest_cursor()
    }
    fn callback(&self, id: i64) -> Fut<'_, Option<kie_suno_callbacks::StoredCallback>> {
        self.0.callback(id)
    }
    fn prune(&self, before_ms: i64) -> Fut<'_, kie_suno_callbacks::Pruned> {
        self.0.prune(before_ms)
    }
    fn callbacks_for<'a>(
        &'a self,
        task_id: &'a kie_suno_types::TaskId,
    ) -> kie_suno_callbacks::BoxFuture<
        'a,
        Result<Vec<kie_suno_callbacks::StoredCallback>, kie_suno_callbacks::Error>,
    > {
        self.0.callbacks_for(task_id)
    }
    fn record_submitted<'a>(
        &'a self,
        task_id: &'a kie_suno_types::TaskId,
        family: kie_suno_types::CallbackFamily,
    ) -> kie_suno_callbacks::BoxFuture<'a, Result<(), kie_suno_callbacks::Error>> {
        self.0.record_submitted(task_id, family)
    }
    fn is_submitted<'a>(
        &'a self,
        task_id: &'a kie_suno_types::TaskId,
    ) -> kie_suno_callbacks::BoxFuture<'a, Result<bool, kie_suno_callbacks::Error>> {
        self.0.is_submitted(task_id)
    }
    fn stats(
        &self,
    ) -> kie_suno_callbacks::BoxFuture<
        '_,
        Result<kie_suno_callbacks::StoreStats, kie_suno_callbacks::Error>,
    > {
        self.0.stats()
    }
    fn close(&self) -> kie_suno_callbacks::BoxFuture<'_, Result<(), kie_suno_callbacks::Error>> {
        self.0.close()
    }
}

/// Posts the signed lyrics callback of `issue11::LYRICS_TASK`: the status and JSON body.
async fn post_lyrics(
    r: &kie_suno_callbacks::Receiver,
) -> (axum::http::StatusCode, serde_json::Value) {
    let task = crate::issue11::LYRICS_TASK;
    crate::issue11::send(
        &r.router(),
        crate::issue11::signed("/callbacks/lyrics", crate::issue11::lyrics(task), task),
    )
    .await
}

/// What a store refuses as input is 422 (a retry cannot fix it); transient and
/// server faults are 503 (KIE retries); each counted under its reason.
#[tokio::test]
async fn store_faults_decide_between_422_and_503() {
    use kie_suno_callbacks::{Fault, Reason};
    let dir = tempfile::tempdir().unwrap();
    for (fault, status, code, reason) in [
        (Fault::Input, 422, "unstorable_callback", Reason::Unstorable),
        (
            Fault::Transient,
            503,
            "store_unavailable",
            Reason::StoreUnavailable,
        ),
        (
            Fault::Server,
            503,
            "store_unavailable",
            Reason::StoreUnavailable,
        ),
    ] {
        let store = Arc::new(Failing(sqlite(&dir, fault.as_str()).await, Some(fault)));
        let r = crate::issue11::receiver(store);
        let (got, body) = post_lyrics(&r).await;
        assert_eq!(
            (got.as_u16(), body["error"].as_str()),
            (status, Some(code)),
            "{fault}"
        );
        assert_eq!(r.state().rejections().get(reason), 1, "{fault}");
    }
}

/// A panic in the pipeline (here, in the store) is answered 503, counted, and
/// leaves the receiver serving: it does not unwind into the connection.
#[tokio::test]
async fn a_panic_in_the_pipeline_is_a_503_and_the_receiver_keeps_serving() {
    use kie_suno_callbacks::Reason;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Failing(sqlite(&dir, "panics").await, None));
    let r = crate::issue11::receiver(store);
    for attempt in 1..=2 {
        let (got, body) = post_lyrics(&r).await;
        assert_eq!(
            (got.as_u16(), body["error"].as_str()),
            (503, Some("store_unavailable")),
            "attempt {attempt}"
        );
        assert_eq!(
            r.state().rejections().get(Reason::StoreUnavailable),
            attempt
        );
    }
}
