//! `cargo xtask drill`: fault drills that check "nothing lost" and print what they saw.
//!
//! `crash` SIGKILLs a receiver child process on SQLite while signed callbacks stream in and
//! compares what got a 200 with what is stored; `faults` runs client, receiver and simulator
//! together under injected faults and checks every task's outcome and the simulator's counts
//! of generate POSTs. Both exit non-zero on any mismatch.

mod crash;
mod faults;

use anyhow::{bail, Result};

use crate::bench::args::Args;

const USAGE: &str = "\
usage: cargo xtask drill <crash|faults> [options]

  crash    receiver child on SQLite, signed callbacks streaming, SIGKILL at random moments,
           restart on the same file; then acknowledged vs stored
           --kills K         number of SIGKILLs (default 5)
           --seed S          RNG seed (default: from the clock, printed)
           --workers W       concurrent senders (default 8)
  faults   client + receiver + simulator in one process, 200 tasks with a seeded mix of
           injected faults; every task's outcome and the simulator's generate POST counts
           --tasks N         number of tasks (default 200)
           --seed S          RNG seed (default: from the clock, printed)
";

/// Entry point of `cargo xtask drill ...`; `args` are the words after `drill`.
pub fn run<I, S>(args: I) -> Result<()>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let words: Vec<String> = args.into_iter().map(Into::into).collect();
    let Some((verb, rest)) = words.split_first() else {
        print!("{USAGE}");
        bail!("drill: missing sub-command");
    };
    match verb.as_str() {
        "crash" | "faults" => {
            crate::bench::ensure_release("drill", &words)?;
            let args = Args::parse(rest)?;
            if verb == "crash" {
                crash::run(&args)
            } else {
                faults::run(&args)
            }
        }
        "-h" | "--help" | "help" => {
            print!("{USAGE}");
            Ok(())
        }
        other => {
            print!("{USAGE}");
            bail!("drill: unknown sub-command {other:?}")
        }
    }
}

/// A seed from `--seed`, else from the clock.
pub(crate) fn seed(args: &Args) -> Result<u64> {
    Ok(match args.opt::<u64>("seed")? {
        Some(s) => s,
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64),
    })
}
