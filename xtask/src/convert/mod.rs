//! `cargo xtask convert`: the community description of the whole APIv3 (`community-api.json`)
//! turned into a spec in our format, as a benchmark input for the pipeline.
//!
//! Not a pipeline stage: it writes YAML that the normal pipeline then reads. One service per
//! top-level group of paths; nested objects get deterministic names; what the format cannot
//! express yet (multipart uploads, arrays without items, path parameters declared elsewhere, …)
//! is skipped with one warning each. Decisions:
//! - `number` becomes `number` (a decimal, `runtime::Decimal`) unless its format says it is whole,
//!   then `integer`: amounts are cents, rates and coordinates have fractions.
//! - `string` with format `rfc3339` or `date-time` becomes `datetime`; other formats are strings.
//! - enums on integers or numbers are dropped (our enums are strings on the wire), with a warning.
//! - `merchants` are the description's roles (placeholder `(converted)` where none); `retry_safe`
//!   is true for GET only; no error rows and no examples.

pub mod community;
mod naming;
mod operation;
pub mod plan;
mod schema;
#[cfg(test)]
mod tests;
mod yaml;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io;
use std::path::Path;

use codegen::spec::Sources;
use community::{Description, Operation};
use operation::Operations;
use plan::Plan;

/// A converted spec, in memory.
#[derive(Debug, Clone)]
pub struct Conversion {
    pub sources: Sources,
    /// One line each: what was skipped or carried over lossily, and where.
    pub warnings: Vec<String>,
    pub summary: Summary,
}

/// What was carried over and what was skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub operations: usize,
    pub operations_carried: usize,
    /// Parameters and properties at every depth (headers not counted).
    pub fields: usize,
    pub fields_carried: usize,
    pub decimals: usize,
    pub free_form: usize,
    pub services: usize,
    pub types: usize,
    pub enums: usize,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "operations: {} of {} carried over ({} skipped); fields: {} of {} carried over ({} \
             skipped; carried: {} decimals, {} free-form JSON); {} services, {} types, {} enums",
            self.operations_carried,
            self.operations,
            self.operations - self.operations_carried,
            self.fields_carried,
            self.fields,
            self.fields - self.fields_carried,
            self.decimals,
            self.free_form,
            self.services,
            self.types,
            self.enums,
        )
    }
}

/// Why nothing was converted.
#[derive(Debug)]
pub enum ConvertError {
    /// The input is not the community description's JSON.
    Json(serde_json::Error),
    /// Rendering YAML failed (a bug).
    Yaml(serde_yaml::Error),
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConvertError::Json(error) => write!(f, "not a community API description: {error}"),
            ConvertError::Yaml(error) => write!(f, "cannot render the converted spec: {error}"),
        }
    }
}

impl std::error::Error for ConvertError {}

/// Converts the text of `community-api.json`.
pub fn convert_json(json: &str) -> Result<Conversion, ConvertError> {
    let description: Description = serde_json::from_str(json).map_err(ConvertError::Json)?;
    convert(&description.operations)
}

/// Converts operations in the community description's shape (also what `synth` makes).
pub fn convert(operations: &[Operation]) -> Result<Conversion, ConvertError> {
    convert_with(operations, None)
}

/// Converts operations under the names and with the facts of `plan`: what `cargo xtask
/// import` writes. An operation the plan does not name is left out with a warning.
pub fn import(operations: &[Operation], plan: &Plan) -> Result<Conversion, ConvertError> {
    convert_with(operations, Some(plan))
}

fn convert_with(operations: &[Operation], plan: Option<&Plan>) -> Result<Conversion, ConvertError> {
    let mut warnings = Vec::new();
    let operations: Vec<Operation> = operations
        .iter()
        .map(|op| {
            let mut op = op.clone();
            for note in op.reconcile_path_params() {
                warnings.push(format!("{} {}: {note}", op.method, op.path));
            }
            op
        })
        .collect();
    let operations = operations.as_slice();
    let mut summary = Summary {
        operations: operations.len(),
        ..Summary::default()
    };
    let mut by_service: BTreeMap<String, Vec<&Operation>> = BTreeMap::new();
    for op in operations {
        summary.fields += op.count_fields();
        let service = match plan {
            None => Ok(naming::service_name(&op.path)),
            Some(plan) => plan.names.operation(op).map_or_else(
                || Err("no name in spec/import/names.yaml".to_owned()),
                |names| Ok(names.service.clone()),
            ),
        };
        let reason = operation::unsupported(op);
        match (service, reason) {
            (Ok(service), None) => by_service.entry(service).or_default().push(op),
            (Err(reason), _) | (_, Some(reason)) => warnings.push(format!(
                "{} {}: skipped operation: {reason}",
                op.method, op.path
            )),
        }
    }
    let mut ids = BTreeSet::new();
    let mut services = Vec::new();
    for (name, ops) in &by_service {
        let mut converted = Operations::new(name, ops, &mut ids, plan);
        let service = converted.service(&mut warnings);
        summary.operations_carried += service.operations.len();
        summary.fields_carried += converted.log.carried;
        summary.decimals += converted.log.decimals;
        summary.free_form += converted.log.free_form;
        summary.types += service.types.len();
        summary.enums += service.enums.len();
        services.push(service);
    }
    summary.services = services.len();
    let title = match plan {
        None => "微信支付 APIv3 (converted)",
        Some(_) => "微信支付 APIv3",
    };
    let sources = yaml::sources(title, &services).map_err(ConvertError::Yaml)?;
    Ok(Conversion {
        sources,
        warnings,
        summary,
    })
}

/// Writes the converted spec under `root` (`root/spec/api.yaml`, `root/spec/services/*.yaml`),
/// replacing any service files already there.
pub fn write(sources: &Sources, root: &Path) -> io::Result<()> {
    let services = root.join("spec/services");
    if services.exists() {
        std::fs::remove_dir_all(&services)?;
    }
    std::fs::create_dir_all(&services)?;
    for file in std::iter::once(&sources.api).chain(&sources.services) {
        std::fs::write(root.join(&file.path), &file.text)?;
    }
    Ok(())
}
