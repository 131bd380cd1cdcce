//! A sandbox for the ledger, interrupt and batch tests: a simulator in the test's
//! runtime (127.0.0.1, port 0), a scratch directory with the ledger, and `kie-suno`
//! child processes pointed at both (KIE_API_KEY set, so the CLI treats the simulator
//! as the API and the tasks outlive each process).

use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::time::Duration;

use kie_suno_sim::{SimConfig, SimHandle, Simulator};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, ChildStderr, Command};

pub struct Sandbox {
    pub dir: tempfile::TempDir,
    pub sim: SimHandle,
}

impl Sandbox {
    pub async fn new(config: SimConfig) -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            sim: Simulator::spawn(config).await.unwrap(),
        }
    }

    pub fn ledger(&self) -> PathBuf {
        self.dir.path().join("ledger.db")
    }

    /// `kie-suno` against the simulator, with the sandbox's ledger.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = self.embedded(args);
        cmd.env("KIE_API_KEY", "test-key")
            .env("KIE_BASE_URL", &self.sim.base_url);
        cmd
    }

    /// `kie-suno` on its embedded simulator (no KIE_API_KEY), with the sandbox's ledger.
    pub fn embedded(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kie-suno"));
        cmd.args(args)
            .env_remove("KIE_API_KEY")
            .env_remove("KIE_BASE_URL")
            .env_remove("KIE_CALLBACK_URL")
            .env_remove("KIE_CALLBACKS_DB")
            .env_remove("RUST_LOG")
            .env("KIE_SUNO_LEDGER", self.ledger())
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        cmd
    }

    pub async fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().await.unwrap()
    }

    /// `tasks --json`, parsed.
    pub async fn tasks(&self) -> (Vec<serde_json::Value>, String) {
        let out = self.run(&["tasks", "--json"]).await;
        assert!(out.status.success(), "{}", text(&out.stderr));
        (
            serde_json::from_slice(&out.stdout).unwrap(),
            text(&out.stderr),
        )
    }
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Reads a child's stderr until a line contains `needle`; returns the lines read
/// and the reader (to drain the rest later).
pub async fn stderr_until(stderr: ChildStderr, needle: &str) -> (String, BufReader<ChildStderr>) {
    let mut reader = BufReader::new(stderr);
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        let n = tokio::time::timeout(Duration::from_secs(120), reader.read_line(&mut line))
            .await
            .expect("stderr went quiet")
            .unwrap();
        assert!(n > 0, "stderr ended before {needle:?}:\n{seen}");
        seen.push_str(&line);
        if line.contains(needle) {
            return (seen, reader);
        }
    }
}

/// The rest of a reader.
pub async fn drain(mut reader: impl tokio::io::AsyncRead + Unpin) -> String {
    let mut rest = String::new();
    reader.read_to_string(&mut rest).await.unwrap();
    rest
}

/// The task id in a `task <id> submitted` line.
pub fn submitted_id(stderr: &str) -> String {
    stderr
        .lines()
        .find_map(|l| {
            let rest = l.split("task ").nth(1)?;
            let (id, tail) = rest.split_once(' ')?;
            tail.starts_with("submitted").then(|| id.to_owned())
        })
        .unwrap_or_else(|| panic!("no `task <id> submitted` line in:\n{stderr}"))
}

/// Sends a real signal to a child with kill(1).
pub async fn signal(child: &Child, name: &str) {
    let pid = child.id().expect("the child is running");
    let status = Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status()
        .await
        .unwrap();
    assert!(status.success(), "kill -{name} {pid}");
}

/// Waits (bounded) until `cond` holds.
pub async fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    for _ in 0..6000 {
        if cond() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("never happened: {what}");
}

/// The address a `kie-suno callbacks serve` child prints (`listening on
/// http://ADDR`) on its piped stdout, waited for at most `within`; the rest of its
/// stdout is read and dropped so the child never blocks on a full pipe.
pub fn listening_addr(child: &mut std::process::Child, within: Duration) -> std::net::SocketAddr {
    use std::io::BufRead;
    let stdout = child.stdout.take().expect("the child's stdout is piped");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = std::io::BufReader::new(stdout).lines();
        while let Some(Ok(line)) = lines.next() {
            if let Some(addr) = line.strip_prefix("listening on http://") {
                let _ = tx.send(addr.trim().to_owned());
            }
        }
    });
    rx.recv_timeout(within)
        .expect("the receiver did not report its address")
        .parse()
        .expect("the receiver printed a socket address")
}
