//! The sandbox's request checks: each broken rule refused with WeChat Pay's code and detail,
//! signatures and unknown paths, and every operation of the spec routed and answered.

use serde_json::{Value, json};
use wechatpay_apiv3::Services;
use wechatpay_apiv3::api::ErrorCode;
use wechatpay_apiv3::api::platsolution::QueryRechargeRequest;
use wechatpay_apiv3::api::platsolution::required;
use wechatpay_apiv3::runtime::OperationInfo;
use wechatpay_apiv3::testkit::{Sandbox, keys};

use super::sandbox::{APPLY, api_error, started};

async fn refusal(sandbox: &Sandbox, method: &str, target: &str, body: &str) -> (u16, Value) {
    let answer = sandbox
        .send_raw(method, target, body.as_bytes())
        .await
        .expect("answered");
    (answer.status, answer.json())
}

fn apply_body(change: impl FnOnce(&mut Value)) -> String {
    let mut body = json!({
        "sub_mchid": "1900001109",
        "out_recharge_no": "cz202407181234",
        "recharge_scene": "ECOMMERCE_DEPOSIT",
        "account_type": "DEPOSIT",
        "recharge_amount": {"amount": 500000, "currency": "CNY"}
    });
    change(&mut body);
    body.to_string()
}

#[tokio::test]
async fn each_broken_rule_is_a_param_error_naming_field_value_issue_and_location() {
    let sandbox = started().await;
    let cases: Vec<(&str, String, Value)> = vec![
        (
            APPLY,
            apply_body(|body| {
                body.as_object_mut().map(|b| b.remove("sub_mchid"));
            }),
            json!({"field": "sub_mchid", "issue": "required", "location": "body"}),
        ),
        (
            APPLY,
            apply_body(|body| {
                body["remark"] = json!("这是一段超过二十个字符的充值备注内容用来测试长度")
            }),
            json!({"field": "remark", "value": "这是一段超过二十个字符的充值备注内容用来测试长度", "issue": "at most 20 characters, got 24", "location": "body"}),
        ),
        (
            APPLY,
            apply_body(|body| body["recharge_scene"] = json!("ECOMMERCE_GIFT")),
            json!({"field": "recharge_scene", "value": "ECOMMERCE_GIFT", "issue": "\"ECOMMERCE_GIFT\" is not a documented value (ECOMMERCE_DEPOSIT, ECOMMERCE_PAYMENT)", "location": "body"}),
        ),
        (
            APPLY,
            apply_body(|body| body["recharge_amount"]["amount"] = json!("500000")),
            json!({"field": "recharge_amount.amount", "value": "500000", "issue": "expected integer, found a string", "location": "body"}),
        ),
        (
            APPLY,
            apply_body(|body| body["coupon"] = json!(1)),
            json!({"field": "coupon", "value": 1, "issue": "unknown field (known: sub_mchid, out_recharge_no, recharge_scene, account_type, recharge_amount, notify_url, available_recharge_channels, remark)", "location": "body"}),
        ),
        (
            APPLY,
            r#"{"sub_mchid": "1900001109","#.to_owned(),
            json!({"field": "", "issue": "the body is not valid JSON: EOF while parsing a value at line 1 column 27", "location": "body"}),
        ),
    ];
    for (target, body, detail) in cases {
        let (status, answer) = refusal(&sandbox, "POST", target, &body).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(answer["code"], "PARAM_ERROR", "{body}");
        assert_eq!(answer["detail"], detail, "{body}");
        assert!(
            answer["message"]
                .as_str()
                .is_some_and(|message| message.starts_with("参数错误")),
            "{answer}"
        );
    }
}

#[tokio::test]
async fn path_and_query_are_checked_where_they_travel() {
    let sandbox = started().await;
    let long = "c".repeat(65);
    let cases = [
        (
            format!("/v3/platsolution/ecommerce/recharges/out-recharge-no/{long}?sub_mchid=1"),
            json!({"field": "out_recharge_no", "value": long, "issue": "at most 64 characters, got 65", "location": "path"}),
        ),
        (
            "/v3/platsolution/ecommerce/recharges/out-recharge-no/cz1".to_owned(),
            json!({"field": "sub_mchid", "issue": "required", "location": "query"}),
        ),
        (
            "/v3/platsolution/ecommerce/recharges/out-recharge-no/cz1?sub_mchid=1&page=2"
                .to_owned(),
            json!({"field": "page", "value": "2", "issue": "unknown query parameter (known: sub_mchid)", "location": "query"}),
        ),
        (
            "/v3/global/refunds?mchid=1900000109&offset=first&count=10".to_owned(),
            json!({"field": "offset", "value": "first", "issue": "expected integer", "location": "query"}),
        ),
    ];
    for (target, detail) in cases {
        let (status, answer) = refusal(&sandbox, "GET", &target, "").await;
        assert_eq!(
            (status, &answer["code"]),
            (400, &json!("PARAM_ERROR")),
            "{target}"
        );
        assert_eq!(answer["detail"], detail, "{target}");
    }
}

#[tokio::test]
async fn a_bad_signature_is_sign_error_and_an_unknown_path_not_found() {
    let sandbox = started().await;
    // A client signing with a key that is not the merchant's.
    let impostor = sandbox
        .client_builder()
        .merchant_key_pem(keys::WECHATPAY_PRIVATE_KEY)
        .build()
        .expect("client");
    let error = api_error(
        impostor
            .platsolution()
            .query_recharge(&QueryRechargeRequest::new(required::QueryRechargeRequest {
                out_recharge_no: "cz1",
                sub_mchid: "1900001109",
            }))
            .await
            .expect_err("refused"),
    );
    assert_eq!(
        (error.status, &ErrorCode::of(&error)),
        (401, &ErrorCode::SignError)
    );
    assert!(!sandbox.requests()[0].signature_valid);

    let (status, answer) = refusal(&sandbox, "GET", "/v3/nothing/here", "").await;
    assert_eq!((status, &answer["code"]), (404, &json!("NOT_FOUND")));
    assert!(sandbox.requests()[1].operation.is_none());
}

#[cfg(feature = "cli")]
#[tokio::test]
async fn every_operation_outside_a_lifecycle_answers_its_documented_example() {
    let sandbox = started().await;
    let client = sandbox.client().expect("client");
    let in_lifecycles: Vec<(&str, &str)> = wechatpay_apiv3::schema::load()
        .expect("the spec tables read")
        .lifecycles()
        .into_iter()
        .flat_map(|(service, lifecycle)| {
            lifecycle
                .steps
                .iter()
                .map(move |step| (service, step.operation.as_str()))
        })
        .collect();
    let mut called = 0;
    for operation in wechatpay_apiv3::schema::load()
        .expect("the spec tables read")
        .operations()
    {
        let (service, id) = (operation.info.service, operation.info.id);
        // Downloads stream to stdout through the tool; see the statement test below.
        if in_lifecycles.contains(&(service, id)) || operation.response.download.is_some() {
            continue;
        }
        let request: Value = match operation.request_example.as_deref() {
            Some(example) => serde_json::from_str(example).expect("JSON"),
            None => minimal_request(&operation.fields),
        };
        // An upload sends a file of the first documented type.
        let file = operation.upload.map(|rules| {
            let extension = rules
                .types
                .first()
                .map_or("bin", |(extension, _)| extension);
            wechatpay_apiv3::runtime::UploadFile::new(
                format!("sample.{extension}"),
                b"sample file".to_vec(),
            )
        });
        let input = wechatpay_apiv3::cli::Input {
            request,
            file,
            expected_sha1: None,
        };
        let answer = wechatpay_apiv3::api::cli::call(&client, service, id, input)
            .await
            .unwrap_or_else(|error| panic!("{id}: {error}"));
        let expected: Option<Value> = operation
            .response
            .example
            .as_deref()
            .map(|example| serde_json::from_str(example).expect("JSON"));
        if operation.platform_certificates {
            // The sandbox serves its own certificate, not the documented one.
            assert!(answer.is_some(), "{id}");
        } else if let Some(announcement) = &operation.response.announces {
            // The download it announces is on the sandbox, with the SHA-1 of what it serves.
            let (Some(Value::Object(mut answer)), Some(Value::Object(mut expected))) =
                (answer, expected)
            else {
                panic!("{id}: an announcement is an object");
            };
            let url = answer.remove(&announcement.url_field);
            assert!(
                url.as_ref()
                    .and_then(Value::as_str)
                    .is_some_and(|url| url.starts_with(&sandbox.url())),
                "{id}: {url:?}"
            );
            let digest = answer.remove(&announcement.digest_field);
            assert_eq!(
                digest.as_ref().and_then(Value::as_str).map(str::len),
                Some(40),
                "{id}: {digest:?}"
            );
            expected.remove(&announcement.url_field);
            expected.remove(&announcement.digest_field);
            assert_eq!(answer, expected, "{id}");
        } else {
            assert_eq!(answer, expected, "{id}");
        }
        let recorded = sandbox.requests().pop().expect("recorded");
        let routed = recorded.operation.expect("routed to an operation");
        // Two documented operations may send the same request (撤销申请单 by applyment_id and
        // by business_code: one path shape): either is the right route.
        assert!(
            routed == operation.info || same_route(routed, operation.info),
            "{id}: routed to {}",
            routed.id
        );
        assert!(recorded.signature_valid, "{id}");
        called += 1;
    }
    let operations = wechatpay_apiv3::schema::load()
        .expect("the spec tables read")
        .operations();
    let downloads = operations
        .iter()
        .filter(|operation| operation.response.download.is_some())
        .count();
    assert_eq!(
        downloads, 3,
        "the global statement, its legacy path and the bill"
    );
    assert_eq!(called, operations.len() - in_lifecycles.len() - downloads);
}

/// The required fields of the first merchant mode, each with a value of its shape: for the
/// operations whose page documents no request.
#[cfg(feature = "cli")]
fn minimal_request(fields: &[wechatpay_apiv3::schema::Field]) -> Value {
    use wechatpay_apiv3::schema::Shape;
    fn sample(shape: &Shape) -> Value {
        match shape {
            Shape::String => json!("1900000109"),
            Shape::Integer => json!(1),
            Shape::Number => json!(0.5),
            Shape::Json => json!({"any": ["value"]}),
            Shape::Boolean => json!(true),
            Shape::DateTime => json!("2026-11-23T10:00:00+08:00"),
            Shape::Enum(values) => json!(values[0]),
            Shape::IntegerEnum(values) => json!(values[0].parse::<i64>().expect("digits")),
            Shape::Object(fields) => object(fields),
            Shape::Array(items) => json!([sample(items)]),
        }
    }
    fn object(fields: &[wechatpay_apiv3::schema::Field]) -> Value {
        let mode = fields.iter().find_map(|field| field.mode.as_deref());
        Value::Object(
            fields
                .iter()
                .filter(|field| {
                    field.required && (field.mode.is_none() || field.mode.as_deref() == mode)
                })
                .map(|field| {
                    (
                        field.name.clone(),
                        within_limit(sample(&field.shape), field),
                    )
                })
                .collect(),
        )
    }
    /// A sample string cut to the field's documented length.
    fn within_limit(value: Value, field: &wechatpay_apiv3::schema::Field) -> Value {
        match (value, field.max_length) {
            (Value::String(text), Some(max)) => {
                Value::String(text.chars().take(max as usize).collect())
            }
            (value, _) => value,
        }
    }
    object(fields)
}

/// Whether two operations send the same request: one method, one path with placeholders named
/// differently.
fn same_route(a: &OperationInfo, b: &OperationInfo) -> bool {
    let shape = |path: &str| -> Vec<String> {
        path.split('/')
            .map(|segment| {
                if segment.starts_with('{') {
                    "{}".to_owned()
                } else {
                    segment.to_owned()
                }
            })
            .collect()
    };
    a.method == b.method && a.main_host == b.main_host && shape(a.path) == shape(b.path)
}
