//! What `cargo xtask import` adds to the mechanical conversion: the names a person chose
//! (`spec/import/names.yaml`) and the facts read in better sources than the community
//! description (`spec/import/facts/*.yaml`: lengths, required flags, enum meanings, error rows).
//!
//! Both are data in the repository, so the next import of a newer description keeps the same
//! names and facts. Every key is checked: a misspelt attribute is an error naming the file.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Deserialize;

use super::community::Operation;

/// The names and facts an import applies.
#[derive(Debug, Default)]
pub struct Plan {
    pub names: Names,
    /// In precedence order: the first file that states a fact wins.
    pub facts: Vec<FactsFile>,
    /// Rust type names already used by the transcribed part of a service, by service.
    pub taken: BTreeMap<String, BTreeSet<String>>,
    /// The first lines of every written file (without `# `): what it is, its sources.
    pub header: Vec<String>,
    /// What the community description has no place for, by service (`spec/import/notifications.yaml`).
    pub overlays: Overlays,
}

/// `spec/import/notifications.yaml`: notifications (and the types their resources decode into)
/// of imported services, written as the spec writes them, since the community description has
/// none to convert.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overlays {
    /// The file's path, for headers (set when read).
    #[serde(skip)]
    pub path: String,
    /// Where the facts come from, with versions.
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub services: BTreeMap<String, ServiceOverlay>,
}

/// What one service gets beside its converted operations.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceOverlay {
    /// Types added to the service's `types:`, by name; their names are kept free of converted ones.
    #[serde(default)]
    pub types: serde_yaml::Mapping,
    /// The service's `notifications:` section.
    #[serde(default)]
    pub notifications: serde_yaml::Mapping,
    /// The service's `lifecycles:` section (what the sandbox keeps of an order, a refund, …).
    #[serde(default)]
    pub lifecycles: serde_yaml::Mapping,
}

impl Overlays {
    pub fn parse(path: &str, text: &str) -> Result<Overlays, PlanError> {
        let mut overlays: Overlays =
            serde_yaml::from_str(text).map_err(|error| PlanError(format!("{path}: {error}")))?;
        overlays.path = path.to_owned();
        Ok(overlays)
    }

    /// The names of the types `service` gets from the overlay.
    pub fn type_names(&self, service: &str) -> impl Iterator<Item = &str> {
        self.services
            .get(service)
            .into_iter()
            .flat_map(|overlay| overlay.types.keys())
            .filter_map(serde_yaml::Value::as_str)
    }
}

/// `spec/import/names.yaml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Names {
    /// Where the names come from (SDKs with versions), for the header of every written file.
    #[serde(default)]
    pub source: Option<String>,
    pub services: BTreeMap<String, ServiceNames>,
    /// By `"METHOD PATH"`, as in the community description.
    pub operations: BTreeMap<String, OperationNames>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceNames {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// The community tags whose operations belong here: documentation for the reader, since
    /// each operation names its service.
    #[serde(default, rename = "tags")]
    _tags: serde::de::IgnoredAny,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationNames {
    pub service: String,
    pub id: String,
    /// The official SDK's request model name, for the reader: the generator names request
    /// types after the operation id.
    #[serde(default, rename = "request")]
    _request: serde::de::IgnoredAny,
    /// The response type's name.
    #[serde(default)]
    pub response: Option<String>,
    /// Where the id comes from.
    #[serde(default)]
    pub from: Option<String>,
}

/// One `spec/import/facts/*.yaml` file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactsFile {
    /// The file's path, for messages and headers (set when read).
    #[serde(skip)]
    pub path: String,
    /// The source and its version, for the header of every written file.
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub operations: BTreeMap<String, OperationFacts>,
    /// Notification facts, by event type: read by whoever transcribes notifications (the
    /// community description has none to merge them into).
    #[serde(default, rename = "notifications")]
    _notifications: serde::de::IgnoredAny,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationFacts {
    #[serde(default)]
    pub from: Option<String>,
    /// By place: `path.x`, `query.x`, `body.a.b`, `response.a.b` (arrays transparent).
    #[serde(default)]
    pub fields: BTreeMap<String, FieldFacts>,
    /// 业务错误码, in documented order.
    #[serde(default)]
    pub errors: Vec<ErrorRowFacts>,
    /// Where the error rows come from, when not from the page `from` names.
    #[serde(default)]
    pub errors_from: Option<String>,
    /// An upload's documented file limits.
    #[serde(default)]
    pub upload: Option<UploadFacts>,
    /// The answer is a file, checked as this says (the spec's `response.download`).
    #[serde(default)]
    pub download: Option<codegen::spec::DownloadDef>,
}

/// What the documentation says an upload's file may be.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadFacts {
    /// The page's sentence on the file (formats, size), replacing the description's.
    #[serde(default)]
    pub description: Option<String>,
    /// The digest the meta carries, where the description does not say.
    #[serde(default)]
    pub digest_algorithm: Option<codegen::spec::DigestAlgorithm>,
    /// The size limit, in bytes.
    #[serde(default)]
    pub max_bytes: Option<u64>,
    /// Extension (lower case, no dot) to the file part's `Content-Type`.
    #[serde(default)]
    pub types: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldFacts {
    #[serde(default)]
    pub max_length: Option<u32>,
    #[serde(default)]
    pub required: Option<bool>,
    /// Every documented value with its meaning (null where none is given), in documented order.
    #[serde(default, rename = "enum")]
    pub values: Option<Values>,
    #[serde(default)]
    pub sensitive: Option<bool>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorRowFacts {
    pub status: u16,
    pub code: String,
    pub description: String,
    pub solution: String,
}

/// Enum values with their meanings, in the order written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Values(pub Vec<(String, Option<String>)>);

impl Values {
    pub fn contains(&self, value: &str) -> bool {
        self.0.iter().any(|(known, _)| known == value)
    }
}

impl<'de> Deserialize<'de> for Values {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mapping = serde_yaml::Mapping::deserialize(deserializer)?;
        let text = |value: &serde_yaml::Value| match value {
            serde_yaml::Value::String(text) => Some(text.clone()),
            serde_yaml::Value::Number(number) => Some(number.to_string()),
            serde_yaml::Value::Bool(flag) => Some(flag.to_string()),
            _ => None,
        };
        mapping
            .iter()
            .map(|(value, meaning)| {
                let value = text(value)
                    .ok_or_else(|| serde::de::Error::custom("an enum value must be a scalar"))?;
                let meaning = match meaning {
                    serde_yaml::Value::Null => None,
                    other => Some(text(other).ok_or_else(|| {
                        serde::de::Error::custom(format!("the meaning of {value:?} must be text"))
                    })?),
                };
                Ok((value, meaning))
            })
            .collect::<Result<_, _>>()
            .map(Values)
    }
}

/// A names or facts file that does not read, or names that break a rule.
#[derive(Debug)]
pub struct PlanError(pub String);

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PlanError {}

/// The key of an operation in names and facts files.
pub fn key(op: &Operation) -> String {
    format!("{} {}", op.method, op.path)
}

impl Names {
    pub fn parse(path: &str, text: &str) -> Result<Names, PlanError> {
        let names: Names =
            serde_yaml::from_str(text).map_err(|error| PlanError(format!("{path}: {error}")))?;
        names.check(path)?;
        Ok(names)
    }

    /// Services declared, ids well formed and unique within their service: the rules of the
    /// issue, checked before anything is written.
    fn check(&self, path: &str) -> Result<(), PlanError> {
        let mut problems = Vec::new();
        for name in self.services.keys() {
            if !is_snake(name) {
                problems.push(format!("service `{name}`: not snake_case"));
            }
        }
        let mut ids: BTreeSet<(&str, &str)> = BTreeSet::new();
        for (key, names) in &self.operations {
            if !self.services.contains_key(&names.service) {
                problems.push(format!("{key}: undeclared service `{}`", names.service));
            }
            if let Some(reason) = codegen::ir::naming::operation_id_problem(&names.id) {
                problems.push(format!("{key}: id `{}` {reason}", names.id));
            }
            if !ids.insert((&names.service, &names.id)) {
                problems.push(format!(
                    "{key}: id `{}` is taken in service `{}`",
                    names.id, names.service
                ));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(PlanError(format!("{path}:\n  {}", problems.join("\n  "))))
        }
    }

    pub fn operation(&self, op: &Operation) -> Option<&OperationNames> {
        self.operations.get(&key(op))
    }
}

impl FactsFile {
    pub fn parse(path: &str, text: &str) -> Result<FactsFile, PlanError> {
        let mut file: FactsFile =
            serde_yaml::from_str(text).map_err(|error| PlanError(format!("{path}: {error}")))?;
        file.path = path.to_owned();
        Ok(file)
    }
}

impl Plan {
    /// The names the transcribed part of `service` uses.
    pub fn taken(&self, service: &str) -> impl Iterator<Item = &String> {
        self.taken.get(service).into_iter().flatten()
    }

    /// The facts about the field at `place` of the operation `key`, merged: each attribute from
    /// the first file that states it.
    pub fn field(&self, key: &str, place: &str) -> Option<FieldFacts> {
        let mut merged: Option<FieldFacts> = None;
        for file in &self.facts {
            let Some(facts) = file.operations.get(key).and_then(|op| op.fields.get(place)) else {
                continue;
            };
            let into = merged.get_or_insert_with(FieldFacts::default);
            into.max_length = into.max_length.or(facts.max_length);
            into.required = into.required.or(facts.required);
            into.sensitive = into.sensitive.or(facts.sensitive);
            if into.values.is_none() {
                into.values.clone_from(&facts.values);
            }
            if into.description.is_none() {
                into.description.clone_from(&facts.description);
            }
        }
        merged
    }

    /// The error rows of the first file that lists any, and where they come from.
    pub fn errors(&self, key: &str) -> Option<(&[ErrorRowFacts], String)> {
        self.facts.iter().find_map(|file| {
            let op = file.operations.get(key)?;
            (!op.errors.is_empty()).then(|| {
                let from = op
                    .errors_from
                    .clone()
                    .or_else(|| op.from.clone())
                    .unwrap_or_else(|| file.path.clone());
                (op.errors.as_slice(), from)
            })
        })
    }

    /// The upload facts of the first file that has any.
    pub fn upload(&self, key: &str) -> Option<&UploadFacts> {
        self.facts
            .iter()
            .find_map(|file| file.operations.get(key)?.upload.as_ref())
    }

    /// The download facts of the first file that has any.
    pub fn download(&self, key: &str) -> Option<&codegen::spec::DownloadDef> {
        self.facts
            .iter()
            .find_map(|file| file.operations.get(key)?.download.as_ref())
    }

    /// Where this operation's name and facts come from, one line each.
    pub fn provenance(&self, key: &str) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(from) = self.names.operations.get(key).and_then(|n| n.from.as_ref()) {
            lines.push(format!("name: {from}"));
        }
        for file in &self.facts {
            if let Some(op) = file.operations.get(key) {
                let from = op.from.as_deref().unwrap_or(&file.path);
                lines.push(format!("facts: {from}"));
                if let Some(errors_from) = &op.errors_from {
                    lines.push(format!("错误码: {errors_from}"));
                }
            }
        }
        lines
    }

    /// Every facts key that names no operation of the description: a typo or a removed
    /// operation, reported rather than silently ignored.
    pub fn unused_keys(&self, operations: &[Operation]) -> Vec<String> {
        let known: BTreeSet<String> = operations.iter().map(key).collect();
        let mut unused = Vec::new();
        for key in self.names.operations.keys() {
            if !known.contains(key) {
                unused.push(format!("spec/import/names.yaml: {key}: no such operation"));
            }
        }
        for file in &self.facts {
            for key in file.operations.keys() {
                if !known.contains(key) {
                    unused.push(format!("{}: {key}: no such operation", file.path));
                }
            }
        }
        unused
    }
}

fn is_snake(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.contains("__")
        && !name.ends_with('_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_that_break_the_rules_are_refused_with_the_operation() {
        let text = "services:\n  pay: {title: 支付}\noperations:\n  \
            \"POST /v3/pay/transactions/jsapi\": {service: pay, id: post_transactions_jsapi}\n  \
            \"GET /v3/pay/x/{id}\": {service: pay, id: query_x_2}\n  \
            \"GET /v3/pay/y\": {service: refunds, id: query_y}\n  \
            \"GET /v3/pay/z\": {service: pay, id: close_order}\n  \
            \"POST /v3/pay/z\": {service: pay, id: close_order}\n";
        let error = Names::parse("names.yaml", text).unwrap_err().to_string();
        for expected in [
            "POST /v3/pay/transactions/jsapi: id `post_transactions_jsapi` starts with the HTTP verb `post_`",
            "GET /v3/pay/x/{id}: id `query_x_2` ends with a number",
            "GET /v3/pay/y: undeclared service `refunds`",
            "POST /v3/pay/z: id `close_order` is taken in service `pay`",
        ] {
            assert!(error.contains(expected), "{expected}\n{error}");
        }
    }

    #[test]
    fn a_misspelt_attribute_is_an_error_naming_the_file() {
        let error = FactsFile::parse(
            "facts/docs.yaml",
            "operations:\n  \"GET /v3/x\":\n    fields:\n      query.a: {max_lenght: 3}\n",
        )
        .unwrap_err()
        .to_string();
        assert!(error.starts_with("facts/docs.yaml:"), "{error}");
        assert!(error.contains("max_lenght"), "{error}");
    }

    #[test]
    fn each_fact_comes_from_the_first_file_that_states_it() {
        let docs = FactsFile::parse(
            "docs.yaml",
            "operations:\n  \"GET /v3/x\":\n    fields:\n      query.a: {max_length: 32}\n",
        )
        .expect("reads");
        let sdk = FactsFile::parse(
            "go.yaml",
            "operations:\n  \"GET /v3/x\":\n    fields:\n      query.a: {max_length: 64, required: true}\n",
        )
        .expect("reads");
        let plan = Plan {
            facts: vec![docs, sdk],
            ..Plan::default()
        };
        let merged = plan.field("GET /v3/x", "query.a").expect("facts");
        assert_eq!(merged.max_length, Some(32));
        assert_eq!(merged.required, Some(true));
        assert!(plan.field("GET /v3/x", "query.b").is_none());
    }
}
