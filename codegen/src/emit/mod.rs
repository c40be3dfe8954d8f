//! Stage 4: emission. One function per kind of file; everything goes into one [`Output`].

mod api;
mod cli;
mod doc;
mod docs;
mod enums;
mod events;
mod format;
mod manifest;
mod modes;
mod openapi;
mod operation;
mod paging;
mod schema;
mod service;
mod structs;
mod tests;
mod types;

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

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
    for service_output in emit_services(api)? {
        for (path, contents) in service_output.files() {
            output.add(path, contents.to_owned());
        }
    }
    output.add(
        "generated-sdk/src/api/cli.rs",
        format::rust_file("src/api/cli.rs", cli::cli_module(api), &api.sources)?,
    );
    output.add(
        "generated-sdk/src/api/schema.rs",
        format::rust_file(
            "src/api/schema.rs",
            schema::schema_module(api),
            &api.sources,
        )?,
    );
    for service in &api.services {
        output.add(
            format!("generated-sdk/src/api/{}/schema.json", service.name),
            schema::service_tables(api, service)?,
        );
    }
    docs::emit_docs(api, &mut output)?;
    output.add(openapi::PATH, openapi::openapi(api)?);
    Ok(output)
}

/// The services' files, emitted on every core: services are independent, each goes into its own
/// [`Output`], and they are returned in service order, so the result never depends on threads
/// (and the first error reported is that of the first failing service).
fn emit_services(api: &Api) -> Result<Vec<Output>, EmitError> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .clamp(1, api.services.len().max(1));
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        while let Some(service) = api.services.get(next.fetch_add(1, Ordering::Relaxed)) {
            let mut output = Output::default();
            let result = service::emit_service(api, service, &mut output).map(|()| output);
            done.push((service.name.as_str(), result));
        }
        done
    };
    let mut results: Vec<(&str, Result<Output, EmitError>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
        workers
            .into_iter()
            .flat_map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let order = |name: &str| api.services.iter().position(|service| service.name == name);
    results.sort_by_key(|(name, _)| order(name));
    results.into_iter().map(|(_, result)| result).collect()
}
