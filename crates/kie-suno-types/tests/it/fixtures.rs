//! The `fixtures` feature: every documented payload, as committed in
//! `fixtures/documented/`, and every payload captured live, as committed in
//! `fixtures/captured/`, through `kie_suno_types::fixtures`.

use kie_suno_types::fixtures::{captured, documented, CAPTURED, DOCUMENTED};

use crate::fixture;

#[test]
fn every_documented_payload_is_listed_sorted_and_verbatim() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/documented");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    on_disk.sort();
    let listed: Vec<&str> = DOCUMENTED.iter().map(|(n, _)| *n).collect();
    assert_eq!(listed, on_disk, "run `cargo xtask codegen`");
    for (name, text) in DOCUMENTED {
        assert_eq!(text.as_bytes(), fixture(name), "{name}");
        assert_eq!(documented(name), Some(*text), "{name}");
    }
}

#[test]
fn lookup_by_name() {
    let body = documented("lyrics-generate.request.json").unwrap();
    let req: kie_suno_types::GenerateLyricsRequest = serde_json::from_str(body).unwrap();
    assert!(!req.prompt().as_str().is_empty());
    assert_eq!(documented("no-such-payload.json"), None);
    assert_eq!(documented(""), None);
}

#[test]
fn every_captured_payload_is_listed_sorted_and_verbatim() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/captured");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != "README.md")
        .collect();
    on_disk.sort();
    let listed: Vec<&str> = CAPTURED.iter().map(|(n, _)| *n).collect();
    assert_eq!(listed, on_disk, "run `cargo xtask codegen`");
    assert_eq!(listed.len(), 6);
    for (name, text) in CAPTURED {
        assert_eq!(
            text.as_bytes(),
            std::fs::read(dir.join(name)).unwrap(),
            "{name}"
        );
        assert_eq!(captured(name), Some(*text), "{name}");
        // The two sets do not mix.
        assert_eq!(documented(name), None, "{name}");
    }
    assert_eq!(captured("credits.response.json"), None);
}
