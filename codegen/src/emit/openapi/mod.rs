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

mod components;
mod names;
mod webhooks;

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::EmitError;
use super::format::sorted;
use crate::ir::{Api, Field, FieldType, Location, Operation, Service, TypeRef};
use crate::spec::{ErrorRow, ExampleKind, Hosts};
use components::{
    Enums, component_ref, components, constraints, header_ref, insert_text, join_text,
    object_schema, schema_ref, type_schema,
};
pub use names::PATH;
use names::{ERROR_BODY, OPENAPI_VERSION, SECURITY_SCHEME, SIGNATURE_HEADERS};
use webhooks::webhooks;

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
    document.insert("x-default-features".into(), json!(api.default_features));
    // The crates of services, unless the spec left them out (one crate of every service).
    let declared =
        !matches!(api.crates.as_slice(), [only] if only.name == crate::ir::ServiceCrate::DEFAULT);
    if declared {
        let crates: serde_json::Map<String, serde_json::Value> = api
            .crates
            .iter()
            .map(|krate| {
                let def = json!({"title": krate.title, "services": krate.services});
                (krate.name.clone(), def)
            })
            .collect();
        document.insert("x-crates".into(), serde_json::Value::Object(crates));
    }
    // 公共错误码: each operation's x-error-codes starts with them; said once for importers.
    document.insert(
        "x-common-error-codes".into(),
        error_codes(&api.common_errors),
    );
    document.insert(
        "tags".into(),
        api.services
            .iter()
            .map(|service| {
                json!({
                    "name": service.name,
                    "description": join_text(&service.title, &service.description),
                    // The title alone, as documentation tools (Redoc) show a tag.
                    "x-displayName": service.title,
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
    // `api.version` is the generated crate's; the API's own is the newest 更新时间 of its pages.
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
        "x-crate-version": api.version.to_string(),
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
    // Ids are unique within a service; qualified like the service's schemas (`<service>.<Type>`).
    operation.insert(
        "operationId".into(),
        json!(format!("{}.{}", service.name, op.id)),
    );
    operation.insert("summary".into(), json!(op.title));
    insert_text(&mut operation, "description", &op.description);
    operation.insert("tags".into(), json!([service.name]));
    operation.insert("servers".into(), servers(&op.hosts));
    operation.insert("security".into(), json!([{ SECURITY_SCHEME: [] }]));
    let parameters = parameters(service, op)?;
    if !parameters.is_empty() {
        operation.insert("parameters".into(), Value::Array(parameters));
    }
    if let Some(upload) = &op.upload {
        operation.insert("requestBody".into(), upload_body(service, op, upload));
    } else if op.has_body() {
        operation.insert("requestBody".into(), request_body(service, op)?);
    }
    operation.insert("responses".into(), responses(api, service, op)?);
    let rows: Vec<ErrorRow> = api
        .common_errors
        .iter()
        .chain(&op.errors)
        .cloned()
        .collect();
    operation.insert("x-error-codes".into(), error_codes(&rows));
    operation.insert("x-merchants".into(), json!(op.merchants));
    operation.insert("x-updated".into(), json!(op.updated));
    operation.insert("x-retry-safe".into(), json!(op.retry_safe));
    if let Some(paging) = &op.paging {
        operation.insert("x-paging".into(), paging_extension(paging));
    }
    if op.certificates.is_some() {
        operation.insert("x-platform-certificates".into(), json!(true));
    }
    if let Some(download) = &op.response.download {
        operation.insert("x-wechatpay-download".into(), download_extension(download));
    }
    if !op.request.modes.is_empty() {
        operation.insert("x-modes".into(), modes_extension(op));
    }
    Ok(Value::Object(operation))
}

/// `x-paging`: the query fields that move through a list and where its items are.
fn paging_extension(paging: &crate::ir::Paging) -> Value {
    json!({
        "offset": paging.offset.wire_name,
        "limit": paging.limit.wire_name,
        "max_limit": paging.max_limit,
        "items": paging.items.wire_name,
        "total": paging.total.as_ref().map(|total| &total.wire_name),
    })
}

/// `x-wechatpay-download`: how the file's integrity is proven, and how it is asked for.
fn download_extension(download: &crate::ir::Download) -> Value {
    let mut extension = Map::new();
    match &download.integrity {
        crate::ir::Integrity::SignedDigest {
            digest_header,
            signed_body,
        } => {
            extension.insert("digest_header".into(), json!(digest_header));
            extension.insert("signed_body".into(), json!(signed_body));
        }
        crate::ir::Integrity::Announced => {
            extension.insert("digest".into(), json!("announced"));
        }
    }
    if download.gzip {
        extension.insert("gzip".into(), json!(true));
    }
    if let Some((field, value)) = &download.gzip_query {
        extension.insert("gzip_query".into(), json!({"field": field, "value": value}));
    }
    if let Some(announced) = &download.announced_by {
        extension.insert(
            "announced_by".into(),
            json!({
                "operations": announced.operations,
                "url_field": announced.url_field,
                "digest_field": announced.digest_field,
            }),
        );
    }
    Value::Object(extension)
}

/// Error rows as `x-error-codes` lists them.
fn error_codes(rows: &[ErrorRow]) -> Value {
    rows.iter()
        .map(|row| {
            json!({
                "status": row.status,
                "code": row.code,
                "description": row.description,
                "solution": row.solution,
            })
        })
        .collect()
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
    let mut parameters = Vec::new();
    for (location, place) in [(Location::Path, "path"), (Location::Query, "query")] {
        for field in &request_fields(op, location) {
            let mut schema = type_schema(service, &field.ty, Enums::Inline);
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
            if matches!(field.ty, FieldType::Array(_)) {
                // Said outright though it is the default: the parameter repeats per item.
                parameter.insert("style".into(), json!("form"));
                parameter.insert("explode".into(), json!(true));
            }
            parameter.insert("schema".into(), schema);
            // A request example holds path, query and body fields together: each parameter
            // carries its own value under the example's key.
            let name = field.wire_name.clone();
            let examples = examples(op, ExampleKind::Request, |value| match value {
                Value::Object(mut all) => all.remove(&name).unwrap_or(Value::Null),
                _ => Value::Null,
            })?;
            let examples: Map<String, Value> = examples
                .into_iter()
                .filter(|(_, example)| !example["value"].is_null())
                .collect();
            if !examples.is_empty() {
                parameter.insert("examples".into(), Value::Object(examples));
            }
            parameters.push(Value::Object(parameter));
        }
    }
    // The documented headers: the client sets them (signature, serial), said for readers.
    for header in &op.headers {
        let mut parameter = Map::new();
        parameter.insert("name".into(), json!(header.name));
        parameter.insert("in".into(), json!("header"));
        parameter.insert("required".into(), json!(header.required));
        insert_text(&mut parameter, "description", &header.description);
        parameter.insert("schema".into(), json!({"type": "string"}));
        parameters.push(Value::Object(parameter));
    }
    Ok(parameters)
}

fn request_body(service: &Service, op: &Operation) -> Result<Value, EmitError> {
    let owned = request_fields(op, Location::Body);
    let fields: Vec<&Field> = owned.iter().collect();
    let mut schema = object_schema(service, &fields);
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

/// A multipart upload: the meta part (the body fields plus what the client computes into it,
/// sent as JSON and signed), the form fields as parts of their own, and the file part.
/// `x-wechatpay-upload` keeps what OpenAPI cannot say: the digest, the limits, the types.
fn upload_body(service: &Service, op: &Operation, upload: &crate::ir::Upload) -> Value {
    let owned = request_fields(op, Location::Body);
    let is_form = |field: &&Field| upload.form_fields.contains(&field.wire_name);
    let meta_fields: Vec<&Field> = owned.iter().filter(|field| !is_form(field)).collect();
    let form_fields: Vec<&Field> = owned.iter().filter(is_form).collect();
    let mut meta = object_schema(service, &meta_fields);
    if let Value::Object(meta) = &mut meta {
        let computed = std::iter::once((&upload.digest, "文件摘要 (computed by the client)"))
            .chain(
                upload
                    .file_name
                    .iter()
                    .map(|name| (name, "文件名称 (the file's name, set by the client)")),
            );
        let properties = meta.entry("properties").or_insert_with(|| json!({}));
        if let Value::Object(properties) = properties {
            for (name, description) in computed.clone() {
                properties.insert(
                    name.clone(),
                    json!({"type": "string", "description": description}),
                );
            }
        }
        let required = meta.entry("required").or_insert_with(|| json!([]));
        if let Value::Array(required) = required {
            required.extend(computed.map(|(name, _)| json!(name)));
        }
    }
    let mut properties = Map::new();
    properties.insert(upload.meta_part.clone(), meta);
    let form = object_schema(service, &form_fields);
    if let Some(Value::Object(form)) = form.get("properties") {
        properties.extend(form.clone());
    }
    properties.insert(
        upload.file_part.clone(),
        json!({"type": "string", "format": "binary", "description": upload.description}),
    );
    let mut required = vec![json!(upload.meta_part), json!(upload.file_part)];
    required.extend(
        form_fields
            .iter()
            .filter(|field| field.required)
            .map(|field| json!(field.wire_name)),
    );
    let mut encoding = Map::new();
    encoding.insert(
        upload.meta_part.clone(),
        json!({"contentType": "application/json"}),
    );
    let types: Vec<&str> = upload
        .types
        .iter()
        .map(|(_, content_type)| content_type.as_str())
        .collect();
    if !types.is_empty() {
        encoding.insert(
            upload.file_part.clone(),
            json!({"contentType": types.join(", ")}),
        );
    }
    let digest = upload.digest_algorithm.key();
    json!({
        "required": true,
        "content": {"multipart/form-data": {
            "schema": {"type": "object", "properties": properties, "required": required},
            "encoding": encoding,
        }},
        "x-wechatpay-upload": {
            "file_part": upload.file_part,
            "meta_part": upload.meta_part,
            "digest": upload.digest,
            "digest_algorithm": digest,
            "file_name": upload.file_name,
            "max_bytes": upload.max_bytes,
            "types": upload.types.iter().cloned().collect::<std::collections::BTreeMap<_, _>>(),
            "form_fields": upload.form_fields,
            "signed": "the meta part, exactly as sent",
        },
    })
}

/// One documented success status: the signature headers, and the body's schema when it has one
/// (the documented examples go with the main status's body).
fn success_response(
    service: &Service,
    op: &Operation,
    body: Option<&TypeRef>,
) -> Result<Value, EmitError> {
    let mut success = Map::new();
    let mut headers = Map::new();
    for name in std::iter::once("Request-ID").chain(SIGNATURE_HEADERS.map(|(name, _)| name)) {
        headers.insert(name.into(), header_ref(name));
    }
    success.insert("headers".into(), Value::Object(headers));
    match body {
        Some(body) => {
            let model = service.model(body);
            let description = if model.description.trim().is_empty() {
                format!("{} 的应答", op.title)
            } else {
                model.description.clone()
            };
            success.insert("description".into(), json!(description));
            let mut media = Map::new();
            media.insert(
                "schema".into(),
                json!({"$ref": schema_ref(service, &body.name)}),
            );
            if op.response.body.as_ref().map(|main| &main.name) == Some(&body.name) {
                let examples = examples(op, ExampleKind::Response, |value| value)?;
                if !examples.is_empty() {
                    media.insert("examples".into(), Value::Object(examples));
                }
            }
            success.insert("content".into(), json!({"application/json": media}));
        }
        None if op.response.download.is_some() => {
            success.insert(
                "description".into(),
                json!("文件 (见 x-wechatpay-download)"),
            );
            success.insert(
                "content".into(),
                json!({"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}),
            );
        }
        None => {
            success.insert("description".into(), json!("无应答包体"));
        }
    }
    Ok(Value::Object(success))
}

fn responses(api: &Api, service: &Service, op: &Operation) -> Result<Value, EmitError> {
    let mut responses = Map::new();
    let main = success_response(service, op, op.response.body.as_ref())?;
    responses.insert(op.response.status.to_string(), main);
    let alternatives = op.response.outcomes.iter().flat_map(|o| &o.variants[1..]);
    for outcome in alternatives {
        let answer = success_response(service, op, outcome.body.as_ref())?;
        responses.insert(outcome.status.to_string(), answer);
    }
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
