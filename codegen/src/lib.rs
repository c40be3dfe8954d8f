//! The WeChat Pay APIv3 SDK generator.
//!
//! A pipeline: [`spec`] parses the YAML, [`validate`] checks it (every error at once), [`ir`]
//! resolves Rust names and types, and [`emit`] renders the generated crate into one
//! [`output::Output`], so `gen` writes exactly what `gen --check` compares.

pub mod changes;
pub mod diagnostic;
pub mod emit;
pub mod ir;
pub mod output;
/// The rules a documented field puts on a value, shared with the generated crate so that the
/// examples the generator checks and the requests the crate checks meet one definition.
#[path = "../../generated-sdk/runtime/src/rules.rs"]
pub mod rules;
/// The format of the generated `schema.json` files, shared with the generated crate that reads
/// them, so writer and reader cannot disagree.
#[path = "../../generated-sdk/src/schema/data.rs"]
pub mod schema_data;
pub mod spec;
pub mod validate;

use std::fmt;
use std::path::Path;

use diagnostic::Diagnostics;
use emit::EmitError;
use output::Output;

/// What one run of the generator produced.
#[derive(Debug)]
pub struct Generated {
    pub output: Output,
    /// What the output was emitted from, for comparing with another version of the spec.
    pub api: ir::Api,
    pub operations: usize,
    pub types: usize,
}

/// Why nothing was generated.
#[derive(Debug)]
pub enum GenerateError {
    /// The spec is invalid; every problem is listed.
    Spec(Diagnostics),
    /// The generator itself failed; this is a bug in the generator, not in the spec.
    Emit(EmitError),
}

impl fmt::Display for GenerateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GenerateError::Spec(diagnostics) => diagnostics.fmt(f),
            GenerateError::Emit(error) => write!(f, "generator bug: {error}"),
        }
    }
}

impl std::error::Error for GenerateError {}

/// Runs the whole pipeline on spec files already in memory; touches no file.
pub fn generate(sources: &spec::Sources) -> Result<Generated, GenerateError> {
    let api = resolve(sources).map_err(GenerateError::Spec)?;
    let output = emit::emit(&api).map_err(GenerateError::Emit)?;
    Ok(Generated {
        output,
        operations: api.operation_count(),
        types: api.type_count(),
        api,
    })
}

/// Parses, validates and resolves spec files already in memory: the IR, as `generate` would
/// emit it.
pub fn resolve(sources: &spec::Sources) -> Result<ir::Api, Diagnostics> {
    let spec = spec::parse(sources)?;
    validate::validate(&spec)?;
    ir::build(&spec)
}

/// Reads the spec under `root` (the workspace root) and runs the pipeline.
pub fn generate_from(root: &Path) -> Result<Generated, GenerateError> {
    let sources = spec::read_sources(root).map_err(GenerateError::Spec)?;
    generate(&sources)
}
