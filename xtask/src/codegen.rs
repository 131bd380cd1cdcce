//! `cargo xtask codegen [--check]`: the JSON Schema (schemars, draft 2020-12) of
//! every public wire type, committed under `docs/schemas/<TypeName>.json`.
//! `--check` fails when a committed schema is stale, missing or extra.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::manifest::TYPES;

/// `docs/schemas`.
pub fn schemas_dir(root: &Path) -> PathBuf {
    root.join("docs/schemas")
}

/// Every schema file name and its content.
pub fn render() -> Vec<(String, String)> {
    TYPES
        .iter()
        .map(|t| {
            let text = serde_json::to_string_pretty(&(t.schema)()).unwrap_or_default();
            (format!("{}.json", t.name), text + "\n")
        })
        .collect()
}

/// Writes every schema; removes schema files of types that no longer exist.
/// Returns how many files were written.
pub fn write(root: &Path) -> std::io::Result<usize> {
    let dir = schemas_dir(root);
    std::fs::create_dir_all(&dir)?;
    let rendered = render();
    let keep: BTreeSet<&str> = rendered.iter().map(|(n, _)| n.as_str()).collect();
    for entry in std::fs::read_dir(&dir)?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".json") && !keep.contains(name.as_str()) {
            std::fs::remove_file(entry.path())?;
        }
    }
    for (name, text) in &rendered {
        std::fs::write(dir.join(name), text)?;
    }
    Ok(rendered.len())
}

/// Compares the committed schemas with freshly generated ones. Returns how many
/// are up to date, or every stale / missing / extra file.
pub fn check(root: &Path) -> Result<usize, Vec<String>> {
    let dir = schemas_dir(root);
    let rendered = render();
    let mut problems = Vec::new();
    for (name, text) in &rendered {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(committed) if committed == *text => {}
            Ok(_) => problems.push(format!("docs/schemas/{name} is stale")),
            Err(_) => problems.push(format!("docs/schemas/{name} is missing")),
        }
    }
    let keep: BTreeSet<&str> = rendered.iter().map(|(n, _)| n.as_str()).collect();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".json") && !keep.contains(name.as_str()) {
                problems.push(format!("docs/schemas/{name} has no wire type"));
            }
        }
    }
    if problems.is_empty() {
        Ok(rendered.len())
    } else {
        problems.push("run `cargo xtask codegen` and commit docs/schemas".to_owned());
        Err(problems)
    }
}
