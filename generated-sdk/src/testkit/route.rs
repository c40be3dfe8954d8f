//! From a request line to an operation of the spec, and from its path, query and body to the
//! one JSON object the spec's field table describes.

use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

use crate::schema::{Field, FieldLocation, Operation, Shape, Violation};

/// The operation whose method and path template match, with the path parameters it names.
pub(crate) fn find(
    operations: &[&'static Operation],
    method: &str,
    path: &str,
) -> Option<(&'static Operation, Vec<(&'static str, String)>)> {
    operations.iter().find_map(|operation| {
        if operation.info.method.as_str() != method {
            return None;
        }
        match_template(operation.info.path, path).map(|params| (*operation, params))
    })
}

/// `/v3/a/{id}/close` against `/v3/a/42/close` → `[("id", "42")]`; placeholders match one
/// non-empty segment, percent-decoded.
fn match_template(template: &'static str, path: &str) -> Option<Vec<(&'static str, String)>> {
    let mut params = Vec::new();
    let mut segments = path.split('/');
    for expected in template.split('/') {
        let segment = segments.next()?;
        match expected
            .strip_prefix('{')
            .and_then(|rest| rest.strip_suffix('}'))
        {
            Some(name) if !segment.is_empty() => {
                params.push((
                    name,
                    percent_decode_str(segment).decode_utf8().ok()?.into_owned(),
                ));
            }
            Some(_) => return None,
            None if expected == segment => {}
            None => return None,
        }
    }
    segments.next().is_none().then_some(params)
}

/// The request as one JSON object (path, query and body fields together, as the spec's table
/// has them), or the first rule it broke before the table's own check.
pub(crate) fn request_object(
    operation: &Operation,
    params: Vec<(&'static str, String)>,
    query: Option<&str>,
    body: &[u8],
) -> Result<Value, Violation> {
    let mut object = Map::new();
    for (name, text) in params {
        let value = from_text(&operation.fields, name, &text, FieldLocation::Path)?;
        object.insert(name.to_owned(), value);
    }
    for pair in query
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
    {
        let (name, text) = pair.split_once('=').unwrap_or((pair, ""));
        let name = decode(name, FieldLocation::Query)?;
        let text = decode(text, FieldLocation::Query)?;
        let value = from_text(&operation.fields, &name, &text, FieldLocation::Query)?;
        // An array parameter comes once per item (`a=X&a=Y`); `from_text` made it `[X]`.
        if let (Some(Value::Array(items)), Value::Array(more)) = (object.get_mut(&name), &value) {
            items.extend(more.iter().cloned());
            continue;
        }
        if object.insert(name.clone(), value).is_some() {
            return Err(violation(
                &name,
                Some(Value::String(text)),
                "given twice",
                FieldLocation::Query,
            ));
        }
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(object));
    }
    let parsed: Value = serde_json::from_slice(body).map_err(|error| {
        violation(
            "",
            None,
            &format!("the body is not valid JSON: {error}"),
            FieldLocation::Body,
        )
    })?;
    let Value::Object(fields) = parsed else {
        return Err(violation(
            "",
            Some(parsed),
            "the body must be a JSON object",
            FieldLocation::Body,
        ));
    };
    for (name, value) in fields {
        let travels_elsewhere = operation
            .fields
            .iter()
            .any(|field| field.name == name && field.location != FieldLocation::Body);
        if travels_elsewhere || object.contains_key(&name) {
            return Err(violation(
                &name,
                Some(value),
                "not a body field of this operation",
                FieldLocation::Body,
            ));
        }
        object.insert(name, value);
    }
    Ok(Value::Object(object))
}

/// A path or query value as the JSON its field's shape wants; unknown names are refused here,
/// since the table's check cannot tell where they travelled.
pub(super) fn from_text(
    fields: &[Field],
    name: &str,
    text: &str,
    location: FieldLocation,
) -> Result<Value, Violation> {
    let Some(field) = fields
        .iter()
        .find(|field| field.name == name && field.location == location)
    else {
        let known: Vec<&str> = fields
            .iter()
            .filter(|field| field.location == location)
            .map(|field| field.name.as_str())
            .collect();
        return Err(violation(
            name,
            Some(Value::String(text.to_owned())),
            &format!(
                "unknown {} parameter (known: {})",
                location.as_str(),
                known.join(", ")
            ),
            location,
        ));
    };
    let value = match &field.shape {
        Shape::Array(items) => scalar(items, text).map(|item| Value::Array(vec![item])),
        shape => scalar(shape, text),
    };
    value.ok_or_else(|| {
        violation(
            name,
            Some(Value::String(text.to_owned())),
            &format!("expected {}", field.shape),
            location,
        )
    })
}

fn decode(text: &str, location: FieldLocation) -> Result<String, Violation> {
    percent_decode_str(text)
        .decode_utf8()
        .map(|text| text.into_owned())
        .map_err(|_| violation(text, None, "not UTF-8 once percent-decoded", location))
}

fn violation(field: &str, value: Option<Value>, issue: &str, location: FieldLocation) -> Violation {
    Violation {
        field: field.to_owned(),
        value,
        issue: issue.to_owned(),
        location,
    }
}

/// One URL value as the JSON of a scalar shape; `None` when the text is not of that shape.
fn scalar(shape: &Shape, text: &str) -> Option<Value> {
    match shape {
        Shape::Integer | Shape::IntegerEnum(_) => text.parse::<i64>().map(Value::from).ok(),
        Shape::Number => serde_json::from_str::<serde_json::Number>(text)
            .ok()
            .map(Value::Number),
        Shape::Boolean => text.parse::<bool>().map(Value::from).ok(),
        _ => Some(Value::String(text.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_whole_segments_only() {
        let template = "/v3/a/{id}/close";
        assert_eq!(
            match_template(template, "/v3/a/x%20y/close"),
            Some(vec![("id", "x y".to_owned())])
        );
        assert_eq!(match_template(template, "/v3/a//close"), None);
        assert_eq!(match_template(template, "/v3/a/1/close/more"), None);
        assert_eq!(match_template(template, "/v3/a/1"), None);
        assert_eq!(match_template("/v3/a", "/v3/a"), Some(vec![]));
    }
}
