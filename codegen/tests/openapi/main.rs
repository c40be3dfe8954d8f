//! `generated-sdk/openapi.json` against the spec it comes from (read through the IR, so the checks
//! follow the spec as it grows), a few facts pinned by hand, and a standard validator:
//! `openapi-spec-validator` from PyPI, which the test installs under `target/` when it is missing.
//! The spec format's own JSON Schema is checked here too (`spec_schema`), with the `jsonschema`
//! validator that install brings.

mod spec_schema;
mod support;
mod validator;

use codegen::ir::{Field, Location};
use codegen::output::MARKER;
use serde_json::{Value, json};

use support::*;

#[test]
fn the_first_line_carries_the_generated_marker() {
    let text = openapi_text(&workspace_root());
    let first_line = text.lines().next().unwrap_or_default();
    assert!(
        first_line.starts_with("{\"x-generated\": \"") && first_line.contains(MARKER),
        "{first_line}"
    );
    assert!(first_line.contains("spec/services/platsolution.yaml"));
    let document: Value = serde_json::from_str(&text).expect("JSON");
    assert!(
        at(&document, &["x-generated"])
            .as_str()
            .is_some_and(|marker| marker.contains(MARKER))
    );
    assert_eq!(at(&document, &["openapi"]), "3.1.0");
    assert!(text.ends_with("}\n"));
}

#[test]
fn every_operation_is_exported_with_its_id_method_path_texts_and_servers() {
    let root = workspace_root();
    let (api, document) = (api(&root), openapi(&root));
    let mut exported = 0;
    for item in at(&document, &["paths"])
        .as_object()
        .expect("paths")
        .values()
    {
        exported += item.as_object().expect("path item").len();
    }
    assert_eq!(
        exported,
        api.operation_count(),
        "one operation per spec operation"
    );
    for service in &api.services {
        for op in &service.operations {
            let exported = operation(&document, &op.path, op.method.as_str());
            assert_eq!(
                at(exported, &["operationId"]),
                format!("{}.{}", service.name, op.id).as_str()
            );
            assert_eq!(at(exported, &["summary"]), op.title.as_str());
            assert_eq!(at(exported, &["description"]), op.description.as_str());
            assert_eq!(strings(at(exported, &["tags"])), [service.name.as_str()]);
            let mut hosts = vec![service.hosts.main.as_str()];
            hosts.extend(service.hosts.backup.as_deref());
            let servers: Vec<&str> = at(exported, &["servers"])
                .as_array()
                .expect("servers")
                .iter()
                .map(|server| at(server, &["url"]).as_str().expect("url"))
                .collect();
            assert_eq!(servers, hosts, "{}: servers", op.id);
        }
    }
}

#[test]
fn every_request_field_is_a_parameter_or_a_body_property() {
    let root = workspace_root();
    let (api, document) = (api(&root), openapi(&root));
    for service in &api.services {
        for op in &service.operations {
            let exported = operation(&document, &op.path, op.method.as_str());
            // Common fields as they are; a merchant mode's fields are required only within
            // their mode (x-modes), so the export marks them optional.
            let expected_owned: Vec<(&str, Field)> =
                [(Location::Path, "path"), (Location::Query, "query")]
                    .into_iter()
                    .flat_map(|(location, place)| {
                        relaxed(op, location)
                            .into_iter()
                            .map(move |field| (place, field))
                    })
                    .collect();
            let expected: Vec<(&str, &Field)> = expected_owned
                .iter()
                .map(|(place, field)| (*place, field))
                .collect();
            let all_parameters = exported
                .get("parameters")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            // The documented headers come last, as header parameters.
            let (headers, parameters): (Vec<Value>, Vec<Value>) = all_parameters
                .into_iter()
                .partition(|parameter| parameter["in"] == "header");
            let header_names: Vec<&str> = headers
                .iter()
                .filter_map(|header| header["name"].as_str())
                .collect();
            let documented: Vec<&str> = op.headers.iter().map(|h| h.name.as_str()).collect();
            assert_eq!(header_names, documented, "{}: headers", op.id);
            assert_eq!(parameters.len(), expected.len(), "{}: parameters", op.id);
            for (parameter, (place, field)) in parameters.iter().zip(&expected) {
                let context = format!("{} parameter {}", op.id, field.wire_name);
                assert_eq!(
                    at(parameter, &["name"]),
                    field.wire_name.as_str(),
                    "{context}"
                );
                assert_eq!(at(parameter, &["in"]), *place, "{context}");
                assert_eq!(
                    at(parameter, &["required"]),
                    field.required || *place == "path",
                    "{context}"
                );
                check_field_schema(service, field, at(parameter, &["schema"]), &context);
                if matches!(field.ty, codegen::ir::FieldType::Array(_)) {
                    // Repeated once per item, as the client sends it.
                    assert_eq!(at(parameter, &["style"]), "form", "{context}");
                    assert_eq!(at(parameter, &["explode"]), true, "{context}");
                }
            }

            let body_owned = relaxed(op, Location::Body);
            let body: Vec<&Field> = body_owned.iter().collect();
            if let Some(upload) = &op.upload {
                check_upload(service, op, upload, &body, exported);
                continue;
            }
            if !op.has_body() {
                assert!(exported.get("requestBody").is_none(), "{}: no body", op.id);
                continue;
            }
            let request_body = at(exported, &["requestBody"]);
            assert_eq!(at(request_body, &["required"]), true);
            let schema = at(request_body, &["content", "application/json", "schema"]);
            check_object(service, &body, schema, &op.id);
        }
    }
}

/// An upload's multipart body: the meta part holds the meta fields and the two the client
/// computes, each form field is a part of its own, the file part is binary.
fn check_upload(
    service: &codegen::ir::Service,
    op: &codegen::ir::Operation,
    upload: &codegen::ir::Upload,
    body: &[&Field],
    exported: &Value,
) {
    let multipart = at(exported, &["requestBody", "content", "multipart/form-data"]);
    let parts = at(multipart, &["schema", "properties"]);
    let file = at(parts, &[&upload.file_part]);
    assert_eq!(at(file, &["format"]), "binary", "{}: file part", op.id);
    let computed: Vec<&str> = std::iter::once(upload.digest.as_str())
        .chain(upload.file_name.as_deref())
        .collect();
    let mut meta = at(parts, &[&upload.meta_part]).clone();
    for name in &computed {
        assert!(
            meta["properties"].get(*name).is_some(),
            "{}: meta lacks {name}",
            op.id
        );
    }
    if let Some(properties) = meta["properties"].as_object_mut() {
        properties.retain(|name, _| !computed.contains(&name.as_str()));
    }
    if let Some(required) = meta["required"].as_array_mut() {
        required.retain(|name| !computed.iter().any(|computed| name == *computed));
        if required.is_empty() {
            meta.as_object_mut().map(|meta| meta.remove("required"));
        }
    }
    let is_form = |field: &&&Field| upload.form_fields.contains(&field.wire_name);
    let meta_fields: Vec<&Field> = body.iter().filter(|f| !is_form(f)).copied().collect();
    check_object(service, &meta_fields, &meta, &op.id);
    for field in body.iter().filter(is_form) {
        assert!(
            parts.get(&field.wire_name).is_some(),
            "{}: form field {}",
            op.id,
            field.wire_name
        );
    }
    assert_eq!(
        at(multipart, &["encoding", &upload.meta_part, "contentType"]),
        "application/json"
    );
}

/// The request fields at `location` as the export describes them: common ones as they are, each
/// mode's with `required` off.
#[test]
fn every_named_type_and_enum_is_a_component() {
    let root = workspace_root();
    let (api, document) = (api(&root), openapi(&root));
    let schemas = at(&document, &["components", "schemas"]);
    for service in &api.services {
        for model in &service.structs {
            let name = component_name(service, &model.name);
            let schema = at(schemas, &[&name]);
            let fields: Vec<&Field> = model.fields.iter().collect();
            check_object(service, &fields, schema, &name);
            assert_eq!(at(schema, &["description"]), model.description.as_str());
        }
        for item in &service.enums {
            let name = component_name(service, &item.name);
            let schema = at(schemas, &[&name]);
            let wire: Vec<&str> = item.variants.iter().map(|v| v.wire.as_str()).collect();
            if item.integer {
                assert_eq!(at(schema, &["type"]), "integer", "{name}");
                let values: Vec<String> = at(schema, &["enum"])
                    .as_array()
                    .expect("values")
                    .iter()
                    .map(|value| value.as_i64().expect("an integer").to_string())
                    .collect();
                assert_eq!(values, wire, "{name}: values");
            } else {
                assert_eq!(at(schema, &["type"]), "string", "{name}");
                assert_eq!(strings(at(schema, &["enum"])), wire, "{name}: values");
            }
            let meanings = at(schema, &["x-enum-descriptions"]);
            assert_eq!(
                meanings.as_object().expect("map").len(),
                wire.len(),
                "{name}"
            );
            for variant in &item.variants {
                assert_eq!(
                    at(meanings, &[&variant.wire]).as_str(),
                    variant.meaning.as_deref(),
                    "{name}.{}",
                    variant.wire
                );
            }
        }
    }
}

#[test]
fn every_error_row_is_listed_in_doc_order_and_every_status_answered() {
    let root = workspace_root();
    let (api, document) = (api(&root), openapi(&root));
    for service in &api.services {
        for op in &service.operations {
            let exported = operation(&document, &op.path, op.method.as_str());
            let expected: Vec<Value> = api
                .common_errors
                .iter()
                .chain(&op.errors)
                .map(|row| {
                    json!({
                        "status": row.status,
                        "code": row.code,
                        "description": row.description,
                        "solution": row.solution,
                    })
                })
                .collect();
            assert_eq!(
                at(exported, &["x-error-codes"]).as_array().expect("rows"),
                &expected,
                "{}: x-error-codes",
                op.id
            );
            let responses = at(exported, &["responses"]);
            // Every documented success status with its own body (or none).
            let main = (op.response.status, op.response.body.as_ref());
            let alternatives = op.response.outcomes.iter().flat_map(|outcomes| {
                outcomes.variants[1..]
                    .iter()
                    .map(|outcome| (outcome.status, outcome.body.as_ref()))
            });
            for (status, body) in std::iter::once(main).chain(alternatives) {
                let success = at(responses, &[&status.to_string()]);
                match body {
                    Some(body) => assert_eq!(
                        at(success, &["content", "application/json", "schema", "$ref"]),
                        schema_ref(service, &body.name).as_str(),
                        "{} {status}",
                        op.id
                    ),
                    // A file: its bytes, with x-wechatpay-download saying how it is checked.
                    None if op.response.download.is_some() => {
                        assert_eq!(
                            at(
                                success,
                                &["content", "application/octet-stream", "schema", "format"]
                            ),
                            "binary",
                            "{} {status}: a file",
                            op.id
                        );
                        assert!(exported.get("x-wechatpay-download").is_some(), "{}", op.id);
                    }
                    None => assert!(
                        success.get("content").is_none(),
                        "{} {status}: no body",
                        op.id
                    ),
                }
            }
            for row in api.common_errors.iter().chain(&op.errors) {
                let answer = at(responses, &[&row.status.to_string()]);
                let description = at(answer, &["description"]).as_str().expect("text");
                assert!(
                    description.contains(&format!("{}: {}", row.code, row.description)),
                    "{}: {} {} in {description}",
                    op.id,
                    row.status,
                    row.code
                );
            }
        }
    }
}

#[test]
fn every_reference_resolves() {
    for root in [workspace_root(), naming_fixture()] {
        let document = openapi(&root);
        let mut pending = vec![&document];
        let mut count = 0;
        while let Some(value) = pending.pop() {
            match value {
                Value::Object(map) => {
                    if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                        let pointer = reference.strip_prefix('#').expect("a local reference");
                        assert!(document.pointer(pointer).is_some(), "dangling {reference}");
                        count += 1;
                    }
                    pending.extend(map.values());
                }
                Value::Array(items) => pending.extend(items),
                _ => {}
            }
        }
        assert!(count > 0);
    }
}

#[test]
fn spot_checks_against_the_documentation() {
    let document = openapi(&workspace_root());
    let close = operation(
        &document,
        "/v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close",
        "POST",
    );
    assert_eq!(at(close, &["operationId"]), "platsolution.close_recharge");
    let codes: Vec<&str> = at(close, &["x-error-codes"])
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| at(row, &["code"]).as_str().expect("code"))
        .collect();
    assert_eq!(
        codes,
        [
            "PARAM_ERROR",
            "INVALID_REQUEST",
            "SIGN_ERROR",
            "SYSTEM_ERROR",
            "NOT_FOUND",
            "NO_AUTH",
            "FREQUENCY_LIMITED"
        ],
        "4 common rows, then 3 business rows"
    );
    let statuses: Vec<&String> = at(close, &["responses"])
        .as_object()
        .expect("responses")
        .keys()
        .collect();
    assert_eq!(statuses, ["200", "400", "401", "403", "404", "429", "500"]);

    let deposit = at(
        &document,
        &["components", "schemas", "platsolution.MchDeposit"],
    );
    assert_eq!(at(deposit, &["properties", "recharge_id", "maxLength"]), 27);
    let accept_time = at(deposit, &["properties", "accept_time"]);
    assert_eq!(at(accept_time, &["format"]), "date-time");
    assert_eq!(at(accept_time, &["maxLength"]), 32);
    assert_eq!(
        at(
            deposit,
            &["properties", "available_recharge_channels", "items", "$ref"]
        ),
        "#/components/schemas/platsolution.RechargeChannel"
    );
    let amount = at(
        &document,
        &[
            "components",
            "schemas",
            "platsolution.RechargeAmount",
            "properties",
            "amount",
        ],
    );
    assert_eq!(
        amount,
        &json!({"type": "integer", "format": "int64", "description": "【总金额】 单位为分"})
    );
    let channel = at(
        &document,
        &["components", "schemas", "platsolution.RechargeChannel"],
    );
    assert_eq!(
        strings(at(channel, &["enum"])),
        ["BANK_TRANSFER", "QR_RECHARGE", "ONLINE_BANK"]
    );
    assert_eq!(
        at(channel, &["x-enum-descriptions", "QR_RECHARGE"]),
        "扫码充值"
    );
    let employee = at(
        &document,
        &["components", "schemas", "platsolution.EmployeeType"],
    );
    assert_eq!(
        at(employee, &["x-enum-descriptions", "LEGAL_PERSON"]),
        &Value::Null
    );

    let apply = operation(
        &document,
        "/v3/platsolution/ecommerce/recharges/apply",
        "POST",
    );
    let body = at(apply, &["requestBody", "content", "application/json"]);
    assert_eq!(
        strings(at(body, &["schema", "required"])),
        [
            "sub_mchid",
            "out_recharge_no",
            "recharge_scene",
            "account_type",
            "recharge_amount"
        ]
    );
    assert_eq!(
        at(
            body,
            &[
                "examples",
                "example_1",
                "value",
                "recharge_amount",
                "amount"
            ]
        ),
        500000
    );
    let query = operation(
        &document,
        "/v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}",
        "GET",
    );
    assert_eq!(at(query, &["operationId"]), "platsolution.query_recharge");
    assert_eq!(
        at(query, &["parameters", "1"]),
        &json!({
            "name": "sub_mchid",
            "in": "query",
            "required": true,
            "description": "【二级商户号】 二级商户号",
            "schema": {"type": "string", "maxLength": 32},
            // The documented request example's value for this parameter.
            "examples": {"example_1": {"summary": "请求示例(据 Java 示例代码)", "value": "1900102208"}},
        })
    );
    assert_eq!(
        at(query, &["servers", "1", "url"]),
        "https://api2.mch.weixin.qq.com"
    );
}

#[test]
fn the_naming_fixture_exports_webhooks_sensitive_fields_and_a_204() {
    let root = naming_fixture();
    let (api, document) = (api(&root), openapi(&root));
    let service = &api.services[0];
    let notification = &service.notifications[0];
    let webhook = at(&document, &["webhooks", &notification.id, "post"]);
    assert_eq!(at(webhook, &["summary"]), notification.title.as_str());
    assert_eq!(
        at(webhook, &["x-event-types"]),
        &json!({"SELF.CHANGED": "已变更", "SELF.GONE": null})
    );
    assert_eq!(
        at(webhook, &["x-decrypted-resource", "schema", "$ref"]),
        "#/components/schemas/obstacle.Self_"
    );
    let schema = at(
        webhook,
        &["requestBody", "content", "application/json", "schema"],
    );
    assert_eq!(
        strings(at(schema, &["properties", "event_type", "enum"])),
        ["SELF.CHANGED", "SELF.GONE"]
    );

    let owner = at(
        &document,
        &["components", "schemas", "obstacle.Owner", "properties"],
    );
    assert_eq!(at(owner, &["id_card_number", "x-sensitive"]), true);
    assert_eq!(at(owner, &["name", "x-sensitive"]), true);
    assert!(at(owner, &["city"]).get("x-sensitive").is_none());

    let matched = operation(&document, "/v3/things/{type}/do", "POST");
    assert_eq!(at(matched, &["operationId"]), "obstacle.match");
    assert!(at(matched, &["responses", "204"]).get("content").is_none());
    assert_eq!(at(matched, &["parameters", "0", "name"]), "type");
    let asynchronous = at(matched, &["parameters", "1"]);
    assert_eq!(at(asynchronous, &["name"]), "async");
    assert_eq!(at(asynchronous, &["required"]), false);
    assert_eq!(
        strings(at(asynchronous, &["schema", "enum"])),
        ["1", "SELF", "ok_value"]
    );
    assert_eq!(
        at(matched, &["servers", "0", "url"]),
        "https://apihk.example.test",
        "the service's own host"
    );
    let option = at(&document, &["components", "schemas", "obstacle.Option_"]);
    assert_eq!(strings(at(option, &["required"])), ["type"]);
    assert_eq!(at(option, &["properties", "3ds_info", "type"]), "string");
}
