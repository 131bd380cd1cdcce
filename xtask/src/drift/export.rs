//! Reading the docs export: every ```` ```yaml ```` block of every page (an OpenAPI 3
//! document), turned into JSON and cut into operations (method, path, operationId,
//! the JSON request body schema, the 200 response schema, the callbacks' body
//! schemas), each with the document it came from so `$ref`s can be resolved.

use std::path::Path;
use std::sync::Arc;

use serde_json::{Map, Number, Value};
use yaml_rust2::{Yaml, YamlLoader};

/// One operation of one page of the export.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The page, relative to the export folder, with `/` separators.
    pub page: String,
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path template, e.g. `/api/v1/generate`.
    pub path: String,
    /// The `operationId` (the page's slug when absent).
    pub operation_id: String,
    /// The `application/json` request body schema.
    pub request: Option<Value>,
    /// The `application/json` schema of the `200` response.
    pub response: Option<Value>,
    /// Each callback's name and the `application/json` schema of the body it posts.
    pub callbacks: Vec<(String, Value)>,
    /// The whole OpenAPI document, for `#/components/...` references.
    pub document: Arc<Value>,
}

/// The text of every ```` ```yaml ```` block of a markdown page. A block opens with a
/// line that is exactly ```` ```yaml ```` and closes with a line that is exactly
/// ```` ``` ```` (fences indented inside YAML block scalars do not count).
pub fn yaml_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        let trimmed = line.trim_end();
        match current.as_mut() {
            None if trimmed == "```yaml" || trimmed == "```yml" => current = Some(String::new()),
            None => {}
            Some(_) if trimmed == "```" => blocks.extend(current.take()),
            Some(text) => {
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    blocks
}

/// A YAML value as JSON: mapping keys become strings, reals numbers (strings when not
/// finite), aliases and bad values `null`.
pub fn yaml_to_json(yaml: &Yaml) -> Value {
    match yaml {
        Yaml::Real(text) => match text.parse::<f64>().ok().and_then(Number::from_f64) {
            Some(n) => Value::Number(n),
            None => Value::String(text.clone()),
        },
        Yaml::Integer(i) => Value::Number((*i).into()),
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Boolean(b) => Value::Bool(*b),
        Yaml::Array(items) => Value::Array(items.iter().map(yaml_to_json).collect()),
        Yaml::Hash(hash) => {
            let mut map = Map::new();
            for (k, v) in hash {
                map.insert(yaml_key(k), yaml_to_json(v));
            }
            Value::Object(map)
        }
        Yaml::Alias(_) | Yaml::Null | Yaml::BadValue => Value::Null,
    }
}

fn yaml_key(key: &Yaml) -> String {
    match key {
        Yaml::String(s) | Yaml::Real(s) => s.clone(),
        Yaml::Integer(i) => i.to_string(),
        Yaml::Boolean(b) => b.to_string(),
        other => match yaml_to_json(other) {
            Value::Null => "null".to_owned(),
            v => v.to_string(),
        },
    }
}

/// The `application/json` schema of a `requestBody` (or `content` holder).
fn json_schema_of(holder: &Value) -> Option<Value> {
    holder
        .get("content")?
        .get("application/json")?
        .get("schema")
        .cloned()
}

/// The operations of one page. `page` names it in the result and in errors.
pub fn operations_of_page(page: &str, markdown: &str) -> Result<Vec<Operation>, String> {
    const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];
    let slug = page
        .rsplit('/')
        .next()
        .unwrap_or(page)
        .trim_end_matches(".md")
        .to_owned();
    let mut out = Vec::new();
    for (i, block) in yaml_blocks(markdown).iter().enumerate() {
        let docs = YamlLoader::load_from_str(block)
            .map_err(|e| format!("{page}: YAML block {}: {e}", i + 1))?;
        for doc in &docs {
            let document = Arc::new(yaml_to_json(doc));
            let Some(paths) = document.get("paths").and_then(Value::as_object) else {
                continue;
            };
            for (path, item) in paths {
                let Some(item) = item.as_object() else {
                    continue;
                };
                for (method, op) in item {
                    if !METHODS.contains(&method.as_str()) {
                        continue;
                    }
                    out.push(operation(page, &slug, path, method, op, &document));
                }
            }
        }
    }
    Ok(out)
}

fn operation(
    page: &str,
    slug: &str,
    path: &str,
    method: &str,
    op: &Value,
    document: &Arc<Value>,
) -> Operation {
    let callbacks = op
        .get("callbacks")
        .and_then(Value::as_object)
        .map(|cbs| {
            cbs.iter()
                .flat_map(|(name, exprs)| {
                    exprs
                        .as_object()
                        .into_iter()
                        .flat_map(|m| m.values())
                        .filter_map(|item| item.get("post")?.get("requestBody"))
                        .filter_map(json_schema_of)
                        .map(|schema| (name.clone(), schema))
                        .collect::<Vec<_>>()
                })
                .collect()
        })
        .unwrap_or_default();
    Operation {
        page: page.to_owned(),
        method: method.to_ascii_uppercase(),
        path: path.to_owned(),
        operation_id: op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or(slug)
            .to_owned(),
        request: op.get("requestBody").and_then(json_schema_of),
        response: op
            .get("responses")
            .and_then(|r| r.get("200"))
            .and_then(json_schema_of),
        callbacks,
        document: Arc::clone(document),
    }
}

/// Every operation of every `*.md` page under `dir` (recursively, pages sorted by
/// path). Errors name the page and the block that could not be read.
pub fn load(dir: &Path) -> Result<Vec<Operation>, Vec<String>> {
    let mut pages = Vec::new();
    collect_pages(dir, dir, &mut pages).map_err(|e| vec![format!("{}: {e}", dir.display())])?;
    pages.sort();
    if pages.is_empty() {
        return Err(vec![format!("{}: no *.md page", dir.display())]);
    }
    let mut ops = Vec::new();
    let mut problems = Vec::new();
    for (name, path) in &pages {
        match std::fs::read_to_string(path) {
            Ok(text) => match operations_of_page(name, &text) {
                Ok(found) => ops.extend(found),
                Err(e) => problems.push(e),
            },
            Err(e) => problems.push(format!("{name}: {e}")),
        }
    }
    if problems.is_empty() {
        Ok(ops)
    } else {
        Err(problems)
    }
}

fn collect_pages(
    base: &Path,
    dir: &Path,
    out: &mut Vec<(String, std::path::PathBuf)>,
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_pages(base, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "md") {
            let rel = path.strip_prefix(base).unwrap_or(&path);
            let name = rel
                .iter()
                .map(|p| p.to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            out.push((name, path));
        }
    }
    Ok(())
}
