//! `bench client`: the cost of typing. Typed decode of every documented payload against a
//! decode into `serde_json::Value`, and a typed client call against a raw reqwest call to
//! the same simulator endpoint.

mod decode;
mod http;

use anyhow::Result;

use super::args::Args;

pub(crate) fn run(args: &Args) -> Result<()> {
    let iters: usize = args.get("decode-iters", 2000)?;
    let calls: usize = args.get("calls", 10_000)?;
    decode::run(iters)?;
    println!();
    http::run(calls)
}
