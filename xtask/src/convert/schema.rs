//! Schemas to named types: one service's types and enums, with deterministic names and
//! identical shapes shared.
//!
//! Our format has only named object types, so every nested object gets the name of its parent
//! type followed by its field name in UpperCamelCase (`PayRequest` + `payer` → `PayRequestPayer`).
//! Two objects with the same fields (names, types, required flags) become one type, named after
//! the first; two enums with the same values become one enum.

use std::collections::{BTreeSet, HashMap};

use super::community::Schema;
use super::naming::pascal;
use super::yaml::{EnumOut, FieldOut, TypeOut};
use codegen::ir::naming;

/// What the conversion of one service collects besides its types.
#[derive(Debug, Default)]
pub struct Log {
    pub warnings: Vec<String>,
    /// Properties and parameters carried over.
    pub carried: usize,
    /// Numbers carried as integers, which cannot hold a fraction.
    pub numbers_as_integers: usize,
}

/// Where a field is, for warnings: `POST /v3/pay/x: request.body.payer.openid`.
#[derive(Debug, Clone)]
pub struct At<'a> {
    pub operation: &'a str,
    pub path: String,
}

impl At<'_> {
    pub fn child(&self, name: &str) -> Self {
        At {
            operation: self.operation,
            path: format!("{}.{name}", self.path),
        }
    }

    pub fn warn(&self, log: &mut Log, message: impl std::fmt::Display) {
        log.warnings
            .push(format!("{}: {}: {message}", self.operation, self.path));
    }
}

/// Whether a field travels in the URL (scalars only) or in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Url,
    Json,
}

/// The types and enums of one service.
#[derive(Debug, Default)]
pub struct Types {
    pub types: Vec<TypeOut>,
    pub enums: Vec<EnumOut>,
    /// Rust names in use in the service's one namespace (types, enums, requests, the client).
    taken: BTreeSet<String>,
    type_by_shape: HashMap<String, String>,
    enum_by_values: HashMap<Vec<String>, String>,
}

impl Types {
    /// Keeps `name` (a request type or the client) out of the names given to types.
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(naming::type_name(name));
    }

    /// `candidate`, or `candidate2`, `candidate3`… whichever is free once mapped to Rust.
    fn unique_name(&mut self, candidate: &str) -> String {
        let candidate = if candidate.is_empty() {
            "Object"
        } else {
            candidate
        };
        let mut name = candidate.to_owned();
        let mut counter = 1;
        while self.taken.contains(&naming::type_name(&name)) {
            counter += 1;
            name = format!("{candidate}{counter}");
        }
        self.taken.insert(naming::type_name(&name));
        name
    }

    /// The fields of an object: each property converted, repeats and Rust-name collisions
    /// dropped with a warning. `seen` holds the names already used by sibling groups (a
    /// request's path, query and body fields make one struct).
    pub fn fields(
        &mut self,
        properties: &[Schema],
        parent: &str,
        place: Place,
        at: &At<'_>,
        seen: &mut BTreeSet<String>,
        log: &mut Log,
    ) -> Vec<(String, FieldOut)> {
        let mut out = Vec::new();
        for property in properties {
            let Some(name) = property.name.as_deref().filter(|n| !n.trim().is_empty()) else {
                at.warn(log, "skipped a property without a name");
                continue;
            };
            let here = at.child(name);
            if !seen.insert(naming::field_name(name)) {
                here.warn(
                    log,
                    "skipped: another field of this object has the same (Rust) name",
                );
                continue;
            }
            if let Some(field) = self.field(property, name, parent, place, &here, log) {
                out.push((name.to_owned(), field));
            }
        }
        out
    }

    /// One property, or `None` (with a warning) when the format cannot express it.
    fn field(
        &mut self,
        schema: &Schema,
        name: &str,
        parent: &str,
        place: Place,
        at: &At<'_>,
        log: &mut Log,
    ) -> Option<FieldOut> {
        let description = schema.description.clone().unwrap_or_default();
        let candidate = format!("{parent}{}", pascal(name));
        let ty = schema.ty.as_deref().unwrap_or("");
        let (ty, items) = match (ty, place) {
            ("object" | "array", Place::Url) => {
                at.warn(log, format!("skipped: a URL parameter cannot be an {ty}"));
                return None;
            }
            ("object", Place::Json) => (
                self.object(schema, &candidate, &description, at, log)?,
                None,
            ),
            ("array", Place::Json) => {
                let Some(items) = schema.items.as_deref() else {
                    at.warn(log, "skipped: array without items");
                    return None;
                };
                let items = match items.ty.as_deref() {
                    Some("array") => {
                        at.warn(log, "skipped: nested arrays are not supported");
                        return None;
                    }
                    Some("object") => self.object(items, &candidate, &description, at, log)?,
                    _ => self.scalar(items, &candidate, at, log)?,
                };
                ("array".to_owned(), Some(items))
            }
            _ => (self.scalar(schema, &candidate, at, log)?, None),
        };
        log.carried += 1;
        Some(FieldOut {
            ty,
            items,
            required: schema.required,
            description,
        })
    }

    /// A named type for an object with properties; `None` (with a warning) for one without.
    fn object(
        &mut self,
        schema: &Schema,
        candidate: &str,
        description: &str,
        at: &At<'_>,
        log: &mut Log,
    ) -> Option<String> {
        let properties = schema.properties.as_deref().unwrap_or_default();
        if properties.is_empty() {
            at.warn(log, "skipped: object without described fields");
            return None;
        }
        Some(self.object_type(properties, candidate, description, at, log))
    }

    /// Registers the type of `properties` under `candidate` (or a free variant of it), or
    /// returns the type that already has exactly these fields.
    pub fn object_type(
        &mut self,
        properties: &[Schema],
        candidate: &str,
        description: &str,
        at: &At<'_>,
        log: &mut Log,
    ) -> String {
        let mut seen = BTreeSet::new();
        let fields = self.fields(properties, candidate, Place::Json, at, &mut seen, log);
        let shape = shape_key(&fields);
        if let Some(existing) = self.type_by_shape.get(&shape) {
            return existing.clone();
        }
        let name = self.unique_name(candidate);
        self.type_by_shape.insert(shape, name.clone());
        let description = if description.trim().is_empty() {
            format!("(converted) the object at {}", at.path)
        } else {
            description.to_owned()
        };
        self.types.push(TypeOut {
            name: name.clone(),
            description,
            fields,
        });
        name
    }

    /// A builtin scalar, or an enum for a string with listed values.
    fn scalar(
        &mut self,
        schema: &Schema,
        candidate: &str,
        at: &At<'_>,
        log: &mut Log,
    ) -> Option<String> {
        let values = schema.values.as_deref().unwrap_or_default();
        let format = schema.format.as_deref().unwrap_or("");
        match schema.ty.as_deref() {
            Some("string") if !values.is_empty() => {
                Some(self.enumeration(values, candidate, at, log))
            }
            Some("string") if matches!(format, "rfc3339" | "date-time") => {
                Some("datetime".to_owned())
            }
            Some("string") => Some("string".to_owned()),
            Some("boolean") => Some("boolean".to_owned()),
            Some(ty @ ("integer" | "number")) => {
                if !values.is_empty() {
                    at.warn(
                        log,
                        format!("lossy: enum on {ty} dropped (enums are strings)"),
                    );
                }
                let whole =
                    ty == "integer" || matches!(format, "integer" | "int32" | "int64" | "uint64");
                // Counted, not warned one by one: nearly all are amounts in cents, counts or ids.
                if !whole {
                    log.numbers_as_integers += 1;
                }
                Some("integer".to_owned())
            }
            other => {
                at.warn(log, format!("skipped: unsupported type {other:?}"));
                None
            }
        }
    }

    /// An enum of the distinct, non-blank values whose Rust variants do not collide; values
    /// dropped are warned about. An enum left with no value is a plain string.
    fn enumeration(
        &mut self,
        values: &[serde_json::Value],
        candidate: &str,
        at: &At<'_>,
        log: &mut Log,
    ) -> String {
        let mut kept: Vec<String> = Vec::new();
        let mut variants = BTreeSet::from([naming::UNKNOWN_VARIANT.to_owned()]);
        for value in values {
            let text = match value {
                serde_json::Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            if text.trim().is_empty() {
                at.warn(log, "enum: blank value dropped");
            } else if kept.contains(&text) {
                at.warn(log, format!("enum: duplicate value {text:?} dropped"));
            } else if !variants.insert(naming::variant_name(&text)) {
                at.warn(
                    log,
                    format!("enum: value {text:?} dropped, its Rust variant is taken"),
                );
            } else {
                kept.push(text);
            }
        }
        if kept.is_empty() {
            return "string".to_owned();
        }
        if let Some(existing) = self.enum_by_values.get(&kept) {
            return existing.clone();
        }
        let name = self.unique_name(candidate);
        self.enum_by_values.insert(kept.clone(), name.clone());
        self.enums.push(EnumOut {
            name: name.clone(),
            description: format!("(converted) the values at {}", at.path),
            values: kept,
        });
        name
    }
}

/// What makes two objects the same type: their fields' names, types and required flags.
fn shape_key(fields: &[(String, FieldOut)]) -> String {
    let mut key = String::new();
    for (name, field) in fields {
        key.push_str(name);
        key.push(':');
        key.push_str(&field.ty);
        if let Some(items) = &field.items {
            key.push('[');
            key.push_str(items);
            key.push(']');
        }
        key.push(if field.required { '!' } else { '?' });
        key.push(';');
    }
    key
}
