//! `cargo xtask drift [PATH]`: compares an OpenAPI export of the docs (a folder of
//! markdown pages with ```` ```yaml ```` OpenAPI blocks, `docs/openapi-export` by
//! default) with our committed JSON Schemas (`docs/schemas/`), and lists every
//! property, listed value, required flag and type that differs, grouped by
//! endpoint. A difference is explained when a `drift:` line of
//! `docs/contradictions.md` matches it (syntax: [`explain`]); any other fails the run.
//!
//! Layers: `export` (pages -> operations), `shape` (a schema -> what is compared),
//! `table` (operation -> our schema names), `compare` (two shapes -> differences,
//! uses `shape`), `explain` (the `drift:` lines, uses `compare`); this module wires
//! them together.

pub mod compare;
pub mod explain;
pub mod export;
pub mod shape;
pub mod table;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde_json::Value;

use compare::{Difference, Kind, Part};
use explain::{Explanation, Subject};
use export::Operation;
use shape::Shape;
use table::Mapping;

/// One difference, where it is and what explains it.
#[derive(Debug, Clone)]
pub struct Found {
    /// `METHOD path` of the endpoint.
    pub endpoint: String,
    /// The operation's id (`METHOD:path` for a table row the export lacks).
    pub operation: String,
    /// The page it came from (empty for a table row the export lacks).
    pub page: String,
    /// Which document.
    pub part: Part,
    /// Our schema, when one is concerned.
    pub schema: Option<String>,
    /// The difference.
    pub difference: Difference,
    /// The `drift:` line that explains it (index into [`Report::explanations`]).
    pub explained_by: Option<usize>,
}

impl Found {
    fn subject(&self) -> Subject<'_> {
        Subject {
            schema: self.schema.as_deref(),
            operation: &self.operation,
            pointer: &self.difference.pointer,
            kind: self.difference.kind,
            value: self.difference.value.as_deref(),
        }
    }

    /// The difference as the words of a `drift:` line that would match it exactly.
    pub fn key(&self) -> String {
        let target = match &self.schema {
            Some(s) => format!("{s}@{}", self.operation),
            None => format!("@{}", self.operation),
        };
        let d = &self.difference;
        match &d.value {
            Some(v) => format!("{target} {} {} {v}", d.pointer, d.kind),
            None => format!("{target} {} {}", d.pointer, d.kind),
        }
    }
}

/// What a run found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Every difference, in endpoint order.
    pub found: Vec<Found>,
    /// Every `drift:` line of `docs/contradictions.md`.
    pub explanations: Vec<Explanation>,
}

impl Report {
    /// The differences no `drift:` line explains.
    pub fn unexplained(&self) -> impl Iterator<Item = &Found> {
        self.found.iter().filter(|f| f.explained_by.is_none())
    }

    /// The `drift:` lines that explain nothing.
    pub fn unused(&self) -> impl Iterator<Item = &Explanation> {
        self.explanations
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.found.iter().any(|f| f.explained_by == Some(*i)))
            .map(|(_, e)| e)
    }

    /// Counts: differences, unexplained, explained by a pending entry.
    pub fn counts(&self) -> (usize, usize, usize) {
        let pending = self
            .found
            .iter()
            .filter(|f| f.explained_by.is_some_and(|i| self.explanations[i].pending))
            .count();
        (self.found.len(), self.unexplained().count(), pending)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut last = None;
        for found in &self.found {
            if last != Some(&found.endpoint) {
                let page = if found.page.is_empty() {
                    "not in the export".to_owned()
                } else {
                    found.page.clone()
                };
                writeln!(f, "{}  ({}, {page})", found.endpoint, found.operation)?;
                last = Some(&found.endpoint);
            }
            let mark = match found.explained_by {
                None => "NEW".to_owned(),
                Some(i) if self.explanations[i].pending => {
                    format!("#{} pending", self.explanations[i].entry)
                }
                Some(i) => format!("#{}", self.explanations[i].entry),
            };
            writeln!(
                f,
                "  [{mark}] {:<8} {}  ({})",
                found.part.as_str(),
                found.key(),
                found.difference.detail
            )?;
        }
        for e in self.unused() {
            let note = if e.pending {
                " (a pending entry: it may match nothing)"
            } else {
                ""
            };
            writeln!(
                f,
                "unused: docs/contradictions.md:{} (entry {}): `{e}`{note}",
                e.line, e.entry
            )?;
        }
        let (all, new, pending) = self.counts();
        write!(
            f,
            "drift: {all} difference(s), {} explained ({pending} pending), {new} unexplained",
            all - new
        )
    }
}

/// Our committed schemas, by name (`docs/schemas/<name>.json`).
pub fn load_schemas(dir: &Path) -> Result<BTreeMap<String, Value>, String> {
    let mut out = BTreeMap::new();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(name) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".json"))
        else {
            continue;
        };
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        out.insert(name.to_owned(), value);
    }
    Ok(out)
}

/// Every difference between the export's operations and our schemas, as `table`
/// maps them, unexplained.
pub fn differences(
    ops: &[Operation],
    schemas: &BTreeMap<String, Value>,
    table: &[Mapping],
) -> Vec<Found> {
    let mut out = Vec::new();
    for op in ops {
        let endpoint = format!("{} {}", op.method, op.path);
        let mut push = |part: Part, schema: Option<&str>, difference: Difference| {
            out.push(Found {
                endpoint: endpoint.clone(),
                operation: op.operation_id.clone(),
                page: op.page.clone(),
                part,
                schema: schema.map(str::to_owned),
                difference,
                explained_by: None,
            });
        };
        let Some(row) = table::lookup(table, &op.method, &op.path) else {
            push(
                Part::Operation,
                None,
                whole(Kind::OperationDocsOnly, None, "no row in the drift table"),
            );
            continue;
        };
        let parts: [(Part, Option<&str>, Vec<&Value>); 3] = [
            (Part::Request, row.request, op.request.iter().collect()),
            (Part::Response, row.response, op.response.iter().collect()),
            (
                Part::Callback,
                row.callback,
                op.callbacks.iter().map(|(_, s)| s).collect(),
            ),
        ];
        for (part, ours, docs) in parts {
            match (ours, docs.is_empty()) {
                (None, true) => {}
                (None, false) => push(
                    part,
                    None,
                    whole(
                        Kind::PartDocsOnly,
                        Some(part.as_str()),
                        "the docs have a JSON body, the table maps none",
                    ),
                ),
                (Some(name), true) => push(
                    part,
                    Some(name),
                    whole(
                        Kind::PartOursOnly,
                        Some(part.as_str()),
                        "the table maps a body, the docs have none",
                    ),
                ),
                (Some(name), false) => {
                    let Some(our_schema) = schemas.get(name) else {
                        push(
                            part,
                            Some(name),
                            whole(
                                Kind::SchemaMissing,
                                None,
                                "no docs/schemas file of that name",
                            ),
                        );
                        continue;
                    };
                    let ours = Shape::of(our_schema, our_schema);
                    for doc_schema in docs {
                        let theirs = Shape::of(doc_schema, &op.document);
                        for d in compare::compare(&theirs, &ours, part) {
                            push(part, Some(name), d);
                        }
                    }
                }
            }
        }
    }
    for row in table {
        let found = ops
            .iter()
            .any(|op| op.method.eq_ignore_ascii_case(row.method) && op.path == row.path);
        if !found {
            out.push(Found {
                endpoint: format!("{} {}", row.method, row.path),
                operation: format!("{}:{}", row.method, row.path),
                page: String::new(),
                part: Part::Operation,
                schema: None,
                difference: whole(
                    Kind::OperationOursOnly,
                    None,
                    "the export has no such operation",
                ),
                explained_by: None,
            });
        }
    }
    dedup(out)
}

/// Repeats (one schema compared with several callbacks of one operation) once.
fn dedup(found: Vec<Found>) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::with_capacity(found.len());
    for f in found {
        let seen = out.iter().any(|o| {
            o.endpoint == f.endpoint
                && o.part == f.part
                && o.schema == f.schema
                && o.difference == f.difference
        });
        if !seen {
            out.push(f);
        }
    }
    out
}

fn whole(kind: Kind, value: Option<&str>, detail: &str) -> Difference {
    Difference {
        pointer: "/".to_owned(),
        kind,
        value: value.map(str::to_owned),
        detail: detail.to_owned(),
    }
}

/// Marks each difference with the first `drift:` line that matches it.
pub fn explain(found: &mut [Found], explanations: &[Explanation]) {
    for f in found {
        let subject = f.subject();
        f.explained_by = explanations.iter().position(|e| e.matches(&subject));
    }
}

/// The whole check: the export under `export_dir` against `root`'s
/// `docs/schemas/`, explained by `root`'s `docs/contradictions.md`.
pub fn run(root: &Path, export_dir: &Path) -> Result<Report, Vec<String>> {
    let ops = export::load(export_dir)?;
    let schemas = load_schemas(&root.join("docs/schemas")).map_err(|e| vec![e])?;
    let path = root.join("docs/contradictions.md");
    let text =
        std::fs::read_to_string(&path).map_err(|e| vec![format!("{}: {e}", path.display())])?;
    let explanations = explain::parse(&text).map_err(|p| {
        p.into_iter()
            .map(|e| format!("docs/contradictions.md: {e}"))
            .collect::<Vec<_>>()
    })?;
    let mut found = differences(&ops, &schemas, table::TABLE);
    explain(&mut found, &explanations);
    Ok(Report {
        found,
        explanations,
    })
}
