//! `kie-suno schema [TYPE | --all]`: the JSON Schema of the wire types.

use crate::args::SchemaCmd;

/// Prints one schema, all of them, or the list of names.
pub fn run(cmd: SchemaCmd) -> anyhow::Result<()> {
    let all = kie_suno_types::schemas::all();
    if cmd.all {
        let map: serde_json::Map<String, serde_json::Value> = all
            .iter()
            .map(|w| (w.name.to_owned(), (w.schema)()))
            .collect();
        println!("{}", serde_json::to_string_pretty(&map)?);
        return Ok(());
    }
    match cmd.type_name {
        None => {
            for w in all {
                println!("{}", w.name);
            }
            Ok(())
        }
        Some(wanted) => {
            let found = all.iter().find(|w| w.name.eq_ignore_ascii_case(&wanted));
            match found {
                Some(w) => {
                    println!("{}", serde_json::to_string_pretty(&(w.schema)())?);
                    Ok(())
                }
                None => anyhow::bail!(crate::exit::Usage(format!(
                    "no wire type named {wanted:?}: `kie-suno schema` lists them"
                ))),
            }
        }
    }
}
