//! Request JSON checked against the spec before anything is sent: required fields, types,
//! documented enum values (the library keeps unknown values; the tool refuses them, since a
//! typo would otherwise reach WeChat Pay), length limits and unknown fields.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{CliField, Shape};
use crate::Error;
use crate::runtime::ValidationError;

/// Checks `value` against `fields`; the first problem names the field and the rule. Fields of
/// merchant modes must all come from one mode, whose required fields are then required.
pub fn check(fields: &[CliField], value: &Value) -> Result<(), ValidationError> {
    let Some(map) = value.as_object() else {
        return object(fields, value, "");
    };
    let mut modes: Vec<&str> = fields.iter().filter_map(|field| field.mode).collect();
    modes.dedup();
    if modes.is_empty() {
        return object(fields, value, "");
    }
    let used: Vec<&str> = modes
        .iter()
        .copied()
        .filter(|mode| {
            fields
                .iter()
                .any(|field| field.mode == Some(mode) && map.contains_key(field.name))
        })
        .collect();
    let chosen = match used.as_slice() {
        [mode] => *mode,
        [] => {
            return Err(refuse(
                "",
                format!(
                    "choose one merchant mode ({}) and give its fields",
                    modes.join(", ")
                ),
            ));
        }
        _ => {
            return Err(refuse(
                "",
                format!(
                    "the fields of modes {} are mixed; send one mode only",
                    used.join(" and ")
                ),
            ));
        }
    };
    let in_mode: Vec<CliField> = fields
        .iter()
        .filter(|field| field.mode.is_none() || field.mode == Some(chosen))
        .copied()
        .collect();
    object(&in_mode, value, "")
}

fn object(fields: &[CliField], value: &Value, at: &str) -> Result<(), ValidationError> {
    let Some(map) = value.as_object() else {
        return Err(refuse(
            at.trim_end_matches('.'),
            format!("expected an object, found {}", kind(value)),
        ));
    };
    for key in map.keys() {
        if !fields.iter().any(|field| field.name == key) {
            let known: Vec<&str> = fields.iter().map(|field| field.name).collect();
            return Err(refuse(
                &format!("{at}{key}"),
                format!("unknown field (known: {})", known.join(", ")),
            ));
        }
    }
    for field in fields {
        let path = format!("{at}{}", field.name);
        match map.get(field.name) {
            None | Some(Value::Null) if field.required => {
                return Err(refuse(&path, "required".to_owned()));
            }
            None | Some(Value::Null) => {}
            Some(value) => shape(&field.shape, field.max_length, value, &path)?,
        }
    }
    Ok(())
}

fn shape(
    shape_: &Shape,
    max_length: Option<usize>,
    value: &Value,
    path: &str,
) -> Result<(), ValidationError> {
    match (shape_, value) {
        (Shape::String | Shape::DateTime, Value::String(text)) => {
            let length = text.chars().count();
            match max_length {
                Some(max) if length > max => Err(refuse(
                    path,
                    format!("at most {max} characters, got {length}"),
                )),
                _ => Ok(()),
            }
        }
        (Shape::Integer, Value::Number(number)) if number.is_i64() => Ok(()),
        (Shape::Boolean, Value::Bool(_)) => Ok(()),
        (Shape::Enum(values), Value::String(text)) => {
            if values.contains(&text.as_str()) {
                Ok(())
            } else {
                Err(refuse(
                    path,
                    format!("{text:?} is not a documented value ({})", values.join(", ")),
                ))
            }
        }
        (Shape::Object(fields), value) => object(fields, value, &format!("{path}.")),
        (Shape::Array(items), Value::Array(elements)) => {
            elements
                .iter()
                .enumerate()
                .try_for_each(|(index, element)| {
                    shape(items, None, element, &format!("{path}[{index}]"))
                })
        }
        (expected, found) => Err(refuse(
            path,
            format!("expected {expected}, found {}", kind(found)),
        )),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn refuse(field: &str, rule: String) -> ValidationError {
    ValidationError {
        field: field.to_owned(),
        rule,
    }
}

/// Decodes checked JSON into a typed request.
pub fn decode<T: DeserializeOwned>(value: Value) -> Result<T, Error> {
    serde_json::from_value(value).map_err(|error| {
        Error::Validation(ValidationError {
            field: String::new(),
            rule: format!("the request does not decode: {error}"),
        })
    })
}

/// A typed response as JSON with wire names.
pub fn encode<T: Serialize>(response: &T) -> Result<Value, Error> {
    serde_json::to_value(response).map_err(|error| Error::Config {
        reason: format!("the response cannot be shown as JSON: {error}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::FieldLocation;

    const INNER: &[CliField] = &[CliField {
        name: "currency",
        shape: Shape::String,
        required: false,
        max_length: Some(3),
        location: FieldLocation::Body,
        mode: None,
        description: "",
    }];
    const FIELDS: &[CliField] = &[
        CliField {
            name: "id",
            shape: Shape::String,
            required: true,
            max_length: None,
            location: FieldLocation::Path,
            mode: None,
            description: "",
        },
        CliField {
            name: "scene",
            shape: Shape::Enum(&["A", "B"]),
            required: false,
            max_length: None,
            location: FieldLocation::Body,
            mode: None,
            description: "",
        },
        CliField {
            name: "amount",
            shape: Shape::Object(INNER),
            required: false,
            max_length: None,
            location: FieldLocation::Body,
            mode: None,
            description: "",
        },
    ];

    fn problem(json: &str) -> String {
        let value: Value = serde_json::from_str(json).expect("JSON");
        let error = check(FIELDS, &value).expect_err("refused");
        format!("{}: {}", error.field, error.rule)
    }

    #[test]
    fn refuses_each_kind_of_mistake_naming_the_field() {
        assert!(check(FIELDS, &serde_json::json!({"id": "x", "scene": "A"})).is_ok());
        assert_eq!(problem(r#"{}"#), "id: required");
        assert_eq!(
            problem(r#"{"id": 1}"#),
            "id: expected string, found a number"
        );
        assert_eq!(
            problem(r#"{"id": "x", "scene": "C"}"#),
            r#"scene: "C" is not a documented value (A, B)"#
        );
        assert_eq!(
            problem(r#"{"id": "x", "amount": {"currency": "CNYX"}}"#),
            "amount.currency: at most 3 characters, got 4"
        );
        assert_eq!(
            problem(r#"{"id": "x", "sene": "A"}"#),
            "sene: unknown field (known: id, scene, amount)"
        );
        assert_eq!(problem(r#"[]"#), ": expected an object, found an array");
    }
}
