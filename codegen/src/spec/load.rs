//! Reading spec files from disk and parsing them into the model.

use std::path::Path;

use serde::de::DeserializeOwned;

use super::locate::LocationIndex;
use super::model::{ApiDoc, ServiceDoc};
use crate::diagnostic::{Diagnostic, Diagnostics, Location};

/// The text of one spec file and its path relative to the workspace root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

/// The spec's files: `spec/api.yaml` and every `spec/services/*.yaml`, in file name order.
#[derive(Debug, Clone)]
pub struct Sources {
    pub api: SourceFile,
    pub services: Vec<SourceFile>,
}

/// A parsed file with where it came from, so later stages can point back into it.
#[derive(Debug, Clone)]
pub struct Parsed<T> {
    pub file: String,
    pub doc: T,
    pub index: LocationIndex,
}

impl<T> Parsed<T> {
    /// A diagnostic at `path` of this file, with the line and column of that node.
    pub fn error(&self, path: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        let path = path.into();
        Diagnostic {
            file: self.file.clone(),
            location: self.index.find(&path),
            path,
            message: message.into(),
        }
    }
}

/// The whole spec, parsed but not yet validated.
#[derive(Debug, Clone)]
pub struct Spec {
    pub api: Parsed<ApiDoc>,
    pub services: Vec<Parsed<ServiceDoc>>,
}

impl Spec {
    /// Every spec file name, for the header of generated files.
    pub fn file_names(&self) -> Vec<String> {
        let mut names = vec![self.api.file.clone()];
        names.extend(self.services.iter().map(|service| service.file.clone()));
        names
    }
}

/// `api.yaml`'s text without its `default_features` line and its `crates` block, for a spec that
/// copies the real `api.yaml` but carries only some of the services they name (tests,
/// benchmarks).
pub fn without_service_lists(api_yaml: &str) -> String {
    let mut kept = String::new();
    let mut skipping_below: Option<usize> = None;
    for line in api_yaml.lines() {
        let indent = line.len() - line.trim_start().len();
        if let Some(block) = skipping_below {
            if line.trim().is_empty() || indent > block {
                continue;
            }
            skipping_below = None;
        }
        let trimmed = line.trim_start();
        if trimmed.starts_with("default_features:") {
            continue;
        }
        if trimmed.starts_with("crates:") {
            skipping_below = Some(indent);
            continue;
        }
        kept.push_str(line);
        kept.push('\n');
    }
    kept
}

/// Reads `<root>/spec/api.yaml` and `<root>/spec/services/*.yaml`.
pub fn read_sources(root: &Path) -> Result<Sources, Diagnostics> {
    let api = read_file(root, "spec/api.yaml")?;
    let services_dir = root.join("spec/services");
    let entries = std::fs::read_dir(&services_dir).map_err(|error| {
        single(
            "spec/services",
            format!("cannot read the directory: {error}"),
        )
    })?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|error| {
            single(
                "spec/services",
                format!("cannot list the directory: {error}"),
            )
        })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".yaml") {
            names.push(name);
        }
    }
    names.sort();
    let services = names
        .iter()
        .map(|name| read_file(root, &format!("spec/services/{name}")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Sources { api, services })
}

fn read_file(root: &Path, relative: &str) -> Result<SourceFile, Diagnostics> {
    let text = std::fs::read_to_string(root.join(relative))
        .map_err(|error| single(relative, format!("cannot read the file: {error}")))?;
    Ok(SourceFile {
        path: relative.to_owned(),
        text,
    })
}

fn single(file: &str, message: String) -> Diagnostics {
    Diagnostics(vec![Diagnostic {
        file: file.to_owned(),
        path: String::new(),
        location: None,
        message,
    }])
}

/// Parses every file, collecting the errors of all of them before giving up.
pub fn parse(sources: &Sources) -> Result<Spec, Diagnostics> {
    let mut errors = Vec::new();
    let api = parse_file::<ApiDoc>(&sources.api, &mut errors);
    let mut services = Vec::new();
    for (parsed, mut chunk_errors) in parse_services(&sources.services) {
        services.extend(parsed);
        errors.append(&mut chunk_errors);
    }
    match api {
        Some(api) if errors.is_empty() => Ok(Spec { api, services }),
        _ => Err(Diagnostics(errors)),
    }
}

/// Service files are independent, so they are parsed on every core, in contiguous chunks whose
/// results are concatenated in file order: the outcome never depends on threads.
fn parse_services(sources: &[SourceFile]) -> Vec<(Vec<Parsed<ServiceDoc>>, Vec<Diagnostic>)> {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let chunk_size = sources.len().div_ceil(threads).max(1);
    let parse_chunk = |chunk: &[SourceFile]| {
        let mut errors = Vec::new();
        let parsed = chunk
            .iter()
            .filter_map(|source| parse_file::<ServiceDoc>(source, &mut errors))
            .collect();
        (parsed, errors)
    };
    if sources.len() <= 1 {
        return vec![parse_chunk(sources)];
    }
    std::thread::scope(|scope| {
        let workers: Vec<_> = sources
            .chunks(chunk_size)
            .map(|chunk| scope.spawn(move || parse_chunk(chunk)))
            .collect();
        workers
            .into_iter()
            .map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

fn parse_file<T: DeserializeOwned>(
    source: &SourceFile,
    errors: &mut Vec<Diagnostic>,
) -> Option<Parsed<T>> {
    let index = LocationIndex::build(&source.text);
    for (path, location) in &index.duplicate_keys {
        errors.push(Diagnostic {
            file: source.path.clone(),
            path: path.clone(),
            location: Some(*location),
            message: "duplicate key; each name may appear once".to_owned(),
        });
    }
    match serde_yaml::from_str::<T>(&source.text) {
        Ok(doc) => Some(Parsed {
            file: source.path.clone(),
            doc,
            index,
        }),
        Err(error) => {
            errors.push(yaml_error(&source.path, &error));
            None
        }
    }
}

/// serde_yaml's message reads "path: problem at line L column C"; it is split into our fields.
fn yaml_error(file: &str, error: &serde_yaml::Error) -> Diagnostic {
    let text = error.to_string();
    let text = match text.find(" at line ") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    };
    let (path, message) = match text.split_once(": ") {
        Some((path, message)) if !path.contains(' ') => (path.to_owned(), message.to_owned()),
        _ => (String::new(), text),
    };
    Diagnostic {
        file: file.to_owned(),
        path,
        location: error.location().map(|location| Location {
            line: location.line(),
            column: location.column(),
        }),
        message,
    }
}
