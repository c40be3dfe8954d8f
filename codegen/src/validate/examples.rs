//! Every documented JSON example parses and fits its schema: examples are copied from the docs and
//! become doc tests and fixtures, so a mismatch means either the example or the schema is wrong.

use serde_json::Value;

use super::conform::Conform;
use super::schema::{self, Kind};
use crate::diagnostic::Diagnostic;
use crate::spec::{ExampleDef, ExampleKind, FieldDef, OperationDef, Parsed, ServiceDoc};

pub(super) fn check(service: &Parsed<ServiceDoc>, out: &mut Vec<Diagnostic>) {
    for (id, op) in service.doc.operations.iter() {
        for (i, example) in op.examples.iter().enumerate() {
            let path = format!("operations.{id}.examples[{i}]");
            check_example(service, &path, id, op, example, out);
        }
    }
}

fn check_example(
    service: &Parsed<ServiceDoc>,
    path: &str,
    id: &str,
    op: &OperationDef,
    example: &ExampleDef,
    out: &mut Vec<Diagnostic>,
) {
    if example.kind == ExampleKind::Response && op.response.body.is_none() {
        out.push(service.error(
            format!("{path}.kind"),
            "a response example needs a response body, but this operation has none",
        ));
    }
    let json_path = format!("{path}.json");
    let value = match serde_json::from_str::<Value>(&example.json) {
        Ok(value) => value,
        Err(error) => return out.push(service.error(json_path, invalid_json(&error))),
    };
    let Some(fields) = fields_of(&service.doc, id, op, example.kind) else {
        return;
    };
    // A mode's fields are required only within that mode: checked below, not field by field.
    let relaxed: Vec<(&str, FieldDef)> = fields
        .iter()
        .map(|(name, field)| {
            let mut field = (*field).clone();
            if example.kind == ExampleKind::Request
                && op
                    .modes
                    .iter()
                    .any(|(_, mode)| mode.fields.iter().any(|f| f == name))
            {
                field.required = false;
            }
            (*name, field)
        })
        .collect();
    let relaxed: Vec<(&str, &FieldDef)> =
        relaxed.iter().map(|(name, field)| (*name, field)).collect();
    if example.kind == ExampleKind::Request
        && let Some(problem) = mode_problem(op, &value)
    {
        out.push(service.error(json_path.as_str(), problem));
    }
    let mut conform = Conform::new(&service.doc);
    conform.object("$", &value, &relaxed);
    for problem in conform.problems {
        out.push(service.error(json_path.as_str(), problem));
    }
}

/// A request example must use exactly one mode, with that mode's required fields.
fn mode_problem(op: &OperationDef, value: &Value) -> Option<String> {
    if op.modes.is_empty() {
        return None;
    }
    let object = value.as_object()?;
    let used: Vec<&str> = op
        .modes
        .iter()
        .filter(|(_, mode)| mode.fields.iter().any(|field| object.contains_key(field)))
        .map(|(key, _)| key)
        .collect();
    let [key] = used.as_slice() else {
        return Some(if used.is_empty() {
            "the example uses no merchant mode's fields".to_owned()
        } else {
            format!(
                "the example mixes the fields of modes {}",
                used.join(" and ")
            )
        });
    };
    let mode = op.modes.get(key)?;
    let missing: Vec<&str> = mode
        .fields
        .iter()
        .filter(|name| {
            let required = op
                .query
                .get(name)
                .or_else(|| op.body.as_ref().and_then(|body| body.get(name)))
                .is_some_and(|field| field.required);
            required && !object.contains_key(name.as_str())
        })
        .map(String::as_str)
        .collect();
    if missing.is_empty() {
        None
    } else {
        Some(format!(
            "mode {key} is missing its required {}",
            missing.join(", ")
        ))
    }
}

/// The fields an example is checked against: a request's path, query and body fields together,
/// or the fields of the response body's type. `None` when there is no such type, which is
/// reported above (no body) or by `references` (a body that is not a type).
fn fields_of<'a>(
    doc: &'a ServiceDoc,
    id: &str,
    op: &'a OperationDef,
    kind: ExampleKind,
) -> Option<Vec<(&'a str, &'a FieldDef)>> {
    match kind {
        ExampleKind::Request => {
            let groups = schema::request_groups(id, op);
            Some(
                groups
                    .into_iter()
                    .flat_map(|group| group.fields.iter())
                    .collect(),
            )
        }
        ExampleKind::Response => match schema::resolve(doc, op.response.body.as_deref()?) {
            Kind::Struct(def) => Some(def.fields.iter().collect()),
            _ => None,
        },
    }
}

/// serde_json ends its message with the position; it is moved to the front, where it reads as the
/// position inside the example rather than inside the YAML file.
fn invalid_json(error: &serde_json::Error) -> String {
    let (line, column) = (error.line(), error.column());
    let text = error.to_string();
    let reason = text
        .strip_suffix(&format!(" at line {line} column {column}"))
        .unwrap_or(&text);
    format!("invalid JSON at line {line} column {column} of the example: {reason}")
}
