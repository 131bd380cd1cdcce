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
