//! A throwaway PostgreSQL cluster from Debian's server binaries
//! (`/usr/lib/postgresql/<version>/bin`, the newest): `initdb` into a temp dir,
//! `pg_ctl start` on a free loopback port (the unix socket in that dir too),
//! trust authentication for the `postgres` superuser. As root (initdb refuses to
//! run as root) the directory is handed to the `postgres` user and the server
//! tools run as that user, through `runuser`, or `su` where there is no `runuser`.
//!
//! **Cleanup.** A `Drop` alone cannot stop a cluster kept in a `static` (one per
//! test binary, [`shared`]): statics are never dropped. So every cluster has a
//! watchdog: a `sh` child of the process that started it, blocked reading a pipe
//! whose write end only that process holds (Rust opens it close-on-exec, so no
//! other child inherits it). The pipe closes when the [`Cluster`] is dropped, or
//! when the process ends in any way, `exit`, an abort, SIGKILL or Ctrl-C included;
//! the watchdog then stops the server (`pg_ctl stop -m immediate -w`) and removes
//! the directory. It runs in a process group of its own and ignores SIGINT,
//! SIGTERM and SIGHUP, so the signal that ends the tests does not end it first.
//! Dropping a cluster waits for the watchdog, so it is gone when `drop` returns.
//!
//! **Skips.** When no cluster can be started here (no binaries, root without a
//! `postgres` user, initdb refusing), tests print why and skip, unless
//! `KIE_SUNO_REQUIRE_POSTGRES=1` ([`REQUIRE_ENV`], set in CI), which turns the
//! skip into a failure.

mod error;
mod user;
mod watchdog;

use std::ffi::OsString;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use tokio_postgres::NoTls;

pub use self::error::ClusterError;
use self::user::RunAs;
use self::watchdog::Watchdog;

/// The variable that turns a skip into a failure when set to `1`.
pub const REQUIRE_ENV: &str = "KIE_SUNO_REQUIRE_POSTGRES";

/// Whether `KIE_SUNO_REQUIRE_POSTGRES=1`: tests must fail rather than skip.
pub fn required() -> bool {
    std::env::var(REQUIRE_ENV).as_deref() == Ok("1")
}

/// How a cluster is set up.
#[derive(Debug, Clone)]
pub struct Options {
    prefix: String,
    fsync: bool,
    max_connections: u32,
}

impl Default for Options {
    /// For tests: `fsync=off`, 100 connections, directory prefix `kie-suno-pg-`.
    fn default() -> Self {
        Self {
            prefix: "kie-suno-pg-".to_owned(),
            fsync: false,
            max_connections: 100,
        }
    }
}

impl Options {
    /// The defaults (see [`Options::default`]).
    pub fn new() -> Self {
        Self::default()
    }
    /// The prefix of the temp dir's name.
    pub fn prefix(mut self, prefix: &str) -> Self {
        self.prefix = prefix.to_owned();
        self
    }
    /// Whether the server fsyncs (`fsync` and `synchronous_commit` as the server's
    /// defaults, on) or not (`fsync=off`: faster, for tests).
    pub fn fsync(mut self, on: bool) -> Self {
        self.fsync = on;
        self
    }
    /// The server's `max_connections`.
    pub fn max_connections(mut self, n: u32) -> Self {
        self.max_connections = n;
        self
    }
}

/// The newest `/usr/lib/postgresql/<version>/bin` that has `initdb` and `pg_ctl`.
fn find_bin() -> Option<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            (bin.join("initdb").is_file() && bin.join("pg_ctl").is_file()).then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A value quoted for `sh` (pg_ctl passes `-o` through the shell).
fn sh_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

fn failed_output(what: &str, out: &Output) -> String {
    format!(
        "{what} failed ({}): {}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout).trim(),
        String::from_utf8_lossy(&out.stderr).trim()
    )
}

/// Whether lock file `path` exists and names a process that is gone or a zombie
/// (its first line is the pid; the state is the field after `(comm)` in
/// `/proc/<pid>/stat`).
fn is_stale_lock(path: &Path) -> bool {
    let Ok(lock) = std::fs::read_to_string(path) else {
        return false;
    };
    let Some(pid) = lock
        .lines()
        .next()
        .and_then(|l| l.trim().parse::<u32>().ok())
    else {
        return false;
    };
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rfind(')')
            .and_then(|i| stat.get(i + 1..))
            .and_then(|rest| rest.split_whitespace().next())
            .is_some_and(|state| state == "Z" || state == "X"),
    }
}

/// A running throwaway cluster; stopped and removed on drop or when the process
/// exits (see the module docs).
#[derive(Debug)]
pub struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    data: PathBuf,
    port: u16,
    /// The server's options (`pg_ctl -o`) it was started with, for a restart.
    server: String,
    run_as: RunAs,
    _watchdog: Watchdog,
}

impl Cluster {
    /// Starts a cluster: initdb, then the server on a free loopback port (another
    /// port, up to three times, when the one picked was taken meanwhile), waiting
    /// until it accepts connections.
    pub fn start(options: &Options) -> Result<Self, ClusterError> {
        let bin = find_bin().ok_or_else(|| {
            ClusterError::Unavailable(
                "no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin \
                 (Debian: apt-get install postgresql)"
                    .to_owned(),
            )
        })?;
        let run_as = RunAs::detect()?;
        let temp = tempfile::Builder::new()
            .prefix(&options.prefix)
            .tempdir()
            .map_err(|e| ClusterError::Failed(format!("creating the cluster's directory: {e}")))?;
        let data = temp.path().join("data");
        let mut stop = run_as.argv(&bin.join("pg_ctl"));
        stop.extend(["-D".into(), data.clone().into()]);
        stop.extend(["-m", "immediate", "-w", "stop"].map(OsString::from));
        let watchdog = Watchdog::spawn(temp.path(), &stop)
            .map_err(|e| ClusterError::Failed(format!("starting the cluster's watchdog: {e}")))?;
        // From here on the watchdog removes the directory: when this cluster is
        // dropped (an early return below included) or when the process exits.
        let mut cluster = Self {
            bin,
            dir: temp.keep(),
            data,
            port: 0,
            server: String::new(),
            run_as,
            _watchdog: watchdog,
        };
        cluster.hand_to_postgres()?;
        cluster.initdb()?;
        cluster.start_server(options)?;
        Ok(cluster)
    }

    /// [`Cluster::start`], or `None` after printing why the test is skipped; a
    /// panic instead when `KIE_SUNO_REQUIRE_POSTGRES=1`.
    pub fn start_or_skip(options: &Options) -> Option<Self> {
        skip_unless_required(Self::start(options))
    }

    /// As root, the directory belongs to the `postgres` user.
    fn hand_to_postgres(&self) -> Result<(), ClusterError> {
        if matches!(self.run_as, RunAs::Me) {
            return Ok(());
        }
        let out = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(&self.dir)
            .output()
            .map_err(|e| ClusterError::Failed(format!("running chown: {e}")))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(ClusterError::Unavailable(format!(
                "running as root, and the cluster's directory cannot be handed to a postgres user: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )))
        }
    }

    /// A server tool run as the cluster's user, in the cluster's directory.
    fn tool(&self, name: &str) -> Command {
        let mut cmd = self.run_as.command(&self.bin.join(name));
        cmd.current_dir(&self.dir);
        cmd
    }

    fn initdb(&self) -> Result<(), ClusterError> {
        let out = self
            .tool("initdb")
            .arg("-D")
            .arg(&self.data)
            .args([
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ])
            .output()
            .map_err(|e| ClusterError::Failed(format!("running initdb: {e}")))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(ClusterError::Unavailable(failed_output("initdb", &out)))
        }
    }

    fn start_server(&mut self, options: &Options) -> Result<(), ClusterError> {
        let socket_dir = self
            .dir
            .to_str()
            .ok_or_else(|| ClusterError::Failed("the temp dir's path is not utf-8".to_owned()))?;
        let log = self.log_path();
        const ATTEMPTS: u32 = 3;
        for attempt in 1..=ATTEMPTS {
            let port = free_port()
                .map_err(|e| ClusterError::Failed(format!("finding a free port: {e}")))?;
            let mut server = format!(
                "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections={}",
                sh_quote(socket_dir),
                options.max_connections
            );
            if !options.fsync {
                server.push_str(" -c fsync=off");
            }
            let out = self
                .tool("pg_ctl")
                .args(["-w", "-t", "60", "-D"])
                .arg(&self.data)
                .arg("-l")
                .arg(&log)
                .args(["-o", &server, "start"])
                .output()
                .map_err(|e| ClusterError::Failed(format!("running pg_ctl start: {e}")))?;
            if out.status.success() {
                self.port = port;
                self.server = server;
                return Ok(());
            }
            let server_log = std::fs::read_to_string(&log).unwrap_or_default();
            let port_taken = server_log.contains("could not bind")
                || server_log.contains("Address already in use");
            if !(port_taken && attempt < ATTEMPTS) {
                return Err(ClusterError::Failed(format!(
                    "{}\n{server_log}",
                    failed_output("pg_ctl start", &out)
                )));
            }
        }
        Err(ClusterError::Failed(
            "pg_ctl start: no free port".to_owned(),
        ))
    }

    /// Starts the server again, on the same data directory, port and options,
    /// after it stopped or was killed (say SIGKILL for a crash test), waiting
    /// until it accepts connections. Stale lock files (`postmaster.pid`, the
    /// socket's) are removed, once, only when `pg_ctl start` refuses because of
    /// them and the process they name is gone.
    pub fn restart(&self) -> Result<(), ClusterError> {
        let log = self.log_path();
        let mut removed_stale = false;
        loop {
            let out = self
                .tool("pg_ctl")
                .args(["-w", "-t", "60", "-D"])
                .arg(&self.data)
                .arg("-l")
                .arg(&log)
                .args(["-o", &self.server, "start"])
                .output()
                .map_err(|e| ClusterError::Failed(format!("running pg_ctl start: {e}")))?;
            if out.status.success() {
                return Ok(());
            }
            let server_log = std::fs::read_to_string(&log).unwrap_or_default();
            if !removed_stale && server_log.contains("lock file") {
                // The data directory's and the socket's lock files name the old
                // postmaster; removed only when it is gone (or an unreaped
                // zombie, which the server takes for a live process).
                let locks = [
                    self.data.join("postmaster.pid"),
                    self.dir.join(format!(".s.PGSQL.{}.lock", self.port)),
                ];
                for lock in locks.iter().filter(|l| is_stale_lock(l)) {
                    std::fs::remove_file(lock).map_err(|e| {
                        ClusterError::Failed(format!("removing {}: {e}", lock.display()))
                    })?;
                    removed_stale = true;
                }
                if removed_stale {
                    continue;
                }
            }
            return Err(ClusterError::Failed(format!(
                "{}\n{server_log}",
                failed_output("pg_ctl start (restart)", &out)
            )));
        }
    }

    /// The data directory (`postmaster.pid` is in it while the server runs).
    pub fn data_dir(&self) -> &Path {
        &self.data
    }

    /// The cluster's directory (the data directory, the socket and the log).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The server's log file.
    pub fn log_path(&self) -> PathBuf {
        self.dir.join("postgres.log")
    }

    /// The loopback port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A connection URL for database `db` as the `postgres` superuser, over
    /// 127.0.0.1.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    /// The server's major version, e.g. `15`.
    pub fn version(&self) -> String {
        self.bin
            .parent()
            .and_then(|p| p.file_name())
            .map(|v| v.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// Creates database `name` (lowercase letters, digits and `_`) and returns
    /// its [`Cluster::url`]. Needs a tokio runtime.
    pub async fn create_db(&self, name: &str) -> Result<String, ClusterError> {
        let valid = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !valid {
            return Err(ClusterError::Failed(format!(
                "database name {name:?}: use lowercase letters, digits and _"
            )));
        }
        let (client, connection) = tokio_postgres::connect(&self.url("postgres"), NoTls)
            .await
            .map_err(|e| ClusterError::Failed(format!("connecting to the cluster: {e}")))?;
        let connection = tokio::spawn(connection);
        let created = client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await;
        drop(client);
        let _ = connection.await;
        created.map_err(|e| ClusterError::Failed(format!("CREATE DATABASE {name}: {e}")))?;
        Ok(self.url(name))
    }
}

/// The cluster, or `None` after printing why the test is skipped; a panic
/// instead when `KIE_SUNO_REQUIRE_POSTGRES=1`.
fn skip_unless_required<C>(
    started: Result<C, impl std::borrow::Borrow<ClusterError>>,
) -> Option<C> {
    match started {
        Ok(cluster) => Some(cluster),
        Err(e) => {
            let e = e.borrow();
            if required() {
                panic!("{REQUIRE_ENV}=1 but no postgres cluster could be started: {e}");
            }
            eprintln!("skipping postgres tests: {e} (set {REQUIRE_ENV}=1 to fail instead)");
            None
        }
    }
}

/// The one cluster of this process (a test binary), started by the first caller
/// with [`Options::default`] and shared by every later one; `None` after
/// printing why when the tests skip (see [`Cluster::start_or_skip`]). It is never
/// dropped: its watchdog stops and removes it when the process exits. Tests that
/// share it keep apart by each creating a database of its own
/// ([`Cluster::create_db`]).
pub fn shared() -> Option<&'static Cluster> {
    static SHARED: OnceLock<Result<Cluster, ClusterError>> = OnceLock::new();
    skip_unless_required(
        SHARED
            .get_or_init(|| Cluster::start(&Options::default()))
            .as_ref(),
    )
}
