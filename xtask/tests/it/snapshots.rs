//! One insta snapshot per documented fixture: the typed value's `{:#?}` (for the
//! `.http` example, what was checked). CI runs with `INSTA_UPDATE=no`.

use xtask::verify::{describe, fixture};

#[test]
fn documented() {
    let root = xtask::workspace_root();
    insta::glob!(
        "../../../crates/kie-suno-types/fixtures/documented",
        "*.*",
        |path: &std::path::Path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let fx = fixture(&name).unwrap_or_else(|| panic!("{name} is not in the manifest"));
            let text = describe(&root, fx).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            insta::assert_snapshot!(text);
        }
    );
}
