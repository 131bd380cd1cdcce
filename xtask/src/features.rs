//! `cargo xtask features`: every feature set a user can pick builds on its own. For each
//! published crate (read from `cargo metadata`, so a new feature is covered the day it is
//! added): no default features, each feature alone on top of that, and all features, each
//! through `cargo clippy --all-targets -D warnings` (tests and examples must gate what
//! they need). `--test` also runs the tests with no default features, where the lean
//! build has behaviour of its own (what a `verify()`-only user gets).

use std::process::Command;

use anyhow::{bail, Context, Result};

const USAGE: &str = "\
usage: cargo xtask features [--test] [-p CRATE]...

  clippy --all-targets -D warnings of every published crate with no default features,
  with each feature alone, and with all features
  --test      also cargo test each crate with --no-default-features
  -p CRATE    only these crates
";

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
}

/// `(crate, [features])` of every published workspace member.
fn crates() -> Result<Vec<(String, Vec<String>)>> {
    let root = crate::bench::workspace_root();
    let out = cargo()
        .current_dir(&root)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .output()
        .context("cargo metadata")?;
    if !out.status.success() {
        bail!("cargo metadata failed");
    }
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let mut list = Vec::new();
    for p in meta["packages"].as_array().into_iter().flatten() {
        if p["publish"].as_array().is_some_and(Vec::is_empty) {
            continue; // publish = false: our own binaries and tools
        }
        let mut features: Vec<String> = p["features"]
            .as_object()
            .map(|m| m.keys().filter(|k| *k != "default").cloned().collect())
            .unwrap_or_default();
        features.sort();
        list.push((p["name"].as_str().unwrap_or_default().to_owned(), features));
    }
    list.sort();
    Ok(list)
}

fn run(args: &[&str]) -> Result<()> {
    eprintln!("$ cargo {}", args.join(" "));
    let root = crate::bench::workspace_root();
    let status = cargo()
        .current_dir(root)
        .args(args)
        .status()
        .context("running cargo")?;
    if !status.success() {
        bail!("cargo {} failed ({status})", args.join(" "));
    }
    Ok(())
}

pub(crate) fn main(args: impl Iterator<Item = String>) -> Result<()> {
    let mut test = false;
    let mut only: Vec<String> = Vec::new();
    let mut args = args.peekable();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--test" => test = true,
            "-p" => only.push(args.next().context("-p needs a crate name")?),
            "-h" | "--help" => {
                print!("{USAGE}");
                return Ok(());
            }
            other => bail!("unknown option {other:?}\n{USAGE}"),
        }
    }
    let mut sets = 0;
    for (name, features) in crates()? {
        if !only.is_empty() && !only.contains(&name) {
            continue;
        }
        let clippy = |extra: &[&str]| -> Result<()> {
            let mut a = vec!["clippy", "-p", name.as_str(), "--all-targets", "--quiet"];
            a.extend_from_slice(extra);
            a.extend_from_slice(&["--", "-D", "warnings"]);
            run(&a)
        };
        clippy(&["--no-default-features"])?;
        sets += 1;
        for f in &features {
            clippy(&["--no-default-features", "--features", f])?;
            sets += 1;
        }
        if !features.is_empty() {
            clippy(&["--all-features"])?;
            sets += 1;
        }
        if test {
            run(&["test", "-p", &name, "--no-default-features", "--quiet"])?;
        }
    }
    println!("features: {sets} feature sets build and pass clippy on their own");
    Ok(())
}
