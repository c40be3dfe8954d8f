//! `components`: every named type of every service, the error body and the notification
//! envelope, and the `$ref`s that point at them.

use serde_json::{Map, Value, json};

use super::names::{ENCRYPTED_RESOURCE, ENVELOPE, ERROR_BODY, SECURITY_SCHEME, SIGNATURE_HEADERS};
use crate::emit::EmitError;
use crate::ir::{Api, Enum, Field, FieldType, Service};

pub(super) fn components(api: &Api, has_webhooks: bool) -> Result<Value, EmitError> {
    let mut schemas = Map::new();
    schemas.insert(ERROR_BODY.into(), error_body());
    if has_webhooks {
        schemas.insert(ENVELOPE.into(), envelope());
        schemas.insert(ENCRYPTED_RESOURCE.into(), encrypted_resource());
    }
    for service in &api.services {
        for model in &service.structs {
            let fields: Vec<&Field> = model.fields.iter().collect();
            let mut schema = object_schema(service, &fields);
            if let Value::Object(schema) = &mut schema {
                insert_text(schema, "description", &model.description);
            }
            schemas.insert(component_name(service, &model.name), schema);
        }
        for item in &service.enums {
            let mut schema = enum_schema(item);
            if let Value::Object(schema) = &mut schema {
                insert_text(schema, "description", &item.description);
            }
            schemas.insert(component_name(service, &item.name), schema);
        }
    }
    let mut headers = Map::new();
    headers.insert(
        "Request-ID".into(),
        json!({"description": "微信支付给这次请求的唯一标识, 排查问题时提供", "schema": {"type": "string"}}),
    );
    for (name, description) in SIGNATURE_HEADERS {
        headers.insert(
            name.into(),
            json!({"description": description, "required": true, "schema": {"type": "string"}}),
        );
    }
    let mut security = Map::new();
    security.insert(
        SECURITY_SCHEME.into(),
        json!({
            "type": "http",
            "scheme": "WECHATPAY2-SHA256-RSA2048",
            "description": "Authorization: WECHATPAY2-SHA256-RSA2048 mchid=\"…\",nonce_str=\"…\",\
                timestamp=\"…\",serial_no=\"…\",signature=\"…\": SHA256withRSA over \
                METHOD\\nPATH?QUERY\\nTIMESTAMP\\nNONCE\\nBODY\\n with the merchant's API key",
        }),
    );
    Ok(json!({
        "schemas": schemas,
        "headers": headers,
        "securitySchemes": security,
    }))
}

/// An object of `fields`: properties by wire name, in spec order in `required`.
pub(super) fn object_schema(service: &Service, fields: &[&Field]) -> Value {
    let mut properties = Map::new();
    for field in fields {
        let mut schema = type_schema(service, &field.ty, Enums::Ref);
        constraints(&mut schema, field);
        if let Value::Object(schema) = &mut schema {
            insert_text(schema, "description", &field.description);
        }
        properties.insert(field.wire_name.clone(), schema);
    }
    let mut schema = Map::new();
    schema.insert("type".into(), json!("object"));
    schema.insert("properties".into(), Value::Object(properties));
    let required: Vec<&str> = fields
        .iter()
        .filter(|field| field.required)
        .map(|field| field.wire_name.as_str())
        .collect();
    if !required.is_empty() {
        schema.insert("required".into(), json!(required));
    }
    Value::Object(schema)
}

/// How an enum-typed value is written: a `$ref` to its component, or its values in place (for
/// parameters, which tools read without resolving references).
#[derive(Clone, Copy)]
pub(super) enum Enums {
    Ref,
    Inline,
}

pub(super) fn type_schema(service: &Service, ty: &FieldType, enums: Enums) -> Value {
    match ty {
        FieldType::String => json!({"type": "string"}),
        FieldType::Integer => json!({"type": "integer", "format": "int64"}),
        FieldType::Decimal => json!({"type": "number"}),
        // Any value: the empty schema of JSON Schema 2020-12.
        FieldType::Json => json!({}),
        FieldType::Boolean => json!({"type": "boolean"}),
        FieldType::DateTime => json!({"type": "string", "format": "date-time"}),
        FieldType::Struct(model) => json!({"$ref": schema_ref(service, &model.name)}),
        FieldType::Enum(item) => match enums {
            Enums::Ref => json!({"$ref": schema_ref(service, &item.name)}),
            Enums::Inline => enum_schema(service.enumeration(item)),
        },
        FieldType::Array(items) => {
            json!({"type": "array", "items": type_schema(service, items, enums)})
        }
    }
}

pub(super) fn enum_schema(item: &Enum) -> Value {
    let values: Vec<&str> = item
        .variants
        .iter()
        .map(|variant| variant.wire.as_str())
        .collect();
    let meanings: Map<String, Value> = item
        .variants
        .iter()
        .map(|variant| (variant.wire.clone(), json!(variant.meaning)))
        .collect();
    if item.integer {
        // Validated: every value of an integer enum parses.
        let numbers: Vec<i64> = values
            .iter()
            .filter_map(|value| value.parse().ok())
            .collect();
        return json!({"type": "integer", "enum": numbers, "x-enum-descriptions": meanings});
    }
    json!({"type": "string", "enum": values, "x-enum-descriptions": meanings})
}

/// The field's length limit and sensitivity on its schema.
pub(super) fn constraints(schema: &mut Value, field: &Field) {
    if let Value::Object(schema) = schema {
        if let Some(max) = field.max_length {
            schema.insert("maxLength".into(), json!(max));
        }
        if field.sensitive {
            schema.insert("x-sensitive".into(), json!(true));
        }
    }
}

fn error_body() -> Value {
    json!({
        "type": "object",
        "description": "微信支付的错误应答",
        "required": ["code", "message"],
        "properties": {
            "code": {"type": "string", "description": "详细错误码 (见各接口的 x-error-codes)"},
            "message": {"type": "string", "description": "错误描述, 使用易理解的文字表示错误的原因"},
            "detail": {
                "type": "object",
                "description": "错误详情",
                "properties": {
                    "field": {"type": "string", "description": "出错的字段"},
                    "value": {"description": "出错字段的值"},
                    "issue": {"type": "string", "description": "具体错误原因"},
                    "location": {"type": "string", "description": "出错的位置: body, query, path 或 header"},
                },
            },
        },
    })
}

fn envelope() -> Value {
    json!({
        "type": "object",
        "description": "回调通知: 信封明文, resource 以 AEAD_AES_256_GCM 和 APIv3 密钥加密",
        "required": ["id", "create_time", "event_type", "resource_type", "resource"],
        "properties": {
            "id": {"type": "string", "description": "通知ID: 同一通知可能多次送达, ID 相同"},
            "create_time": {"type": "string", "format": "date-time", "description": "通知创建时间"},
            "event_type": {"type": "string", "description": "通知类型"},
            "resource_type": {"type": "string", "description": "通知数据类型, 如 encrypt-resource"},
            "summary": {"type": "string", "description": "回调摘要"},
            "resource": {"$ref": component_ref(ENCRYPTED_RESOURCE)},
        },
    })
}

fn encrypted_resource() -> Value {
    json!({
        "type": "object",
        "description": "加密的通知数据; 解密后的内容见各 webhook 的 x-decrypted-resource",
        "required": ["algorithm", "ciphertext", "nonce"],
        "properties": {
            "original_type": {"type": "string", "description": "原始回调类型"},
            "algorithm": {"type": "string", "enum": ["AEAD_AES_256_GCM"], "description": "加密算法"},
            "ciphertext": {"type": "string", "description": "Base64 编码的密文 (含 16 字节认证标签)"},
            "associated_data": {"type": "string", "description": "附加数据, 可能为空"},
            "nonce": {"type": "string", "description": "加密使用的随机串 (12 字节)"},
        },
    })
}

/// The component name of a named type: the service name and the SDK's type name.
pub(super) fn component_name(service: &Service, name: &str) -> String {
    format!("{}.{name}", service.name)
}

pub(super) fn schema_ref(service: &Service, name: &str) -> String {
    component_ref(&component_name(service, name))
}

pub(super) fn component_ref(name: &str) -> String {
    format!("#/components/schemas/{name}")
}

pub(super) fn header_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/headers/{name}")})
}

/// Inserts `text` under `key` unless it is blank.
pub(super) fn insert_text(map: &mut Map<String, Value>, key: &str, text: &str) {
    if !text.trim().is_empty() {
        map.insert(key.into(), json!(text));
    }
}

pub(super) fn join_text(title: &str, description: &str) -> String {
    if description.trim().is_empty() {
        title.to_owned()
    } else {
        format!("{title}: {description}")
    }
}
