//! `cargo xtask drill`: fault drills that check "nothing lost" and print what they saw.
//!
//! `crash` SIGKILLs a receiver child process on SQLite while signed callbacks stream in and
//! compares what got a 200 with what is stored; `faults` runs client, receiver and simulator
//! together under injected faults and checks every task's outcome and the simulator's counts
//! of generate POSTs; `slowloris` times signed deliveries while 1,100 slow connections
//! press on a receiver limited to 1,024 open files. Each exits non-zero on any mismatch.

mod crash;
mod faults;
mod slowloris;

use anyhow::{bail, Result};

use crate::bench::args::Args;

const USAGE: &str = "\
usage: cargo xtask drill <crash|faults|slowloris> [options]

  crash    receiver child on SQLite, signed callbacks streaming, SIGKILL at random moments,
           restart on the same file; then acknowledged vs stored
           --kills K         number of SIGKILLs (default 5)
           --seed S          RNG seed (default: from the clock, printed)
           --workers W       concurrent senders (default 8)
  faults   client + receiver + simulator in one process, 200 tasks with a seeded mix of
           injected faults; every task's outcome and the simulator's generate POST counts
           --tasks N         number of tasks (default 200)
           --seed S          RNG seed (default: from the clock, printed)
  slowloris receiver child on SQLite with its open-file limit lowered, slow connections
           sending a request head one byte at a time (reconnecting), signed deliveries
           timed on fresh connections; latency percentiles and the receiver's sheds
           --slow N          slow connections (default 1100)
           --nofile F        the receiver's open-file limit (default 1024)
           --deliveries D    signed deliveries (default 200)
           --concurrency C   deliveries at a time (default 8)
           --every-ms MS     a slow connection's byte interval (default 1000)
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
        "crash" | "faults" | "slowloris" => {
            let args = Args::parse(rest)?;
            let known: &[&str] = match verb.as_str() {
                "crash" => &["seed", "kills", "workers"],
                "faults" => &["seed", "tasks"],
                _ => &[
                    "seed",
                    "slow",
                    "nofile",
                    "deliveries",
                    "concurrency",
                    "every-ms",
                ],
            };
            args.only(&format!("drill {verb}"), known)?;
            crate::bench::ensure_release("drill", &words)?;
            match verb.as_str() {
                "crash" => crash::run(&args),
                "faults" => faults::run(&args),
                _ => slowloris::run(&args),
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
