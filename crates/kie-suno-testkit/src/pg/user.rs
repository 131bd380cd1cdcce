//! Who runs the server tools: this process's user, or, as root (initdb refuses
//! to run as root), the `postgres` user through `runuser`, or `su` where there is
//! no `runuser`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::error::ClusterError;

/// Whether this process runs with effective user id 0 (the second `Uid:` field
/// of `/proc/self/status`; what initdb checks), without spawning `id`.
fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|v| v.split_whitespace().nth(1).map(|uid| uid == "0"))
        })
        .unwrap_or(false)
}

fn first_file(candidates: &[&str]) -> Option<PathBuf> {
    candidates.iter().map(PathBuf::from).find(|p| p.is_file())
}

/// Who runs the server tools.
#[derive(Debug, Clone)]
pub(super) enum RunAs {
    /// This process's user (not root).
    Me,
    /// `runuser -u postgres -- tool args...`.
    Runuser(PathBuf),
    /// `su -s /bin/sh -c 'exec "$0" "$@"' -- postgres tool args...`.
    Su(PathBuf),
}

impl RunAs {
    pub(super) fn detect() -> Result<Self, ClusterError> {
        if !is_root() {
            return Ok(Self::Me);
        }
        if let Some(runuser) =
            first_file(&["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"])
        {
            return Ok(Self::Runuser(runuser));
        }
        if let Some(su) = first_file(&["/usr/bin/su", "/bin/su"]) {
            return Ok(Self::Su(su));
        }
        Err(ClusterError::Unavailable(
            "running as root (initdb refuses to), and neither runuser nor su is there to run \
             the server as the postgres user"
                .to_owned(),
        ))
    }

    /// The command line that runs `program` as this user (arguments follow).
    pub(super) fn argv(&self, program: &Path) -> Vec<OsString> {
        let mut argv: Vec<OsString> = match self {
            Self::Me => Vec::new(),
            Self::Runuser(runuser) => {
                vec![runuser.into(), "-u".into(), "postgres".into(), "--".into()]
            }
            // `--` before the user: su would take the tool's options for its own.
            Self::Su(su) => vec![
                su.into(),
                "-s".into(),
                "/bin/sh".into(),
                "-c".into(),
                r#"exec "$0" "$@""#.into(),
                "--".into(),
                "postgres".into(),
            ],
        };
        argv.push(program.into());
        argv
    }

    pub(super) fn command(&self, program: &Path) -> Command {
        let argv = self.argv(program);
        let mut cmd = Command::new(&argv[0]);
        cmd.args(&argv[1..]);
        cmd
    }
}
