//! The spec format as a JSON Schema, for editors: derived from the model in `model.rs` (every
//! attribute, its type, whether it may be left out, its doc comment), plus the rules on a
//! single value that validation checks and a schema can state (patterns, ranges, which names
//! a mapping's keys may have). Rules that look across the spec (an unknown type, a duplicate
//! service, an example against its schema) stay with validation alone.

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, json_schema};
use serde_json::{Value, json};

use super::{ApiDoc, Named, ServiceDoc};
use crate::ir::naming::{HTTP_VERB_PREFIXES, MAX_OPERATION_ID};

/// The generated crate's own cargo features; a service is a feature of the same name.
pub const RESERVED_FEATURES: [&str; 5] = ["default", "full", "axum", "cli", "testkit"];

pub const VERSION: &str = r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$";
pub const HTTPS_URL: &str = r"^https://.+";
pub const ERROR_CODE: &str = r"^[A-Z][A-Z0-9_]*$";
pub const SERVICE_NAME: &str = r"^[a-z][a-z0-9_]*$";
pub const TYPE_NAME: &str = r"^[A-Z][A-Za-z0-9]*$";
pub const NOT_BLANK: &str = r"\S";
pub const DIGEST_PLACEHOLDER: &str = r"\{digest\}";
pub const PART_NAME: &str = r"^[A-Za-z0-9_]+$";
pub const EXTENSION: &str = r"^[a-z0-9]+$";
pub const MEDIA_TYPE: &str = r"^[A-Za-z0-9.+-]+/[A-Za-z0-9.+-]+$";
/// `/`, then text with balanced, non-empty `{placeholders}`.
pub const PATH: &str = r"^/(?:[^{}]|\{[^{}]+\})*$";

/// Where the schemas are written, beside the spec.
pub const DIR: &str = "spec/schema";

/// The line naming `spec/api.yaml`'s schema for editors that read `yaml-language-server`
/// modelines (VS Code's YAML extension, JetBrains IDEs, Helix, Neovim).
pub const API_MODELINE: &str = "# yaml-language-server: $schema=schema/api.schema.json";

/// The same for a file in `spec/services/`.
pub const SERVICE_MODELINE: &str = "# yaml-language-server: $schema=../schema/service.schema.json";

/// The two schemas, `api.yaml`'s and a service file's, as `(file name, document)`.
pub fn schemas() -> [(&'static str, Value); 2] {
    [
        (
            "api.schema.json",
            document::<ApiDoc>("spec/api.yaml: settings shared by every service"),
        ),
        (
            "service.schema.json",
            document::<ServiceDoc>("spec/services/<name>.yaml: one service"),
        ),
    ]
}

fn document<T: JsonSchema>(title: &str) -> Value {
    let mut schema = SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<T>();
    schema.insert("title".to_owned(), title.into());
    schema.to_value()
}

pub fn type_names() -> Value {
    json!({ "pattern": TYPE_NAME })
}

pub fn not_blank() -> Value {
    json!({ "pattern": NOT_BLANK })
}

pub fn reserved_features() -> Value {
    json!({ "enum": RESERVED_FEATURES })
}

/// `ir::naming::operation_id_problem` as a pattern: snake_case without `__` or a trailing `_`,
/// no HTTP verb prefix, no all-digit last word, at most `MAX_OPERATION_ID` characters.
pub fn operation_ids() -> Value {
    let verbs: Vec<&str> = HTTP_VERB_PREFIXES
        .iter()
        .map(|verb| verb.trim_end_matches('_'))
        .collect();
    json!({
        "pattern": format!("^(?!(?:{})_)(?!.*_[0-9]+$)[a-z][a-z0-9]*(?:_[a-z0-9]+)*$", verbs.join("|")),
        "maxLength": MAX_OPERATION_ID,
    })
}

/// `items` names an array's element type, so it comes with `type: array` and only with it.
pub fn items_only_with_arrays(schema: &mut Schema) {
    add_rule(
        schema,
        json!({
            "if": { "properties": { "type": { "const": "array" } } },
            "then": { "required": ["items"] },
            "else": { "not": { "required": ["items"] } },
        }),
    );
}

/// A length limit counts characters: only text has one.
pub fn max_length_only_on_text(schema: &mut Schema) {
    add_rule(
        schema,
        json!({
            "if": { "required": ["max_length"], "properties": { "max_length": { "type": "integer" } } },
            "then": { "properties": { "type": { "enum": ["string", "datetime"] } } },
        }),
    );
}

/// A multipart upload is a POST.
pub fn uploads_are_posts(schema: &mut Schema) {
    add_rule(
        schema,
        json!({
            "if": { "required": ["upload"], "properties": { "upload": { "type": "object" } } },
            "then": { "properties": { "method": { "const": "POST" } } },
        }),
    );
}

/// 204 No Content has no body.
pub fn no_content_has_no_body(schema: &mut Schema) {
    add_rule(
        schema,
        json!({
            "if": { "properties": { "status": { "const": 204 } } },
            "then": { "properties": { "body": { "type": "null" } } },
        }),
    );
}

/// A download has exactly one success status.
pub fn downloads_have_one_status(schema: &mut Schema) {
    add_rule(
        schema,
        json!({
            "if": { "required": ["download"], "properties": { "download": { "type": "object" } } },
            "then": { "properties": { "alternatives": { "maxItems": 0 } } },
        }),
    );
}

/// The platform certificates are fetched with a GET.
pub fn certificate_downloads_are_gets(schema: &mut Schema) {
    add_rule(
        schema,
        json!({
            "if": { "required": ["platform_certificates"], "properties": { "platform_certificates": { "const": true } } },
            "then": { "properties": { "method": { "const": "GET" } } },
        }),
    );
}

/// A file is checked one way: a signed digest header, or a digest announced earlier.
pub fn downloads_say_how_they_are_checked(schema: &mut Schema) {
    add_rule(
        schema,
        json!({
            "oneOf": [
                { "required": ["digest_header", "signed_body"], "not": { "required": ["digest"] } },
                { "required": ["digest"], "properties": { "digest_header": false, "signed_body": false } },
            ],
        }),
    );
}

/// Which step attributes belong to which kind of step: `exists` and `repeat_same` to creating
/// steps, `missing` to the others, `from` and `refused` to each other.
pub fn step_attributes_go_together(schema: &mut Schema) {
    add_rule(
        schema,
        json!({
            "dependentRequired": { "from": ["refused"], "refused": ["from"], "repeat_same": ["exists"] },
            "if": { "required": ["create"] },
            "then": { "properties": { "missing": false } },
            "else": { "properties": { "exists": false } },
        }),
    );
}

/// Adds a rule's keywords to a schema: at most one `if` per schema, so a schema with a rule
/// already takes the new one under `allOf`.
fn add_rule(schema: &mut Schema, rule: Value) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if object.contains_key("if") {
        let all_of = object.entry("allOf").or_insert_with(|| json!([]));
        if let Value::Array(rules) = all_of {
            rules.push(rule);
        }
    } else if let Value::Object(rule) = rule {
        object.extend(rule);
    }
}

/// A mapping of names to definitions, in file order.
impl<T: JsonSchema> JsonSchema for Named<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Named_{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> Schema {
        json_schema!({
            "type": "object",
            "additionalProperties": generator.subschema_for::<T>(),
        })
    }
}
