//! `generated-sdk/openapi.json` against the spec it comes from (read through the IR, so the checks
//! follow the spec as it grows), a few facts pinned by hand, and a standard validator:
//! `openapi-spec-validator` from PyPI, which the test installs under `target/` when it is missing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

use codegen::ir::{Api, Field, FieldType, Location, Service};
use codegen::output::MARKER;
use serde_json::{Value, json};

const OPENAPI_PATH: &str = "generated-sdk/openapi.json";
/// The validator, pinned: a new release may judge differently, so it is upgraded on purpose.
const VALIDATOR: &str = "openapi-spec-validator";
const VALIDATOR_VERSION: &str = "0.9.0";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn naming_fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/naming")
}

/// The exported document's text, as `cargo xtask gen` would write it for the spec under `root`.
fn openapi_text(root: &Path) -> String {
    let generated =
        codegen::generate_from(root).unwrap_or_else(|error| panic!("generation failed:\n{error}"));
    generated
        .output
        .get(OPENAPI_PATH)
        .unwrap_or_else(|| panic!("no {OPENAPI_PATH} in the output"))
        .to_owned()
}

fn openapi(root: &Path) -> Value {
    serde_json::from_str(&openapi_text(root))
        .unwrap_or_else(|error| panic!("{OPENAPI_PATH} is not JSON: {error}"))
}

/// The IR of the spec under `root`: what the export must agree with.
fn api(root: &Path) -> Api {
    let sources = codegen::spec::read_sources(root).unwrap_or_else(|errors| panic!("{errors}"));
    let spec = codegen::spec::parse(&sources).unwrap_or_else(|errors| panic!("{errors}"));
    codegen::ir::build(&spec).unwrap_or_else(|errors| panic!("{errors}"))
}

/// `value[key]`, failing with the path walked so far.
fn at<'a>(value: &'a Value, path: &[&str]) -> &'a Value {
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

fn component_name(service: &Service, name: &str) -> String {
    format!("{}.{name}", service.name)
}

fn schema_ref(service: &Service, name: &str) -> String {
    format!("#/components/schemas/{}", component_name(service, name))
}

fn operation<'a>(document: &'a Value, path: &str, method: &str) -> &'a Value {
    at(document, &["paths", path, &method.to_ascii_lowercase()])
}

fn strings(value: &Value) -> Vec<&str> {
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
fn check_field_schema(service: &Service, field: &Field, schema: &Value, context: &str) {
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

fn check_type(service: &Service, ty: &FieldType, schema: &Value, context: &str) {
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
        FieldType::Boolean => assert_eq!(get("type"), Some("boolean"), "{context}"),
        FieldType::DateTime => {
            assert_eq!(get("type"), Some("string"), "{context}");
            assert_eq!(get("format"), Some("date-time"), "{context}");
        }
        FieldType::Struct(name) => {
            assert_eq!(
                get("$ref"),
                Some(schema_ref(service, name).as_str()),
                "{context}"
            );
        }
        FieldType::Enum(name) => match get("$ref") {
            Some(reference) => assert_eq!(reference, schema_ref(service, name), "{context}"),
            None => {
                let item = service
                    .enums
                    .iter()
                    .find(|item| &item.name == name)
                    .expect("the IR's enum");
                let wire: Vec<&str> = item.variants.iter().map(|v| v.wire.as_str()).collect();
                assert_eq!(get("type"), Some("string"), "{context}");
                assert_eq!(strings(at(schema, &["enum"])), wire, "{context}: enum");
            }
        },
        FieldType::Array(items) => {
            assert_eq!(get("type"), Some("array"), "{context}");
            check_type(service, items, at(schema, &["items"]), context);
        }
    }
}

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
            assert_eq!(at(exported, &["operationId"]), op.id.as_str());
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
            let parameters = exported
                .get("parameters")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
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
            }

            let body_owned = relaxed(op, Location::Body);
            let body: Vec<&Field> = body_owned.iter().collect();
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

/// The request fields at `location` as the export describes them: common ones as they are, each
/// mode's with `required` off.
fn relaxed(op: &codegen::ir::Operation, location: Location) -> Vec<Field> {
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
fn check_object(service: &Service, fields: &[&Field], schema: &Value, context: &str) {
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
            assert_eq!(at(schema, &["type"]), "string", "{name}");
            let wire: Vec<&str> = item.variants.iter().map(|v| v.wire.as_str()).collect();
            assert_eq!(strings(at(schema, &["enum"])), wire, "{name}: values");
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
            let success = at(responses, &[&op.response.status.to_string()]);
            match &op.response.body {
                Some(body) => assert_eq!(
                    at(success, &["content", "application/json", "schema", "$ref"]),
                    schema_ref(service, body).as_str(),
                    "{}",
                    op.id
                ),
                None => assert!(success.get("content").is_none(), "{}: no body", op.id),
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
    assert_eq!(at(close, &["operationId"]), "close_recharge");
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
    assert_eq!(at(query, &["operationId"]), "query_recharge");
    assert_eq!(
        at(query, &["parameters", "1"]),
        &json!({
            "name": "sub_mchid",
            "in": "query",
            "required": true,
            "description": "【二级商户号】 二级商户号",
            "schema": {"type": "string", "maxLength": 32},
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
    assert_eq!(at(matched, &["operationId"]), "match");
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

/// A directory where `openapi-spec-validator` is importable, installed with pip on first use.
/// Tests of this binary share one install; each run of the suite reuses it.
fn validator() -> &'static Path {
    static INSTALL: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match INSTALL.get_or_init(install_validator) {
        Ok(dir) => dir,
        Err(message) => panic!("{message}"),
    }
}

fn install_validator() -> Result<PathBuf, String> {
    let target = workspace_root().join("target/python");
    let dir = target.join(format!("{VALIDATOR}-{VALIDATOR_VERSION}"));
    if dir.join(".installed").exists() {
        return Ok(dir);
    }
    let python = Command::new("python3").arg("--version").output();
    if !python.is_ok_and(|output| output.status.success()) {
        return Err(format!(
            "python3 is needed to run {VALIDATOR} on the OpenAPI export, and none was found \
             on PATH; install Python 3.10 or newer with pip (e.g. `apt-get install python3 \
             python3-pip`)"
        ));
    }
    // Installed next to the final place and renamed into it, so an interrupted install is never
    // taken for a finished one; the pid keeps two test runs at once out of each other's way.
    let partial = target.join(format!(
        "{VALIDATOR}-{VALIDATOR_VERSION}.partial-{}",
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&partial);
    fs::create_dir_all(&target).map_err(|error| format!("create {}: {error}", target.display()))?;
    let output = Command::new("python3")
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args(["--no-warn-conflicts", "--no-input", "--target"])
        .arg(&partial)
        .arg(format!("{VALIDATOR}=={VALIDATOR_VERSION}"))
        .output()
        .map_err(|error| format!("cannot run python3 -m pip: {error}"))?;
    if !output.status.success() {
        let _ = fs::remove_dir_all(&partial);
        return Err(format!(
            "installing {VALIDATOR}=={VALIDATOR_VERSION} from PyPI with `python3 -m pip` failed \
             (is pip installed, and PyPI reachable?):\n{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    fs::write(partial.join(".installed"), VALIDATOR_VERSION)
        .map_err(|error| format!("mark the install: {error}"))?;
    if dir.join(".installed").exists() {
        // Another run finished first; its install is as good as this one.
        let _ = fs::remove_dir_all(&partial);
        return Ok(dir);
    }
    let _ = fs::remove_dir_all(&dir);
    fs::rename(&partial, &dir).map_err(|error| format!("move the install: {error}"))?;
    Ok(dir)
}

/// Runs the validator on the export of the spec under `root`, written under `target/`.
fn assert_valid_openapi(root: &Path, name: &str) {
    let validator = validator();
    let dir = workspace_root().join("target/codegen-tests/openapi");
    fs::create_dir_all(&dir).expect("create scratch dir");
    let file = dir.join(format!("{name}.json"));
    fs::write(&file, openapi_text(root)).expect("write the document");
    // One validator run at a time: two at once would double the memory for no gain on 2 cores.
    static RUN: Mutex<()> = Mutex::new(());
    let _turn = RUN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let output = Command::new("python3")
        .args(["-m", "openapi_spec_validator", "--schema", "3.1"])
        .args(["--validation-errors", "all"])
        .arg(&file)
        .env("PYTHONPATH", validator)
        .env("PYTHONNOUSERSITE", "1")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("run python3");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("OK"),
        "{VALIDATOR} {VALIDATOR_VERSION} rejects the OpenAPI export of {name} ({}):\n{stdout}\n{stderr}",
        file.display()
    );
}

#[test]
fn the_export_of_the_real_spec_passes_openapi_spec_validator() {
    assert_valid_openapi(&workspace_root(), "spec");
}

#[test]
fn the_export_of_the_naming_fixture_passes_openapi_spec_validator() {
    assert_valid_openapi(&naming_fixture(), "naming");
}
