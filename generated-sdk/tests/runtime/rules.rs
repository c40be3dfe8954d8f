//! The crate's side of the shared rule cases (`tests/rules/cases.json`; the generator's side is
//! `codegen/tests/rules.rs`): the request check of the tool and the sandbox (`schema::check`) and
//! the generated types' `Validate` helpers must give each case the same verdict as the generator.

use std::path::Path;

use serde_json::{Value, json};
use wechatpay_apiv3::runtime::{self, DateTime, Documented};
use wechatpay_apiv3::schema::{self, Field, FieldLocation, Shape};

fn cases() -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules/cases.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("cases")).expect("JSON")
}

fn max_length(case: &Value) -> Option<u32> {
    case["max_length"]
        .as_u64()
        .map(|max| u32::try_from(max).expect("small"))
}

fn values(case: &Value) -> Vec<String> {
    case["values"]
        .as_array()
        .map(|values| {
            values
                .iter()
                .map(|v| v.as_str().expect("value").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The tool's and the sandbox's verdict.
fn checked(case: &Value) -> Option<String> {
    let shape = match case["shape"].as_str().expect("shape") {
        "string" => Shape::String,
        "datetime" => Shape::DateTime,
        "enum" => Shape::Enum(values(case)),
        other => panic!("unknown shape {other}"),
    };
    let field = Field {
        name: "f".to_owned(),
        shape,
        required: true,
        max_length: max_length(case),
        location: FieldLocation::Body,
        mode: None,
        description: String::new(),
    };
    schema::check(&[field], &json!({ "f": case["value"] }))
        .err()
        .map(|violation| violation.issue)
}

/// A generated enum as the typed path sees it: the case's documented values.
struct CaseEnum {
    value: String,
}

impl Documented for CaseEnum {
    const VALUES: &'static [&'static str] = &["DEPOSIT", "BASIC"];

    fn as_wire(&self) -> &str {
        &self.value
    }
}

/// The generated types' verdict: what their `Validate` calls, on the value a typed field can
/// hold. A time that does not parse cannot be held by a typed field at all.
fn typed(case: &Value) -> Option<String> {
    let text = case["value"].as_str().expect("a string value");
    let result = match case["shape"].as_str().expect("shape") {
        "string" => match max_length(case) {
            Some(max) => runtime::check_length("", "f", text, max),
            None => Ok(()),
        },
        "datetime" => {
            let Ok(time) = DateTime::parse_from_rfc3339(text) else {
                return Some(wechatpay_apiv3::runtime::rules::Broken::NotRfc3339.to_string());
            };
            match max_length(case) {
                Some(max) => runtime::check_time_length("", "f", &time, max),
                None => Ok(()),
            }
        }
        "enum" => {
            assert_eq!(
                values(case),
                CaseEnum::VALUES,
                "the cases' enum is CaseEnum's"
            );
            runtime::check_enum(
                "",
                "f",
                &CaseEnum {
                    value: text.to_owned(),
                },
            )
        }
        other => panic!("unknown shape {other}"),
    };
    result.err().map(|error| error.rule)
}

#[test]
fn the_request_check_and_the_typed_checks_agree_with_the_generator() {
    let cases = cases();
    assert!(cases.len() >= 10);
    for case in &cases {
        let expected = case["verdict"].as_str().map(str::to_owned);
        assert_eq!(checked(case), expected, "schema::check, case {case}");
        assert_eq!(typed(case), expected, "Validate, case {case}");
    }
}

/// A `number` field (a decimal) takes any JSON number, fraction or not, and nothing else.
#[test]
fn a_number_field_takes_any_json_number_and_only_numbers() {
    let field = Field {
        name: "rate".to_owned(),
        shape: Shape::Number,
        required: true,
        max_length: None,
        location: FieldLocation::Body,
        mode: None,
        description: String::new(),
    };
    for value in [
        json!(0.85),
        json!(1),
        json!(-3.5e-7),
        json!(12345678901234567u64),
    ] {
        assert!(
            schema::check(std::slice::from_ref(&field), &json!({ "rate": value })).is_ok(),
            "{value}"
        );
    }
    for value in [json!("0.85"), json!(true), json!([1])] {
        let violation = schema::check(std::slice::from_ref(&field), &json!({ "rate": value }))
            .expect_err("refused");
        assert_eq!(violation.field, "rate");
    }
}
