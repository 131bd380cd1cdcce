//! The cluster's watchdog: a `sh` child that stops the server and removes the
//! cluster's directory once the pipe on its stdin closes (see the `pg` module
//! docs for why).

use std::ffi::OsString;
use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};

/// The watchdog's script: wait for the pipe on stdin to close, then run the stop
/// command (the arguments) and remove the directory (`$0`).
const WATCHDOG: &str =
    r#"trap '' INT TERM HUP; while read -r _; do :; done; "$@" >/dev/null 2>&1; rm -rf -- "$0""#;

/// Stops the server and removes its directory once [`Watchdog::pipe`] closes.
#[derive(Debug)]
pub(super) struct Watchdog {
    child: Child,
    pipe: Option<ChildStdin>,
}

impl Watchdog {
    pub(super) fn spawn(dir: &Path, stop: &[OsString]) -> std::io::Result<Self> {
        let mut child = Command::new("/bin/sh")
            .arg("-c")
            .arg(WATCHDOG)
            .arg(dir)
            .args(stop)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()?;
        let pipe = child.stdin.take();
        Ok(Self { child, pipe })
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        drop(self.pipe.take());
        let _ = self.child.wait();
    }
}
