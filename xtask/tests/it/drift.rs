//! `cargo xtask drift`: the committed export has no unexplained difference, and the
//! comparison itself, on small hand-written YAML / schema pairs, finds what it must
//! (a missing property, an extra listed value, a required flag, a type), so the
//! check can fail.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{json, Value};
use xtask::drift::compare::{compare, Kind, Part};
use xtask::drift::export::{operations_of_page, yaml_blocks};
use xtask::drift::shape::Shape;
use xtask::drift::table::Mapping;
use xtask::drift::{differences, explain, explain::parse};

#[test]
fn committed_export_is_fully_explained() {
    let root = xtask::workspace_root();
    let report = xtask::drift::run(&root, &root.join("docs/openapi-export")).unwrap();
    assert!(
        report.found.len() > 100,
        "the export was not read: {report}"
    );
    let new: Vec<String> = report.unexplained().map(|f| f.key()).collect();
    assert!(
        new.is_empty(),
        "unexplained differences:\n{}",
        new.join("\n")
    );
    let stale: Vec<String> = report
        .unused()
        .filter(|e| !e.pending)
        .map(|e| format!("docs/contradictions.md:{} (entry {})", e.line, e.entry))
        .collect();
    assert!(
        stale.is_empty(),
        "drift lines that match nothing:\n{}",
        stale.join("\n")
    );
}

/// A page with one OpenAPI block: `POST /api/v1/thing` with `request` as its
/// request body schema (YAML, indented for its place) and a components section.
fn page(request: &str, components: &str) -> String {
    format!(
        "# Thing\n\n```yaml\nopenapi: 3.0.1\npaths:\n  /api/v1/thing:\n    post:\n      operationId: make-thing\n      requestBody:\n        content:\n          application/json:\n            schema:\n{request}\n      responses:\n        '200':\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  code:\n                    type: integer\ncomponents:\n  schemas:\n{components}\n```\n"
    )
}

fn indent(yaml: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    yaml.lines()
        .map(|l| format!("{pad}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The differences of the request of `page(request)` against our `ours`.
fn request_diffs(request: &str, ours: &Value) -> Vec<(String, Kind, Option<String>)> {
    let md = page(&indent(request, 14), "    Unused:\n      type: string");
    let ops = operations_of_page("t/thing.md", &md).unwrap();
    assert_eq!(ops.len(), 1);
    let docs = Shape::of(ops[0].request.as_ref().unwrap(), &ops[0].document);
    compare(&docs, &Shape::of(ours, ours), Part::Request)
        .into_iter()
        .map(|d| (d.pointer, d.kind, d.value))
        .collect()
}

fn ours_thing() -> Value {
    json!({
        "type": "object",
        "properties": {
            "prompt": {"type": "string"},
            "model": {"$ref": "#/$defs/Model"},
            "callBackUrl": {"type": ["string", "null"]}
        },
        "required": ["prompt", "model"],
        "$defs": {"Model": {"anyOf": [
            {"type": "string", "enum": ["V4", "V5"]},
            {"type": "string"}
        ]}}
    })
}

const DOCS_THING: &str = "type: object
required: [prompt, model]
properties:
  prompt: {type: string}
  model: {type: string, enum: [V4, V5]}
  callBackUrl: {type: string, format: uri}";

#[test]
fn identical_shapes_have_no_difference() {
    assert_eq!(request_diffs(DOCS_THING, &ours_thing()), vec![]);
}

#[test]
fn a_property_missing_on_our_side_is_found() {
    let docs = format!("{DOCS_THING}\n  style: {{type: string}}");
    assert_eq!(
        request_diffs(&docs, &ours_thing()),
        vec![("/style".to_owned(), Kind::PropertyDocsOnly, None)]
    );
    let mut ours = ours_thing();
    ours["properties"]["negativeTags"] = json!({"type": "string"});
    assert_eq!(
        request_diffs(DOCS_THING, &ours),
        vec![("/negativeTags".to_owned(), Kind::PropertyOursOnly, None)]
    );
}

#[test]
fn an_extra_listed_value_is_found_on_either_side() {
    let docs = DOCS_THING.replace("[V4, V5]", "[V4, V5, V6]");
    assert_eq!(
        request_diffs(&docs, &ours_thing()),
        vec![(
            "/model".to_owned(),
            Kind::EnumDocsOnly,
            Some("V6".to_owned())
        )]
    );
    let docs = DOCS_THING.replace("[V4, V5]", "[V5]");
    assert_eq!(
        request_diffs(&docs, &ours_thing()),
        vec![(
            "/model".to_owned(),
            Kind::EnumOursOnly,
            Some("V4".to_owned())
        )]
    );
}

#[test]
fn a_required_flag_that_differs_is_found() {
    let docs = DOCS_THING.replace("[prompt, model]", "[prompt, model, callBackUrl]");
    assert_eq!(
        request_diffs(&docs, &ours_thing()),
        vec![("/callBackUrl".to_owned(), Kind::RequiredDocsOnly, None)]
    );
    let docs = DOCS_THING.replace("[prompt, model]", "[prompt]");
    assert_eq!(
        request_diffs(&docs, &ours_thing()),
        vec![("/model".to_owned(), Kind::RequiredOursOnly, None)]
    );
}

#[test]
fn types_are_compared_in_the_direction_that_matters() {
    let docs = Shape::of(&json!({"type": "integer"}), &Value::Null);
    let number = Shape::of(&json!({"type": "number"}), &Value::Null);
    let text = Shape::of(&json!({"type": ["string", "null"]}), &Value::Null);
    let lenient = Shape::of(
        &json!({"anyOf": [{"type": "integer"}, {"type": "string"}]}),
        &Value::Null,
    );
    // A response must accept every documented type.
    assert_eq!(compare(&docs, &text, Part::Response)[0].kind, Kind::Type);
    assert!(compare(&docs, &lenient, Part::Response).is_empty());
    assert!(compare(&docs, &number, Part::Response).is_empty());
    // A request must send only documented types.
    assert_eq!(compare(&docs, &number, Part::Request)[0].kind, Kind::Type);
    assert!(compare(&number, &docs, Part::Request).is_empty());
}

#[test]
fn refs_all_of_and_nested_items_are_followed() {
    let request = "allOf:
  - $ref: '#/components/schemas/Base'
  - type: object
    properties:
      tracks:
        type: array
        items:
          type: object
          required: [audio_url]
          properties:
            audio_url: {type: string}
            tags: {type: string}";
    let md = page(
        &indent(request, 14),
        &indent("Base:\n  type: object\n  required: [prompt]\n  properties:\n    prompt: {type: string}", 4),
    );
    let ops = operations_of_page("t/thing.md", &md).unwrap();
    let docs = Shape::of(ops[0].request.as_ref().unwrap(), &ops[0].document);
    assert!(docs.required.contains("prompt"));
    let ours = json!({
        "type": "object",
        "properties": {
            "prompt": {"type": "string"},
            "tracks": {"type": "array", "items": {"$ref": "#/$defs/Track"}}
        },
        "required": ["prompt"],
        "$defs": {"Track": {"type": "object", "properties": {"audio_url": {"type": "string"}}}}
    });
    let found: Vec<(String, Kind)> = compare(&docs, &Shape::of(&ours, &ours), Part::Request)
        .into_iter()
        .map(|d| (d.pointer, d.kind))
        .collect();
    assert_eq!(
        found,
        vec![
            ("/tracks/*/audio_url".to_owned(), Kind::RequiredDocsOnly),
            ("/tracks/*/tags".to_owned(), Kind::PropertyDocsOnly),
        ]
    );
}

#[test]
fn an_indented_fence_inside_a_block_scalar_does_not_end_the_block() {
    let md = "intro\n```yaml\na:\n  description: |-\n    ```json\n    {}\n    ```\nb: 1\n```\n```json\n{}\n```\n";
    let blocks = yaml_blocks(md);
    assert_eq!(blocks.len(), 1);
    assert!(blocks[0].ends_with("b: 1\n"), "{:?}", blocks[0]);
}

fn table() -> Vec<Mapping> {
    vec![Mapping {
        method: "POST",
        path: "/api/v1/thing",
        request: Some("ThingRequest"),
        response: None,
        callback: Some("ThingCallback"),
    }]
}

#[test]
fn table_gaps_are_differences_and_drift_lines_explain_them() {
    let md = page(&indent(DOCS_THING, 14), "    Unused:\n      type: string");
    let mut ops = operations_of_page("t/thing.md", &md).unwrap();
    let mut other = ops[0].clone();
    other.path = "/api/v1/other".to_owned();
    other.operation_id = "other".to_owned();
    ops.push(other);
    let schemas = BTreeMap::from([("ThingRequest".to_owned(), ours_thing())]);
    let mut found = differences(&ops, &schemas, &table());
    let keys: Vec<String> = found.iter().map(|f| f.key()).collect();
    assert_eq!(
        keys,
        vec![
            "@make-thing / part-docs-only response",
            "ThingCallback@make-thing / part-ours-only callback",
            "@other / operation-docs-only",
        ]
    );
    let md = "1. one `drift: @make-thing / part-docs-only`\n2. two, pending: soon `drift: ThingCallback /** part-ours-only callback`\n";
    let lines = parse(md).unwrap();
    assert!(lines[1].pending && !lines[0].pending);
    explain(&mut found, &lines);
    let by: Vec<Option<usize>> = found.iter().map(|f| f.explained_by).collect();
    assert_eq!(by, vec![Some(0), Some(1), None]);
}

#[test]
fn malformed_drift_lines_are_rejected() {
    assert!(parse("1. `drift: * /code enum-docs-onli`").is_err());
    assert!(parse("1. `drift: * code enum-docs-only`").is_err());
    assert!(parse("1. `drift: *`").is_err());
    // A mention of `drift:` itself is prose, not a line.
    assert_eq!(parse("the `drift:` lines").unwrap(), vec![]);
}

#[test]
fn drift_lines_print_as_written() {
    let md = "1. `drift: * /code enum-docs-only` `drift: A@op /data/** type` `drift: @op / part-docs-only response` `drift: B /%20x enum-ours-only a b`";
    let printed: Vec<String> = parse(md)
        .unwrap()
        .iter()
        .map(|e| format!("`{e}`"))
        .collect();
    assert_eq!(printed.join(" "), &md[3..]);
}

#[test]
fn the_whole_check_fails_on_an_unexplained_difference() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap_or(Path::new("."))).unwrap();
        std::fs::write(path, text).unwrap();
    };
    // Our generate-lyrics request without `callBackUrl`; the docs have it.
    let ours = json!({"type": "object", "properties": {"prompt": {"type": "string"}}, "required": ["prompt"]});
    write("docs/schemas/GenerateLyricsRequest.json", &ours.to_string());
    write(
        "docs/schemas/TaskCreatedResponse.json",
        r#"{"type": "object"}"#,
    );
    write("docs/schemas/LyricsCallback.json", r#"{"type": "object"}"#);
    let md = page(&indent(DOCS_THING, 14), "    Unused:\n      type: string")
        .replace("/api/v1/thing", "/api/v1/lyrics");
    write("export/lyrics.md", &md);
    write("docs/contradictions.md", "# none\n");
    let report = xtask::drift::run(root, &root.join("export")).unwrap();
    let new: Vec<String> = report.unexplained().map(|f| f.key()).collect();
    assert!(
        new.contains(
            &"GenerateLyricsRequest@make-thing /callBackUrl property-docs-only".to_owned()
        ),
        "{new:?}"
    );
    assert!(
        new.contains(&"LyricsCallback@make-thing / part-ours-only callback".to_owned()),
        "{new:?}"
    );
    // Explained, that difference is no longer counted.
    write(
        "docs/contradictions.md",
        "1. why `drift: GenerateLyricsRequest /callBackUrl property-docs-only`\n",
    );
    let report = xtask::drift::run(root, &root.join("export")).unwrap();
    assert!(report
        .unexplained()
        .all(|f| f.difference.pointer != "/callBackUrl"));
}
