//! Stage 4: emission. One function per kind of file; everything goes into one [`Output`].

mod api;
mod cli;
mod doc;
mod docs;
mod enums;
mod events;
mod format;
mod imports;
mod manifest;
mod modes;
mod openapi;
mod operation;
mod outcomes;
mod paging;
mod schema;
mod service;
mod spec_format;
mod structs;
mod synthetic;
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
    // The largest single files first, so the services' many small jobs fill in around them and
    // no core idles at the end.
    let mut jobs: Vec<Job<'_>> = vec![
        Box::new(|output| {
            let tokens = cli::cli_module(api);
            output.add(
                "generated-sdk/src/api/cli.rs",
                format::rust_file("src/api/cli.rs", tokens, &api.sources)?,
            );
            Ok(())
        }),
        Box::new(|output| {
            output.add(openapi::PATH, openapi::openapi(api)?);
            Ok(())
        }),
        Box::new(|output| docs::emit_docs(api, output)),
        Box::new(spec_format::emit_spec_format),
        Box::new(|output| {
            output.add("generated-sdk/Cargo.toml", manifest::manifest(api)?);
            for krate in &api.crates {
                output.add(
                    format!("{}/Cargo.toml", krate.dir()),
                    manifest::service_crate_manifest(api, krate)?,
                );
                let path = format!("{}/src/lib.rs", krate.dir());
                output.add(
                    path.clone(),
                    format::rust_file(
                        &path,
                        api::service_crate_root(api, krate),
                        &api.sources_of_crate(krate),
                    )?,
                );
            }
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
            output.add(
                "generated-sdk/src/api/schema.rs",
                format::rust_file(
                    "src/api/schema.rs",
                    schema::schema_module(api)?,
                    &api.sources,
                )?,
            );
            Ok(())
        }),
    ];
    for service in &api.services {
        jobs.push(Box::new(move |output| {
            service::emit_service(api, service, output)?;
            output.add(
                format!("{}/schema.json", service.dir()),
                schema::service_tables(api, service)?,
            );
            Ok(())
        }));
    }
    let mut output = Output::default();
    for done in run_on_every_core(&jobs) {
        for (path, contents) in done?.files() {
            output.add(path, contents.to_owned());
        }
    }
    Ok(output)
}

/// One independent piece of the output.
type Job<'a> = Box<dyn Fn(&mut Output) -> Result<(), EmitError> + Sync + 'a>;

/// Runs the jobs on every core, each into its own [`Output`], and returns the results in job
/// order, so the result never depends on threads (and the first error reported is that of the
/// first failing job).
fn run_on_every_core(jobs: &[Job<'_>]) -> Vec<Result<Output, EmitError>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .clamp(1, jobs.len().max(1));
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(index) else {
                return done;
            };
            let mut output = Output::default();
            done.push((index, job(&mut output).map(|()| output)));
        }
    };
    let mut results: Vec<(usize, Result<Output, EmitError>)> = std::thread::scope(|scope| {
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
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}
