//! What the export tests share: the documents, lookups, and the field and type checks.

use std::path::{Path, PathBuf};

use codegen::ir::{Api, Field, FieldType, Location, Service};
use serde_json::Value;

pub const OPENAPI_PATH: &str = "generated-sdk/openapi.json";
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn naming_fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/naming")
}

/// The exported document's text, as `cargo xtask gen` would write it for the spec under `root`.
pub fn openapi_text(root: &Path) -> String {
    let generated =
        codegen::generate_from(root).unwrap_or_else(|error| panic!("generation failed:\n{error}"));
    generated
        .output
        .get(OPENAPI_PATH)
        .unwrap_or_else(|| panic!("no {OPENAPI_PATH} in the output"))
        .to_owned()
}

pub fn openapi(root: &Path) -> Value {
    serde_json::from_str(&openapi_text(root))
        .unwrap_or_else(|error| panic!("{OPENAPI_PATH} is not JSON: {error}"))
}

/// The IR of the spec under `root`: what the export must agree with.
pub fn api(root: &Path) -> Api {
    let sources = codegen::spec::read_sources(root).unwrap_or_else(|errors| panic!("{errors}"));
    let spec = codegen::spec::parse(&sources).unwrap_or_else(|errors| panic!("{errors}"));
    codegen::ir::build(&spec).unwrap_or_else(|errors| panic!("{errors}"))
}

/// `value[key]`, failing with the path walked so far.
pub fn at<'a>(value: &'a Value, path: &[&str]) -> &'a Value {
    let mut current = value;
    for (i, key) in path.iter().enumerate() {
        current = match current {
            Value::Object(map) => map.get(*key),
            Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        }
        .unwrap_or_else(|| panic!("no {} in the document", path[..=i].join(" / ")));
    }
    current
}

pub fn component_name(service: &Service, name: &str) -> String {
    format!("{}.{name}", service.name)
}

pub fn schema_ref(service: &Service, name: &str) -> String {
    format!("#/components/schemas/{}", component_name(service, name))
}

pub fn operation<'a>(document: &'a Value, path: &str, method: &str) -> &'a Value {
    at(document, &["paths", path, &method.to_ascii_lowercase()])
}

pub fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {value}"))
        .iter()
        .map(|item| {
            item.as_str()
                .unwrap_or_else(|| panic!("not a string: {item}"))
        })
        .collect()
}

/// The schema of `field` agrees with it: type, format, length, references, sensitivity. Enums are
/// either a `$ref` to their component or, in parameters, written out in place.
pub fn check_field_schema(service: &Service, field: &Field, schema: &Value, context: &str) {
    check_type(service, &field.ty, schema, context);
    assert_eq!(
        schema.get("maxLength").and_then(Value::as_u64),
        field.max_length.map(u64::from),
        "{context}: maxLength"
    );
    assert_eq!(
        schema.get("x-sensitive").and_then(Value::as_bool),
        field.sensitive.then_some(true),
        "{context}: x-sensitive"
    );
}

pub fn check_type(service: &Service, ty: &FieldType, schema: &Value, context: &str) {
    let get = |key: &str| schema.get(key).and_then(Value::as_str);
    match ty {
        FieldType::String => {
            assert_eq!(get("type"), Some("string"), "{context}");
            assert_eq!(get("format"), None, "{context}");
        }
        FieldType::Integer => {
            assert_eq!(get("type"), Some("integer"), "{context}");
            assert_eq!(get("format"), Some("int64"), "{context}");
        }
        FieldType::Json => assert_eq!(get("type"), None, "{context}: any value"),
        FieldType::Decimal => {
            assert_eq!(get("type"), Some("number"), "{context}");
            assert_eq!(get("format"), None, "{context}");
        }
        FieldType::Boolean => assert_eq!(get("type"), Some("boolean"), "{context}"),
        FieldType::DateTime => {
            assert_eq!(get("type"), Some("string"), "{context}");
            assert_eq!(get("format"), Some("date-time"), "{context}");
        }
        FieldType::Struct(model) => {
            assert_eq!(
                get("$ref"),
                Some(schema_ref(service, &model.name).as_str()),
                "{context}"
            );
        }
        FieldType::Enum(reference) => match get("$ref") {
            Some(found) => assert_eq!(found, schema_ref(service, &reference.name), "{context}"),
            None => {
                let item = service.enumeration(reference);
                let wire: Vec<&str> = item.variants.iter().map(|v| v.wire.as_str()).collect();
                if item.integer {
                    assert_eq!(get("type"), Some("integer"), "{context}");
                    let numbers: Vec<String> = at(schema, &["enum"])
                        .as_array()
                        .expect("enum")
                        .iter()
                        .map(|number| number.to_string())
                        .collect();
                    assert_eq!(numbers, wire, "{context}: enum");
                } else {
                    assert_eq!(get("type"), Some("string"), "{context}");
                    assert_eq!(strings(at(schema, &["enum"])), wire, "{context}: enum");
                }
            }
        },
        FieldType::Array(items) => {
            assert_eq!(get("type"), Some("array"), "{context}");
            check_type(service, items, at(schema, &["items"]), context);
        }
    }
}

pub fn relaxed(op: &codegen::ir::Operation, location: Location) -> Vec<Field> {
    let common = op.request.fields_in(location).cloned();
    let by_mode = op
        .request
        .modes
        .iter()
        .flat_map(|mode| mode.fields.iter())
        .filter(|f| f.location == location)
        .map(|f| {
            let mut f = f.clone();
            f.required = false;
            f
        });
    common.chain(by_mode).collect()
}

/// An object schema has exactly `fields` as properties and their required ones in `required`.
pub fn check_object(service: &Service, fields: &[&Field], schema: &Value, context: &str) {
    assert_eq!(at(schema, &["type"]), "object", "{context}");
    let properties = at(schema, &["properties"]).as_object().expect("properties");
    let mut names: Vec<&str> = fields.iter().map(|f| f.wire_name.as_str()).collect();
    names.sort_unstable();
    let exported: Vec<&str> = properties.keys().map(String::as_str).collect();
    assert_eq!(exported, names, "{context}: properties");
    let required: Vec<&str> = fields
        .iter()
        .filter(|field| field.required)
        .map(|field| field.wire_name.as_str())
        .collect();
    let exported_required = schema.get("required").map(strings).unwrap_or_default();
    assert_eq!(exported_required, required, "{context}: required");
    for field in fields {
        let context = format!("{context}.{}", field.wire_name);
        let property = at(schema, &["properties", &field.wire_name]);
        check_field_schema(service, field, property, &context);
        assert_eq!(
            property.get("description").and_then(Value::as_str),
            Some(field.description.as_str()).filter(|text| !text.trim().is_empty()),
            "{context}: description"
        );
    }
}
