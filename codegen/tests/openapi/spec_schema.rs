//! The spec format's JSON Schema (`spec/schema/`, written by `cargo xtask gen` from the spec
//! model) against `jsonschema`, the Python validator installed with openapi-spec-validator: it
//! accepts every spec file, and rejects each invalid fixture whose error is one of shape.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use codegen::spec::format::{API_MODELINE, SERVICE_MODELINE};
use serde_json::{Value, json};

use super::support::workspace_root;
use super::validator::validator;

/// Validation errors of each document, as `(document, JSON pointer, message)`.
fn schema_errors(documents: &[(String, &'static str, Value)]) -> Vec<(String, String, String)> {
    let root = workspace_root();
    let dir = root.join("target/codegen-tests/spec-schema");
    fs::create_dir_all(&dir).expect("create scratch dir");
    let schema = |name: &str| -> Value {
        let text = fs::read_to_string(root.join("spec/schema").join(name)).expect("read schema");
        serde_json::from_str(&text).expect("the schema is JSON")
    };
    let input = json!({
        "schemas": { "api": schema("api.schema.json"), "service": schema("service.schema.json") },
        "documents": documents
            .iter()
            .map(|(name, kind, document)| json!([name, kind, document]))
            .collect::<Vec<_>>(),
    });
    // Tests run on threads of one process: each call has its own file.
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, Ordering::Relaxed);
    let file = dir.join(format!("input-{}-{call}.json", std::process::id()));
    fs::write(&file, input.to_string()).expect("write input");
    let output = Command::new("python3")
        .arg("-c")
        .arg(CHECK)
        .arg(&file)
        .env("PYTHONPATH", validator())
        .env("PYTHONNOUSERSITE", "1")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("run python3");
    let _ = fs::remove_file(&file);
    assert!(
        output.status.success(),
        "the jsonschema run failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            let mut parts = line.splitn(3, '\t').map(str::to_owned);
            let mut next = || parts.next().unwrap_or_default();
            (next(), next(), next())
        })
        .collect()
}

/// Checks both schemas against the 2020-12 meta-schema, then prints one line per error:
/// document, JSON pointer, message.
const CHECK: &str = r#"
import json, sys
from jsonschema import Draft202012Validator
data = json.load(open(sys.argv[1], encoding="utf-8"))
validators = {}
for kind, schema in data["schemas"].items():
    Draft202012Validator.check_schema(schema)
    validators[kind] = Draft202012Validator(schema)
for name, kind, document in data["documents"]:
    for error in validators[kind].iter_errors(document):
        pointer = "/" + "/".join(str(part) for part in error.absolute_path)
        message = error.message.replace("\t", " ").replace("\n", " ")[:300]
        print(f"{name}\t{pointer}\t{message}")
"#;

/// The spec files under `spec_dir` as JSON, read as YAML 1.2 the way the generator and
/// yaml-language-server read them.
fn documents(spec_dir: &Path, label: &str) -> Vec<(String, &'static str, Value)> {
    let mut files = vec![(spec_dir.join("api.yaml"), "api")];
    let mut services: Vec<_> = fs::read_dir(spec_dir.join("services"))
        .expect("list services")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    services.sort();
    files.extend(services.into_iter().map(|path| (path, "service")));
    files
        .into_iter()
        .map(|(path, kind)| {
            let text = fs::read_to_string(&path).expect("read spec file");
            let yaml: serde_yaml::Value = serde_yaml::from_str(&text).expect("YAML");
            let name = path.strip_prefix(spec_dir).unwrap_or(&path).display();
            (
                format!("{label}/{name}"),
                kind,
                serde_json::to_value(yaml).expect("JSON"),
            )
        })
        .collect()
}

#[test]
fn every_spec_file_names_its_schema_and_passes_it() {
    let spec_dir = workspace_root().join("spec");
    for (path, modeline) in std::iter::once((spec_dir.join("api.yaml"), API_MODELINE)).chain(
        fs::read_dir(spec_dir.join("services"))
            .expect("list")
            .map(|entry| (entry.expect("entry").path(), SERVICE_MODELINE)),
    ) {
        let text = fs::read_to_string(&path).expect("read");
        assert!(
            text.lines().take(3).any(|line| line == modeline),
            "{} does not name its schema ({modeline})",
            path.display()
        );
    }
    let errors = schema_errors(&documents(&spec_dir, "spec"));
    assert!(errors.is_empty(), "{errors:#?}");
}

fn fixture_documents(kind: &str) -> Vec<(String, &'static str, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/invalid")
        .join(kind)
        .join("spec");
    documents(&dir, kind)
}

/// Each fixture with an error of shape (a value's pattern or range, the names a mapping's keys
/// may have, attributes of one node that go together or exclude each other), and every place
/// the schema rejects in it (`file JSON-pointer`).
const SHAPE_FIXTURES: [(&str, &[&str]); 18] = [
    (
        "array_items",
        &[
            "services/demo.yaml /types/Batch/fields/ids",
            "services/demo.yaml /types/Batch/fields/name",
        ],
    ),
    (
        "downloads",
        &[
            "services/demo.yaml /operations/archive_file/response/download",
            "services/demo.yaml /operations/badly_signed_file/response/download",
            "services/demo.yaml /operations/twice_checked_file/response/download",
            "services/demo.yaml /operations/unchecked_file/response/download",
        ],
    ),
    (
        "enums",
        &[
            "services/demo.yaml /enums/Blank/values",
            "services/demo.yaml /enums/Empty/values",
            "services/demo.yaml /enums/EmptyMap/values",
        ],
    ),
    (
        "error_rows",
        &[
            "services/demo.yaml /operations/touch_thing/errors/1/code",
            "services/demo.yaml /operations/touch_thing/errors/1/description",
            "services/demo.yaml /operations/touch_thing/errors/1/status",
            "services/demo.yaml /operations/touch_thing/errors/2/code",
            "services/demo.yaml /operations/touch_thing/errors/2/status",
        ],
    ),
    ("feature_names", &["services/pay.yaml /service/name"]),
    (
        "field_facts",
        &[
            "services/demo.yaml /types/Amount/fields/currency/max_length",
            "services/demo.yaml /types/Amount/fields/total/type",
        ],
    ),
    (
        "lifecycle_conditions",
        &[
            "services/orders.yaml /lifecycles/order/steps/close_order",
            "services/orders.yaml /lifecycles/order/steps/read_order",
        ],
    ),
    (
        "lifecycles",
        &[
            "services/demo.yaml /lifecycles/empty/steps",
            "services/demo.yaml /lifecycles/thing/steps/make_thing",
            "services/demo.yaml /lifecycles/thing/steps/shut_thing",
        ],
    ),
    ("naming_rules", &["services/demo.yaml /operations"]),
    (
        "operation_facts",
        &[
            "services/demo.yaml /operations/delete_thing/hosts",
            "services/demo.yaml /operations/delete_thing/merchants/1",
            "services/demo.yaml /operations/fetch_thing/merchants",
        ],
    ),
    (
        "path_params",
        &[
            "services/demo.yaml /operations/fetch_recharge/path",
            "services/demo.yaml /operations/list_recharges/path",
        ],
    ),
    (
        "platform_certificates",
        &["services/demo.yaml /operations/fetch_certificates/method"],
    ),
    (
        "responses",
        &[
            "services/demo.yaml /operations/delete_thing/response/body",
            "services/demo.yaml /operations/download_thing/response/alternatives",
            "services/demo.yaml /operations/fetch_thing/response/status",
            "services/demo.yaml /operations/notify_thing/response/alternatives/2/status",
            "services/demo.yaml /operations/notify_thing/response/alternatives/3/body",
        ],
    ),
    ("rust_name_collision", &["services/demo.yaml /operations"]),
    (
        "settings",
        &[
            "api.yaml /api/hosts/backup",
            "api.yaml /api/hosts/main",
            "api.yaml /errors/1/code",
            "api.yaml /errors/1/description",
            "api.yaml /errors/1/status",
            "services/demo.yaml /service/hosts",
            "services/demo.yaml /service/name",
        ],
    ),
    (
        "several_errors",
        &[
            "api.yaml /api/hosts/main",
            "services/demo.yaml /enums/State/values",
            "services/demo.yaml /types/RechargeAmount/fields/amount/type",
        ],
    ),
    (
        "type_names",
        &["services/demo.yaml /enums", "services/demo.yaml /types"],
    ),
    (
        "uploads",
        &[
            "services/demo.yaml /operations/upload_by_get/method",
            "services/demo.yaml /operations/upload_by_get/upload",
            "services/demo.yaml /operations/upload_image/upload",
        ],
    ),
];

/// Fixtures whose errors look across the spec: a name resolved elsewhere, a duplicate or a
/// clash between places, JSON inside a string read against a type. A schema of one file's
/// shape cannot see them; validation alone reports them, and the schema accepts these files.
const CROSS_REFERENCE_FIXTURES: [&str; 9] = [
    // Which services exist, and which crate already holds one.
    "crates",
    "duplicates_across_files",
    "example_json",
    "example_schema",
    "generated_name_clash",
    "request_fields",
    "response_body_kind",
    "type_enum_clash",
    "unknown_type",
];

#[test]
fn the_schema_rejects_each_shape_fixture_where_validation_does() {
    let mut documents = Vec::new();
    for (kind, _) in SHAPE_FIXTURES {
        documents.extend(fixture_documents(kind));
    }
    let errors = schema_errors(&documents);
    for (kind, expected) in SHAPE_FIXTURES {
        let mut places: Vec<String> = errors
            .iter()
            .filter_map(|(document, pointer, _)| {
                let file = document.strip_prefix(kind)?.strip_prefix('/')?;
                Some(format!("{file} {pointer}"))
            })
            .collect();
        places.sort();
        places.dedup();
        assert_eq!(places, expected, "fixture {kind}: {errors:#?}");
    }
}

#[test]
fn every_fixture_is_classified_and_cross_reference_fixtures_pass_the_schema() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid");
    let mut kinds: Vec<String> = fs::read_dir(&fixtures)
        .expect("list fixtures")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    kinds.sort();
    let mut classified: Vec<String> = SHAPE_FIXTURES
        .iter()
        .map(|(kind, _)| kind.to_string())
        .chain(CROSS_REFERENCE_FIXTURES.iter().map(|kind| kind.to_string()))
        .collect();
    classified.sort();
    assert_eq!(
        kinds, classified,
        "a new fixture needs a place in one of the two lists"
    );
    let documents: Vec<_> = CROSS_REFERENCE_FIXTURES
        .iter()
        .flat_map(|kind| fixture_documents(kind))
        .collect();
    let errors = schema_errors(&documents);
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn misspelt_missing_and_mistyped_attributes_are_rejected_with_their_pointer() {
    let service = |fields: &str| -> Value {
        let text = format!(
            "service: {{name: demo, title: T, description: D}}\ntypes:\n  Thing:\n    description: A thing.\n    fields:\n{fields}"
        );
        serde_json::to_value(serde_yaml::from_str::<serde_yaml::Value>(&text).expect("YAML"))
            .expect("JSON")
    };
    let documents = vec![
        (
            "misspelt".to_owned(),
            "service",
            service("      id: {type: string, max_lenght: 32, description: Id}\n"),
        ),
        (
            "missing".to_owned(),
            "service",
            service("      id: {type: string}\n"),
        ),
        (
            "mistyped".to_owned(),
            "service",
            service("      id: {type: string, required: 'yes', description: Id}\n"),
        ),
        (
            "method".to_owned(),
            "service",
            json!({
                "service": {"name": "demo", "title": "T", "description": "D"},
                "operations": {"fetch_thing": {
                    "title": "T", "description": "D", "merchants": ["直连商户"], "updated": "2026.12.04",
                    "method": "FETCH", "path": "/v3/things", "response": {"status": 200}
                }}
            }),
        ),
    ];
    let errors: Vec<(String, String)> = schema_errors(&documents)
        .into_iter()
        .map(|(document, pointer, _)| (document, pointer))
        .collect();
    let expected = [
        ("misspelt", "/types/Thing/fields/id"),
        ("missing", "/types/Thing/fields/id"),
        ("mistyped", "/types/Thing/fields/id/required"),
        ("method", "/operations/fetch_thing/method"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(document, pointer)| (document.to_string(), pointer.to_string()))
        .collect();
    assert_eq!(errors, expected);
}
