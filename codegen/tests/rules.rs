//! The generator's side of the shared rule cases (`generated-sdk/tests/rules/cases.json`): each
//! case becomes a one-field type whose documented example holds the case's value, and the
//! generator must accept or refuse that example exactly as the generated crate's request checks
//! do (the crate's side is `generated-sdk/tests/runtime/rules.rs`).

use std::path::Path;

use codegen::spec::{SourceFile, Sources, parse};
use codegen::validate::validate;
use serde_json::Value;

const API: &str = "api:\n  title: Test API\n  hosts:\n    main: https://api.mch.weixin.qq.com\n";

/// The service of one case: a type `Case` with the field `f`, returned by one operation whose
/// response example is `{"f": value}`.
fn service(case: &Value) -> String {
    let shape = case["shape"].as_str().expect("shape");
    let max_length = match case["max_length"].as_u64() {
        Some(max) => format!("\n        max_length: {max}"),
        None => String::new(),
    };
    let (ty, enums) = match shape {
        "enum" => {
            let values: String = case["values"]
                .as_array()
                .expect("values")
                .iter()
                .map(|value| format!("\n      {}: meaning", value.as_str().expect("value")))
                .collect();
            (
                "Kind",
                format!("enums:\n  Kind:\n    description: Kinds.\n    values:{values}\n"),
            )
        }
        other => (other, String::new()),
    };
    let example = serde_json::json!({ "f": case["value"] }).to_string();
    format!(
        "service:\n  name: demo\n  title: Demo\n  description: Rule cases.\n\
         types:\n  Case:\n    description: One field.\n    fields:\n      f:\n        type: {ty}{max_length}\n        required: true\n        description: The field.\n\
         {enums}\
         operations:\n  query_case:\n    title: Query\n    description: One case.\n    merchants: [普通商户]\n    updated: \"2025.01.01\"\n    method: GET\n    path: /v3/cases\n\
         \x20   response:\n      status: 200\n      body: Case\n    examples:\n      - title: 应答示例\n        kind: response\n        json: '{example}'\n"
    )
}

/// The generator's verdict on the case's value: `None` when the example is accepted, else the
/// rule's message.
fn verdict(case: &Value) -> Option<String> {
    let sources = Sources {
        api: SourceFile {
            path: "spec/api.yaml".to_owned(),
            text: API.to_owned(),
        },
        services: vec![SourceFile {
            path: "spec/services/demo.yaml".to_owned(),
            text: service(case),
        }],
    };
    let spec = parse(&sources).unwrap_or_else(|errors| panic!("case {case} must parse:\n{errors}"));
    let errors = validate(&spec).err()?;
    let [error] = errors.0.as_slice() else {
        panic!("case {case}: one problem expected, got:\n{errors}");
    };
    let message = error.to_string();
    let (_, problem) = message
        .split_once("$.f: ")
        .unwrap_or_else(|| panic!("case {case}: the problem is not the field's: {message}"));
    // An enum's message names the enum first: `enum Kind: "X" is not a documented value (…)`.
    let problem = problem.strip_prefix("enum Kind: ").unwrap_or(problem);
    // A did-you-mean hint follows the rule's message.
    Some(
        problem
            .split("; did you mean")
            .next()
            .unwrap_or(problem)
            .to_owned(),
    )
}

#[test]
fn examples_meet_the_same_rules_as_requests() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-sdk/tests/rules/cases.json");
    let cases: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(path).expect("cases")).expect("JSON");
    assert!(cases.len() >= 10);
    for case in &cases {
        let expected = case["verdict"].as_str().map(str::to_owned);
        assert_eq!(verdict(case), expected, "case {case}");
    }
}
