//! `kie-suno schema [TYPE | --all]`: the JSON Schema of the wire types.

use crate::args::{Global, SchemaCmd};
use crate::output::{print_json, println};

/// Prints one schema, all of them, or the list of names (a JSON array with
/// `--json`).
pub fn run(global: &Global, cmd: SchemaCmd) -> anyhow::Result<()> {
    let all = kie_suno_types::schemas::all();
    if cmd.all {
        let map: serde_json::Map<String, serde_json::Value> = all
            .iter()
            .map(|w| (w.name.to_owned(), (w.schema)()))
            .collect();
        return print_json(&map);
    }
    match cmd.type_name {
        None if global.json => print_json(&all.iter().map(|w| w.name).collect::<Vec<_>>()),
        None => {
            for w in all {
                println(w.name)?;
            }
            Ok(())
        }
        Some(wanted) => {
            let found = all.iter().find(|w| w.name.eq_ignore_ascii_case(&wanted));
            match found {
                Some(w) => print_json(&(w.schema)()),
                None => anyhow::bail!(crate::exit::Usage(format!(
                    "no wire type named {wanted:?}: `kie-suno schema` lists them"
                ))),
            }
        }
    }
}
