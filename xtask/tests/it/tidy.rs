//! The tidy rules hold for the workspace, and the helpers read what they should.

use xtask::tidy::{has_workspace_lints, is_forbidden, package_name, FORBIDDEN_IN_TYPES};

#[test]
fn workspace_is_tidy() {
    if let Err(problems) = xtask::tidy::run(&xtask::workspace_root()) {
        panic!("{problems:#?}");
    }
}

#[test]
fn manifest_helpers() {
    let m = "[package]\nname = \"kie-suno-types\"\n\n[lints]\nworkspace = true\n";
    assert_eq!(package_name(m).as_deref(), Some("kie-suno-types"));
    assert!(has_workspace_lints(m));
    assert!(!has_workspace_lints("[lints.rust]\nworkspace = true\n"));
    assert!(is_forbidden("tokio-util", FORBIDDEN_IN_TYPES));
    assert!(is_forbidden("hyper", FORBIDDEN_IN_TYPES));
    assert!(!is_forbidden("tokio_like", FORBIDDEN_IN_TYPES));
    assert!(!is_forbidden("serde", FORBIDDEN_IN_TYPES));
}
