//! The throwaway cluster: it serves, and it is stopped and its directory removed
//! both when it is dropped and when the process holding the shared one dies.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kie_suno_testkit::pg::{self, Cluster, ClusterError, Options};

/// Set in the child process that holds the shared cluster.
const HELPER_ENV: &str = "KIE_SUNO_TESTKIT_HOLD_SHARED_CLUSTER";

async fn select_one(url: &str) -> i32 {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    let connection = tokio::spawn(connection);
    let one: i32 = client.query_one("SELECT 1", &[]).await.unwrap().get(0);
    drop(client);
    let _ = connection.await;
    one
}

fn listening(port: u16) -> bool {
    TcpStream::connect(("127.0.0.1", port)).is_ok()
}

/// Waits until the watchdog has stopped the server and removed its directory (it
/// does so on its own after the pipe closed). Not a timing assertion: the bound
/// only turns a watchdog that never acts into a failure rather than a hang.
fn wait_until_gone(dir: &Path, port: u16) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while (dir.exists() || listening(port)) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!dir.exists(), "{} is still there", dir.display());
    assert!(!listening(port), "port {port} still accepts connections");
}

#[tokio::test]
async fn a_dropped_cluster_is_stopped_and_removed() {
    let Some(cluster) = Cluster::start_or_skip(&Options::new().prefix("kie-testkit-drop-")) else {
        return;
    };
    let url = cluster.create_db("dropped").await.unwrap();
    assert_eq!(select_one(&url).await, 1);
    assert!(!cluster.version().is_empty());
    let (dir, port) = (cluster.dir().to_path_buf(), cluster.port());
    assert!(dir.join("data").is_dir() && listening(port));
    drop(cluster);
    // Dropping waits for the watchdog: gone at once.
    assert!(!dir.exists(), "{} is still there", dir.display());
    assert!(!listening(port));
}

#[tokio::test]
async fn database_names_are_checked() {
    let Some(cluster) = pg::shared() else {
        return;
    };
    for bad in ["", "Upper", "semi;colon", "a b", "quote\""] {
        assert!(
            matches!(cluster.create_db(bad).await, Err(ClusterError::Failed(_))),
            "{bad:?}"
        );
    }
    let url = cluster.create_db("checked_name_1").await.unwrap();
    assert_eq!(select_one(&url).await, 1);
    // The same name twice is an error, not a second database.
    assert!(cluster.create_db("checked_name_1").await.is_err());
}

/// Does its work only as the child of the next test (with the helper variable set):
/// holds the shared cluster, says where it is, and waits to be killed. Run on its own
/// it returns at once (STYLE: no `#[ignore]`).
#[tokio::test]
async fn hold_the_shared_cluster_until_killed() {
    if std::env::var_os(HELPER_ENV).is_none() {
        return;
    }
    let cluster = pg::shared().expect("a cluster (the parent checked)");
    assert!(
        std::ptr::eq(cluster, pg::shared().unwrap()),
        "one per process"
    );
    let url = cluster.create_db("held").await.unwrap();
    assert_eq!(select_one(&url).await, 1);
    println!("cluster {} {}", cluster.port(), cluster.dir().display());
    std::future::pending::<()>().await;
}

#[test]
fn the_shared_cluster_goes_when_its_process_is_killed() {
    // Skip (or fail when required) exactly like the child would.
    let Some(probe) = Cluster::start_or_skip(&Options::new().prefix("kie-testkit-probe-")) else {
        return;
    };
    drop(probe);
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "pg::hold_the_shared_cluster_until_killed",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(HELPER_ENV, "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    // The harness prints `test <name> ... ` before the test's own output, on the same line.
    let line = stdout
        .lines()
        .map_while(Result::ok)
        .find_map(|l| l.split_once("cluster ").map(|(_, rest)| rest.to_owned()))
        .expect("the child reports its cluster");
    let mut words = line.splitn(2, ' ');
    let port: u16 = words.next().unwrap().parse().unwrap();
    let dir = PathBuf::from(words.next().unwrap());
    assert!(dir.join("data").is_dir() && listening(port));
    // SIGKILL: no destructor, no exit handler runs in the child; only the closed
    // pipe tells the watchdog.
    child.kill().unwrap();
    child.wait().unwrap();
    wait_until_gone(&dir, port);
}
