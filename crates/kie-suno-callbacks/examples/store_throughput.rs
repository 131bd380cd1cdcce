//! Measures the SQLite store alone: N records from C concurrent tasks, group commit.
//!
//! `cargo run --release -p kie-suno-callbacks --example store_throughput -- 20000 64 full`

use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use kie_suno_callbacks::{NewCallback, SqliteOptions, SqliteStore, Store, Synchronous};
use kie_suno_types::{CallbackFamily, TaskId};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).map_or(Ok(20_000), |s| s.parse())?;
    let c: usize = args.get(2).map_or(Ok(64), |s| s.parse())?;
    let sync = match args.get(3).map(String::as_str) {
        Some("normal") => Synchronous::Normal,
        _ => Synchronous::Full,
    };
    let dir = std::env::temp_dir().join(format!("kie-store-throughput-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let store = Arc::new(
        SqliteStore::open(dir.join("t.db"), SqliteOptions::default().synchronous(sync)).await?,
    );
    let body = Bytes::from(vec![b'x'; 1100]);
    let started = Instant::now();
    let mut handles = Vec::new();
    for w in 0..c {
        let store = store.clone();
        let body = body.clone();
        handles.push(tokio::spawn(async move {
            let mut i = w;
            while i < n {
                let mut cb = NewCallback::new(
                    CallbackFamily::Lyrics,
                    TaskId::new(format!("task-{i:08}")),
                    "complete",
                );
                cb.body = body.clone();
                cb.headers = vec![("content-type".into(), "application/json".into()); 6];
                store.record(cb).await?;
                i += c;
            }
            Ok::<(), kie_suno_callbacks::Error>(())
        }));
    }
    for h in handles {
        h.await??;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{n} records, {c} concurrent, {sync:?}: {:.0} records/s",
        n as f64 / secs
    );
    store.close().await?;
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
