//! The receiver survives its PostgreSQL server crashing: on a dedicated
//! throwaway cluster (never the shared one, which other tests use), the
//! postmaster is SIGKILLed while the receiver serves over a real socket, then
//! restarted on the same data directory and port.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use kie_suno_callbacks::{PostgresOptions, PostgresStore, Receiver, ReceiverConfig, Store};
use kie_suno_testkit::pg::{Cluster, Options};
use kie_suno_types::TaskId;

use crate::common::*;

/// The bound on every wait of this test.
const WAIT: Duration = Duration::from_secs(60);

/// Polls `done` every 100 ms until it holds; panics with `what` after [`WAIT`].
async fn wait_until<F, Fut>(what: &str, mut done: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + WAIT;
    while !done().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "gave up after {WAIT:?} waiting until {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A process's parent pid and whether it is still running (not a zombie), from
/// `/proc/<pid>/stat`; `None` once it is gone.
fn proc_stat(pid: u32) -> Option<(u32, bool)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
    let mut rest = stat.get(stat.rfind(')')? + 1..)?.split_whitespace();
    let state = rest.next()?;
    let ppid = rest.next()?.parse().ok()?;
    Some((ppid, state != "Z" && state != "X"))
}

fn alive(pid: u32) -> bool {
    proc_stat(pid).is_some_and(|(_, running)| running)
}

/// The postmaster and its children (the backends and auxiliary processes).
fn server_processes(postmaster: u32) -> Vec<u32> {
    let mut pids = vec![postmaster];
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
            continue;
        };
        if proc_stat(pid).is_some_and(|(ppid, _)| ppid == postmaster) {
            pids.push(pid);
        }
    }
    pids
}

fn postmaster_pid(data: &Path) -> u32 {
    let pid_file = std::fs::read_to_string(data.join("postmaster.pid")).unwrap();
    pid_file.lines().next().unwrap().trim().parse().unwrap()
}

/// A signed lyrics callback for `task` to the receiver at `base`: the status and
/// the JSON body.
async fn deliver(client: &reqwest::Client, base: &str, task: &str) -> (u16, serde_json::Value) {
    let callback = signed_callback(&lyrics_body(task), task, now_secs(), &key());
    let mut request = client
        .post(format!("{base}/callbacks/lyrics"))
        .header("content-type", "application/json");
    for (name, value) in callback.headers() {
        request = request.header(name, value);
    }
    let res = request.body(callback.body).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap())
}

async fn readyz(client: &reqwest::Client, base: &str) -> u16 {
    client
        .get(format!("{base}/readyz"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_receiver_survives_postgres_being_killed_and_restarted() {
    let Some(cluster) = Cluster::start_or_skip(&Options::new().prefix("kie-suno-pg-crash-")) else {
        return;
    };
    let url = cluster.create_db("crash").await.unwrap();
    let store = Arc::new(
        PostgresStore::connect(
            &url,
            PostgresOptions::default()
                .max_connections(4)
                .connect_timeout(Duration::from_secs(2))
                .wait_timeout(Duration::from_secs(2)),
        )
        .await
        .unwrap(),
    );
    let receiver = Receiver::new(
        ReceiverConfig::new().keys(keys()),
        store.clone() as Arc<dyn Store>,
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = receiver
        .serve("127.0.0.1:0".parse().unwrap(), async {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    let base = format!("http://{}", serving.local_addr());
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();

    // Before the crash: stored.
    let (status, body) = deliver(&client, &base, "crash-1").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["duplicate"], false, "{body}");
    assert_eq!(readyz(&client, &base).await, 200);

    // The crash: SIGKILL the postmaster, then wait until it and every backend
    // are gone and the port refuses connections.
    let postmaster = postmaster_pid(cluster.data_dir());
    let processes = server_processes(postmaster);
    let killed = std::process::Command::new("kill")
        .args(["-9", &postmaster.to_string()])
        .status()
        .unwrap();
    assert!(killed.success(), "kill -9 {postmaster}: {killed}");
    let port = cluster.port();
    wait_until("the killed server's processes are gone", || {
        let processes = processes.clone();
        async move {
            let gone = processes.iter().all(|&pid| !alive(pid));
            gone && tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_err()
        }
    })
    .await;

    // While it is down: refused as a store failure (KIE retries), not ready.
    let (status, body) = deliver(&client, &base, "crash-2").await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"], "store_unavailable", "{body}");
    assert_eq!(readyz(&client, &base).await, 503);

    // Restarted on the same data directory and port: ready again.
    let cluster = tokio::task::spawn_blocking(move || {
        cluster.restart().unwrap();
        cluster
    })
    .await
    .unwrap();
    wait_until("/readyz answers 200 after the restart", || {
        let (client, base) = (client.clone(), base.clone());
        async move { readyz(&client, &base).await == 200 }
    })
    .await;

    // The delivery refused during the outage is stored now; the first one again
    // is a duplicate.
    let (status, body) = deliver(&client, &base, "crash-2").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["duplicate"], false, "{body}");
    let (status, body) = deliver(&client, &base, "crash-1").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["duplicate"], true, "{body}");
    assert_eq!(readyz(&client, &base).await, 200);

    // Each key stored exactly once.
    let first = store.callbacks_for(&TaskId::new("crash-1")).await.unwrap();
    assert_eq!(first.len(), 1, "{first:?}");
    assert_eq!(first[0].deliveries, 2);
    let second = store.callbacks_for(&TaskId::new("crash-2")).await.unwrap();
    assert_eq!(second.len(), 1, "{second:?}");
    assert_eq!(second[0].deliveries, 1);
    let stats = store.stats().await.unwrap();
    assert_eq!((stats.callbacks, stats.deliveries), (2, 3));

    stop.send(()).unwrap();
    tokio::time::timeout(WAIT, serving.wait())
        .await
        .unwrap()
        .unwrap();
    // Stopped and removed by its watchdog, off the runtime's threads.
    tokio::task::spawn_blocking(move || drop(cluster))
        .await
        .unwrap();
}
