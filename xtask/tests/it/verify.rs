//! The verify checks under `cargo test`, and the comparison's normalisations.

use serde_json::json;
use xtask::manifest::{CAPTURED, DOCUMENTED, NEGATIVE};
use xtask::verify::{
    check_documented, check_negative, compare, run, strip_jsonc, HttpExample, Schemas,
    CAPTURED_COUNT, DOCUMENTED_COUNT,
};

#[test]
fn every_documented_fixture_decodes_round_trips_and_matches_its_schema() {
    let root = xtask::workspace_root();
    let mut schemas = Schemas::default();
    let problems: Vec<String> = DOCUMENTED
        .iter()
        .flat_map(|f| check_documented(&root, f, &mut schemas))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(DOCUMENTED.len(), DOCUMENTED_COUNT);
}

#[test]
fn every_captured_payload_decodes_round_trips_and_matches_its_schema() {
    let root = xtask::workspace_root();
    let mut schemas = Schemas::default();
    let problems: Vec<String> = CAPTURED
        .iter()
        .flat_map(|f| check_documented(&root, f, &mut schemas))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(CAPTURED.len(), CAPTURED_COUNT);
}

#[test]
fn every_negative_sample_is_rejected_by_serde_and_where_possible_the_schema() {
    let root = xtask::workspace_root();
    let mut schemas = Schemas::default();
    let problems: Vec<String> = NEGATIVE
        .iter()
        .flat_map(|n| check_negative(&root, n, &mut schemas))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(NEGATIVE.len() >= 15);
}

#[test]
fn the_whole_verify_run_passes_and_counts() {
    let summary = run(&xtask::workspace_root()).unwrap();
    assert_eq!(summary.documented, 111);
    assert_eq!(summary.json + summary.jsonc + summary.http, 111);
    assert_eq!(summary.captured, CAPTURED_COUNT);
    assert_eq!((summary.jsonc, summary.http), (1, 1));
    assert_eq!(summary.negative, NEGATIVE.len());
}

#[test]
fn comparison_normalises_only_null_and_number_form() {
    assert!(compare(&json!({"a": null, "n": 60}), &json!({"n": 60.0})).is_empty());
    assert!(compare(&json!({"n": 1}), &json!({"n": 1, "b": null})).is_empty());
    assert_eq!(
        compare(&json!({"a": "x", "n": 1}), &json!({"n": 1})),
        vec!["$.a: dropped"]
    );
    assert_eq!(
        compare(&json!({"a": [1, 2]}), &json!({"a": [1]})),
        vec!["$.a: 2 items became 1"]
    );
    assert_eq!(
        compare(&json!({"s": "0"}), &json!({"s": 0})),
        vec!["$.s: \"0\" became 0"]
    );
    assert_eq!(compare(&json!({}), &json!({"x": 1})), vec!["$.x: added"]);
}

#[test]
fn jsonc_comments_are_stripped_outside_strings_only() {
    let text = "{\n  \"url\": \"https://a.b/c//d\" // comment\n}";
    let v: serde_json::Value = serde_json::from_str(&strip_jsonc(text)).unwrap();
    assert_eq!(v["url"], "https://a.b/c//d");
}

#[test]
fn http_example_with_a_json_body_is_flagged() {
    let fx = xtask::verify::fixture("webhook-signed-callback.example.http").unwrap();
    let raw = "POST /x HTTP/1.1\nContent-Type: application/json\nX-Webhook-Timestamp: 1\nX-Webhook-Signature: KxDlpbbq0GDOKqm0+FuJpJWTzY8baHSjhEt4kwElqQI=\n\n{\"code\":200}";
    let problems = HttpExample::split(raw).unwrap().check(fx).unwrap_err();
    assert!(
        problems.iter().any(|p| p.contains("valid json")),
        "{problems:?}"
    );
}

#[test]
fn a_negative_sample_rejected_for_another_reason_is_flagged() {
    let root = xtask::workspace_root();
    let mut sample = NEGATIVE[0];
    sample.reason = "some other rule";
    let problems = check_negative(&root, &sample, &mut Schemas::default());
    assert!(
        problems.iter().any(|p| p.contains("another reason")),
        "{problems:?}"
    );
}
