//! Stage 4: emission. One function per kind of file; everything goes into one [`Output`].

mod api;
mod doc;
mod docs;
mod enums;
mod format;
mod manifest;
mod operation;
mod service;
mod structs;
mod tests;
mod types;

use std::fmt;

use crate::ir::Api;
use crate::output::Output;

/// A generator bug surfaced as an error instead of a panic (bad tokens, a failed template).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmitError(pub String);

impl fmt::Display for EmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EmitError {}

/// Every generated file for `api`.
pub fn emit(api: &Api) -> Result<Output, EmitError> {
    let mut output = Output::default();
    output.add("generated-sdk/Cargo.toml", manifest::manifest(api)?);
    output.add(
        "generated-sdk/src/api/mod.rs",
        format::rust_file("src/api/mod.rs", api::api_module(api), &api.sources)?,
    );
    output.add(
        "generated-sdk/src/api/error_code.rs",
        format::rust_file(
            "src/api/error_code.rs",
            api::error_code_module(api),
            &api.sources,
        )?,
    );
    for service in &api.services {
        service::emit_service(api, service, &mut output)?;
    }
    docs::emit_docs(api, &mut output)?;
    Ok(output)
}
