//! The MSRV rule for `cargo xtask tidy`: the `rust-version` the workspace claims is the
//! lowest toolchain its locked normal dependencies allow, computed from `cargo metadata`
//! (the `rust_version` of every locked package reachable through normal and build
//! edges, every feature on, every platform), so the claim cannot drift when
//! `Cargo.lock` changes. Dev-dependencies are reported separately: they decide which
//! toolchain runs the test suite, not which one builds the crates.

use std::fmt;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// A Rust version as `major.minor[.patch]`, compared numerically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct RustVersion(pub u32, pub u32, pub u32);

impl RustVersion {
    /// Parses `1.88` or `1.89.0`.
    pub fn parse(s: &str) -> Option<Self> {
        let mut it = s.trim().split('.').map(|p| p.parse::<u32>().ok());
        let major = it.next()??;
        let minor = it.next().unwrap_or(Some(0))?;
        let patch = it.next().unwrap_or(Some(0))?;
        Some(Self(major, minor, patch))
    }
}

impl fmt::Display for RustVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.2 == 0 {
            write!(f, "{}.{}", self.0, self.1)
        } else {
            write!(f, "{}.{}.{}", self.0, self.1, self.2)
        }
    }
}

/// What the lockfile requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// The highest `rust_version` among the normal/build dependencies of the shipped
    /// crates, and the package that sets it.
    pub build: (RustVersion, String),
    /// The same over every edge kind (dev-dependencies included): what the test suite needs.
    pub test: (RustVersion, String),
    /// The `rust-version` the shipped members claim, by package name.
    pub claimed: Vec<(String, Option<RustVersion>)>,
}

/// Members whose toolchain needs are not the users': the workspace's own tooling.
const TOOLING: &[&str] = &["xtask", "kie-suno-testkit"];

/// Computes the requirement from `cargo metadata --format-version 1 --all-features`
/// output.
pub fn requirement(metadata: &Value) -> Result<Requirement, String> {
    let packages = metadata["packages"]
        .as_array()
        .ok_or("cargo metadata: no packages")?;
    let nodes = metadata["resolve"]["nodes"]
        .as_array()
        .ok_or("cargo metadata: no resolve graph")?;
    let members: Vec<&str> = metadata["workspace_members"]
        .as_array()
        .ok_or("cargo metadata: no workspace members")?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let pkg = |id: &str| packages.iter().find(|p| p["id"].as_str() == Some(id));
    let name_of = |id: &str| {
        pkg(id)
            .and_then(|p| {
                Some(format!(
                    "{} {}",
                    p["name"].as_str()?,
                    p["version"].as_str().unwrap_or("?")
                ))
            })
            .unwrap_or_else(|| id.to_owned())
    };
    let version_of = |id: &str| {
        pkg(id)
            .and_then(|p| p["rust_version"].as_str())
            .and_then(RustVersion::parse)
    };
    let shipped: Vec<&str> = members
        .iter()
        .copied()
        .filter(|id| {
            pkg(id)
                .and_then(|p| p["name"].as_str())
                .is_some_and(|n| !TOOLING.contains(&n))
        })
        .collect();

    let closure = |with_dev: bool| -> (RustVersion, String) {
        let mut seen: Vec<&str> = Vec::new();
        let mut stack: Vec<&str> = if with_dev {
            members.clone()
        } else {
            shipped.clone()
        };
        let mut best = (RustVersion::default(), String::from("(none)"));
        while let Some(id) = stack.pop() {
            let Some(node) = nodes.iter().find(|n| n["id"].as_str() == Some(id)) else {
                continue;
            };
            for dep in node["deps"].as_array().into_iter().flatten() {
                let Some(dep_id) = dep["pkg"].as_str() else {
                    continue;
                };
                let normal = dep["dep_kinds"].as_array().into_iter().flatten().any(|k| {
                    with_dev || k["kind"].is_null() || k["kind"].as_str() == Some("build")
                });
                if !normal || seen.contains(&dep_id) {
                    continue;
                }
                seen.push(dep_id);
                stack.push(dep_id);
                let is_member = members.contains(&dep_id);
                if let Some(v) = version_of(dep_id).filter(|_| !is_member) {
                    if v > best.0 {
                        best = (v, name_of(dep_id));
                    }
                }
            }
        }
        best
    };

    let claimed = shipped
        .iter()
        .map(|id| {
            let name = pkg(id)
                .and_then(|p| p["name"].as_str())
                .unwrap_or("?")
                .to_owned();
            (name, version_of(id))
        })
        .collect();
    Ok(Requirement {
        build: closure(false),
        test: closure(true),
        claimed,
    })
}

/// Checks the claims against the requirement, and that `readme` states both versions.
pub fn check(req: &Requirement, readme: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let (need, why) = &req.build;
    for (name, claim) in &req.claimed {
        match claim {
            None => problems.push(format!(
                "{name}: no rust-version; the locked normal dependencies need {need} ({why})"
            )),
            Some(v) if v < need => problems.push(format!(
                "{name}: rust-version {v} is too low: the locked normal dependencies need {need} ({why})"
            )),
            Some(v) if v > need => problems.push(format!(
                "{name}: rust-version {v} is higher than the locked normal dependencies need ({need}, {why}): claim the lowest"
            )),
            Some(_) => {}
        }
    }
    if !readme.contains(&format!("Rust {need}")) {
        problems.push(format!("README.md does not say `Rust {need}` (the MSRV)"));
    }
    let (test, why) = &req.test;
    if test > need && !readme.contains(&format!("Rust {test}")) {
        problems.push(format!(
            "README.md does not say `Rust {test}` (the test suite's toolchain, set by {why})"
        ));
    }
    problems
}

/// Runs `cargo metadata` in `root` and checks it.
pub fn run(root: &Path) -> Result<Requirement, Vec<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .current_dir(root)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--all-features",
            "--locked",
        ])
        .output()
        .map_err(|e| vec![format!("cargo metadata: {e}")])?;
    if !out.status.success() {
        return Err(vec![format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        )]);
    }
    let meta: Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| vec![format!("cargo metadata output: {e}")])?;
    let req = requirement(&meta).map_err(|e| vec![e])?;
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap_or_default();
    let problems = check(&req, &readme);
    if problems.is_empty() {
        Ok(req)
    } else {
        Err(problems)
    }
}
