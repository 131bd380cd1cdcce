//! The `drift:` lines of `docs/contradictions.md`: each names differences that an
//! entry there explains. Syntax (inside backticks, anywhere in an entry):
//!
//! ```text
//! drift: <target> <pointer> <kind> [<value>]
//! ```
//!
//! `<target>` is `*` (any schema), `Schema` (one of ours, on every operation it
//! serves), `Schema@operationId` (on one operation) or `@operationId` (anything of
//! one operation); `<pointer>` a JSON pointer over the wire document (`/` the
//! document, `/*` array items), or a prefix of one followed by `/**`; `<kind>` one of
//! [`Kind::ALL`]; `<value>` (the rest of the line) the listed value or part, any when
//! left out. Only a span that starts with `drift:` and a space counts (so prose may
//! mention `drift:` itself). An entry whose text contains `pending:` explains a
//! difference that is being fixed in our types; its lines may match nothing.

use super::compare::Kind;

/// What a `drift:` line's target names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `*`.
    Any,
    /// `Schema`.
    Schema(String),
    /// `Schema@operationId`.
    SchemaOn(String, String),
    /// `@operationId`.
    Operation(String),
}

/// One `drift:` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// The number of the entry it is in (`28` for `28. ...`), or `-` outside any.
    pub entry: String,
    /// Its line in the file (1-based).
    pub line: usize,
    /// The entry says `pending:`.
    pub pending: bool,
    /// What it matches.
    pub target: Target,
    /// The pointer, or its prefix when `deep`.
    pub pointer: String,
    /// The pointer ended with `/**`: it matches every pointer under (and at) it.
    pub deep: bool,
    /// The kind.
    pub kind: Kind,
    /// The value; `None` matches any.
    pub value: Option<String>,
}

impl std::fmt::Display for Explanation {
    /// The line as written (`drift: <target> <pointer> <kind> [<value>]`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let target = match &self.target {
            Target::Any => "*".to_owned(),
            Target::Schema(s) => s.clone(),
            Target::SchemaOn(s, op) => format!("{s}@{op}"),
            Target::Operation(op) => format!("@{op}"),
        };
        let pointer = match (self.deep, self.pointer.as_str()) {
            (false, p) => p.to_owned(),
            (true, "/") => "/**".to_owned(),
            (true, p) => format!("{p}/**"),
        };
        write!(f, "drift: {target} {pointer} {}", self.kind)?;
        match &self.value {
            Some(v) => write!(f, " {v}"),
            None => Ok(()),
        }
    }
}

/// Where a difference is, for matching.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// Our schema, when the difference is in one.
    pub schema: Option<&'a str>,
    /// The operation's id.
    pub operation: &'a str,
    /// The pointer.
    pub pointer: &'a str,
    /// The kind.
    pub kind: Kind,
    /// The value.
    pub value: Option<&'a str>,
}

impl Explanation {
    /// Whether this line explains `s`.
    pub fn matches(&self, s: &Subject<'_>) -> bool {
        let target = match &self.target {
            Target::Any => true,
            Target::Schema(name) => s.schema == Some(name.as_str()),
            Target::SchemaOn(name, op) => s.schema == Some(name.as_str()) && s.operation == op,
            Target::Operation(op) => s.operation == op,
        };
        let pointer = if self.deep {
            s.pointer == self.pointer
                || s.pointer
                    .strip_prefix(self.pointer.as_str())
                    .is_some_and(|rest| rest.starts_with('/') || self.pointer == "/")
        } else {
            s.pointer == self.pointer
        };
        let value = match &self.value {
            None => true,
            Some(v) => s.value == Some(v.as_str()),
        };
        target && pointer && self.kind == s.kind && value
    }
}

/// Every `drift:` line of `markdown`, or every malformed one.
pub fn parse(markdown: &str) -> Result<Vec<Explanation>, Vec<String>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut entry = ("-".to_owned(), false);
    for (i, line) in markdown.lines().enumerate() {
        let number: String = line.chars().take_while(char::is_ascii_digit).collect();
        if !number.is_empty() && line[number.len()..].starts_with(". ") {
            entry = (number, line.contains("pending:"));
        } else if line.trim().is_empty() || line.starts_with('#') {
            entry = ("-".to_owned(), false);
        } else if line.contains("pending:") {
            entry.1 = true;
        }
        let mut rest = line;
        while let Some(start) = rest.find("`drift: ") {
            let after = &rest[start + 1..];
            let Some(end) = after.find('`') else {
                problems.push(format!("line {}: unclosed `drift:` span", i + 1));
                break;
            };
            match parse_one(&after[..end]) {
                Ok((target, pointer, deep, kind, value)) => out.push(Explanation {
                    entry: entry.0.clone(),
                    line: i + 1,
                    pending: entry.1,
                    target,
                    pointer,
                    deep,
                    kind,
                    value,
                }),
                Err(e) => problems.push(format!("line {}: {e}: `{}`", i + 1, &after[..end])),
            }
            rest = &after[end + 1..];
        }
    }
    // A `pending:` later in a multi-line entry covers its earlier lines too.
    let pending: Vec<String> = out
        .iter()
        .filter(|e| e.pending)
        .map(|e| e.entry.clone())
        .collect();
    for e in &mut out {
        if e.entry != "-" && pending.contains(&e.entry) {
            e.pending = true;
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

type Parsed = (Target, String, bool, Kind, Option<String>);

fn parse_one(text: &str) -> Result<Parsed, String> {
    let body = text
        .strip_prefix("drift:")
        .ok_or("not a drift: line")?
        .trim();
    let mut words = body.splitn(4, ' ');
    let target = words.next().filter(|w| !w.is_empty()).ok_or("no target")?;
    let pointer = words.next().ok_or("no pointer")?;
    let kind = words.next().ok_or("no kind")?;
    let value = words
        .next()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned);
    let target = if target == "*" {
        Target::Any
    } else if let Some(op) = target.strip_prefix('@') {
        Target::Operation(op.to_owned())
    } else if let Some((schema, op)) = target.split_once('@') {
        Target::SchemaOn(schema.to_owned(), op.to_owned())
    } else {
        Target::Schema(target.to_owned())
    };
    if !pointer.starts_with('/') {
        return Err("the pointer must start with `/`".to_owned());
    }
    let (pointer, deep) = match pointer.strip_suffix("/**") {
        Some("") => ("/".to_owned(), true),
        Some(prefix) => (prefix.to_owned(), true),
        None => (pointer.to_owned(), false),
    };
    let kind = Kind::parse(kind).ok_or_else(|| format!("unknown kind {kind:?}"))?;
    Ok((target, pointer, deep, kind, value))
}
