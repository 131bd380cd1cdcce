//! `cargo xtask verify`: every documented fixture and every captured live
//! payload decodes into its type and re-encodes with nothing silently dropped,
//! validates against its type's JSON Schema and matches its insta snapshot; every
//! negative sample is rejected by serde (and by `parse` for callbacks) and by the
//! schema where a schema can express the rule.
//!
//! Intended normalisations of the round-trip comparison (everything else is a
//! difference):
//! - `null` equals an absent key (we write `null` for an unset `Option` in some
//!   types and omit it in others);
//! - numbers compare by value (`60` equals `60.0`: `f64` fields re-encode whole
//!   numbers with a fraction).
//!
//! The two non-JSON fixtures: `download-url.request.openapi.jsonc` is read with
//! its `//` comment stripped; `webhook-signed-callback.example.http` is split at
//! the first blank line: the request line must be a `POST`, the headers must
//! carry `Content-Type: application/json`, an all-digit `X-Webhook-Timestamp`
//! and an `X-Webhook-Signature` that is base64 of 32 bytes (an HMAC-SHA256), and
//! the body (which contains a literal `...`) must be rejected as not JSON by
//! `serde_json`, by `parse` (`ParseError::Syntax`) and by `callback_key`.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use kie_suno_types::{callback_key, parse, KeyError, ParseError};
use serde_json::Value;

use crate::manifest::{
    wire_type, Fixture, Negative, Origin, SchemaVerdict, CAPTURED, DOCUMENTED, NEGATIVE,
};

/// `crates/kie-suno-types/fixtures/documented`.
pub fn documented_dir(root: &Path) -> PathBuf {
    fixture_dir(root, Origin::Documented)
}

/// `crates/kie-suno-types/fixtures/documented` or `.../captured`.
pub fn fixture_dir(root: &Path, origin: Origin) -> PathBuf {
    root.join("crates/kie-suno-types/fixtures")
        .join(origin.dir_name())
}

/// `crates/kie-suno-types/fixtures/negative`.
pub fn negative_dir(root: &Path) -> PathBuf {
    root.join("crates/kie-suno-types/fixtures/negative")
}

/// Where the insta snapshots of the documented fixtures live.
pub fn snapshots_dir(root: &Path) -> PathBuf {
    root.join("xtask/tests/it/snapshots")
}

/// The documented fixture registered under `file`.
pub fn fixture(file: &str) -> Option<&'static Fixture> {
    fixture_in(Origin::Documented, file)
}

/// The fixture of the set `origin` registered under `file`.
pub fn fixture_in(origin: Origin, file: &str) -> Option<&'static Fixture> {
    let set = match origin {
        Origin::Documented => DOCUMENTED,
        Origin::Captured => CAPTURED,
    };
    set.iter().find(|f| f.file == file)
}

/// Strips `//` line comments that are outside JSON strings.
pub fn strip_jsonc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let (mut in_string, mut escaped) = (false, false);
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '/' && chars.peek() == Some(&'/') {
            for next in chars.by_ref() {
                if next == '\n' {
                    out.push('\n');
                    break;
                }
            }
        } else {
            if c == '"' {
                in_string = true;
            }
            out.push(c);
        }
    }
    out
}

/// The documented `.http` example, split and checked.
#[derive(Debug, Clone)]
pub struct HttpExample {
    /// e.g. `POST /your-webhook-endpoint HTTP/1.1`.
    pub request_line: String,
    /// Header names (lower-cased) and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl HttpExample {
    /// Splits a raw HTTP request at the first blank line.
    pub fn split(raw: &str) -> Result<Self, String> {
        let raw = raw.replace("\r\n", "\n");
        let (head, body) = raw
            .split_once("\n\n")
            .ok_or("no blank line between headers and body")?;
        let mut lines = head.lines();
        let request_line = lines.next().ok_or("empty request")?.to_owned();
        let mut headers = Vec::new();
        for line in lines {
            let (name, value) = line
                .split_once(':')
                .ok_or_else(|| format!("malformed header line {line:?}"))?;
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
        Ok(Self {
            request_line,
            headers,
            body: body.as_bytes().to_vec(),
        })
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Checks the documented shape; returns a description of what was checked.
    pub fn check(&self, fixture: &Fixture) -> Result<String, Vec<String>> {
        let mut problems = Vec::new();
        if !self.request_line.starts_with("POST ") {
            problems.push(format!("request line is not a POST: {}", self.request_line));
        }
        if self.header("content-type") != Some("application/json") {
            problems.push("content-type is not application/json".to_owned());
        }
        let ts = self.header("x-webhook-timestamp").unwrap_or("");
        if ts.is_empty() || !ts.bytes().all(|b| b.is_ascii_digit()) {
            problems.push(format!("x-webhook-timestamp is not unix seconds: {ts:?}"));
        }
        let sig = self.header("x-webhook-signature").unwrap_or("");
        let sig_len = base64::engine::general_purpose::STANDARD
            .decode(sig)
            .map(|b| b.len())
            .unwrap_or(0);
        if sig_len != 32 {
            problems.push(format!(
                "x-webhook-signature is not base64 of 32 bytes: {sig:?}"
            ));
        }
        let json_err = serde_json::from_slice::<serde::de::IgnoredAny>(&self.body).err();
        let json_verdict = match &json_err {
            Some(e) if e.is_syntax() || e.is_eof() => format!("not json ({e})"),
            Some(e) => {
                problems.push(format!("body failed, but not as syntax: {e}"));
                String::new()
            }
            None => {
                problems
                    .push("body is valid json; the documented body has a literal `...`".to_owned());
                String::new()
            }
        };
        let parse_verdict = match fixture.family.map(|f| parse(f, &self.body)) {
            Some(Err(ParseError::Syntax(_))) => "ParseError::Syntax".to_owned(),
            other => {
                problems.push(format!(
                    "parse did not reject the body as syntax: {other:?}"
                ));
                String::new()
            }
        };
        let key_verdict = match callback_key(&self.body) {
            Err(KeyError::Syntax(_)) => "KeyError::Syntax".to_owned(),
            other => {
                problems.push(format!("callback_key did not reject the body: {other:?}"));
                String::new()
            }
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        Ok(format!(
            "request line: {}\nheaders: {}\nx-webhook-timestamp: unix seconds\nx-webhook-signature: base64, {sig_len} bytes\nbody: {json_verdict}\nparse({:?}): {parse_verdict}\ncallback_key: {key_verdict}\n",
            self.request_line,
            names.join(", "),
            fixture.family,
        ))
    }
}

/// A fixture, loaded.
#[derive(Debug, Clone)]
pub enum Loaded {
    /// JSON bytes (a `.jsonc` file arrives here with its comments stripped).
    Json(Vec<u8>),
    /// The raw HTTP example.
    Http(HttpExample),
}

/// Reads a fixture from its set's folder.
pub fn load(root: &Path, fixture: &Fixture) -> Result<Loaded, String> {
    let path = fixture_dir(root, fixture.origin).join(fixture.file);
    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    if fixture.file.ends_with(".http") {
        let text = String::from_utf8(bytes).map_err(|e| format!("{}: {e}", fixture.file))?;
        return HttpExample::split(&text).map(Loaded::Http);
    }
    if fixture.file.ends_with(".jsonc") {
        let text = String::from_utf8(bytes).map_err(|e| format!("{}: {e}", fixture.file))?;
        return Ok(Loaded::Json(strip_jsonc(&text).into_bytes()));
    }
    Ok(Loaded::Json(bytes))
}

/// The text snapshotted for a fixture: the typed value's `{:#?}`, or for the
/// `.http` example a description of what was checked.
pub fn describe(root: &Path, fixture: &Fixture) -> Result<String, Vec<String>> {
    let ty = wire_type(fixture.ty).ok_or_else(|| vec![format!("unknown type {}", fixture.ty)])?;
    match load(root, fixture).map_err(|e| vec![e])? {
        Loaded::Json(bytes) => (ty.decode)(&bytes).map(|d| d.debug).map_err(|e| {
            vec![format!(
                "{}: does not decode as {}: {e}",
                fixture.file, ty.name
            )]
        }),
        Loaded::Http(http) => http.check(fixture),
    }
}

/// Differences between an original document and its re-encoding, after the
/// normalisations listed in the module docs.
pub fn compare(original: &Value, reencoded: &Value) -> Vec<String> {
    let mut out = Vec::new();
    compare_at("$", original, reencoded, &mut out);
    out
}

fn compare_at(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, va) in x {
                match y.get(k) {
                    Some(vb) => compare_at(&format!("{path}.{k}"), va, vb, out),
                    None if va.is_null() => {}
                    None => out.push(format!("{path}.{k}: dropped")),
                }
            }
            for (k, vb) in y {
                if !x.contains_key(k) && !vb.is_null() {
                    out.push(format!("{path}.{k}: added"));
                }
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                out.push(format!("{path}: {} items became {}", x.len(), y.len()));
            }
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                compare_at(&format!("{path}[{i}]"), va, vb, out);
            }
        }
        (Value::Number(x), Value::Number(y)) => {
            if x != y && x.as_f64() != y.as_f64() {
                out.push(format!("{path}: {x} became {y}"));
            }
        }
        _ => {
            if a != b {
                out.push(format!("{path}: {a} became {b}"));
            }
        }
    }
}

/// Compiled schemas, one per type name.
#[derive(Default)]
pub struct Schemas(HashMap<&'static str, jsonschema::Validator>);

impl std::fmt::Debug for Schemas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl Schemas {
    /// Whether `instance` is valid against the schema of `ty`.
    pub fn is_valid(&mut self, ty: &'static str, instance: &Value) -> Result<bool, String> {
        if !self.0.contains_key(ty) {
            let wire = wire_type(ty).ok_or_else(|| format!("unknown type {ty}"))?;
            let validator = jsonschema::validator_for(&(wire.schema)())
                .map_err(|e| format!("schema of {ty} does not compile: {e}"))?;
            self.0.insert(ty, validator);
        }
        Ok(self.0.get(ty).is_some_and(|v| v.is_valid(instance)))
    }
}

/// Reads the committed insta snapshot of a fixture (its content only): the
/// snapshot of the insta test named after its set (`documented`, `captured`).
pub fn read_snapshot(root: &Path, fixture: &Fixture) -> Result<String, String> {
    let dir = snapshots_dir(root);
    let file = fixture.file;
    let suffix = format!("__{}@{file}.snap", fixture.origin.dir_name());
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(&suffix) {
            let text = std::fs::read_to_string(entry.path()).map_err(|e| e.to_string())?;
            return snapshot_content(&text).ok_or_else(|| format!("{name}: no insta header"));
        }
    }
    Err(format!(
        "no committed snapshot for {} fixture {file} in {}",
        fixture.origin.dir_name(),
        dir.display()
    ))
}

fn snapshot_content(text: &str) -> Option<String> {
    let rest = text.strip_prefix("---\n")?;
    let end = rest.find("\n---\n")?;
    Some(rest[end + 5..].to_owned())
}

/// Checks one fixture (documented or captured): decode, round-trip, callback
/// parse, schema, snapshot.
pub fn check_documented(root: &Path, fixture: &Fixture, schemas: &mut Schemas) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(ty) = wire_type(fixture.ty) else {
        return vec![format!("{}: unknown type {}", fixture.file, fixture.ty)];
    };
    let described = match load(root, fixture) {
        Err(e) => return vec![e],
        Ok(Loaded::Http(http)) => match http.check(fixture) {
            Ok(text) => text,
            Err(p) => {
                return p
                    .into_iter()
                    .map(|m| format!("{}: {m}", fixture.file))
                    .collect()
            }
        },
        Ok(Loaded::Json(bytes)) => {
            let decoded = match (ty.decode)(&bytes) {
                Ok(d) => d,
                Err(e) => {
                    return vec![format!(
                        "{}: does not decode as {}: {e}",
                        fixture.file, ty.name
                    )]
                }
            };
            let original: Value = match serde_json::from_slice(&bytes) {
                Ok(v) => v,
                Err(e) => return vec![format!("{}: not json: {e}", fixture.file)],
            };
            for diff in compare(&original, &decoded.reencoded) {
                problems.push(format!("{}: round-trip: {diff}", fixture.file));
            }
            if let Some(family) = fixture.family {
                match parse(family, &bytes) {
                    Ok(cb) => match callback_key(&bytes) {
                        Ok(key) if &key.task_id == cb.task_id() => {}
                        other => problems.push(format!(
                            "{}: callback_key disagrees with parse: {other:?}",
                            fixture.file
                        )),
                    },
                    Err(e) => {
                        problems.push(format!("{}: parse({family}) failed: {e}", fixture.file))
                    }
                }
            }
            match schemas.is_valid(ty.name, &original) {
                Ok(true) => {}
                Ok(false) => {
                    problems.push(format!("{}: fails the {} schema", fixture.file, ty.name))
                }
                Err(e) => problems.push(e),
            }
            decoded.debug
        }
    };
    match read_snapshot(root, fixture) {
        Ok(snap) if snap.trim_end() == described.trim_end() => {}
        Ok(_) => problems.push(format!(
            "{}: the committed insta snapshot does not match (run `cargo insta test -p xtask` and review)",
            fixture.file
        )),
        Err(e) => problems.push(e),
    }
    problems
}

/// Checks one negative sample: serde rejects it, `parse` rejects callbacks,
/// and the schema verdict holds.
pub fn check_negative(root: &Path, sample: &Negative, schemas: &mut Schemas) -> Vec<String> {
    let path = negative_dir(root).join(sample.file);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => return vec![format!("{}: {e}", path.display())],
    };
    let Some(ty) = wire_type(sample.ty) else {
        return vec![format!("{}: unknown type {}", sample.file, sample.ty)];
    };
    let mut problems = Vec::new();
    match (ty.decode)(&bytes) {
        Ok(d) => problems.push(format!(
            "{}: accepted by serde as {}: {}",
            sample.file, ty.name, d.reencoded
        )),
        Err(e) if !e.contains(sample.reason) => problems.push(format!(
            "{}: rejected for another reason than {:?}: {e}",
            sample.file, sample.reason
        )),
        Err(_) => {}
    }
    if let Some(family) = sample.family {
        match parse(family, &bytes) {
            Ok(_) => problems.push(format!("{}: accepted by parse({family})", sample.file)),
            Err(ParseError::Data { .. }) if sample.schema == SchemaVerdict::NotJson => {
                problems.push(format!("{}: parse said Data, expected Syntax", sample.file))
            }
            Err(_) => {}
        }
    }
    let json = serde_json::from_slice::<Value>(&bytes);
    match (sample.schema, json) {
        (SchemaVerdict::NotJson, Ok(_)) => {
            problems.push(format!("{}: listed as not JSON but parses", sample.file));
        }
        (SchemaVerdict::NotJson, Err(_)) => {}
        (_, Err(e)) => problems.push(format!(
            "{}: not JSON ({e}); list it as NotJson",
            sample.file
        )),
        (SchemaVerdict::Rejects, Ok(v)) => match schemas.is_valid(ty.name, &v) {
            Ok(false) => {}
            Ok(true) => problems.push(format!(
                "{}: the {} schema accepts it",
                sample.file, ty.name
            )),
            Err(e) => problems.push(e),
        },
        (SchemaVerdict::CannotExpress(_), Ok(v)) => match schemas.is_valid(ty.name, &v) {
            Ok(true) => {}
            Ok(false) => problems.push(format!(
                "{}: the {} schema rejects it after all; list it as Rejects",
                sample.file, ty.name
            )),
            Err(e) => problems.push(e),
        },
    }
    problems
}

fn listing(dir: &Path) -> Result<BTreeSet<String>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(entries
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name != "README.md")
        .collect())
}

/// Checks that the manifest and a folder list the same files.
pub fn check_listing(dir: &Path, manifest: &[&str]) -> Vec<String> {
    let on_disk = match listing(dir) {
        Ok(l) => l,
        Err(e) => return vec![e],
    };
    let listed: BTreeSet<String> = manifest.iter().map(|s| (*s).to_owned()).collect();
    let mut problems = Vec::new();
    for f in on_disk.difference(&listed) {
        problems.push(format!("{}: {f} is not in the manifest", dir.display()));
    }
    for f in listed.difference(&on_disk) {
        problems.push(format!(
            "{}: {f} is in the manifest but missing",
            dir.display()
        ));
    }
    problems
}

/// What `verify` checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Documented fixtures checked.
    pub documented: usize,
    /// Captured live payloads checked (all `.json`).
    pub captured: usize,
    /// Of which `.json`.
    pub json: usize,
    /// Of which `.jsonc` (comment stripped).
    pub jsonc: usize,
    /// Of which `.http` (headers checked, body rejected as not JSON).
    pub http: usize,
    /// Negative samples checked.
    pub negative: usize,
    /// Negative samples the schema rejects too.
    pub schema_rejects: usize,
    /// Negative samples whose rule a schema cannot express.
    pub schema_cannot: usize,
    /// Negative samples that are not JSON.
    pub not_json: usize,
}

/// The number of documented examples taken from upstream.
pub const DOCUMENTED_COUNT: usize = 111;
/// The number of captured live payloads taken from upstream.
pub const CAPTURED_COUNT: usize = 6;
/// The least number of negative samples.
pub const NEGATIVE_MIN: usize = 15;

/// Runs every check; returns what was checked or every problem found.
pub fn run(root: &Path) -> Result<Summary, Vec<String>> {
    let mut problems = Vec::new();
    let mut schemas = Schemas::default();
    let files: Vec<&str> = DOCUMENTED.iter().map(|f| f.file).collect();
    problems.extend(check_listing(&documented_dir(root), &files));
    if DOCUMENTED.len() != DOCUMENTED_COUNT {
        problems.push(format!(
            "manifest lists {} documented fixtures, expected {DOCUMENTED_COUNT}",
            DOCUMENTED.len()
        ));
    }
    for f in DOCUMENTED {
        problems.extend(check_documented(root, f, &mut schemas));
    }
    let files: Vec<&str> = CAPTURED.iter().map(|f| f.file).collect();
    problems.extend(check_listing(&fixture_dir(root, Origin::Captured), &files));
    if CAPTURED.len() != CAPTURED_COUNT {
        problems.push(format!(
            "manifest lists {} captured payloads, expected {CAPTURED_COUNT}",
            CAPTURED.len()
        ));
    }
    for f in CAPTURED {
        if !f.file.ends_with(".json") {
            problems.push(format!("{}: a captured payload must be .json", f.file));
        }
        problems.extend(check_documented(root, f, &mut schemas));
    }
    let files: Vec<&str> = NEGATIVE.iter().map(|n| n.file).collect();
    problems.extend(check_listing(&negative_dir(root), &files));
    if NEGATIVE.len() < NEGATIVE_MIN {
        problems.push(format!(
            "only {} negative samples, expected at least {NEGATIVE_MIN}",
            NEGATIVE.len()
        ));
    }
    for n in NEGATIVE {
        problems.extend(check_negative(root, n, &mut schemas));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let count = |ext: &str| DOCUMENTED.iter().filter(|f| f.file.ends_with(ext)).count();
    let verdicts = |p: fn(&SchemaVerdict) -> bool| NEGATIVE.iter().filter(|n| p(&n.schema)).count();
    Ok(Summary {
        documented: DOCUMENTED.len(),
        captured: CAPTURED.len(),
        json: count(".json"),
        jsonc: count(".jsonc"),
        http: count(".http"),
        negative: NEGATIVE.len(),
        schema_rejects: verdicts(|v| *v == SchemaVerdict::Rejects),
        schema_cannot: verdicts(|v| matches!(v, SchemaVerdict::CannotExpress(_))),
        not_json: verdicts(|v| *v == SchemaVerdict::NotJson),
    })
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "verified {} documented fixtures: {} .json decoded, round-tripped with nothing dropped, schema-valid and snapshot-matched; {} .jsonc the same after stripping its comment; {} .http with its headers and signature shape checked and its body rejected as not JSON",
            self.documented, self.json, self.jsonc, self.http
        )?;
        writeln!(
            f,
            "verified {} captured live payloads: decoded, round-tripped with nothing dropped, schema-valid and snapshot-matched",
            self.captured
        )?;
        write!(
            f,
            "verified {} negative samples: all rejected by serde (and by `parse` for callbacks); {} rejected by their schema too, {} beyond what a schema can express (recorded in xtask/src/manifest/negative.rs), {} not JSON",
            self.negative, self.schema_rejects, self.schema_cannot, self.not_json
        )
    }
}
