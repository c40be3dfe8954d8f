//! `spec/schema/*.schema.json`: the spec format for YAML-aware editors (see `spec::format`).
//! They follow the generator, not the spec, so their header names the model they come from.

use super::EmitError;
use super::format::{json_file, sorted};
use crate::output::Output;
use crate::spec::format::{DIR, schemas};

const SOURCES: [&str; 2] = ["codegen/src/spec/model.rs", "codegen/src/spec/format.rs"];

pub fn emit_spec_format(output: &mut Output) -> Result<(), EmitError> {
    let sources = SOURCES.map(str::to_owned);
    for (name, schema) in schemas() {
        let path = format!("{DIR}/{name}");
        output.add(
            &path,
            json_file(&path, "$comment", &sorted(schema), &sources)?,
        );
    }
    Ok(())
}
