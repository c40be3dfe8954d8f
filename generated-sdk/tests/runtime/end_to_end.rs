//! The generated operations through the real client against the local WeChat Pay stand-in.

use wechatpay_apiv3::Error;
use wechatpay_apiv3::Services;
use wechatpay_apiv3::api::ErrorCode;
use wechatpay_apiv3::api::platsolution::required;
use wechatpay_apiv3::api::platsolution::{
    AccountType, ApplyRechargeRequest, CloseRechargeRequest, PlatsolutionClient,
    QueryRechargeRequest, RechargeAmount, RechargeScene, RechargeState,
};
use wechatpay_apiv3::runtime::{ApiRequest, Method, OperationInfo, Transport};

use wechatpay_apiv3::testkit::Fault;

use crate::support::{FakeWechatPay, PUBLIC_KEY_ID, client_builder, recharge_handler, respond};

fn apply_request() -> ApplyRechargeRequest {
    ApplyRechargeRequest::new(required::ApplyRechargeRequest {
        sub_mchid: "1900001109",
        out_recharge_no: "cz202407181234",
        recharge_scene: RechargeScene::EcommerceDeposit,
        account_type: AccountType::Deposit,
        recharge_amount: RechargeAmount::new()
            .with_amount(500000)
            .with_currency("CNY"),
    })
    .with_remark("充值备注")
}

#[tokio::test]
async fn all_three_recharge_operations_succeed_signed_and_verified() {
    let server = FakeWechatPay::start(recharge_handler).await;
    let client = client_builder(&server.url())
        .user_agent_suffix("shop/1.2")
        .build()
        .expect("client");
    let api = client.platsolution();

    let applied = api.apply_recharge(&apply_request()).await.expect("apply");
    assert_eq!(
        applied.recharge_url,
        "https://www.payapp.qq.com/plat/recharge.html"
    );
    let query = QueryRechargeRequest::new(required::QueryRechargeRequest {
        out_recharge_no: "cz202407181234",
        sub_mchid: "1900102208",
    });
    let found = api.query_recharge(&query).await.expect("query");
    assert_eq!(found.recharge_state, RechargeState::Success);
    let close = CloseRechargeRequest::new(required::CloseRechargeRequest {
        out_recharge_no: "cz 中/1",
        sub_mchid: "1900102208",
    });
    let closed = api.close_recharge(&close).await.expect("close");
    assert_eq!(closed.recharge_amount.amount, Some(500000));

    let received = server.received();
    assert_eq!(received.len(), 3);
    for request in &received {
        assert!(
            request.signature_valid,
            "the server verified {}",
            request.target
        );
        assert_eq!(request.wechatpay_serial.as_deref(), Some(PUBLIC_KEY_ID));
        assert_eq!(request.accept.as_deref(), Some("application/json"));
        let agent = request.user_agent.as_deref().unwrap_or_default();
        assert!(
            agent.starts_with("wechatpay-apiv3-rust/") && agent.ends_with(" shop/1.2"),
            "{agent}"
        );
        assert_eq!(request.nonce.len(), 32);
        assert!(
            (request.timestamp - crate::support::now()).abs() < 60,
            "signed with the current time"
        );
    }
    assert_eq!(received[0].method, "POST");
    assert_eq!(
        received[0].content_type.as_deref(),
        Some("application/json")
    );
    assert!(String::from_utf8_lossy(&received[0].body).contains("\"remark\":\"充值备注\""));
    assert_eq!(received[1].method, "GET");
    assert_eq!(received[1].content_type, None, "no body, no Content-Type");
    assert_eq!(
        received[2].target,
        "/v3/platsolution/ecommerce/recharges/out-recharge-no/cz%20%E4%B8%AD%2F1/close?sub_mchid=1900102208"
    );
    assert!(received[2].body.is_empty());
}

async fn refused_with(tamper: Fault) -> String {
    let server = FakeWechatPay::start(recharge_handler).await;
    server.script([tamper.clone()]);
    let client = client_builder(&server.url()).build().expect("client");
    let result = PlatsolutionClient::new(&client)
        .query_recharge(&QueryRechargeRequest::new(required::QueryRechargeRequest {
            out_recharge_no: "cz202407181234",
            sub_mchid: "1900102208",
        }))
        .await;
    assert_eq!(
        server.received().len(),
        1,
        "a verification failure is never retried"
    );
    match result {
        Err(Error::Verification { reason, request_id }) => {
            assert_eq!(request_id, server.sandbox.requests()[0].request_id);
            reason
        }
        other => panic!("{tamper:?}: expected a verification error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_flipped_signature_byte_is_refused() {
    assert_eq!(
        refused_with(Fault::BadSignature).await,
        "the signature does not match the body and headers"
    );
}

#[tokio::test]
async fn a_changed_body_byte_is_refused() {
    assert_eq!(
        refused_with(Fault::TamperBody).await,
        "the signature does not match the body and headers"
    );
}

#[tokio::test]
async fn a_stale_timestamp_is_refused_saying_how_far_off_it_is() {
    let reason = refused_with(Fault::StaleTimestamp).await;
    assert!(reason.starts_with("Wechatpay-Timestamp is 30"), "{reason}");
    assert!(reason.contains("the limit is 300 s"), "{reason}");
}

#[tokio::test]
async fn an_unknown_serial_is_refused() {
    let reason = refused_with(Fault::UnknownSerial).await;
    assert!(
        reason.starts_with(
            "Wechatpay-Serial \"PUB_KEY_ID_UNKNOWN_TO_THE_CLIENT\" is not a configured key"
        ),
        "{reason}"
    );
}

#[tokio::test]
async fn each_missing_signature_header_is_refused() {
    for header in [
        "Wechatpay-Timestamp",
        "Wechatpay-Nonce",
        "Wechatpay-Signature",
        "Wechatpay-Serial",
    ] {
        let reason = refused_with(Fault::OmitHeader(header)).await;
        assert_eq!(reason, format!("the {header} header is missing"));
    }
}

#[tokio::test]
async fn a_signature_that_is_not_base64_is_refused() {
    assert_eq!(
        refused_with(Fault::GarbledSignature).await,
        "Wechatpay-Signature is not valid base64"
    );
}

#[tokio::test]
async fn a_signtest_probe_is_refused() {
    assert_eq!(
        refused_with(Fault::SigntestProbe).await,
        "a WECHATPAY/SIGNTEST/ probe signature, which never verifies"
    );
}

#[tokio::test]
async fn error_answers_surface_code_message_detail_and_request_id() {
    let server = FakeWechatPay::start(recharge_handler).await;
    server.script([respond(
        400,
        r#"{"code":"PARAM_ERROR","message":"参数错误","detail":{"field":"/sub_mchid","value":"19","issue":"too short","location":"body"}}"#.to_owned(),
    )]);
    let client = client_builder(&server.url()).build().expect("client");
    let error = PlatsolutionClient::new(&client)
        .apply_recharge(&apply_request())
        .await
        .expect_err("400");
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}")
    };
    assert_eq!(
        (api.status, &ErrorCode::of(api), api.message.as_str()),
        (400, &ErrorCode::ParamError, "参数错误")
    );
    let detail = api.detail.as_ref().expect("detail");
    assert_eq!(detail.field.as_deref(), Some("/sub_mchid"));
    assert_eq!(detail.value, Some(serde_json::json!("19")));
    assert_eq!(detail.issue.as_deref(), Some("too short"));
    assert_eq!(detail.location.as_deref(), Some("body"));
    let request_id = server.sandbox.requests()[0]
        .request_id
        .clone()
        .expect("answered");
    assert_eq!(api.request_id.as_deref(), Some(request_id.as_str()));
    let shown = error.to_string();
    assert!(
        shown.contains("PARAM_ERROR") && shown.contains("参数错误") && shown.contains(&request_id),
        "{shown}"
    );
}

#[tokio::test]
async fn a_404_surfaces_not_found() {
    let server = FakeWechatPay::start(recharge_handler).await;
    server.script([respond(
        404,
        r#"{"code":"NOT_FOUND","message":"充值单不存在"}"#.to_owned(),
    )]);
    let client = client_builder(&server.url()).build().expect("client");
    let error = PlatsolutionClient::new(&client)
        .query_recharge(&QueryRechargeRequest::new(required::QueryRechargeRequest {
            out_recharge_no: "nope",
            sub_mchid: "1900102208",
        }))
        .await
        .expect_err("404");
    assert!(
        matches!(&error, Error::Api(api) if ErrorCode::of(api) == ErrorCode::NotFound && api.status == 404),
        "{error:?}"
    );
    assert!(!error.is_retryable());
}

static NO_CONTENT: OperationInfo = OperationInfo {
    service: "test",
    id: "test_no_content",
    method: Method::Post,
    path: "/v3/test/no-content",
    retry_safe: false,
    main_host: "https://api.mch.weixin.qq.com",
    backup_host: None,
};

#[tokio::test]
async fn an_empty_204_answer_is_verified_too() {
    let server = FakeWechatPay::start(|_| (204, String::new())).await;
    let client = client_builder(&server.url()).build().expect("client");
    let request = || ApiRequest {
        operation: &NO_CONTENT,
        path_and_query: "/v3/test/no-content".to_owned(),
        body: Some(b"{}".to_vec()),
        wechatpay_serial: None,
        upload: None,
    };
    let answer = client.send(request()).await.expect("a verified 204");
    assert_eq!((answer.status, answer.body.len()), (204, 0));

    server.script([Fault::BadSignature]);
    let error = client.send(request()).await.expect_err("a forged 204");
    assert!(matches!(error, Error::Verification { .. }), "{error:?}");
}

/// A clock set a fixed offset from the real time.
#[derive(Debug)]
struct OffsetClock(i64);

impl wechatpay_apiv3::runtime::Clock for OffsetClock {
    fn now(&self) -> i64 {
        crate::support::now() + self.0
    }
}

#[tokio::test]
async fn a_replayed_answer_is_accepted_inside_the_window_and_refused_after_it() {
    // One answer signed once and replayed; the late client's requests are as far off as its
    // clock, so the sandbox does not check them.
    let sandbox = wechatpay_apiv3::testkit::Sandbox::builder()
        .skip_signature_check()
        .sign_once()
        .handler(|_| {
            Some(wechatpay_apiv3::testkit::Answer::ok(
                crate::support::DEPOSIT_ANSWER,
            ))
        })
        .start()
        .await
        .expect("the sandbox starts");
    let query = QueryRechargeRequest::new(required::QueryRechargeRequest {
        out_recharge_no: "cz202407181234",
        sub_mchid: "1900102208",
    });
    let fresh = sandbox.client().expect("client");
    fresh
        .platsolution()
        .query_recharge(&query)
        .await
        .expect("inside the 300 s window");

    let later = sandbox
        .client_builder()
        .clock(std::sync::Arc::new(OffsetClock(301)))
        .build()
        .expect("client");
    let error = later
        .platsolution()
        .query_recharge(&query)
        .await
        .expect_err("replayed too late");
    let Error::Verification { reason, .. } = &error else {
        panic!("expected a verification error, got {error:?}")
    };
    assert!(reason.contains("behind the local clock"), "{reason}");
}
