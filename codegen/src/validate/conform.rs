//! Whether a JSON value fits the spec's fields, problem by problem, each at its JSON path
//! (`$.a.b[0]`).
//!
//! This is what the generated types would do with the example: unknown fields, missing required
//! fields, wrong JSON types, unlisted enum values, over-long strings and malformed times would
//! all be wrong in either the example or the schema.

use serde_json::Value;

use super::schema::{self, Kind};
use super::suggest;
use crate::rules;
use crate::spec::{EnumDef, EnumWire, FieldDef, ItemsDef, ServiceDoc};

/// Collects the problems of one JSON value, as `$.path: problem` messages.
pub(super) struct Conform<'a> {
    doc: &'a ServiceDoc,
    pub problems: Vec<String>,
}

impl<'a> Conform<'a> {
    pub(super) fn new(doc: &'a ServiceDoc) -> Self {
        Conform {
            doc,
            problems: Vec::new(),
        }
    }

    /// `value` must be an object with these fields and no others.
    pub(super) fn object(&mut self, at: &str, value: &Value, fields: &[(&str, &FieldDef)]) {
        let Some(members) = value.as_object() else {
            return self.mismatch(at, "object", value);
        };
        // Schema order first, then unknown keys sorted: the order of problems does not depend on
        // whether serde_json keeps keys sorted or in document order.
        for &(name, field) in fields {
            match members.get(name) {
                Some(member) => self.field(&member_path(at, name), member, field),
                None if field.required => self
                    .problems
                    .push(format!("{at}: missing required field \"{name}\"")),
                None => {}
            }
        }
        let mut unknown: Vec<&String> = members
            .keys()
            .filter(|key| !fields.iter().any(|(name, _)| name == key))
            .collect();
        unknown.sort();
        for key in unknown {
            let hint = suggest::hint(key, fields.iter().map(|(name, _)| *name));
            self.problems
                .push(format!("{}: unknown field{hint}", member_path(at, key)));
        }
    }

    fn field(&mut self, at: &str, value: &Value, field: &FieldDef) {
        // An optional field sent as null decodes to None, like an absent one.
        if value.is_null() && !field.required {
            return;
        }
        match schema::resolve(self.doc, &field.ty) {
            Kind::Array => self.array(at, value, field.items.as_ref()),
            kind => self.value(at, value, kind, field.max_length),
        }
    }

    fn array(&mut self, at: &str, value: &Value, items: Option<&ItemsDef>) {
        let Some(elements) = value.as_array() else {
            return self.mismatch(at, "array", value);
        };
        // Without usable `items` the elements cannot be checked; `references` reports why.
        let Some(items) = items else {
            return;
        };
        for (i, element) in elements.iter().enumerate() {
            let at = format!("{at}[{i}]");
            match (items.name(), items.inner()) {
                (Some(name), _) => self.value(&at, element, schema::resolve(self.doc, name), None),
                (None, inner) => self.array(&at, element, inner),
            }
        }
    }

    fn value(&mut self, at: &str, value: &Value, kind: Kind, max_length: Option<u32>) {
        match kind {
            Kind::String => self.text(at, value, max_length),
            Kind::Datetime => self.datetime(at, value, max_length),
            Kind::Integer => self.integer(at, value),
            Kind::Number if !value.is_number() => self.mismatch(at, "number", value),
            Kind::Boolean if !value.is_boolean() => self.mismatch(at, "boolean", value),
            Kind::Struct(def) => {
                let fields: Vec<_> = def.fields.iter().collect();
                self.object(at, value, &fields);
            }
            Kind::Enum(name, def) => self.enum_value(at, value, name, def),
            // Nested arrays and unknown types are reported by `references`.
            Kind::Boolean | Kind::Number | Kind::Json | Kind::Array | Kind::Unknown => {}
        }
    }

    fn text(&mut self, at: &str, value: &Value, max_length: Option<u32>) {
        match value.as_str() {
            Some(text) => self.length(at, text, max_length),
            None => self.mismatch(at, "string", value),
        }
    }

    fn datetime(&mut self, at: &str, value: &Value, max_length: Option<u32>) {
        let Some(text) = value.as_str() else {
            return self.mismatch(at, "string", value);
        };
        if let Err(broken) = rules::datetime(text, max_length) {
            self.problems.push(format!("{at}: {broken}"));
        }
    }

    fn length(&mut self, at: &str, text: &str, max_length: Option<u32>) {
        if let Err(broken) = rules::length(text, max_length) {
            self.problems.push(format!("{at}: {broken}"));
        }
    }

    /// Integers are `i64` in the SDK: amounts in cents never need more, and floats are refused.
    fn integer(&mut self, at: &str, value: &Value) {
        if value.is_i64() {
            return;
        }
        if value.is_u64() {
            self.problems
                .push(format!("{at}: integer {value} does not fit in i64"));
        } else {
            self.mismatch(at, "integer", value);
        }
    }

    fn enum_value(&mut self, at: &str, value: &Value, name: &str, def: &EnumDef) {
        // Integer enums are compared by their digits, as they are written in the spec.
        let digits;
        let text = match def.wire {
            EnumWire::String => value.as_str(),
            EnumWire::Integer => {
                digits = value.as_i64().map(|number| number.to_string());
                digits.as_deref()
            }
        };
        let Some(text) = text else {
            let expected = match def.wire {
                EnumWire::String => "string",
                EnumWire::Integer => "integer",
            };
            return self.mismatch(at, expected, value);
        };
        // An enum without values is reported by `enums`; every value would be "unlisted".
        if def.values.is_empty() {
            return;
        }
        if let Err(broken) = rules::member(text, def.values.names()) {
            let hint = suggest::hint(text, def.values.names());
            self.problems
                .push(format!("{at}: enum {name}: {broken}{hint}"));
        }
    }

    fn mismatch(&mut self, at: &str, expected: &str, value: &Value) {
        self.problems.push(format!(
            "{at}: expected {expected}, found {}",
            describe(value)
        ));
    }
}

/// `$.a.b` for plain keys, `$.a["odd key"]` for the rest, so the path reads back unambiguously.
fn member_path(at: &str, key: &str) -> String {
    let plain = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        format!("{at}.{key}")
    } else {
        format!("{at}[{}]", Value::String(key.to_owned()))
    }
}

/// The JSON type of a value and, for scalars, the value itself.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(flag) => format!("boolean {flag}"),
        Value::Number(number) if number.is_i64() => format!("integer {number}"),
        Value::Number(number) => format!("number {number}"),
        Value::String(_) => format!("string {value}"),
        Value::Array(_) => "array".to_owned(),
        Value::Object(_) => "object".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn describes_values_with_their_json_type() {
        assert_eq!(describe(&json!("5")), "string \"5\"");
        assert_eq!(describe(&json!(5)), "integer 5");
        assert_eq!(describe(&json!(5.5)), "number 5.5");
        assert_eq!(describe(&json!(null)), "null");
        assert_eq!(describe(&json!([1])), "array");
    }

    #[test]
    fn odd_keys_are_quoted() {
        assert_eq!(member_path("$", "amount"), "$.amount");
        assert_eq!(member_path("$.a", "odd key"), "$.a[\"odd key\"]");
        assert_eq!(member_path("$", ""), "$[\"\"]");
    }
}
