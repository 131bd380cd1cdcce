//! The PostgreSQL store against a real, throwaway server: Debian's binaries in
//! /usr/lib/postgresql/*/bin, initdb on a temp dir, pg_ctl on a free port,
//! connecting over 127.0.0.1. As root, the server runs as the `postgres` user via
//! `runuser`. Skips with a printed reason when absent, unless
//! `KIE_SUNO_REQUIRE_POSTGRES=1` (CI), which turns the skip into a failure.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use http::StatusCode;
use kie_suno_callbacks::{
    NewCallback, PostgresOptions, PostgresStore, Receiver, ReceiverConfig, Store,
};
use kie_suno_types::{CallbackFamily, TaskId};
use tokio::sync::Barrier;

use crate::common::*;

struct Cluster {
    _dir: tempfile::TempDir,
    data: PathBuf,
    bin: PathBuf,
    run_as: Option<String>,
    port: u16,
}

fn find_bin() -> Option<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            (bin.join("initdb").exists() && bin.join("pg_ctl").exists()).then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, b)| b)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn run(run_as: &Option<String>, program: &Path, args: &[&str]) -> Result<(), String> {
    let mut cmd = match run_as {
        Some(user) => {
            let mut c = Command::new("runuser");
            c.args(["-u", user, "--"]).arg(program);
            c
        }
        None => Command::new(program),
    };
    let out = cmd
        .args(args)
        .output()
        .map_err(|e| format!("{}: {e}", program.display()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{} {:?} failed: {}{}",
            program.display(),
            args,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

impl Cluster {
    fn start() -> Result<Cluster, String> {
        let bin = find_bin().ok_or("no initdb/pg_ctl under /usr/lib/postgresql/*/bin")?;
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let run_as = if is_root() {
            // initdb refuses to run as root: hand the dir to the postgres user.
            let ok = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .map_err(|e| e.to_string())?;
            if !ok.success() {
                return Err("running as root and cannot chown to a postgres user".into());
            }
            Some("postgres".to_owned())
        } else {
            None
        };
        let data = dir.path().join("data");
        let data_s = data.to_str().ok_or("temp path is not utf-8")?.to_owned();
        let sock = dir
            .path()
            .to_str()
            .ok_or("temp path is not utf-8")?
            .to_owned();
        run(
            &run_as,
            &bin.join("initdb"),
            &[
                "-D",
                &data_s,
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        )?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        let opts = format!(
            "-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60"
        );
        let log = format!("{sock}/server.log");
        run(
            &run_as,
            &bin.join("pg_ctl"),
            &[
                "-D", &data_s, "-l", &log, "-o", &opts, "-w", "-t", "60", "start",
            ],
        )?;
        Ok(Cluster {
            _dir: dir,
            data,
            bin,
            run_as,
            port,
        })
    }

    fn url(&self, db: &str) -> String {
        format!(
            "host=127.0.0.1 port={} user=postgres dbname={db}",
            self.port
        )
    }

    async fn create_db(&self, db: &str) {
        let (client, conn) = tokio_postgres::connect(&self.url("postgres"), tokio_postgres::NoTls)
            .await
            .unwrap();
        let task = tokio::spawn(conn);
        client
            .batch_execute(&format!("CREATE DATABASE {db}"))
            .await
            .unwrap();
        drop(client);
        let _ = task.await;
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if let Some(data) = self.data.to_str() {
            let _ = run(
                &self.run_as,
                &self.bin.join("pg_ctl"),
                &["-D", data, "-m", "immediate", "-w", "stop"],
            );
        }
    }
}

/// The cluster, or `None` after printing why the test is skipped.
fn cluster_or_skip() -> Option<Cluster> {
    match Cluster::start() {
        Ok(c) => Some(c),
        Err(reason) => {
            if std::env::var("KIE_SUNO_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                panic!(
                    "KIE_SUNO_REQUIRE_POSTGRES=1 but no postgres server could be started: {reason}"
                );
            }
            eprintln!("skipping postgres tests: {reason}");
            None
        }
    }
}

fn record(task: &str) -> NewCallback {
    let mut cb = NewCallback::new(CallbackFamily::Lyrics, TaskId::new(task), "complete");
    cb.body = bytes::Bytes::from(lyrics_body(task));
    cb.code = Some(200);
    cb.success = true;
    cb.terminal = true;
    cb
}

async fn store(cluster: &Cluster, db: &str) -> Arc<PostgresStore> {
    Arc::new(
        PostgresStore::connect(
            &cluster.url(db),
            PostgresOptions::default().max_connections(8),
        )
        .await
        .unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_store_against_a_real_server() {
    let Some(cluster) = cluster_or_skip() else {
        return;
    };

    // Store level: idempotency, restart, submitted tasks, migrations twice.
    cluster.create_db("store_level").await;
    let a = store(&cluster, "store_level").await;
    for i in 1..=3u64 {
        let r = a.record(record("pg-1")).await.unwrap();
        assert_eq!((r.deliveries, r.is_new()), (i, i == 1));
    }
    a.record_submitted(&TaskId::new("pg-1"), CallbackFamily::Lyrics)
        .await
        .unwrap();
    a.close().await.unwrap();
    let reopened = store(&cluster, "store_level").await;
    let rows = reopened.callbacks_for(&TaskId::new("pg-1")).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].deliveries, 3);
    assert_eq!(rows[0].body, lyrics_body("pg-1").as_bytes());
    assert!(reopened.is_submitted(&TaskId::new("pg-1")).await.unwrap());
    assert!(!reopened.is_submitted(&TaskId::new("pg-2")).await.unwrap());
    assert!(!format!("{reopened:?}").contains("postgres user"));

    // A refuted first delivery is replaced by a confirmed one; a final one is not.
    let mut refuted = record("pg-confirm");
    refuted.confirmation = kie_suno_callbacks::Confirmation::Refuted;
    refuted.body = bytes::Bytes::from_static(b"{\"forged\":true}");
    assert!(reopened.record(refuted).await.unwrap().is_new());
    let mut confirmed = record("pg-confirm");
    confirmed.confirmation = kie_suno_callbacks::Confirmation::Confirmed;
    assert!(!reopened.record(confirmed.clone()).await.unwrap().is_new());
    let replaced = reopened
        .replace_unconfirmed(confirmed.clone())
        .await
        .unwrap();
    assert!(replaced.is_some());
    let rows = reopened
        .callbacks_for(&TaskId::new("pg-confirm"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(Some(rows[0].id), replaced);
    assert!(rows[0].is_final());
    assert_eq!(rows[0].body, lyrics_body("pg-confirm").as_bytes());
    assert_eq!(reopened.replace_unconfirmed(confirmed).await.unwrap(), None);

    // Two stores (instances) racing on the same key: one row, every delivery counted.
    cluster.create_db("race").await;
    let (x, y) = tokio::join!(store(&cluster, "race"), store(&cluster, "race"));
    let mut handles = Vec::new();
    for i in 0..32 {
        let s = if i % 2 == 0 { x.clone() } else { y.clone() };
        handles.push(tokio::spawn(async move {
            s.record(record("race")).await.unwrap()
        }));
    }
    let mut new = 0;
    for h in handles {
        new += usize::from(h.await.unwrap().is_new());
    }
    assert_eq!(new, 1);
    let stats = x.stats().await.unwrap();
    assert_eq!((stats.callbacks, stats.deliveries), (1, 32));

    // Two receiver instances on one database, the same signed callback at the same moment.
    cluster.create_db("receivers").await;
    let (s1, s2) = tokio::join!(store(&cluster, "receivers"), store(&cluster, "receivers"));
    let r1 = Receiver::new(
        ReceiverConfig::new().keys(keys()),
        s1.clone() as Arc<dyn Store>,
    );
    let r2 = Receiver::new(
        ReceiverConfig::new()
            .keys(keys())
            .outcome_recheck(Some(std::time::Duration::from_millis(50))),
        s2.clone() as Arc<dyn Store>,
    );
    // Instance 2 waits for an outcome that instance 1 (or 2) will commit.
    let waiting = r2.outcomes();
    let waiter = tokio::spawn(async move { waiting.wait_final(&TaskId::new(DOC_TASK)).await });
    let barrier = Arc::new(Barrier::new(2));
    let ts = now_secs();
    let go = |router: axum::Router, barrier: Arc<Barrier>| async move {
        barrier.wait().await;
        send(
            &router,
            signed("/callbacks/lyrics", LYRICS_SUCCESS, DOC_TASK, ts, &key()),
        )
        .await
    };
    let (o1, o2) = tokio::join!(
        tokio::spawn(go(r1.router(), barrier.clone())),
        tokio::spawn(go(r2.router(), barrier.clone()))
    );
    let (o1, o2) = (o1.unwrap(), o2.unwrap());
    assert_eq!((o1.0, o2.0), (StatusCode::OK, StatusCode::OK));
    let duplicates = [&o1.1, &o2.1]
        .iter()
        .filter(|b| b["duplicate"] == true)
        .count();
    assert_eq!(duplicates, 1);
    let rows = s1.callbacks_for(&TaskId::new(DOC_TASK)).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].deliveries, 2);
    assert!(rows[0].signed);
    let ev = waiter.await.unwrap().unwrap();
    assert!(ev.is_final && ev.success);

    // A bad request leaves the shared store unchanged.
    let before = s1.stats().await.unwrap();
    let (status, _) = send(&r1.router(), unsigned("/callbacks/lyrics", LYRICS_SUCCESS)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(s2.stats().await.unwrap(), before);
}

#[tokio::test]
async fn a_bad_connection_string_does_not_echo_it() {
    let err = PostgresStore::connect(
        "host=127.0.0.1 password=hunter2 port=notaport",
        PostgresOptions::default(),
    )
    .await
    .unwrap_err();
    assert!(!err.to_string().contains("hunter2"), "{err}");
}
