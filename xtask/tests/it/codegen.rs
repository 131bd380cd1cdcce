//! The committed JSON Schemas are fresh, and every registered type has one.

#[test]
fn committed_schemas_are_up_to_date() {
    let n = xtask::codegen::check(&xtask::workspace_root()).unwrap();
    assert_eq!(n, xtask::manifest::TYPES.len());
}

#[test]
fn every_schema_compiles_and_is_titled() {
    for t in xtask::manifest::TYPES {
        let schema = (t.schema)();
        assert_eq!(schema["title"], t.name);
        assert!(jsonschema::validator_for(&schema).is_ok(), "{}", t.name);
    }
}
