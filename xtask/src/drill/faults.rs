//! `drill faults`: client, receiver and simulator in one runtime under injected faults.

use anyhow::Result;

use crate::bench::args::Args;

pub(crate) fn run(args: &Args) -> Result<()> {
    let _ = args;
    anyhow::bail!("fault drill not wired yet")
}
