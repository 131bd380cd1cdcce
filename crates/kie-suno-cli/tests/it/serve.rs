//! `kie-suno callbacks serve` as a child process: graceful shutdown on a real
//! SIGTERM in the middle of a delivery, and signed deliveries still answered while
//! 1,100 slow connections press on a receiver limited to 1,024 open files.
//!
//! Every wait is bounded ([`BOUND`]); nothing asserts how fast.

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kie_suno_callbacks::{SqliteOptions, SqliteStore, Store};
use kie_suno_testkit::metrics::metric;
use kie_suno_testkit::signed::Signer;
use kie_suno_testkit::{lyrics_body, now_secs, SignedCallback, SlowClients};
use kie_suno_types::TaskId;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const KEY: &str = "serve-test-hmac-key";
const BOUND: Duration = Duration::from_secs(60);

struct Served {
    child: Child,
    addr: SocketAddr,
}

impl Served {
    /// Runs `kie-suno callbacks serve` on 127.0.0.1:0 with the SQLite file `db`,
    /// in `sh` with `ulimit -n` set first when `nofile` is given.
    fn start(db: &Path, nofile: Option<u32>, extra: &[&str]) -> Self {
        Self::start_logging(db, nofile, extra, Stdio::inherit())
    }

    /// As [`Served::start`], the receiver's stderr (its log) going to `stderr`.
    fn start_logging(db: &Path, nofile: Option<u32>, extra: &[&str], stderr: Stdio) -> Self {
        let bin = env!("CARGO_BIN_EXE_kie-suno");
        let mut cmd = match nofile {
            Some(n) => {
                let mut c = Command::new("sh");
                c.arg("-c")
                    .arg(format!("ulimit -n {n} && exec \"$0\" \"$@\""))
                    .arg(bin);
                c
            }
            None => Command::new(bin),
        };
        let mut child = cmd
            .args(["callbacks", "serve", "--bind", "127.0.0.1:0", "--db"])
            .arg(db)
            .args(extra)
            .env("KIE_WEBHOOK_HMAC_KEY", KEY)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let addr = crate::kit::listening_addr(&mut child, BOUND);
        Self { child, addr }
    }

    fn sigterm(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    fn wait(mut self) -> ExitStatus {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                started.elapsed() < BOUND,
                "the receiver did not exit within {BOUND:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn signed(task: &str) -> SignedCallback {
    SignedCallback::new(
        &Signer::new(KEY.as_bytes()),
        task,
        now_secs(),
        lyrics_body(task),
    )
}

fn head(cb: &SignedCallback) -> String {
    let [(tn, tv), (sn, sv)] = cb.headers();
    format!(
        "POST /callbacks/lyrics HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n\
         {tn}: {tv}\r\n{sn}: {sv}\r\nContent-Length: {}\r\n\r\n",
        cb.body.len()
    )
}

async fn stored(db: &Path, task: &str) -> usize {
    let store = SqliteStore::open(db, SqliteOptions::default())
        .await
        .unwrap();
    let n = store.callbacks_for(&TaskId::new(task)).await.unwrap().len();
    store.close().await.unwrap();
    n
}

async fn until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !check().await {
        assert!(started.elapsed() < BOUND, "{what}: not within {BOUND:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// SIGTERM while a delivery's body is half sent: the receiver stops accepting,
/// finishes that delivery (200), stores it, flushes and exits 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_mid_delivery_answers_and_stores_it_then_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sigterm.db");
    let served = Served::start(&db, None, &[]);
    let addr = served.addr;
    let task = "sigterm-mid-delivery";
    let cb = signed(task);
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(head(&cb).as_bytes()).await.unwrap();
    let half = cb.body.len() / 2;
    stream.write_all(&cb.body[..half]).await.unwrap();
    // The head is parsed and the pipeline holds the request.
    until("the delivery in flight", || async {
        metric(addr, "kie_suno_callbacks_pipelines_in_flight").await == Some(1.0)
    })
    .await;

    served.sigterm();
    until("the listener closed", || async {
        TcpStream::connect(addr).await.is_err()
    })
    .await;
    stream.write_all(&cb.body[half..]).await.unwrap();
    let mut response = String::new();
    tokio::time::timeout(BOUND, stream.read_to_string(&mut response))
        .await
        .unwrap()
        .unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.ends_with(r#"{"status":"received","duplicate":false}"#),
        "{response}"
    );
    let status = served.wait();
    assert_eq!(status.code(), Some(0), "{status:?}");
    assert_eq!(stored(&db, task).await, 1);
}

/// Issue 11's attack: the receiver limited to 1,024 open files, 1,100 connections
/// sending one byte a second (reconnecting when closed). The receiver caps its
/// connections below its file limit, sheds the longest-waiting ones, and every
/// signed delivery is answered 200 and stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn with_1024_open_files_and_1100_slow_connections_deliveries_are_answered() {
    // This process holds the 1,100 client sockets.
    rlimit::increase_nofile_limit(4096).unwrap();
    let (soft, _) = rlimit::getrlimit(rlimit::Resource::NOFILE).unwrap();
    assert!(soft >= 2048, "this test needs 2048 open files, has {soft}");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("slow.db");
    let served = Served::start(&db, Some(1024), &[]);
    let addr = served.addr;

    let slow = Arc::new(SlowClients::start(addr, 1100, Duration::from_secs(1)));
    until("1,100 slow connections", || {
        let slow = Arc::clone(&slow);
        async move {
            slow.counts
                .connects
                .load(std::sync::atomic::Ordering::Relaxed)
                >= 1100
        }
    })
    .await;
    // Over the cap: the receiver has shed some of them.
    until("a slow connection shed", || async {
        metric(
            addr,
            "kie_suno_callbacks_connections_shed_total{reason=\"connection_cap\"}",
        )
        .await
        .is_some_and(|n| n >= 1.0)
    })
    .await;

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap();
    let tasks: Vec<String> = (0..8).map(|i| format!("slowloris-ok-{i}")).collect();
    for task in &tasks {
        let cb = signed(task);
        let [(tn, tv), (sn, sv)] = cb.headers();
        let res = client
            .post(format!("http://{addr}/callbacks/lyrics"))
            .header("content-type", "application/json")
            .header(tn, tv)
            .header(sn, sv)
            .body(cb.body.clone())
            .send()
            .await
            .expect("a delivery got no answer within KIE's 15 s");
        assert_eq!(res.status().as_u16(), 200, "{task}");
    }
    match Arc::try_unwrap(slow) {
        Ok(slow) => slow.stop().await,
        Err(_) => panic!("slow clients still shared"),
    }
    served.sigterm();
    assert_eq!(served.wait().code(), Some(0));
    for task in &tasks {
        assert_eq!(stored(&db, task).await, 1, "{task}");
    }
}

/// Out of file descriptors (the connection cap set above the file limit, no
/// reserve): accepting fails with EMFILE; the receiver sheds the longest-waiting
/// connection and backs off instead of spinning (one WARN per 10 s), and signed
/// deliveries are still answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn out_of_file_descriptors_the_receiver_sheds_and_backs_off() {
    rlimit::increase_nofile_limit(4096).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("emfile.db");
    let log_path = dir.path().join("receiver.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let started = Instant::now();
    let served = Served::start_logging(
        &db,
        Some(256),
        &["--max-connections", "100000", "--fd-reserve", "0"],
        Stdio::from(log),
    );
    let addr = served.addr;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap();
    // A first delivery before the flood: the store opens its files (the WAL
    // among them) while descriptors are free, as --fd-reserve would keep them.
    let first = signed("emfile-first");
    let [(tn, tv), (sn, sv)] = first.headers();
    let res = client
        .post(format!("http://{addr}/callbacks/lyrics"))
        .header("content-type", "application/json")
        .header(tn, tv)
        .header(sn, sv)
        .body(first.body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let slow = SlowClients::start(addr, 400, Duration::from_secs(1));
    until("an accept failed for want of file descriptors", || async {
        metric(
            addr,
            "kie_suno_callbacks_connections_shed_total{reason=\"accept_error\"}",
        )
        .await
        .is_some_and(|n| n >= 1.0)
    })
    .await;
    let tasks: Vec<String> = (0..4).map(|i| format!("emfile-ok-{i}")).collect();
    for task in &tasks {
        let cb = signed(task);
        let [(tn, tv), (sn, sv)] = cb.headers();
        // A delivery may meet the moment the last descriptor is taken: its
        // connection is then closed unanswered, and KIE sends it again.
        let mut answered = None;
        for _ in 0..10 {
            let sent = client
                .post(format!("http://{addr}/callbacks/lyrics"))
                .header("content-type", "application/json")
                .header(tn, tv)
                .header(sn, sv)
                .body(cb.body.clone())
                .send()
                .await;
            if let Ok(res) = sent {
                answered = Some(res.status().as_u16());
                break;
            }
        }
        assert_eq!(answered, Some(200), "{task}");
    }
    slow.stop().await;
    served.sigterm();
    assert_eq!(served.wait().code(), Some(0));
    let elapsed = started.elapsed().as_secs();
    let text = std::fs::read_to_string(&log_path).unwrap();
    let warnings = text.matches("accept failed").count() as u64;
    assert!(
        (1..=1 + elapsed / 10).contains(&warnings),
        "{warnings} accept warnings in {elapsed} s:\n{text}"
    );
    for task in &tasks {
        assert_eq!(stored(&db, task).await, 1, "{task}");
    }
}
