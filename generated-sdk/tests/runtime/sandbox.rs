//! The sandbox itself: every operation of the spec routed and answered, each request rule
//! refused with WeChat Pay's code and detail, the recharge lifecycle, per-operation faults,
//! registered answers, the recorder and the notification simulator.

use serde_json::{Value, json};
use wechatpay_apiv3::Error;
use wechatpay_apiv3::api::ErrorCode;
use wechatpay_apiv3::api::global::Event;
use wechatpay_apiv3::api::platsolution::operations::{
    APPLY_RECHARGE, CLOSE_RECHARGE, QUERY_RECHARGE,
};
use wechatpay_apiv3::api::platsolution::{
    AccountType, ApplyRechargeRequest, CloseRechargeRequest, QueryRechargeRequest, RechargeAmount,
    RechargeScene, RechargeState,
};
use wechatpay_apiv3::runtime::ApiError;
use wechatpay_apiv3::testkit::{Answer, Fault, NotificationFault, Sandbox, keys};

fn apply(out_recharge_no: &str) -> ApplyRechargeRequest {
    let mut amount = RechargeAmount::new();
    amount.amount = Some(500_000);
    amount.currency = Some("CNY".to_owned());
    ApplyRechargeRequest::new(
        "1900001109",
        out_recharge_no,
        RechargeScene::EcommerceDeposit,
        AccountType::Deposit,
        amount,
    )
}

fn api_error(error: Error) -> ApiError {
    match error {
        Error::Api(api) => *api,
        other => panic!("expected an API error, got {other:?}"),
    }
}

async fn started() -> Sandbox {
    Sandbox::start().await.expect("the sandbox starts")
}

#[tokio::test]
async fn a_recharge_walks_its_documented_lifecycle() {
    let sandbox = started().await;
    let client = sandbox.client().expect("client");
    let recharges = client.platsolution();

    let applied = recharges
        .apply_recharge(&apply("cz202407181234"))
        .await
        .expect("applied");
    assert_eq!(applied.out_recharge_no, "cz202407181234");
    assert_eq!(applied.recharge_id.len(), "172207846292553701".len());
    assert_eq!(
        sandbox.state("recharge", "cz202407181234").as_deref(),
        Some("RECHARGING")
    );

    let query = QueryRechargeRequest::new("cz202407181234", "1900001109");
    let deposit = recharges.query_recharge(&query).await.expect("found");
    assert_eq!(deposit.recharge_state, RechargeState::Recharging);
    assert_eq!(deposit.recharge_id, applied.recharge_id);
    assert_eq!(deposit.recharge_amount.amount, Some(500_000));
    assert_eq!(deposit.sub_mchid, "1900001109");
    assert!(deposit.success_time.is_none(), "not paid yet");

    let closed = recharges
        .close_recharge(&CloseRechargeRequest::new("cz202407181234", "1900001109"))
        .await
        .expect("closed");
    assert_eq!(closed.recharge_state, RechargeState::Closed);
    let deposit = recharges.query_recharge(&query).await.expect("found");
    assert_eq!(deposit.recharge_state, RechargeState::Closed);

    // Another recharge gets another WeChat Pay id.
    let other = recharges
        .apply_recharge(&apply("cz202407181235"))
        .await
        .expect("applied");
    assert_ne!(other.recharge_id, applied.recharge_id);
}

#[tokio::test]
async fn lifecycle_refusals_are_the_documented_error_rows() {
    let sandbox = started().await;
    let client = sandbox.client().expect("client");
    let recharges = client.platsolution();
    recharges
        .apply_recharge(&apply("cz1"))
        .await
        .expect("applied");
    let again = api_error(
        recharges
            .apply_recharge(&apply("cz1"))
            .await
            .expect_err("a reused out_recharge_no"),
    );
    assert_eq!(
        (again.status, &again.error_code(), again.message.as_str()),
        (400, &ErrorCode::InvalidRequest, "该业务充值单号已存在")
    );
    for error in [
        recharges
            .query_recharge(&QueryRechargeRequest::new("nobody", "1900001109"))
            .await
            .expect_err("unknown"),
        recharges
            .close_recharge(&CloseRechargeRequest::new("nobody", "1900001109"))
            .await
            .expect_err("unknown"),
    ] {
        let error = api_error(error);
        assert_eq!(
            (error.status, &error.error_code(), error.message.as_str()),
            (404, &ErrorCode::NotFound, "充值单不存在")
        );
    }
}

#[tokio::test]
async fn a_test_can_move_an_instance_as_wechat_pay_would() {
    let sandbox = started().await;
    let client = sandbox.client().expect("client");
    client
        .platsolution()
        .apply_recharge(&apply("cz9"))
        .await
        .expect("applied");
    sandbox
        .set_state(
            "recharge",
            "cz9",
            "SUCCESS",
            json!({"success_time": "2026-11-23T10:00:00+08:00"}),
        )
        .expect("known");
    let deposit = client
        .platsolution()
        .query_recharge(&QueryRechargeRequest::new("cz9", "1900001109"))
        .await
        .expect("found");
    assert_eq!(deposit.recharge_state, RechargeState::Success);
    assert!(deposit.success_time.is_some());
    assert!(
        sandbox
            .set_state("recharge", "missing", "SUCCESS", Value::Null)
            .is_err()
    );
    let error = sandbox
        .set_state("refund", "x", "SUCCESS", Value::Null)
        .expect_err("no such lifecycle");
    assert!(error.to_string().contains("known: recharge"), "{error}");
}

/// Sends `body` to apply_recharge, signed but unchecked by the client, and returns the
/// refusal's code and detail.
async fn refusal(sandbox: &Sandbox, method: &str, target: &str, body: &str) -> (u16, Value) {
    let answer = sandbox
        .send_raw(method, target, body.as_bytes())
        .await
        .expect("answered");
    (answer.status, answer.json())
}

const APPLY: &str = "/v3/platsolution/ecommerce/recharges/apply";

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
            .query_recharge(&QueryRechargeRequest::new("cz1", "1900001109"))
            .await
            .expect_err("refused"),
    );
    assert_eq!(
        (error.status, &error.error_code()),
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
    use wechatpay_apiv3::schema;
    let sandbox = started().await;
    let client = sandbox.client().expect("client");
    let in_lifecycles: Vec<&str> = schema::load()
        .expect("the spec tables read")
        .lifecycles()
        .iter()
        .flat_map(|lifecycle| lifecycle.steps.iter().map(|step| step.operation.as_str()))
        .collect();
    let mut called = 0;
    for operation in schema::load().expect("the spec tables read").operations() {
        let id = operation.info.id;
        // Downloads stream to stdout through the tool; see the statement test below.
        if in_lifecycles.contains(&id) || operation.response.download.is_some() {
            continue;
        }
        let request: Value = match operation.request_example.as_deref() {
            Some(example) => serde_json::from_str(example).expect("JSON"),
            None => minimal_request(&operation.fields),
        };
        let answer = wechatpay_apiv3::api::cli::call(&client, id, request)
            .await
            .unwrap_or_else(|error| panic!("{id}: {error}"));
        let expected: Option<Value> = operation
            .response
            .example
            .as_deref()
            .map(|example| serde_json::from_str(example).expect("JSON"));
        if id.ends_with("certificates") {
            // The sandbox serves its own certificate, not the documented one.
            assert!(answer.is_some(), "{id}");
        } else {
            assert_eq!(answer, expected, "{id}");
        }
        let recorded = sandbox.requests().pop().expect("recorded");
        assert_eq!(recorded.operation, Some(id));
        assert!(recorded.signature_valid, "{id}");
        called += 1;
    }
    assert_eq!(
        called,
        schema::load()
            .expect("the spec tables read")
            .operations()
            .len()
            - in_lifecycles.len()
            - 1
    );
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
            Shape::Boolean => json!(true),
            Shape::DateTime => json!("2026-11-23T10:00:00+08:00"),
            Shape::Enum(values) => json!(values[0]),
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
                .map(|field| (field.name.clone(), sample(&field.shape)))
                .collect(),
        )
    }
    object(fields)
}

#[tokio::test]
async fn the_statement_download_is_served_with_a_digest_that_checks_out() {
    use wechatpay_apiv3::api::global::{
        DownloadStatementDirect, DownloadStatementMode, DownloadStatementRequest,
    };
    let sandbox = started().await;
    let client = sandbox.client().expect("client");
    let request = DownloadStatementRequest::new(
        DownloadStatementMode::Direct(DownloadStatementDirect::new("1900000109")),
        "20180130",
    );
    let mut file = Vec::new();
    let downloaded = client
        .global()
        .download_statement(&request, &mut file)
        .await
        .expect("a good file");
    assert_eq!(downloaded.bytes, file.len() as u64);
    assert!(
        String::from_utf8(file)
            .expect("text")
            .starts_with("交易时间")
    );

    sandbox.answer(
        &wechatpay_apiv3::api::global::operations::DOWNLOAD_STATEMENT,
        Answer::File {
            content: b"a,b\n".to_vec(),
            announced: Some("0".repeat(40)),
            gzip: true,
        },
    );
    let error = client
        .global()
        .download_statement(&request, &mut Vec::new())
        .await
        .expect_err("a wrong digest");
    assert!(matches!(error, Error::Verification { .. }), "{error:?}");
}

#[tokio::test]
async fn faults_hit_only_their_operation_and_only_so_many_times() {
    let sandbox = started().await;
    let client = sandbox
        .client_builder()
        .retry_policy(crate::support::FAST)
        .build()
        .expect("client");
    let recharges = client.platsolution();
    let query = QueryRechargeRequest::new("cz1", "1900001109");
    sandbox.inject(&QUERY_RECHARGE, Fault::system_error(), 2);
    // Applying is untouched by the query's faults.
    recharges
        .apply_recharge(&apply("cz1"))
        .await
        .expect("applied");
    // Two system errors, retried, then the real answer.
    let deposit = recharges.query_recharge(&query).await.expect("third try");
    assert_eq!(deposit.recharge_state, RechargeState::Recharging);
    let statuses: Vec<Option<u16>> = sandbox
        .requests_to(&QUERY_RECHARGE)
        .iter()
        .map(|request| request.status)
        .collect();
    assert_eq!(statuses, [Some(500), Some(500), Some(200)]);

    // Each answer-spoiling fault is caught by the client, for this operation only.
    for fault in [
        Fault::BadSignature,
        Fault::TamperBody,
        Fault::OmitHeader("Wechatpay-Signature"),
        Fault::StaleTimestamp,
        Fault::UnknownSerial,
        Fault::SigntestProbe,
        Fault::GarbledSignature,
    ] {
        sandbox.inject(&CLOSE_RECHARGE, fault.clone(), 1);
        recharges.query_recharge(&query).await.expect("untouched");
        let error = recharges
            .close_recharge(&CloseRechargeRequest::new("cz1", "1900001109"))
            .await
            .expect_err("spoiled");
        assert!(
            matches!(error, Error::Verification { .. }),
            "{fault:?}: {error:?}"
        );
    }
    sandbox.inject(&APPLY_RECHARGE, Fault::Drop, 3);
    let error = recharges
        .apply_recharge(&apply("cz2"))
        .await
        .expect_err("dropped every time");
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
}

#[tokio::test]
async fn a_registered_answer_replaces_the_example_and_the_lifecycle() {
    let sandbox = started().await;
    let client = sandbox.client().expect("client");
    sandbox.answer(
        &QUERY_RECHARGE,
        Answer::error(403, "NO_AUTH", "服务商未开通平台收付通"),
    );
    let error = api_error(
        client
            .platsolution()
            .query_recharge(&QueryRechargeRequest::new("cz1", "1900001109"))
            .await
            .expect_err("registered"),
    );
    assert_eq!(
        (error.status, &error.error_code()),
        (403, &ErrorCode::NoAuth)
    );
    sandbox.clear_answers();
    let error = api_error(
        client
            .platsolution()
            .query_recharge(&QueryRechargeRequest::new("cz1", "1900001109"))
            .await
            .expect_err("the lifecycle again"),
    );
    assert_eq!(error.error_code(), ErrorCode::NotFound);
}

#[tokio::test]
async fn the_recorder_keeps_every_request_with_its_answer() {
    let sandbox = started().await;
    let client = sandbox.client().expect("client");
    client
        .platsolution()
        .apply_recharge(&apply("cz1"))
        .await
        .expect("applied");
    let recorded = sandbox.requests();
    assert_eq!(recorded.len(), 1);
    let request = &recorded[0];
    assert_eq!(request.operation, Some("apply_recharge"));
    assert_eq!(request.method, "POST");
    assert_eq!(request.path_and_query, APPLY);
    assert_eq!(request.status, Some(200));
    assert!(request.request_id.is_some());
    assert!(request.signature_valid);
    assert_eq!(request.authorization("mchid").as_deref(), Some(keys::MCHID));
    assert_eq!(request.json().expect("JSON")["out_recharge_no"], "cz1");
    assert_eq!(request.header("Accept"), Some("application/json"));
}

#[tokio::test]
async fn notifications_of_the_spec_are_signed_encrypted_and_typed() {
    let sandbox = started().await;
    let client = sandbox.client().expect("client");
    let built = sandbox
        .notification("REFUND.SUCCESS")
        .expect("described by the spec")
        .build()
        .expect("built");
    let parsed = client
        .parse_event::<Event>(&built.headers, &built.body)
        .expect("verified and decrypted");
    assert_eq!(parsed.envelope.summary, "退款成功");
    let Event::Refund(refund) = parsed.resource else {
        panic!("a refund event, got {:?}", parsed.resource)
    };
    assert_eq!(refund.out_refund_no, "7752501201407033233368018");

    let probe = sandbox
        .notification("REFUND.SUCCESS")
        .expect("described")
        .signtest_probe()
        .build()
        .expect("built");
    assert!(
        client
            .parse_event::<Event>(&probe.headers, &probe.body)
            .is_err()
    );
    let spoiled = sandbox
        .notification("REFUND.SUCCESS")
        .expect("described")
        .fault(NotificationFault::WrongApiV3Key)
        .build()
        .expect("built");
    assert!(matches!(
        client.parse_event::<Event>(&spoiled.headers, &spoiled.body),
        Err(Error::Decryption { .. })
    ));
    let unknown = sandbox
        .notification("TRANSACTION.SUCCESS")
        .expect_err("not in the spec");
    assert!(unknown.to_string().contains("REFUND.SUCCESS"), "{unknown}");
}

#[tokio::test]
async fn a_notification_is_posted_to_a_receiver() {
    let sandbox = started().await;
    // The receiver is another sandbox: it records what arrived and answers 204.
    let receiver = Sandbox::builder()
        .skip_signature_check()
        .handler(|_| Some(Answer::no_content()))
        .start()
        .await
        .expect("receiver");
    let built = sandbox
        .notification("REFUND.SUCCESS")
        .expect("described")
        .build()
        .expect("built");
    let (status, _) = built
        .post(&format!("{}/notify/refund", receiver.url()))
        .await
        .expect("delivered");
    assert_eq!(status, 204);
    let arrived = receiver.requests().pop().expect("arrived");
    assert_eq!(arrived.body, built.body);
    let client = sandbox.client().expect("client");
    client
        .parse_event::<Event>(&arrived.headers, &arrived.body)
        .expect("verified as received");
}

#[test]
fn a_signing_key_never_shows_in_debug_output() {
    let builder = wechatpay_apiv3::testkit::NotificationBuilder::for_event("REFUND.SUCCESS")
        .expect("the spec tables read")
        .signed_with(keys::MERCHANT_PRIVATE_KEY, "SERIAL");
    let shown = format!("{builder:?}");
    assert!(shown.contains("<redacted>"), "{shown}");
    assert!(!shown.contains("PRIVATE"), "{shown}");
    assert!(!shown.contains("MII"), "{shown}");
}

mod arbitrary_requests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

        /// Whatever a client sends, the sandbox answers with a WeChat Pay error body or a
        /// documented answer, and keeps serving.
        #[test]
        fn any_request_gets_a_coded_answer(
            body in proptest::collection::vec(any::<u8>(), 0..64),
            query in "[a-z_=&%0-9]{0,24}",
            segment in "[a-zA-Z0-9%-]{1,12}",
        ) {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            runtime.block_on(async {
                let sandbox = started().await;
                let targets = [
                    (APPLY.to_owned(), "POST"),
                    (format!("/v3/platsolution/ecommerce/recharges/out-recharge-no/{segment}?{query}"), "GET"),
                    (format!("/v3/global/refunds?{query}"), "GET"),
                ];
                for (target, method) in targets {
                    let answer = sandbox.send_raw(method, &target, &body).await.expect("answered");
                    let coded = answer.json()["code"].is_string();
                    prop_assert!(answer.status == 200 || (answer.status >= 400 && coded), "{} {}: {} {}", method, target, answer.status, answer.body);
                }
                Ok(())
            })?;
        }
    }
}

#[tokio::test]
async fn a_client_in_certificate_mode_downloads_the_sandbox_certificate() {
    let sandbox = started().await;
    sandbox.sign_as(keys::CERTIFICATE_SERIAL);
    let client = wechatpay_apiv3::runtime::Client::builder()
        .mchid(keys::MCHID)
        .serial_no(keys::SERIAL_NO)
        .merchant_key_pem(keys::MERCHANT_PRIVATE_KEY)
        .api_v3_key(keys::API_V3_KEY.to_vec())
        .platform_certificates()
        .main_base_url(sandbox.url())
        .build()
        .expect("client");
    client
        .platsolution()
        .apply_recharge(&apply("cz1"))
        .await
        .expect("verified with the downloaded certificate");
    let operations: Vec<Option<&str>> = sandbox
        .requests()
        .iter()
        .map(|request| request.operation)
        .collect();
    assert_eq!(
        operations,
        [Some("apply_recharge"), Some("download_certificates")]
    );
}
