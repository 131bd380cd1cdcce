//! A typed client call against a raw reqwest call to the same simulator endpoint.

use anyhow::Result;

pub(crate) fn run(calls: usize) -> Result<()> {
    let _ = calls;
    anyhow::bail!("client call bench not wired yet")
}
