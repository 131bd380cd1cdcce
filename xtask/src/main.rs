//! `cargo xtask <verb>`: the workspace's own tasks. `verify`, `codegen`, `drift`
//! and `tidy` live in the `xtask` library (shared with its tests); `bench` and
//! `drill` are modules of this binary. A new verb is a module plus one arm in
//! [`dispatch`].

mod bench;
mod drill;
mod features;
mod package;

use std::process::ExitCode;

use anyhow::{bail, Result};

const USAGE: &str = "\
usage: cargo xtask <verb> [options]

  verify            documented fixtures decode, round-trip, match their schema and snapshot;
                    negative samples are rejected
  codegen [--check] write docs/schemas/<TypeName>.json (--check: fail when one is stale)
  drift [PATH]      compare the OpenAPI export of the docs under PATH (default
                    docs/openapi-export) with docs/schemas: every property, listed value,
                    required flag and type that differs, by endpoint; fails on one that no
                    `drift:` line of docs/contradictions.md explains (lines that explain
                    nothing are listed as unused)
  tidy              folder = package names, workspace lints, layering, `//!` module docs
  bench ...         benchmarks (cargo xtask bench --help)
  drill ...         fault drills (cargo xtask drill --help)
  features [--test] clippy (and tests) of every published crate with each feature set alone
  package           cargo package --workspace, then the published crates' tests from the
                    unpacked .crate files (cargo xtask package --help)
";

fn problems(what: &str, list: Vec<String>) -> anyhow::Error {
    for p in &list {
        eprintln!("  {p}");
    }
    anyhow::anyhow!("{what}: {} problem(s)", list.len())
}

fn dispatch(args: Vec<String>) -> Result<()> {
    let root = xtask::workspace_root();
    let Some((verb, rest)) = args.split_first() else {
        print!("{USAGE}");
        bail!("no verb given");
    };
    match verb.as_str() {
        "verify" => {
            let summary = xtask::verify::run(&root).map_err(|p| problems("verify", p))?;
            println!("{summary}");
        }
        "codegen" => match rest {
            [] => {
                let n = xtask::codegen::write(&root)?;
                println!("wrote {n} schemas to docs/schemas");
            }
            [flag] if flag == "--check" => {
                let n = xtask::codegen::check(&root).map_err(|p| problems("codegen --check", p))?;
                println!("{n} schemas in docs/schemas are up to date");
            }
            other => bail!("codegen takes only --check, got {other:?}"),
        },
        "drift" => {
            let export = match rest {
                [] => root.join("docs/openapi-export"),
                [path] => std::path::PathBuf::from(path),
                other => bail!("drift takes one PATH, got {other:?}"),
            };
            let report = xtask::drift::run(&root, &export).map_err(|p| problems("drift", p))?;
            println!("{report}");
            let (_, new, _) = report.counts();
            if new > 0 {
                bail!("drift: {new} difference(s) not explained in docs/contradictions.md");
            }
        }
        "tidy" => {
            let report = xtask::tidy::run(&root).map_err(|p| problems("tidy", p))?;
            let msrv = &report.msrv;
            println!(
                "MSRV: Rust {} (set by {}); the test suite needs Rust {} (set by {})",
                msrv.build.0, msrv.build.1, msrv.test.0, msrv.test.1
            );
            for &(package, n, limit) in &report.lean_trees {
                println!("{package} --no-default-features: {n} crates (at most {limit})");
            }
            println!("tidy: ok");
        }
        "bench" => bench::run(rest.iter().cloned())?,
        "drill" => drill::run(rest.iter().cloned())?,
        "package" => package::main(rest.iter().cloned())?,
        "features" => features::main(rest.iter().cloned())?,
        "help" | "--help" | "-h" => print!("{USAGE}"),
        other => {
            print!("{USAGE}");
            bail!("unknown verb {other:?}");
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match dispatch(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
