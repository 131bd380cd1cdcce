//! `cargo xtask tidy`: workspace rules that are cheaper to check than to review
//! (rust-analyzer's `tidy.rs`): folder name == package name; `[lints] workspace =
//! true` in every member; the layering (`kie-suno-types` has no reqwest / tokio
//! / axum / hyper anywhere in its dependency tree, dev-dependencies included;
//! `kie-suno-callbacks` does not depend on `kie-suno-client`); every `.rs` file
//! opens with a `//!` line; no module import cycle and no source file over
//! [`crate::structure::MAX_LINES`] lines in any member (see [`crate::structure`]);
//! the claimed `rust-version` is the one the lockfile requires (see [`crate::msrv`]).

use std::path::{Path, PathBuf};
use std::process::Command;

/// Crates `kie-suno-types` must never pull in (also their `-*` companions).
pub const FORBIDDEN_IN_TYPES: &[&str] = &["reqwest", "tokio", "axum", "hyper"];

/// The workspace members: every `crates/*` with a manifest, and `xtask`.
pub fn members(root: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root.join("crates"))
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.join("Cargo.toml").is_file())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out.push(root.join("xtask"));
    out
}

/// The `[package] name` of a manifest.
pub fn package_name(manifest: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
            continue;
        }
        if in_package {
            if let Some(rest) = line.strip_prefix("name") {
                let value = rest.trim_start().strip_prefix('=')?.trim();
                return Some(value.trim_matches('"').to_owned());
            }
        }
    }
    None
}

/// Whether a manifest has `[lints]` with `workspace = true`.
pub fn has_workspace_lints(manifest: &str) -> bool {
    let mut in_lints = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_lints = line == "[lints]";
            continue;
        }
        if in_lints && line.replace(' ', "") == "workspace=true" {
            return true;
        }
    }
    false
}

fn check_manifests(root: &Path, problems: &mut Vec<String>) {
    for dir in members(root) {
        let Ok(text) = std::fs::read_to_string(dir.join("Cargo.toml")) else {
            problems.push(format!("{}: no Cargo.toml", dir.display()));
            continue;
        };
        let folder = dir.file_name().map(|f| f.to_string_lossy().into_owned());
        let name = package_name(&text);
        if name != folder {
            problems.push(format!(
                "{}: folder name {folder:?} differs from package name {name:?}",
                dir.display()
            ));
        }
        if !has_workspace_lints(&text) {
            problems.push(format!(
                "{}/Cargo.toml: missing `[lints] workspace = true`",
                dir.display()
            ));
        }
    }
}

/// Package names in `cargo tree` output (`--prefix none`).
fn tree(root: &Path, package: &str, edges: &str) -> Result<Vec<String>, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .current_dir(root)
        .args(["tree", "-p", package, "-e", edges, "--prefix", "none"])
        .output()
        .map_err(|e| format!("cargo tree: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo tree -p {package} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect())
}

/// Whether a package name is one of `forbidden` or a `<forbidden>-*` companion.
pub fn is_forbidden(name: &str, forbidden: &[&str]) -> bool {
    forbidden
        .iter()
        .any(|f| name == *f || name.strip_prefix(f).is_some_and(|r| r.starts_with('-')))
}

fn check_layering(root: &Path, problems: &mut Vec<String>) {
    match tree(root, "kie-suno-types", "normal,build,dev") {
        Ok(names) => {
            for n in names.iter().filter(|n| is_forbidden(n, FORBIDDEN_IN_TYPES)) {
                problems.push(format!(
                    "kie-suno-types depends on {n} (no I/O crates allowed)"
                ));
            }
        }
        Err(e) => problems.push(e),
    }
    match tree(root, "kie-suno-callbacks", "normal,build") {
        Ok(names) => {
            if names.iter().any(|n| n == "kie-suno-client") {
                problems.push("kie-suno-callbacks depends on kie-suno-client".to_owned());
            }
        }
        Err(e) => problems.push(e),
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in rd.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if name != "target" && name != ".git" {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn check_module_docs(root: &Path, problems: &mut Vec<String>) {
    let mut files = Vec::new();
    rust_files(&root.join("crates"), &mut files);
    rust_files(&root.join("xtask"), &mut files);
    for f in files {
        let opens = std::fs::read_to_string(&f)
            .map(|t| t.starts_with("//!"))
            .unwrap_or(false);
        if !opens {
            let rel = f.strip_prefix(root).unwrap_or(&f);
            problems.push(format!(
                "{}: does not open with a `//!` line",
                rel.display()
            ));
        }
    }
}

fn check_structure(root: &Path, problems: &mut Vec<String>) {
    for dir in members(root) {
        let src = dir.join("src");
        if src.is_dir() {
            problems.extend(crate::structure::module_cycles(&src, root));
            problems.extend(crate::structure::oversized_files(&src, root));
        }
    }
}

fn check_msrv(root: &Path, problems: &mut Vec<String>) -> Option<crate::msrv::Requirement> {
    match crate::msrv::run(root) {
        Ok(req) => Some(req),
        Err(p) => {
            problems.extend(p);
            None
        }
    }
}

/// How many distinct crates (itself included) a user pulls in with each lean
/// configuration, and the most allowed: `cargo tree -e normal --no-default-features`.
pub const LEAN_TREES: &[(&str, usize)] = &[("kie-suno-types", 25), ("kie-suno-callbacks", 45)];

/// `(package, crates in its normal tree without default features, limit)`.
pub fn lean_tree_sizes(root: &Path) -> Result<Vec<(&'static str, usize, usize)>, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut out = Vec::new();
    for &(package, limit) in LEAN_TREES {
        let o = Command::new(&cargo)
            .current_dir(root)
            .args([
                "tree",
                "-p",
                package,
                "-e",
                "normal",
                "--no-default-features",
            ])
            .args(["--prefix", "none", "--format", "{p}"])
            .output()
            .map_err(|e| format!("cargo tree: {e}"))?;
        if !o.status.success() {
            return Err(format!(
                "cargo tree -p {package} --no-default-features failed: {}",
                String::from_utf8_lossy(&o.stderr)
            ));
        }
        let text = String::from_utf8_lossy(&o.stdout);
        // `(*)` marks a repeat; a crate counts once whatever its position.
        let distinct: std::collections::BTreeSet<&str> = text
            .lines()
            .map(|l| l.trim_end_matches(" (*)").trim())
            .filter(|l| !l.is_empty())
            .collect();
        out.push((package, distinct.len(), limit));
    }
    Ok(out)
}

fn check_lean_trees(root: &Path, problems: &mut Vec<String>) -> Vec<(&'static str, usize, usize)> {
    match lean_tree_sizes(root) {
        Ok(sizes) => {
            for &(package, n, limit) in &sizes {
                if n > limit {
                    problems.push(format!(
                        "{package} without default features pulls {n} crates, more than {limit}"
                    ));
                }
            }
            sizes
        }
        Err(e) => {
            problems.push(e);
            Vec::new()
        }
    }
}

/// What a passing tidy run measured, for `cargo xtask tidy` to print.
#[derive(Debug)]
pub struct Report {
    /// The MSRV and the test suite's toolchain, from the lockfile.
    pub msrv: crate::msrv::Requirement,
    /// `(package, crates without default features, limit)` per lean tree.
    pub lean_trees: Vec<(&'static str, usize, usize)>,
}

/// Runs every tidy check; `Err` lists every problem.
pub fn run(root: &Path) -> Result<Report, Vec<String>> {
    let mut problems = Vec::new();
    check_manifests(root, &mut problems);
    check_module_docs(root, &mut problems);
    check_structure(root, &mut problems);
    let msrv = check_msrv(root, &mut problems);
    let lean_trees = check_lean_trees(root, &mut problems);
    check_layering(root, &mut problems);
    match msrv {
        Some(msrv) if problems.is_empty() => Ok(Report { msrv, lean_trees }),
        _ => Err(problems),
    }
}
