//! Structure rules for `cargo xtask tidy`: no import cycle between the modules of a
//! crate, and no oversized source file.
//!
//! **Module cycles.** Every `src/**/*.rs` file is a module (`a/b.rs` and `a/b/mod.rs`
//! are `a::b`; `lib.rs` and `main.rs` are the root). A path written in a file
//! (`crate::x::y`, `super::y`, `self::y`, `use crate::{x::A, y::B}`) is resolved to the
//! deepest module it names, following `pub use` re-exports (so `crate::Error`
//! re-exported from `error` counts as a use of `error`). A use from module `S` of
//! module `T` where neither contains the other is an edge between the two siblings
//! under their lowest common ancestor (`a::b::c` using `a::d` is the edge `b -> d`
//! under `a`). Any strongly connected set of siblings is a cycle. Code under
//! `#[cfg(test)]` does not count: tests may reach anywhere.
//!
//! **File size.** A source file under `src/` may have at most [`MAX_LINES`] lines,
//! unless its first lines say `@generated`. Test files (`tests/`) are not limited.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The most lines a hand-written source file under `src/` may have.
pub const MAX_LINES: usize = 700;

/// A module path inside one crate (`[]` is the crate root).
type ModPath = Vec<String>;

/// One parsed source file.
#[derive(Debug)]
struct ModFile {
    path: PathBuf,
    module: ModPath,
    /// Source with comments, literals and `#[cfg(test)]` items blanked.
    code: String,
}

/// A use of one module by another, with where it was written.
#[derive(Debug, Clone)]
struct Edge {
    from: String,
    to: String,
    at: String,
}

/// The module of a file relative to `src`, or `None` for files outside the module tree
/// (`src/bin/*`).
fn module_of(src: &Path, file: &Path) -> Option<ModPath> {
    let rel = file.strip_prefix(src).ok()?;
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if parts.first().is_some_and(|p| p == "bin") {
        return None;
    }
    let last = parts.pop()?;
    let stem = last.strip_suffix(".rs")?.to_owned();
    if !(parts.is_empty() && (stem == "lib" || stem == "main")) && stem != "mod" {
        parts.push(stem);
    }
    Some(parts)
}

/// Blanks comments and string / char literals (keeping newlines, so line numbers stay).
fn strip_comments_and_literals(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let blank = |out: &mut Vec<u8>, c: u8| out.push(if c == b'\n' { b'\n' } else { b' ' });
    while i < b.len() {
        let c = b[i];
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                out.push(b' ');
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            let mut depth = 0usize;
            while i < b.len() {
                if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                    depth += 1;
                    out.extend_from_slice(b"  ");
                    i += 2;
                } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                    depth = depth.saturating_sub(1);
                    out.extend_from_slice(b"  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, b[i]);
                    i += 1;
                }
            }
        } else if c == b'r'
            && matches!(b.get(i + 1), Some(b'"') | Some(b'#'))
            && !ident_before(b, i)
        {
            // Raw string r"..." / r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&b'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&b'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            let close: Vec<u8> = std::iter::once(b'"')
                .chain(std::iter::repeat_n(b'#', hashes))
                .collect();
            while j < b.len() && !b[j..].starts_with(&close) {
                j += 1;
            }
            let end = (j + close.len()).min(b.len());
            for &x in &b[i..end] {
                blank(&mut out, x);
            }
            i = end;
        } else if c == b'"' {
            out.push(b' ');
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' && i + 1 < b.len() {
                    blank(&mut out, b[i]);
                    i += 1;
                }
                blank(&mut out, b[i]);
                i += 1;
            }
            if i < b.len() {
                out.push(b' ');
                i += 1;
            }
        } else if c == b'\'' {
            // A char literal ('a', '\n', '\u{..}') or a lifetime ('a).
            let end = if b.get(i + 1) == Some(&b'\\') {
                b[i + 2..]
                    .iter()
                    .position(|&x| x == b'\'')
                    .map(|p| i + 2 + p)
            } else if b.get(i + 2) == Some(&b'\'') {
                Some(i + 2)
            } else {
                // Multi-byte UTF-8 char literal.
                let ch_len = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                (b.get(i + 1 + ch_len) == Some(&b'\'')).then_some(i + 1 + ch_len)
            };
            match end {
                Some(e) => {
                    for &x in &b[i..=e] {
                        blank(&mut out, x);
                    }
                    i = e + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn ident_before(b: &[u8], i: usize) -> bool {
    i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')
}

/// Blanks every item that follows a `#[cfg(test)]` attribute (up to its closing brace
/// or semicolon).
fn strip_cfg_test(code: &str) -> String {
    let mut out = code.as_bytes().to_vec();
    let needle = b"#[cfg(test)]";
    let mut from = 0;
    while let Some(pos) = find(&out[from..], needle).map(|p| p + from) {
        let mut i = pos;
        let mut depth = 0usize;
        let mut end = out.len();
        while i < out.len() {
            match out[i] {
                b'{' => depth += 1,
                b'}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = i + 1;
                        break;
                    }
                }
                b';' if depth == 0 => {
                    end = i + 1;
                    break;
                }
                _ => {}
            }
            i += 1;
        }
        for x in &mut out[pos..end] {
            if *x != b'\n' {
                *x = b' ';
            }
        }
        from = end;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Reads a path tree starting at byte `i` (just after `crate`, `super` or `self`):
/// `::a::b`, `::{a, b::{c, d}}`, `::super::x`. Returns every full path it names.
fn read_tree(b: &[u8], mut i: usize) -> Vec<Vec<String>> {
    fn skip_ws(b: &[u8], mut i: usize) -> usize {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    }
    fn ident(b: &[u8], i: usize) -> (String, usize) {
        let mut j = i;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
            j += 1;
        }
        (String::from_utf8_lossy(&b[i..j]).into_owned(), j)
    }
    // Parses `::tail` after a segment; returns the suffixes.
    fn tail(b: &[u8], i: usize, depth: usize) -> (Vec<Vec<String>>, usize) {
        let j = skip_ws(b, i);
        if !(b.get(j) == Some(&b':') && b.get(j + 1) == Some(&b':')) || depth > 16 {
            return (vec![Vec::new()], i);
        }
        let j = skip_ws(b, j + 2);
        if b.get(j) == Some(&b'{') {
            let mut out = Vec::new();
            let mut k = j + 1;
            loop {
                k = skip_ws(b, k);
                match b.get(k) {
                    None => return (out, k),
                    Some(b'}') => return (out, k + 1),
                    Some(b',') => k += 1,
                    Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {
                        let (name, n) = ident(b, k);
                        let (subs, n) = tail(b, n, depth + 1);
                        for mut s in subs {
                            s.insert(0, name.clone());
                            out.push(s);
                        }
                        k = n;
                    }
                    Some(_) => k += 1, // `*`, `as`, ...
                }
            }
        } else if b
            .get(j)
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
        {
            let (name, n) = ident(b, j);
            let (subs, n) = tail(b, n, depth + 1);
            let out = subs
                .into_iter()
                .map(|mut s| {
                    s.insert(0, name.clone());
                    s
                })
                .collect();
            (out, n)
        } else {
            (vec![Vec::new()], j)
        }
    }
    i = skip_ws(b, i);
    tail(b, i, 0).0
}

/// Every module-relative path the code writes, each resolved to an absolute path from
/// the crate root, with its line number.
fn written_paths(file: &ModFile) -> Vec<(Vec<String>, usize)> {
    let b = file.code.as_bytes();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\n' {
            line += 1;
        }
        let start_ok = !ident_before(b, i) && (i == 0 || b[i - 1] != b':');
        if start_ok {
            for kw in ["crate", "super", "self"] {
                let k = kw.as_bytes();
                let after = i + k.len();
                if b[i..].starts_with(k)
                    && b.get(after)
                        .is_none_or(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
                {
                    for rel in read_tree(b, after) {
                        let mut base: Vec<String> = match kw {
                            "crate" => Vec::new(),
                            _ => file.module.clone(),
                        };
                        let mut segs = rel.into_iter().peekable();
                        if kw == "super" {
                            base.pop();
                        }
                        while segs.peek().is_some_and(|s| s == "super") {
                            segs.next();
                            base.pop();
                        }
                        base.extend(segs.filter(|s| s != "self"));
                        out.push((base, line));
                    }
                }
            }
        }
        i += 1;
    }
    out
}

/// `pub use` re-exports of each module: `(module, name) -> absolute path`.
fn reexports(files: &[ModFile]) -> BTreeMap<(ModPath, String), Vec<String>> {
    let mut map = BTreeMap::new();
    for f in files {
        let b = f.code.as_bytes();
        let mut from = 0;
        while let Some(p) = find(&b[from..], b"pub").map(|p| p + from) {
            from = p + 3;
            if ident_before(b, p) {
                continue;
            }
            // `pub use`, `pub(crate) use`, `pub(super) use`.
            let mut j = p + 3;
            if b.get(j) == Some(&b'(') {
                while j < b.len() && b[j] != b')' {
                    j += 1;
                }
                j += 1;
            }
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if !b[j..].starts_with(b"use ") {
                continue;
            }
            let body_start = j + 4;
            let end = b[body_start..]
                .iter()
                .position(|&c| c == b';')
                .map_or(b.len(), |e| body_start + e);
            let stmt = String::from_utf8_lossy(&b[body_start..end]).into_owned();
            let stmt = stmt.trim();
            // Normalise `x::y` (relative, a child) to `self::x::y`.
            let (kw, rest) = ["crate", "super", "self"]
                .iter()
                .find_map(|kw| stmt.strip_prefix(kw).map(|r| (*kw, r.to_owned())))
                .unwrap_or(("self", format!("::{stmt}")));
            for rel in read_tree(rest.as_bytes(), 0) {
                let Some(name) = rel.last().cloned() else {
                    continue;
                };
                let mut base = match kw {
                    "crate" => Vec::new(),
                    _ => f.module.clone(),
                };
                if kw == "super" {
                    base.pop();
                }
                base.extend(rel.into_iter().filter(|s| s != "self"));
                map.insert((f.module.clone(), name), base);
            }
        }
    }
    map
}

/// Resolves an absolute path to the deepest module it reaches, following re-exports.
fn resolve(
    path: &[String],
    modules: &BTreeSet<ModPath>,
    reexp: &BTreeMap<(ModPath, String), Vec<String>>,
    depth: usize,
) -> ModPath {
    let mut known = 0;
    for n in (0..=path.len()).rev() {
        if modules.contains(&path[..n].to_vec()) {
            known = n;
            break;
        }
    }
    let module = path[..known].to_vec();
    if depth < 8 {
        if let Some(next) = path.get(known) {
            if let Some(target) = reexp.get(&(module.clone(), next.clone())) {
                let mut full = target.clone();
                full.extend(path[known + 1..].iter().cloned());
                if full != path {
                    return resolve(&full, modules, reexp, depth + 1);
                }
            }
        }
    }
    module
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in rd.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn load(src: &Path) -> Vec<ModFile> {
    let mut paths = Vec::new();
    rust_files(src, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| {
            let module = module_of(src, &path)?;
            let text = std::fs::read_to_string(&path).ok()?;
            let code = strip_cfg_test(&strip_comments_and_literals(&text));
            Some(ModFile { path, module, code })
        })
        .collect()
}

fn edges(files: &[ModFile], root: &Path) -> BTreeMap<ModPath, Vec<Edge>> {
    let modules: BTreeSet<ModPath> = files.iter().map(|f| f.module.clone()).collect();
    let reexp = reexports(files);
    let mut by_parent: BTreeMap<ModPath, Vec<Edge>> = BTreeMap::new();
    for f in files {
        for (path, line) in written_paths(f) {
            let target = resolve(&path, &modules, &reexp, 0);
            let s = &f.module;
            let common = s.iter().zip(&target).take_while(|(a, b)| a == b).count();
            if common < s.len() && common < target.len() {
                let rel = f.path.strip_prefix(root).unwrap_or(&f.path);
                by_parent
                    .entry(s[..common].to_vec())
                    .or_default()
                    .push(Edge {
                        from: s[common].clone(),
                        to: target[common].clone(),
                        at: format!("{}:{line}", rel.display()),
                    });
            }
        }
    }
    by_parent
}

/// The cycles among the siblings of one parent, each as `a -> b -> a` with evidence.
fn cycles_in(edges: &[Edge]) -> Vec<String> {
    let mut adj: BTreeMap<&str, BTreeMap<&str, &str>> = BTreeMap::new();
    for e in edges {
        adj.entry(&e.from)
            .or_default()
            .entry(&e.to)
            .or_insert(&e.at);
    }
    // Strongly connected components by repeated reachability (graphs here are tiny).
    let nodes: BTreeSet<&str> = adj
        .iter()
        .flat_map(|(a, t)| std::iter::once(*a).chain(t.keys().copied()))
        .collect();
    let reach = |from: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(n) = stack.pop() {
            if let Some(next) = adj.get(n.as_str()) {
                for m in next.keys() {
                    if seen.insert((*m).to_owned()) {
                        stack.push((*m).to_owned());
                    }
                }
            }
        }
        seen
    };
    let mut reported: BTreeSet<&str> = BTreeSet::new();
    let mut out = Vec::new();
    for &n in &nodes {
        if reported.contains(n) || !reach(n).contains(n) {
            continue;
        }
        // Walk one concrete cycle from n back to n (shortest by BFS).
        let mut prev: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::new();
        for m in adj.get(n).map(|t| t.keys()).into_iter().flatten() {
            prev.entry(*m).or_insert(n);
            queue.push_back(*m);
        }
        let mut last = None;
        while let Some(x) = queue.pop_front() {
            if adj.get(x).is_some_and(|t| t.contains_key(n)) {
                last = Some(x);
                break;
            }
            for m in adj.get(x).map(|t| t.keys()).into_iter().flatten() {
                if *m != n && !prev.contains_key(*m) {
                    prev.insert(*m, x);
                    queue.push_back(*m);
                }
            }
        }
        let mut chain = vec![n.to_owned()];
        let mut cur = last;
        while let Some(c) = cur {
            if c == n {
                break;
            }
            chain.push(c.to_owned());
            cur = prev.get(c).copied();
        }
        chain[1..].reverse();
        chain.push(n.to_owned());
        let steps: Vec<String> = chain
            .windows(2)
            .map(|w| {
                let at = adj
                    .get(w[0].as_str())
                    .and_then(|t| t.get(w[1].as_str()))
                    .copied()
                    .unwrap_or("?");
                format!("{} -> {} ({at})", w[0], w[1])
            })
            .collect();
        for c in &chain {
            if let Some(k) = nodes.get(c.as_str()) {
                reported.insert(k);
            }
        }
        out.push(steps.join(", "));
    }
    out
}

/// Every module import cycle in the crate whose sources are in `src`.
pub fn module_cycles(src: &Path, root: &Path) -> Vec<String> {
    let files = load(src);
    let mut out = Vec::new();
    for (parent, es) in edges(&files, root) {
        let under = if parent.is_empty() {
            "the crate root".to_owned()
        } else {
            parent.join("::")
        };
        for c in cycles_in(&es) {
            let rel = src.strip_prefix(root).unwrap_or(src);
            out.push(format!(
                "{}: module cycle under {under}: {c}",
                rel.display()
            ));
        }
    }
    out
}

/// Source files under `src` longer than [`MAX_LINES`] and not marked `@generated`.
pub fn oversized_files(src: &Path, root: &Path) -> Vec<String> {
    let mut paths = Vec::new();
    rust_files(src, &mut paths);
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        let generated = text.lines().take(5).any(|l| l.contains("@generated"));
        let lines = text.lines().count();
        if lines > MAX_LINES && !generated {
            let rel = p.strip_prefix(root).unwrap_or(&p);
            out.push(format!(
                "{}: {lines} lines, more than {MAX_LINES}: split it by operation or responsibility",
                rel.display()
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_comments_are_blanked_but_lines_kept() {
        let s = "a // crate::x\nb /* crate::y \n */ \"crate::z\" 'c' r#\"crate::w\"# 'a\n";
        let out = strip_comments_and_literals(s);
        assert!(!out.contains("crate"), "{out}");
        assert_eq!(out.lines().count(), s.lines().count());
        assert!(out.contains("'a"), "a lifetime stays: {out}");
    }

    #[test]
    fn use_trees_expand() {
        let t = read_tree(b"::{a::{B, c::D}, e, self}", 0);
        assert_eq!(
            t,
            vec![
                vec!["a".to_owned(), "B".to_owned()],
                vec!["a".to_owned(), "c".to_owned(), "D".to_owned()],
                vec!["e".to_owned()],
                vec!["self".to_owned()],
            ]
        );
    }

    #[test]
    fn cfg_test_items_are_dropped() {
        let s = "use crate::a;\n#[cfg(test)]\nmod tests { use crate::b; }\nuse crate::c;\n";
        let out = strip_cfg_test(s);
        assert!(out.contains("crate::a") && out.contains("crate::c"));
        assert!(!out.contains("crate::b"));
    }
}
