//! Comparing the docs' shape of a wire document with ours, property by property:
//! what is declared on one side only, required on one side only, typed
//! incompatibly, or listed as a value on one side only. A difference is named by a
//! JSON pointer over the wire document (`/*` for "every array item").

use std::collections::BTreeSet;
use std::fmt;

use super::shape::Shape;

/// Which wire document of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    /// The operation itself (it exists on one side only).
    Operation,
    /// The request body.
    Request,
    /// The 200 response body.
    Response,
    /// A callback's body.
    Callback,
}

impl Part {
    /// `operation`, `request`, `response`, `callback`.
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Operation => "operation",
            Part::Request => "request",
            Part::Response => "response",
            Part::Callback => "callback",
        }
    }
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What differs. The names are the `<kind>` of a `drift:` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// An operation of the export that our table does not map.
    OperationDocsOnly,
    /// An operation of our table that the export does not have.
    OperationOursOnly,
    /// The docs have a request / response / callback body we do not map (value: the part).
    PartDocsOnly,
    /// We map a body the docs do not document (value: the part).
    PartOursOnly,
    /// The table names a schema that `docs/schemas/` does not have.
    SchemaMissing,
    /// A property only the docs declare.
    PropertyDocsOnly,
    /// A property only we declare.
    PropertyOursOnly,
    /// Required by the docs, optional for us.
    RequiredDocsOnly,
    /// Required by us, optional in the docs.
    RequiredOursOnly,
    /// The JSON types do not fit (see [`compare`] for the direction).
    Type,
    /// A listed value only the docs have (value: the value).
    EnumDocsOnly,
    /// A listed value only we have (value: the value).
    EnumOursOnly,
}

impl Kind {
    /// Every kind, for parsing.
    pub const ALL: &'static [Kind] = &[
        Kind::OperationDocsOnly,
        Kind::OperationOursOnly,
        Kind::PartDocsOnly,
        Kind::PartOursOnly,
        Kind::SchemaMissing,
        Kind::PropertyDocsOnly,
        Kind::PropertyOursOnly,
        Kind::RequiredDocsOnly,
        Kind::RequiredOursOnly,
        Kind::Type,
        Kind::EnumDocsOnly,
        Kind::EnumOursOnly,
    ];

    /// The kind's name in reports and `drift:` lines.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::OperationDocsOnly => "operation-docs-only",
            Kind::OperationOursOnly => "operation-ours-only",
            Kind::PartDocsOnly => "part-docs-only",
            Kind::PartOursOnly => "part-ours-only",
            Kind::SchemaMissing => "schema-missing",
            Kind::PropertyDocsOnly => "property-docs-only",
            Kind::PropertyOursOnly => "property-ours-only",
            Kind::RequiredDocsOnly => "required-docs-only",
            Kind::RequiredOursOnly => "required-ours-only",
            Kind::Type => "type",
            Kind::EnumDocsOnly => "enum-docs-only",
            Kind::EnumOursOnly => "enum-ours-only",
        }
    }

    /// The kind named `name`.
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.as_str() == name)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One difference inside one wire document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Difference {
    /// Where: a JSON pointer over the wire document (`/` is the document itself,
    /// `/*` every item of an array; `~0`, `~1` and `%20` escape `~`, `/` and a space).
    pub pointer: String,
    /// What.
    pub kind: Kind,
    /// The value concerned (the listed value, the part), if any.
    pub value: Option<String>,
    /// The two sides, for people.
    pub detail: String,
}

/// The pointer to property `name` under `pointer`.
pub fn child(pointer: &str, name: &str) -> String {
    let escaped = name
        .replace('~', "~0")
        .replace('/', "~1")
        .replace('%', "%25")
        .replace(' ', "%20");
    if pointer == "/" {
        format!("/{escaped}")
    } else {
        format!("{pointer}/{escaped}")
    }
}

/// Every difference between the docs' shape and ours of one `part`, sorted.
///
/// Types: a response or callback must accept every type the docs give (ours ⊇
/// docs); a request must send only types the docs accept (ours ⊆ docs). `integer`
/// fits in `number`. A side that gives no type is not compared.
pub fn compare(docs: &Shape, ours: &Shape, part: Part) -> Vec<Difference> {
    let mut out = Vec::new();
    walk("/", docs, ours, part, &mut out);
    out.sort();
    out
}

fn walk(pointer: &str, docs: &Shape, ours: &Shape, part: Part, out: &mut Vec<Difference>) {
    if !docs.types.is_empty() && !ours.types.is_empty() {
        let fits = match part {
            Part::Request => fits_in(&ours.types, &docs.types),
            _ => fits_in(&docs.types, &ours.types),
        };
        if !fits {
            out.push(Difference {
                pointer: pointer.to_owned(),
                kind: Kind::Type,
                value: None,
                detail: format!(
                    "docs {}, ours {}",
                    join(&docs.types, " | "),
                    join(&ours.types, " | ")
                ),
            });
        }
    }
    values(pointer, docs, ours, out);
    let names: BTreeSet<&String> = docs
        .properties
        .keys()
        .chain(&docs.required)
        .chain(ours.properties.keys())
        .chain(&ours.required)
        .collect();
    let empty = Shape::default();
    for name in names {
        let here = child(pointer, name);
        let in_docs = docs.properties.contains_key(name) || docs.required.contains(name);
        let in_ours = ours.properties.contains_key(name) || ours.required.contains(name);
        if in_docs && !in_ours {
            out.push(Difference {
                pointer: here,
                kind: Kind::PropertyDocsOnly,
                value: None,
                detail: describe("docs declare it", docs.required.contains(name), "we do not"),
            });
            continue;
        }
        if in_ours && !in_docs {
            out.push(Difference {
                pointer: here,
                kind: Kind::PropertyOursOnly,
                value: None,
                detail: describe(
                    "we declare it",
                    ours.required.contains(name),
                    "the docs do not",
                ),
            });
            continue;
        }
        match (docs.required.contains(name), ours.required.contains(name)) {
            (true, false) => out.push(Difference {
                pointer: here.clone(),
                kind: Kind::RequiredDocsOnly,
                value: None,
                detail: "required in the docs, optional for us".to_owned(),
            }),
            (false, true) => out.push(Difference {
                pointer: here.clone(),
                kind: Kind::RequiredOursOnly,
                value: None,
                detail: "required by us, optional in the docs".to_owned(),
            }),
            _ => {}
        }
        let d = docs.properties.get(name).unwrap_or(&empty);
        let o = ours.properties.get(name).unwrap_or(&empty);
        walk(&here, d, o, part, out);
    }
    if docs.items.is_some() || ours.items.is_some() {
        let d = docs.items.as_deref().unwrap_or(&empty);
        let o = ours.items.as_deref().unwrap_or(&empty);
        walk(&child(pointer, "*"), d, o, part, out);
    }
}

fn describe(who: &str, required: bool, other: &str) -> String {
    let flag = if required { " (required)" } else { "" };
    format!("{who}{flag}, {other}")
}

fn values(pointer: &str, docs: &Shape, ours: &Shape, out: &mut Vec<Difference>) {
    let none = BTreeSet::new();
    let (d, o) = match (&docs.values, &ours.values) {
        (None, None) => return,
        (d, o) => (d.as_ref().unwrap_or(&none), o.as_ref().unwrap_or(&none)),
    };
    let ours_says = match &ours.values {
        None => "ours lists no values".to_owned(),
        Some(v) => format!("ours lists {}", join(v, ", ")),
    };
    let docs_say = match &docs.values {
        None => "the docs list no values".to_owned(),
        Some(v) => format!("the docs list {}", join(v, ", ")),
    };
    for v in d.difference(o) {
        out.push(Difference {
            pointer: pointer.to_owned(),
            kind: Kind::EnumDocsOnly,
            value: Some(v.clone()),
            detail: ours_says.clone(),
        });
    }
    for v in o.difference(d) {
        out.push(Difference {
            pointer: pointer.to_owned(),
            kind: Kind::EnumOursOnly,
            value: Some(v.clone()),
            detail: docs_say.clone(),
        });
    }
}

/// Whether every type of `inner` is one of `outer` (`integer` fits in `number`).
fn fits_in(inner: &BTreeSet<String>, outer: &BTreeSet<String>) -> bool {
    inner
        .iter()
        .all(|t| outer.contains(t) || (t == "integer" && outer.contains("number")))
}

fn join(set: &BTreeSet<String>, sep: &str) -> String {
    set.iter().cloned().collect::<Vec<_>>().join(sep)
}
