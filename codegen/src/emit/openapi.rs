//! `generated-sdk/openapi.json`: the whole spec as one OpenAPI 3.1 document, for tools that speak
//! OpenAPI rather than Rust (gateways, mock servers, other languages' generators).
//!
//! Named types become `components/schemas` under `<service>.<Type>` (the SDK's type name), so two
//! services may both have a `Detail`; the document's own schemas (`ErrorBody`, the notification
//! envelope) have no dot and so never clash with them. Facts OpenAPI has no keyword for are
//! extensions: `x-error-codes` (every documented error row, common rows first), `x-sensitive`,
//! `x-enum-descriptions`, `x-event-types`, `x-merchants`, `x-updated`, `x-retry-safe`.
//!
//! Keys are written sorted, whatever features of serde_json a build unifies, so the file is
//! deterministic. JSON has no comments, so the generated-file marker is the value of the key
//! `x-generated`, written first, on the first line, where `gen --check` looks for it.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::EmitError;
use crate::ir::{Api, Enum, Field, FieldType, Location, Notification, Operation, Service};
use crate::spec::{ErrorRow, ExampleKind, Hosts};

/// Where the document goes in the output.
pub const PATH: &str = "generated-sdk/openapi.json";

const OPENAPI_VERSION: &str = "3.1.0";
const SECURITY_SCHEME: &str = "WechatPay2";
const ERROR_BODY: &str = "ErrorBody";
const ENVELOPE: &str = "NotificationEnvelope";
const ENCRYPTED_RESOURCE: &str = "EncryptedResource";
/// The headers WeChat Pay signs every answer and every notification with.
const SIGNATURE_HEADERS: [(&str, &str); 4] = [
    ("Wechatpay-Timestamp", "微信支付签名的时间戳 (Unix 秒)"),
    ("Wechatpay-Nonce", "微信支付签名的随机串"),
    ("Wechatpay-Signature", "微信支付的签名值 (Base64)"),
    (
        "Wechatpay-Serial",
        "签名所用的微信支付公钥ID (PUB_KEY_ID_…) 或平台证书序列号",
    ),
];

/// The document, with the marker on its first line.
pub fn openapi(api: &Api) -> Result<String, EmitError> {
    let document = sorted(document(api)?);
    super::format::json_file(PATH, "x-generated", &document, &api.sources)
}

fn document(api: &Api) -> Result<Value, EmitError> {
    let mut document = Map::new();
    document.insert("openapi".into(), json!(OPENAPI_VERSION));
    document.insert("info".into(), info(api));
    document.insert("servers".into(), servers(&api.hosts));
    document.insert(
        "tags".into(),
        api.services
            .iter()
            .map(|service| {
                json!({
                    "name": service.name,
                    "description": join_text(&service.title, &service.description),
                })
            })
            .collect(),
    );
    document.insert("paths".into(), Value::Object(paths(api)?));
    let webhooks = webhooks(api)?;
    let has_webhooks = !webhooks.is_empty();
    if has_webhooks {
        document.insert("webhooks".into(), Value::Object(webhooks));
    }
    document.insert("components".into(), components(api, has_webhooks)?);
    Ok(Value::Object(document))
}

fn info(api: &Api) -> Value {
    // The spec has no version of its own; the newest 更新时间 of its pages stands for one.
    let version = api
        .services
        .iter()
        .flat_map(|service| service.operations.iter())
        .map(|op| op.updated.as_str())
        .max()
        .unwrap_or("unversioned");
    json!({
        "title": api.title,
        "version": version,
        "description": "Generated from the YAML spec of the wechatpay-apiv3 SDK. Every request is \
            signed (WECHATPAY2-SHA256-RSA2048) and every answer carries a signature to verify; \
            sensitive fields (x-sensitive) are encrypted with RSA-OAEP under the WeChat Pay key.",
    })
}

fn servers(hosts: &Hosts) -> Value {
    let mut servers = vec![json!({"url": hosts.main, "description": "主域名"})];
    if let Some(backup) = &hosts.backup {
        servers.push(json!({"url": backup, "description": "备域名"}));
    }
    Value::Array(servers)
}

/// Every operation under its path and method; several operations may share a path.
fn paths(api: &Api) -> Result<Map<String, Value>, EmitError> {
    let mut paths: BTreeMap<&str, Map<String, Value>> = BTreeMap::new();
    let mut owners: BTreeMap<(&str, &str), &str> = BTreeMap::new();
    for service in &api.services {
        for op in &service.operations {
            let method = op.method.as_str();
            if let Some(first) = owners.insert((op.path.as_str(), method), op.id.as_str()) {
                return Err(EmitError(format!(
                    "{PATH}: operations \"{first}\" and \"{}\" are both {method} {}; OpenAPI \
                     allows one operation per method and path",
                    op.id, op.path
                )));
            }
            paths
                .entry(op.path.as_str())
                .or_default()
                .insert(method.to_ascii_lowercase(), operation(api, service, op)?);
        }
    }
    Ok(paths
        .into_iter()
        .map(|(path, item)| (path.to_owned(), Value::Object(item)))
        .collect())
}

fn operation(api: &Api, service: &Service, op: &Operation) -> Result<Value, EmitError> {
    let mut operation = Map::new();
    operation.insert("operationId".into(), json!(op.id));
    operation.insert("summary".into(), json!(op.title));
    insert_text(&mut operation, "description", &op.description);
    operation.insert("tags".into(), json!([service.name]));
    operation.insert("servers".into(), servers(&service.hosts));
    operation.insert("security".into(), json!([{ SECURITY_SCHEME: [] }]));
    let parameters = parameters(service, op)?;
    if !parameters.is_empty() {
        operation.insert("parameters".into(), Value::Array(parameters));
    }
    if op.has_body() {
        operation.insert("requestBody".into(), request_body(service, op)?);
    }
    operation.insert("responses".into(), responses(api, service, op)?);
    let rows = api.common_errors.iter().chain(&op.errors);
    operation.insert(
        "x-error-codes".into(),
        rows.map(|row| {
            json!({
                "status": row.status,
                "code": row.code,
                "description": row.description,
                "solution": row.solution,
            })
        })
        .collect(),
    );
    operation.insert("x-merchants".into(), json!(op.merchants));
    operation.insert("x-updated".into(), json!(op.updated));
    operation.insert("x-retry-safe".into(), json!(op.retry_safe));
    if !op.request.modes.is_empty() {
        operation.insert("x-modes".into(), modes_extension(op));
    }
    Ok(Value::Object(operation))
}

/// The request fields at `location`: the common ones as they are, then each merchant mode's with
/// `required` off, since they are required only within their mode (see `x-modes`).
fn request_fields(op: &Operation, location: Location) -> Vec<Field> {
    let common = op.request.fields_in(location).cloned();
    let by_mode = op.request.modes.iter().flat_map(|mode| {
        mode.fields
            .iter()
            .filter(move |field| field.location == location)
            .map(|field| {
                let mut field = field.clone();
                field.required = false;
                field
            })
    });
    common.chain(by_mode).collect()
}

/// `x-modes`: each merchant mode with its fields and the ones it requires.
fn modes_extension(op: &Operation) -> Value {
    let modes: Map<String, Value> = op
        .request
        .modes
        .iter()
        .map(|mode| {
            let fields: Vec<&str> = mode
                .fields
                .iter()
                .map(|field| field.wire_name.as_str())
                .collect();
            let required: Vec<&str> = mode
                .fields
                .iter()
                .filter(|field| field.required)
                .map(|field| field.wire_name.as_str())
                .collect();
            (
                mode.key.clone(),
                json!({"title": mode.title, "fields": fields, "required": required}),
            )
        })
        .collect();
    Value::Object(modes)
}

/// Path parameters, then query parameters, in spec order.
fn parameters(service: &Service, op: &Operation) -> Result<Vec<Value>, EmitError> {
    let context = |field: &Field| format!("operation \"{}\", field \"{}\"", op.id, field.wire_name);
    let mut parameters = Vec::new();
    for (location, place) in [(Location::Path, "path"), (Location::Query, "query")] {
        for field in &request_fields(op, location) {
            let mut schema = type_schema(service, &field.ty, Enums::Inline, &context(field))?;
            constraints(&mut schema, field);
            let mut parameter = Map::new();
            parameter.insert("name".into(), json!(field.wire_name));
            parameter.insert("in".into(), json!(place));
            // OpenAPI requires path parameters to be required, as the SDK's constructor does.
            parameter.insert(
                "required".into(),
                json!(location == Location::Path || field.required),
            );
            insert_text(&mut parameter, "description", &field.description);
            parameter.insert("schema".into(), schema);
            parameters.push(Value::Object(parameter));
        }
    }
    Ok(parameters)
}

fn request_body(service: &Service, op: &Operation) -> Result<Value, EmitError> {
    let owned = request_fields(op, Location::Body);
    let fields: Vec<&Field> = owned.iter().collect();
    let mut schema = object_schema(service, &fields, &format!("operation \"{}\"", op.id))?;
    if let Value::Object(schema) = &mut schema {
        schema.insert(
            "description".into(),
            json!(format!("{} 的请求包体", op.title)),
        );
    }
    let mut media = Map::new();
    media.insert("schema".into(), schema);
    let body_names: Vec<&str> = fields
        .iter()
        .map(|field| field.wire_name.as_str())
        .collect();
    // A request example holds path, query and body fields together; the body is its body fields.
    let examples = examples(op, ExampleKind::Request, |value| match value {
        Value::Object(all) => Value::Object(
            all.into_iter()
                .filter(|(name, _)| body_names.contains(&name.as_str()))
                .collect(),
        ),
        other => other,
    })?;
    if !examples.is_empty() {
        media.insert("examples".into(), Value::Object(examples));
    }
    Ok(json!({
        "required": true,
        "content": {"application/json": media},
    }))
}

fn responses(api: &Api, service: &Service, op: &Operation) -> Result<Value, EmitError> {
    let mut responses = Map::new();
    let mut success = Map::new();
    let mut headers = Map::new();
    for name in std::iter::once("Request-ID").chain(SIGNATURE_HEADERS.map(|(name, _)| name)) {
        headers.insert(name.into(), header_ref(name));
    }
    success.insert("headers".into(), Value::Object(headers));
    match &op.response.body {
        Some(body) => {
            let model = service
                .structs
                .iter()
                .find(|model| &model.name == body)
                .ok_or_else(|| {
                    EmitError(format!(
                        "{PATH}: operation \"{}\" answers with unknown type \"{body}\"",
                        op.id
                    ))
                })?;
            let description = if model.description.trim().is_empty() {
                format!("{} 的应答", op.title)
            } else {
                model.description.clone()
            };
            success.insert("description".into(), json!(description));
            let mut media = Map::new();
            media.insert("schema".into(), json!({"$ref": schema_ref(service, body)}));
            let examples = examples(op, ExampleKind::Response, |value| value)?;
            if !examples.is_empty() {
                media.insert("examples".into(), Value::Object(examples));
            }
            success.insert("content".into(), json!({"application/json": media}));
        }
        None => {
            success.insert("description".into(), json!("无应答包体"));
        }
    }
    responses.insert(op.response.status.to_string(), Value::Object(success));
    let mut by_status: BTreeMap<u16, Vec<&ErrorRow>> = BTreeMap::new();
    for row in api.common_errors.iter().chain(&op.errors) {
        by_status.entry(row.status).or_default().push(row);
    }
    for (status, rows) in by_status {
        let description = rows
            .iter()
            .map(|row| format!("{}: {}", row.code, row.description))
            .collect::<Vec<_>>()
            .join("\n");
        responses.insert(
            status.to_string(),
            json!({
                "description": description,
                "headers": {"Request-ID": header_ref("Request-ID")},
                "content": {"application/json": {"schema": {"$ref": component_ref(ERROR_BODY)}}},
            }),
        );
    }
    Ok(Value::Object(responses))
}

/// The operation's examples of one kind, parsed, keyed `example_<n>` as the generated round-trip
/// tests count them.
fn examples(
    op: &Operation,
    kind: ExampleKind,
    shape: impl Fn(Value) -> Value,
) -> Result<Map<String, Value>, EmitError> {
    let mut examples = Map::new();
    let of_kind = op.examples.iter().filter(|example| example.kind == kind);
    for (i, example) in of_kind.enumerate() {
        let value: Value = serde_json::from_str(&example.json).map_err(|error| {
            EmitError(format!(
                "{PATH}: example \"{}\" of operation \"{}\" is not JSON: {error}",
                example.title, op.id
            ))
        })?;
        examples.insert(
            format!("example_{}", i + 1),
            json!({"summary": example.title, "value": shape(value)}),
        );
    }
    Ok(examples)
}

/// One webhook per notification, keyed by its id; an id that two services use is qualified with
/// the service name in both, so no key depends on the order of the services.
fn webhooks(api: &Api) -> Result<Map<String, Value>, EmitError> {
    let mut uses: BTreeMap<&str, usize> = BTreeMap::new();
    for notification in api.services.iter().flat_map(|s| &s.notifications) {
        *uses.entry(notification.id.as_str()).or_default() += 1;
    }
    let mut webhooks = Map::new();
    for service in &api.services {
        for notification in &service.notifications {
            let key = if uses.get(notification.id.as_str()).copied().unwrap_or(0) > 1 {
                format!("{}.{}", service.name, notification.id)
            } else {
                notification.id.clone()
            };
            webhooks.insert(key, webhook(service, notification)?);
        }
    }
    Ok(webhooks)
}

fn webhook(service: &Service, notification: &Notification) -> Result<Value, EmitError> {
    if !service
        .structs
        .iter()
        .any(|model| model.name == notification.resource)
    {
        return Err(EmitError(format!(
            "{PATH}: notification \"{}\" decrypts into unknown type \"{}\"",
            notification.id, notification.resource
        )));
    }
    let event_types: Vec<&str> = notification
        .event_types
        .iter()
        .map(|(event_type, _)| event_type.as_str())
        .collect();
    let meanings: Map<String, Value> = notification
        .event_types
        .iter()
        .map(|(event_type, meaning)| (event_type.clone(), json!(meaning)))
        .collect();
    let mut decrypted = Map::new();
    decrypted.insert(
        "schema".into(),
        json!({"$ref": schema_ref(service, &notification.resource)}),
    );
    let mut examples = Map::new();
    for (i, (title, text)) in notification.examples.iter().enumerate() {
        let value: Value = serde_json::from_str(text).map_err(|error| {
            EmitError(format!(
                "{PATH}: example \"{title}\" of notification \"{}\" is not JSON: {error}",
                notification.id
            ))
        })?;
        examples.insert(
            format!("example_{}", i + 1),
            json!({"summary": title, "value": value}),
        );
    }
    if !examples.is_empty() {
        decrypted.insert("examples".into(), Value::Object(examples));
    }
    let parameters: Vec<Value> = SIGNATURE_HEADERS
        .iter()
        .map(|(name, description)| {
            json!({
                "name": name,
                "in": "header",
                "required": true,
                "description": description,
                "schema": {"type": "string"},
            })
        })
        .collect();
    let mut post = Map::new();
    post.insert("summary".into(), json!(notification.title));
    insert_text(&mut post, "description", &notification.description);
    post.insert("tags".into(), json!([service.name]));
    // WeChat Pay signs a notification itself; the merchant's Authorization scheme is not used.
    post.insert("security".into(), json!([]));
    post.insert("parameters".into(), Value::Array(parameters));
    post.insert(
        "requestBody".into(),
        json!({
            "required": true,
            "content": {"application/json": {"schema": {
                "$ref": component_ref(ENVELOPE),
                "properties": {"event_type": {"enum": event_types}},
            }}},
        }),
    );
    post.insert(
        "responses".into(),
        json!({
            "200": {"description": "接收成功"},
            "204": {"description": "接收成功"},
            "default": {
                "description": "接收失败: 微信支付会按策略重新发送通知",
                "content": {"application/json": {"schema": {"$ref": component_ref(ERROR_BODY)}}},
            },
        }),
    );
    post.insert("x-event-types".into(), Value::Object(meanings));
    post.insert("x-decrypted-resource".into(), Value::Object(decrypted));
    Ok(json!({ "post": post }))
}

fn components(api: &Api, has_webhooks: bool) -> Result<Value, EmitError> {
    let mut schemas = Map::new();
    schemas.insert(ERROR_BODY.into(), error_body());
    if has_webhooks {
        schemas.insert(ENVELOPE.into(), envelope());
        schemas.insert(ENCRYPTED_RESOURCE.into(), encrypted_resource());
    }
    for service in &api.services {
        for model in &service.structs {
            let fields: Vec<&Field> = model.fields.iter().collect();
            let context = format!("type \"{}.{}\"", service.name, model.name);
            let mut schema = object_schema(service, &fields, &context)?;
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
fn object_schema(service: &Service, fields: &[&Field], context: &str) -> Result<Value, EmitError> {
    let mut properties = Map::new();
    for field in fields {
        let context = format!("{context}, field \"{}\"", field.wire_name);
        let mut schema = type_schema(service, &field.ty, Enums::Ref, &context)?;
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
    Ok(Value::Object(schema))
}

/// How an enum-typed value is written: a `$ref` to its component, or its values in place (for
/// parameters, which tools read without resolving references).
#[derive(Clone, Copy)]
enum Enums {
    Ref,
    Inline,
}

fn type_schema(
    service: &Service,
    ty: &FieldType,
    enums: Enums,
    context: &str,
) -> Result<Value, EmitError> {
    Ok(match ty {
        FieldType::String => json!({"type": "string"}),
        FieldType::Integer => json!({"type": "integer", "format": "int64"}),
        FieldType::Boolean => json!({"type": "boolean"}),
        FieldType::DateTime => json!({"type": "string", "format": "date-time"}),
        FieldType::Struct(name) => {
            if !service.structs.iter().any(|model| &model.name == name) {
                return Err(EmitError(format!(
                    "{PATH}: {context}: unknown type \"{name}\""
                )));
            }
            json!({"$ref": schema_ref(service, name)})
        }
        FieldType::Enum(name) => {
            let item = service
                .enums
                .iter()
                .find(|item| &item.name == name)
                .ok_or_else(|| EmitError(format!("{PATH}: {context}: unknown enum \"{name}\"")))?;
            match enums {
                Enums::Ref => json!({"$ref": schema_ref(service, name)}),
                Enums::Inline => enum_schema(item),
            }
        }
        FieldType::Array(items) => {
            json!({"type": "array", "items": type_schema(service, items, enums, context)?})
        }
    })
}

fn enum_schema(item: &Enum) -> Value {
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
    json!({"type": "string", "enum": values, "x-enum-descriptions": meanings})
}

/// The field's length limit and sensitivity on its schema.
fn constraints(schema: &mut Value, field: &Field) {
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
fn component_name(service: &Service, name: &str) -> String {
    format!("{}.{name}", service.name)
}

fn schema_ref(service: &Service, name: &str) -> String {
    component_ref(&component_name(service, name))
}

fn component_ref(name: &str) -> String {
    format!("#/components/schemas/{name}")
}

fn header_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/headers/{name}")})
}

/// Inserts `text` under `key` unless it is blank.
fn insert_text(map: &mut Map<String, Value>, key: &str, text: &str) {
    if !text.trim().is_empty() {
        map.insert(key.into(), json!(text));
    }
}

fn join_text(title: &str, description: &str) -> String {
    if description.trim().is_empty() {
        title.to_owned()
    } else {
        format!("{title}: {description}")
    }
}

/// The value with every object's keys in sorted order, rebuilt so that the order holds even when
/// serde_json's `preserve_order` feature is on in some build.
fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(key, value)| (key, sorted(value)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}
