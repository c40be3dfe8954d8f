//! Stage 2: checks the parsed spec before anything is generated, reporting every problem at once.
//!
//! Each check reads the model and pushes diagnostics; none stops at the first problem, and the
//! checks that depend on a type resolving skip what `references` already reported, so one mistake
//! gives one message.

mod capabilities;
mod certificates;
mod conform;
mod enums;
mod error_rows;
mod examples;
mod fields;
mod lifecycles;
mod names;
mod notifications;
mod operations;
mod paths;
mod references;
mod schema;
mod settings;
mod suggest;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::spec::{Parsed, ServiceDoc, Spec};

/// Every problem of the spec, sorted by file, position and path so the output is stable.
pub fn validate(spec: &Spec) -> Result<(), Diagnostics> {
    let mut out = Vec::new();
    settings::check_api(&spec.api, &mut out);
    for service in &spec.services {
        check_service(service, &mut out);
    }
    names::check_across_files(spec, &mut out);
    lifecycles::check_across_files(spec, &mut out);
    settings::check_default_features(spec, &mut out);
    settings::check_crates(spec, &mut out);
    if out.is_empty() {
        return Ok(());
    }
    // A stable sort: problems at one node keep the order they were found in.
    out.sort_by(|a, b| (&a.file, a.location, &a.path).cmp(&(&b.file, b.location, &b.path)));
    Err(Diagnostics(out))
}

fn check_service(service: &Parsed<ServiceDoc>, out: &mut Vec<Diagnostic>) {
    settings::check_service(service, out);
    names::check(service, out);
    references::check(service, out);
    fields::check(service, out);
    paths::check(service, out);
    enums::check(service, out);
    operations::check(service, out);
    examples::check(service, out);
    notifications::check(service, out);
    lifecycles::check(service, out);
    capabilities::check(service, out);
    certificates::check(service, out);
}

/// Whether `text` is one `first` character followed by `rest` characters: the shape of the
/// `^[A-Z][A-Za-z0-9]*$`-style rules of the spec format, without a regex dependency.
fn has_shape(text: &str, first: impl Fn(char) -> bool, rest: impl Fn(char) -> bool) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(first) && chars.all(rest)
}
