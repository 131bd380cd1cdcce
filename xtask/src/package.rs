//! `cargo xtask package`: the published crates stand alone. Runs `cargo package
//! --workspace` (with its verification build), unpacks every `.crate` of a crate that is
//! published (`publish` not `false`) into `target/package-test/`, joins them in a
//! throwaway workspace whose `[patch.crates-io]` points each sibling at its unpacked
//! copy (they are not on crates.io yet), and runs their own tests there: what a
//! user gets from crates.io must build and pass on its own, without `../` paths into the
//! repository or the unpublished test kit.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

const USAGE: &str = "\
usage: cargo xtask package [--allow-dirty] [--no-default-features]

  cargo package --workspace (verified), then the published crates' own tests from
  their unpacked .crate files, joined in target/package-test/
  --allow-dirty          package uncommitted changes too (local runs)
  --no-default-features  also run the unpacked tests without default features
";

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
}

fn run(cmd: &mut Command, what: &str) -> Result<()> {
    eprintln!("$ {what}");
    let status = cmd.status().with_context(|| format!("running {what}"))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}

/// `(name, version)` of every workspace member that is published.
fn published(root: &Path) -> Result<Vec<(String, String)>> {
    let out = cargo()
        .current_dir(root)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .output()
        .context("cargo metadata")?;
    if !out.status.success() {
        bail!("cargo metadata failed");
    }
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let mut crates = Vec::new();
    for p in meta["packages"].as_array().into_iter().flatten() {
        // `publish = false` is `[]`; unrestricted is `null`.
        let unpublished = p["publish"].as_array().is_some_and(Vec::is_empty);
        if !unpublished {
            crates.push((
                p["name"].as_str().unwrap_or_default().to_owned(),
                p["version"].as_str().unwrap_or_default().to_owned(),
            ));
        }
    }
    crates.sort();
    Ok(crates)
}

/// Removes what an earlier run left behind for our own crates.
///
/// `cargo package --workspace` verifies each crate against its packaged siblings through
/// a local registry. Cargo treats a registry crate of a given version as immutable: its
/// unpacked copy in `$CARGO_HOME/registry/src/<hash>/` and its compiled artifacts in the
/// target dir are reused as they are, so an earlier run's sibling would be verified
/// against instead of the current one. Our crates are never fetched from crates.io, so
/// both can always go (`cargo clean -p` removes every source's artifacts of that name).
fn forget_earlier_packages(crates: &[(String, String)]) -> Result<()> {
    let mut clean = cargo();
    clean.arg("clean").arg("--quiet");
    for (name, _) in crates {
        clean.args(["-p", name]);
    }
    run(&mut clean, "cargo clean -p <each published crate>")?;
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    let Some(src) = home.map(|h| h.join("registry").join("src")) else {
        return Ok(());
    };
    let Ok(registries) = std::fs::read_dir(&src) else {
        return Ok(());
    };
    for registry in registries.flatten() {
        for (name, version) in crates {
            let stale = registry.path().join(format!("{name}-{version}"));
            if stale.is_dir() {
                std::fs::remove_dir_all(&stale)
                    .with_context(|| format!("removing {}", stale.display()))?;
            }
        }
    }
    Ok(())
}

pub(crate) fn main(args: impl Iterator<Item = String>) -> Result<()> {
    let mut allow_dirty = false;
    let mut no_default = false;
    for a in args {
        match a.as_str() {
            "--allow-dirty" => allow_dirty = true,
            "--no-default-features" => no_default = true,
            "-h" | "--help" => {
                print!("{USAGE}");
                return Ok(());
            }
            other => bail!("unknown option {other:?}\n{USAGE}"),
        }
    }
    let root = crate::bench::workspace_root();
    let crates = published(&root)?;
    forget_earlier_packages(&crates)?;
    let mut package = cargo();
    // xtask is left out: it is this repository's own tool (publish = false), and its
    // dependency on the unpublished test kit cannot resolve in cargo's local registry of
    // packaged crates (cargo packages publish = false members too: the CLI and the test
    // kit are packaged and verified here).
    package
        .current_dir(&root)
        .args(["package", "--workspace", "--exclude", "xtask"]);
    if allow_dirty {
        package.arg("--allow-dirty");
    }
    run(&mut package, "cargo package --workspace --exclude xtask")?;

    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let dir = target.join("package-test");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir)?;
    let mut members = Vec::new();
    let mut patch = String::new();
    for (name, version) in &crates {
        let file = target
            .join("package")
            .join(format!("{name}-{version}.crate"));
        run(
            Command::new("tar")
                .arg("xzf")
                .arg(&file)
                .arg("-C")
                .arg(&dir),
            &format!("tar xzf {}", file.display()),
        )?;
        let unpacked = format!("{name}-{version}");
        patch.push_str(&format!("{name} = {{ path = \"{unpacked}\" }}\n"));
        members.push(format!("\"{unpacked}\""));
    }
    let manifest = format!(
        "# Written by `cargo xtask package`: the unpacked published crates, tested alone.\n\
         [workspace]\nresolver = \"2\"\nmembers = [{}]\n\n[patch.crates-io]\n{patch}",
        members.join(", ")
    );
    std::fs::write(dir.join("Cargo.toml"), manifest)?;
    // Same dependency versions as the repository, so the run tests what was locked.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;

    // The repository's target dir: the locked dependencies built for the workspace are
    // reused, only the unpacked crates themselves compile anew.
    let mut test = cargo();
    test.current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target)
        .args(["test", "--workspace"]);
    run(&mut test, "cargo test --workspace (unpacked crates)")?;
    if no_default {
        for (name, _) in &crates {
            let mut t = cargo();
            t.current_dir(&dir).env("CARGO_TARGET_DIR", &target).args([
                "test",
                "-p",
                name,
                "--no-default-features",
            ]);
            run(
                &mut t,
                &format!("cargo test -p {name} --no-default-features (unpacked)"),
            )?;
        }
    }
    println!(
        "package: {} crates packaged and verified; their own tests pass from the unpacked .crate files",
        crates.len()
    );
    Ok(())
}
