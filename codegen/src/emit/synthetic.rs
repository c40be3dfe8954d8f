//! Answers built from a response type, for the operations whose documentation gives no example:
//! the sandbox answers every operation, and a test decodes each answer into its typed response.
//!
//! Every field is present, required or not, so a decode exercises the whole type; values are
//! plain and valid: a string within its length limit, an enum's first documented value, one
//! item per array.

use serde_json::{Map, Value};

use crate::ir::{FieldType, Service, Struct};

/// How deep nested objects are filled; below it only required fields are kept, so a type that
/// contains itself still ends.
const MAX_DEPTH: usize = 4;

/// A schema-valid answer of type `model`.
pub fn answer(service: &Service, model: &Struct) -> Value {
    object(service, model, 0)
}

fn object(service: &Service, model: &Struct, depth: usize) -> Value {
    let mut members = Map::new();
    for field in &model.fields {
        if depth >= MAX_DEPTH && !field.required {
            continue;
        }
        let value = value(
            service,
            &field.ty,
            &field.wire_name,
            field.max_length,
            depth,
        );
        members.insert(field.wire_name.clone(), value);
    }
    Value::Object(members)
}

fn value(
    service: &Service,
    ty: &FieldType,
    name: &str,
    max_length: Option<u32>,
    depth: usize,
) -> Value {
    match ty {
        FieldType::String => {
            let limit = max_length.map_or(usize::MAX, |max| max as usize);
            Value::String(name.chars().take(limit.max(1)).collect())
        }
        FieldType::Integer => Value::from(1),
        FieldType::Decimal => Value::from(1),
        FieldType::Json => Value::Object(Map::new()),
        FieldType::Boolean => Value::Bool(true),
        FieldType::DateTime => Value::String("2026-01-01T00:00:00+08:00".to_owned()),
        FieldType::Enum(item) => {
            let item = service.enumeration(item);
            let wire = item
                .variants
                .first()
                .map_or("UNKNOWN", |variant| variant.wire.as_str());
            if item.integer {
                Value::from(wire.parse::<i64>().unwrap_or(0))
            } else {
                Value::String(wire.to_owned())
            }
        }
        FieldType::Struct(model) => object(service, service.model(model), depth + 1),
        FieldType::Array(items) => {
            Value::Array(vec![value(service, items, name, max_length, depth + 1)])
        }
    }
}
