//! A request's JSON checked against the spec: required fields, types, documented enum values (the
//! library keeps unknown values in answers; a request with one is refused, since a typo would
//! otherwise reach WeChat Pay), length limits, unknown fields, and one merchant mode at a time.

use std::fmt;

use serde_json::Value;

use super::{Field, FieldLocation, Shape};
use crate::runtime::rules;

/// The first rule a request broke: which field, the value it had, and where it travelled.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// The field's path, e.g. `recharge_amount.currency` or `goods[0].price`; empty for the
    /// request as a whole.
    pub field: String,
    /// The value the field had, when it had one.
    pub value: Option<Value>,
    /// The rule, e.g. `at most 3 characters, got 4`.
    pub issue: String,
    /// Path, query or body.
    pub location: FieldLocation,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            f.write_str(&self.issue)
        } else {
            write!(f, "{}: {}", self.field, self.issue)
        }
    }
}

/// Checks `value` (path, query and body fields together) against `fields`. Fields of merchant
/// modes must all come from one mode, whose required fields are then required.
pub fn check(fields: &[Field], value: &Value) -> Result<(), Violation> {
    let Some(map) = value.as_object() else {
        return check_fields(fields, value);
    };
    let mut modes: Vec<&str> = fields
        .iter()
        .filter_map(|field| field.mode.as_deref())
        .collect();
    modes.dedup();
    if modes.is_empty() {
        return check_fields(fields, value);
    }
    let used: Vec<&str> = modes
        .iter()
        .copied()
        .filter(|mode| {
            fields
                .iter()
                .any(|field| field.mode.as_deref() == Some(mode) && map.contains_key(&field.name))
        })
        .collect();
    let chosen = match used.as_slice() {
        [mode] => *mode,
        [] => {
            return Err(whole(format!(
                "choose one merchant mode ({}) and give its fields",
                modes.join(", ")
            )));
        }
        _ => {
            return Err(whole(format!(
                "the fields of modes {} are mixed; send one mode only",
                used.join(" and ")
            )));
        }
    };
    let in_mode: Vec<Field> = fields
        .iter()
        .filter(|field| field.mode.is_none() || field.mode.as_deref() == Some(chosen))
        .cloned()
        .collect();
    check_fields(&in_mode, value)
}

/// Checks `value` against `fields` as one object, ignoring modes.
pub fn check_fields(fields: &[Field], value: &Value) -> Result<(), Violation> {
    object(fields, value, "", FieldLocation::Body)
}

fn object(
    fields: &[Field],
    value: &Value,
    at: &str,
    location: FieldLocation,
) -> Result<(), Violation> {
    let Some(map) = value.as_object() else {
        return Err(Violation {
            field: at.trim_end_matches('.').to_owned(),
            value: Some(value.clone()),
            issue: format!("expected an object, found {}", kind(value)),
            location,
        });
    };
    // At the top level each field says where it travels; nested ones go where their parent does.
    let top = at.is_empty();
    for (key, found) in map {
        if !fields.iter().any(|field| &field.name == key) {
            let known: Vec<&str> = fields.iter().map(|field| field.name.as_str()).collect();
            return Err(Violation {
                field: format!("{at}{key}"),
                value: Some(found.clone()),
                issue: format!("unknown field (known: {})", known.join(", ")),
                location,
            });
        }
    }
    for field in fields {
        let path = format!("{at}{}", field.name);
        let location = if top { field.location } else { location };
        match map.get(&field.name) {
            None | Some(Value::Null) => {
                rules::presence(field.required, false).map_err(|broken| Violation {
                    field: path,
                    value: None,
                    issue: broken.to_string(),
                    location,
                })?;
            }
            Some(value) => shape(&field.shape, field.max_length, value, &path, location)?,
        }
    }
    Ok(())
}

fn shape(
    shape_: &Shape,
    max_length: Option<u32>,
    value: &Value,
    path: &str,
    location: FieldLocation,
) -> Result<(), Violation> {
    let refuse = |issue: String| {
        Err(Violation {
            field: path.to_owned(),
            value: Some(value.clone()),
            issue,
            location,
        })
    };
    let broke = |broken: rules::Broken| refuse(broken.to_string());
    match (shape_, value) {
        (Shape::String, Value::String(text)) => rules::length(text, max_length).or_else(broke),
        (Shape::DateTime, Value::String(text)) => rules::datetime(text, max_length).or_else(broke),
        (Shape::Integer, Value::Number(number)) if number.is_i64() => Ok(()),
        (Shape::Number, Value::Number(_)) => Ok(()),
        (Shape::Json, _) => Ok(()),
        (Shape::Boolean, Value::Bool(_)) => Ok(()),
        (Shape::Enum(values), Value::String(text)) => {
            rules::member(text, values.iter().map(String::as_str)).or_else(broke)
        }
        (Shape::IntegerEnum(values), Value::Number(number)) if number.is_i64() => {
            rules::member(&number.to_string(), values.iter().map(String::as_str)).or_else(broke)
        }
        (Shape::Object(fields), value) => object(fields, value, &format!("{path}."), location),
        (Shape::Array(items), Value::Array(elements)) => {
            elements
                .iter()
                .enumerate()
                .try_for_each(|(index, element)| {
                    shape(items, None, element, &format!("{path}[{index}]"), location)
                })
        }
        (expected, found) => refuse(format!("expected {expected}, found {}", kind(found))),
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

fn whole(issue: String) -> Violation {
    Violation {
        field: String::new(),
        value: None,
        issue,
        location: FieldLocation::Body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, shape: Shape, required: bool, location: FieldLocation) -> Field {
        Field {
            name: name.to_owned(),
            shape,
            required,
            max_length: None,
            location,
            mode: None,
            description: String::new(),
        }
    }

    fn fields() -> Vec<Field> {
        let mut currency = field("currency", Shape::String, false, FieldLocation::Body);
        currency.max_length = Some(3);
        vec![
            field("id", Shape::String, true, FieldLocation::Path),
            field(
                "scene",
                Shape::Enum(vec!["A".to_owned(), "B".to_owned()]),
                false,
                FieldLocation::Query,
            ),
            field(
                "amount",
                Shape::Object(std::sync::Arc::from(vec![currency])),
                false,
                FieldLocation::Body,
            ),
            field("at", Shape::DateTime, false, FieldLocation::Body),
        ]
    }

    fn problem(json: &str) -> String {
        let value: Value = serde_json::from_str(json).expect("JSON");
        let error = check(&fields(), &value).expect_err("refused");
        format!("{} ({})", error, error.location.as_str())
    }

    #[test]
    fn refuses_each_kind_of_mistake_naming_the_field_and_where_it_travelled() {
        assert!(check(&fields(), &serde_json::json!({"id": "x", "scene": "A"})).is_ok());
        assert_eq!(problem(r#"{}"#), "id: required (path)");
        assert_eq!(
            problem(r#"{"id": 1}"#),
            "id: expected string, found a number (path)"
        );
        assert_eq!(
            problem(r#"{"id": "x", "scene": "C"}"#),
            r#"scene: "C" is not a documented value (A, B) (query)"#
        );
        assert_eq!(
            problem(r#"{"id": "x", "amount": {"currency": "CNYX"}}"#),
            "amount.currency: at most 3 characters, got 4 (body)"
        );
        assert_eq!(
            problem(r#"{"id": "x", "sene": "A"}"#),
            "sene: unknown field (known: id, scene, amount, at) (body)"
        );
        assert_eq!(
            problem(r#"{"id": "x", "at": "yesterday"}"#),
            "at: not an RFC 3339 time (e.g. 2015-05-20T13:29:35+08:00) (body)"
        );
        assert_eq!(
            problem(r#"[]"#),
            "expected an object, found an array (body)"
        );
    }

    /// No operation of the API has an array of arrays yet; the sandbox and wxpay must still
    /// check one level by level, naming the item that broke the rule.
    #[test]
    fn arrays_of_arrays_are_checked_level_by_level() {
        let levels = Shape::IntegerEnum(vec!["1".to_owned(), "2".to_owned()]);
        let grid = field(
            "grid",
            Shape::Array(Box::new(Shape::Array(Box::new(levels)))),
            true,
            FieldLocation::Body,
        );
        let fields = [grid];
        let check_json = |json: &str| {
            let value: Value = serde_json::from_str(json).expect("JSON");
            check(&fields, &value).map_err(|violation| violation.to_string())
        };
        assert_eq!(check_json(r#"{"grid": [[1], [], [2, 1]]}"#), Ok(()));
        assert_eq!(
            check_json(r#"{"grid": [[1], [2, 9]]}"#),
            Err(r#"grid[1][1]: "9" is not a documented value (1, 2)"#.to_owned())
        );
        assert_eq!(
            check_json(r#"{"grid": [[1], 2]}"#),
            Err("grid[1]: expected array[integer enum(1|2)], found a number".to_owned())
        );
    }

    #[test]
    fn the_offending_value_is_kept() {
        let value = serde_json::json!({"id": "x", "amount": {"currency": "CNYX"}});
        let violation = check(&fields(), &value).expect_err("refused");
        assert_eq!(violation.value, Some(serde_json::json!("CNYX")));
    }
}
