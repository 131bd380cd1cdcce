//! A JSON Schema (ours: draft 2020-12 from schemars; the docs': OpenAPI 3.0) reduced to
//! what the drift check compares: the JSON types, the listed values, the properties
//! with their required flags, the array items. `$ref`s are resolved against the
//! schema's own document; `allOf` is merged; `anyOf` / `oneOf` are joined (a property
//! is required only when every alternative requires it; a value set with a plain
//! alternative of the same type is open); `null` is dropped (optionality is what
//! `required` says). Validation keywords (lengths, patterns, ranges, `if`) are not
//! part of the shape.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// How deep `$ref`s may nest before the walk stops (recursive schemas).
const MAX_DEPTH: usize = 48;

/// What a schema says about a wire value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shape {
    /// JSON types other than `null`; empty when the schema does not say.
    pub types: BTreeSet<String>,
    /// The listed values (`enum`, `const`), rendered: strings as they are, other
    /// values as JSON text. `None` when no value set is listed.
    pub values: Option<BTreeSet<String>>,
    /// The listed values are an open set (another alternative takes any value).
    pub open: bool,
    /// Properties by wire name.
    pub properties: BTreeMap<String, Shape>,
    /// The wire names that must be present.
    pub required: BTreeSet<String>,
    /// The shape of array items.
    pub items: Option<Box<Shape>>,
}

impl Shape {
    /// The shape of `schema`, with `$ref`s resolved against `document`.
    pub fn of(schema: &Value, document: &Value) -> Shape {
        shape(schema, document, 0)
    }

    /// Whether the schema says nothing at all (no type, values, properties, items).
    pub fn is_unconstrained(&self) -> bool {
        self.types.is_empty()
            && self.values.is_none()
            && self.properties.is_empty()
            && self.required.is_empty()
            && self.items.is_none()
    }

    fn is_null_only(&self) -> bool {
        self.is_unconstrained() && !self.open
    }
}

fn shape(schema: &Value, document: &Value, depth: usize) -> Shape {
    let mut out = Shape::default();
    let Some(obj) = schema.as_object() else {
        return out;
    };
    if depth > MAX_DEPTH {
        return out;
    }
    if let Some(target) = obj
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| resolve(r, document))
    {
        out = all_of(out, shape(target, document, depth + 1));
    }
    match obj.get("type") {
        Some(Value::String(t)) if t != "null" => {
            out.types.insert(t.clone());
        }
        Some(Value::Array(ts)) => {
            let ts = ts.iter().filter_map(Value::as_str).filter(|t| *t != "null");
            out.types.extend(ts.map(str::to_owned));
        }
        _ => {}
    }
    if let Some(values) = obj.get("enum").and_then(Value::as_array) {
        let values: BTreeSet<String> = values.iter().filter(|v| !v.is_null()).map(render).collect();
        out.values = Some(values);
    }
    if let Some(value) = obj.get("const").filter(|v| !v.is_null()) {
        out.values = Some(BTreeSet::from([render(value)]));
    }
    if let Some(props) = obj.get("properties").and_then(Value::as_object) {
        for (name, s) in props {
            let s = shape(s, document, depth + 1);
            let merged = match out.properties.remove(name) {
                Some(old) => all_of(old, s),
                None => s,
            };
            out.properties.insert(name.clone(), merged);
        }
    }
    if let Some(required) = obj.get("required").and_then(Value::as_array) {
        out.required
            .extend(required.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    if let Some(items) = obj.get("items").filter(|i| i.is_object()) {
        let items = shape(items, document, depth + 1);
        out.items = Some(Box::new(match out.items.take() {
            Some(old) => all_of(*old, items),
            None => items,
        }));
    }
    if let Some(parts) = obj.get("allOf").and_then(Value::as_array) {
        for part in parts {
            out = all_of(out, shape(part, document, depth + 1));
        }
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(alternatives) = obj.get(key).and_then(Value::as_array) {
            let alternatives: Vec<Shape> = alternatives
                .iter()
                .map(|a| (a, shape(a, document, depth + 1)))
                .filter(|(a, s)| !(is_null_schema(a) && s.is_null_only()))
                .map(|(_, s)| s)
                .collect();
            if let Some(joined) = any_of(alternatives) {
                out = all_of(out, joined);
            }
        }
    }
    out
}

/// `{"type": "null"}` (what schemars writes for the `None` of an `Option`).
fn is_null_schema(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
}

/// A local reference (`#/$defs/X`, `#/components/schemas/X`).
fn resolve<'a>(reference: &str, document: &'a Value) -> Option<&'a Value> {
    document.pointer(reference.strip_prefix('#')?)
}

/// A listed value as text: strings as they are, anything else as JSON.
pub fn render(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Both shapes at once (`allOf`, or a schema's own keywords next to a `$ref`).
fn all_of(mut a: Shape, b: Shape) -> Shape {
    a.types = match (a.types.is_empty(), b.types.is_empty()) {
        (true, _) => b.types,
        (_, true) => a.types,
        _ => {
            let both: BTreeSet<String> = a.types.intersection(&b.types).cloned().collect();
            if both.is_empty() {
                a.types.union(&b.types).cloned().collect()
            } else {
                both
            }
        }
    };
    a.values = match (a.values, b.values) {
        (Some(x), Some(y)) => Some(x.intersection(&y).cloned().collect()),
        (x, y) => x.or(y),
    };
    a.open = a.open || b.open;
    for (name, s) in b.properties {
        let merged = match a.properties.remove(&name) {
            Some(old) => all_of(old, s),
            None => s,
        };
        a.properties.insert(name, merged);
    }
    a.required.extend(b.required);
    a.items = match (a.items, b.items) {
        (Some(x), Some(y)) => Some(Box::new(all_of(*x, *y))),
        (x, y) => x.or(y),
    };
    a
}

/// One of the shapes (`anyOf` / `oneOf`); `None` when there is none.
fn any_of(alternatives: Vec<Shape>) -> Option<Shape> {
    let mut it = alternatives.into_iter();
    let first = it.next()?;
    Some(it.fold(first, either))
}

fn either(mut a: Shape, b: Shape) -> Shape {
    // A side that says nothing about the type takes any type.
    a.types = if a.types.is_empty() || b.types.is_empty() {
        BTreeSet::new()
    } else {
        a.types.union(&b.types).cloned().collect()
    };
    a.open = a.open || b.open || (a.values.is_some() != b.values.is_some());
    a.values = match (a.values, b.values) {
        (Some(x), Some(y)) => Some(x.union(&y).cloned().collect()),
        (x, y) => x.or(y),
    };
    for (name, s) in b.properties {
        let merged = match a.properties.remove(&name) {
            Some(old) => either(old, s),
            None => s,
        };
        a.properties.insert(name, merged);
    }
    a.required = a.required.intersection(&b.required).cloned().collect();
    a.items = match (a.items, b.items) {
        (Some(x), Some(y)) => Some(Box::new(either(*x, *y))),
        (x, y) => x.or(y),
    };
    a
}
