//! A throwaway PostgreSQL cluster from Debian's binaries: `initdb` on a temp dir, `pg_ctl
//! start` on a free loopback port, stopped and removed on drop.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

/// A running throwaway cluster.
#[derive(Debug)]
pub(crate) struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    as_postgres: bool,
    _dir: tempfile::TempDir,
}

/// Finds the newest `/usr/lib/postgresql/<version>/bin` that has `initdb` and `pg_ctl`.
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

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|v| v.split_whitespace().next().map(|u| u == "0"))
        })
        .unwrap_or(false)
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl Cluster {
    /// Starts a cluster, or says why none can be started (`Ok(Err(reason))`).
    pub(crate) fn start() -> Result<std::result::Result<Self, String>> {
        let Some(bin) = find_bin() else {
            return Ok(Err(
                "no PostgreSQL binaries in /usr/lib/postgresql/*/bin (apt-get install postgresql)"
                    .to_owned(),
            ));
        };
        let as_postgres = is_root();
        let dir = tempfile::Builder::new().prefix("kie-bench-pg-").tempdir()?;
        let data = dir.path().join("data");
        if as_postgres {
            // initdb refuses to run as root: the cluster belongs to the `postgres` user.
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .context("chown of the cluster dir")?;
            if !status.success() {
                return Ok(Err(
                    "running as root but cannot hand a temp dir to the postgres user".to_owned(),
                ));
            }
        }
        let port = free_port()?;
        let cluster = Self {
            bin,
            data,
            port,
            as_postgres,
            _dir: dir,
        };
        let out = cluster
            .command("initdb")
            .args([
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-locale",
                "-D",
            ])
            .arg(&cluster.data)
            .stdout(Stdio::null())
            .output()
            .context("running initdb")?;
        if !out.status.success() {
            return Ok(Err(format!(
                "initdb failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        let socket_dir = cluster.socket_dir();
        let opts = format!(
            "-p {port} -c listen_addresses=127.0.0.1 -k {} -c max_connections=200",
            socket_dir.display()
        );
        let log = cluster.log_path();
        let out = cluster
            .command("pg_ctl")
            .args(["-w", "-t", "60", "-D"])
            .arg(&cluster.data)
            .args(["-o", &opts, "-l"])
            .arg(&log)
            .arg("start")
            .stdout(Stdio::null())
            .output()
            .context("running pg_ctl start")?;
        if !out.status.success() {
            let tail = std::fs::read_to_string(&log).unwrap_or_default();
            bail!(
                "pg_ctl start failed: {}\n{}",
                String::from_utf8_lossy(&out.stderr).trim(),
                tail
            );
        }
        Ok(Ok(cluster))
    }

    fn socket_dir(&self) -> PathBuf {
        self.data
            .parent()
            .map_or_else(|| self.data.clone(), Path::to_path_buf)
    }

    fn log_path(&self) -> PathBuf {
        self.socket_dir().join("postgres.log")
    }

    fn command(&self, tool: &str) -> Command {
        let exe = self.bin.join(tool);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        }
    }

    /// A connection URL for the `postgres` database as the `postgres` superuser.
    pub(crate) fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// The server version directory name, e.g. `15`.
    pub(crate) fn version(&self) -> String {
        self.bin
            .parent()
            .and_then(|p| p.file_name())
            .map(|v| v.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .args(["-m", "immediate", "-D"])
            .arg(&self.data)
            .arg("stop")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}
