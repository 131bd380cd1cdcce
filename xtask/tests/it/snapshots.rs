//! One insta snapshot per documented fixture and per captured live payload: the
//! typed value's `{:#?}` (for the `.http` example, what was checked). CI runs
//! with `INSTA_UPDATE=no`.

use xtask::manifest::Origin;
use xtask::verify::{describe, fixture_in};

fn snapshot(origin: Origin, path: &std::path::Path) -> String {
    let root = xtask::workspace_root();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let fx = fixture_in(origin, &name).unwrap_or_else(|| panic!("{name} is not in the manifest"));
    describe(&root, fx).unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

#[test]
fn documented() {
    insta::glob!(
        "../../../crates/kie-suno-types/fixtures/documented",
        "*.*",
        |path: &std::path::Path| {
            let text = snapshot(Origin::Documented, path);
            insta::assert_snapshot!(text);
        }
    );
}

#[test]
fn captured() {
    insta::glob!(
        "../../../crates/kie-suno-types/fixtures/captured",
        "*.json",
        |path: &std::path::Path| {
            let text = snapshot(Origin::Captured, path);
            insta::assert_snapshot!(text);
        }
    );
}
