//! The generated operations against an in-memory transport: what goes on the wire (method, path,
//! query, body) and how answers come back (typed model, API error, refused before sending).

use std::sync::Mutex;

use wechatpay_apiv3::Error;
use wechatpay_apiv3::api::ErrorCode;
use wechatpay_apiv3::api::platsolution::required;
use wechatpay_apiv3::api::platsolution::{
    AccountType, ApplyRechargeRequest, CloseRechargeRequest, PlatsolutionClient,
    QueryRechargeRequest, RechargeAmount, RechargeChannel, RechargeScene, RechargeState,
};
use wechatpay_apiv3::runtime::{ApiRequest, ApiResponse, Method, Transport};

/// Records every request and answers each with the next canned response.
struct Recorder {
    sent: Mutex<Vec<ApiRequest>>,
    answers: Mutex<Vec<ApiResponse>>,
}

impl Recorder {
    fn answering(status: u16, body: &str) -> Self {
        Recorder {
            sent: Mutex::new(Vec::new()),
            answers: Mutex::new(vec![ApiResponse {
                status,
                request_id: Some("08F78BB5AF0610D302839DC9".to_owned()),
                body: body.as_bytes().to_vec(),
            }]),
        }
    }

    fn sent(&self) -> Vec<ApiRequest> {
        self.sent.lock().expect("lock").clone()
    }
}

impl Transport for Recorder {
    async fn send(&self, request: ApiRequest) -> Result<ApiResponse, Error> {
        self.sent.lock().expect("lock").push(request);
        Ok(self.answers.lock().expect("lock").remove(0))
    }
}

const DEPOSIT: &str = r#"{
  "sp_mchid": "1900001109", "sub_mchid": "1900001121", "recharge_id": "172234484162395401",
  "out_recharge_no": "cz2020042013", "account_type": "DEPOSIT", "recharge_state": "CLOSED",
  "recharge_scene": "ECOMMERCE_DEPOSIT", "recharge_amount": {"amount": 500000, "currency": "CNY"},
  "close_time": "2015-05-20T13:29:35+08:00", "a_field_added_later": {"x": 1}
}"#;

#[tokio::test]
async fn close_sends_an_encoded_path_and_query_with_no_body() {
    let transport = Recorder::answering(200, DEPOSIT);
    let client = PlatsolutionClient::new(&transport);
    let request = CloseRechargeRequest::new(required::CloseRechargeRequest {
        out_recharge_no: "cz 2020/04?13",
        sub_mchid: "1900102208",
    });

    let deposit = client.close_recharge(&request).await.expect("closed");

    assert_eq!(deposit.recharge_state, RechargeState::Closed);
    assert_eq!(deposit.recharge_amount.amount, Some(500000));
    assert_eq!(
        deposit.close_time.map(|time| time.to_rfc3339()).as_deref(),
        Some("2015-05-20T13:29:35+08:00")
    );
    let sent = transport.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].operation.method, Method::Post);
    assert_eq!(sent[0].operation.id, "close_recharge");
    assert_eq!(
        sent[0].path_and_query,
        "/v3/platsolution/ecommerce/recharges/out-recharge-no/cz%202020%2F04%3F13/close?sub_mchid=1900102208"
    );
    assert_eq!(sent[0].body, None);
}

#[tokio::test]
async fn query_is_a_get_with_the_documented_hosts() {
    let transport = Recorder::answering(200, DEPOSIT);
    let client = PlatsolutionClient::new(&transport);
    client
        .query_recharge(&QueryRechargeRequest::new(required::QueryRechargeRequest {
            out_recharge_no: "cz202407181234",
            sub_mchid: "1900102208",
        }))
        .await
        .expect("found");
    let sent = transport.sent();
    assert_eq!(sent[0].operation.method, Method::Get);
    assert_eq!(sent[0].operation.main_host, "https://api.mch.weixin.qq.com");
    assert_eq!(
        sent[0].operation.backup_host,
        Some("https://api2.mch.weixin.qq.com")
    );
    assert!(sent[0].operation.retry_safe);
    assert_eq!(
        sent[0].path_and_query,
        "/v3/platsolution/ecommerce/recharges/out-recharge-no/cz202407181234?sub_mchid=1900102208"
    );
}

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
    .with_available_recharge_channels(vec![RechargeChannel::BankTransfer])
    .with_remark("充值备注")
}

#[tokio::test]
async fn apply_sends_only_set_fields_in_the_body() {
    let transport = Recorder::answering(
        200,
        r#"{"recharge_id":"172207846292553701","out_recharge_no":"cz202407181234","recharge_url":"https://www.payapp.qq.com/plat/recharge.html"}"#,
    );
    let client = PlatsolutionClient::new(&transport);
    let response = client
        .apply_recharge(&apply_request())
        .await
        .expect("applied");
    assert_eq!(response.recharge_id, "172207846292553701");

    let sent = transport.sent();
    assert_eq!(
        sent[0].path_and_query,
        "/v3/platsolution/ecommerce/recharges/apply"
    );
    let body: serde_json::Value =
        serde_json::from_slice(sent[0].body.as_deref().expect("a body")).expect("JSON");
    assert_eq!(
        body,
        serde_json::json!({
            "sub_mchid": "1900001109",
            "out_recharge_no": "cz202407181234",
            "recharge_scene": "ECOMMERCE_DEPOSIT",
            "account_type": "DEPOSIT",
            "recharge_amount": {"amount": 500000, "currency": "CNY"},
            "available_recharge_channels": ["BANK_TRANSFER"],
            "remark": "充值备注"
        })
    );
}

#[tokio::test]
async fn a_field_over_its_length_is_refused_before_sending() {
    let transport = Recorder::answering(200, "{}");
    let client = PlatsolutionClient::new(&transport);
    let mut request = apply_request();
    request.remark = Some("二十一个字二十一个字二十一个字二十一个字二".to_owned());
    request.recharge_amount.currency = Some("C".repeat(17));

    let error = client.apply_recharge(&request).await.expect_err("refused");
    let Error::Validation(validation) = &error else {
        panic!("expected a validation error, got {error:?}")
    };
    assert_eq!(validation.field, "recharge_amount.currency");
    assert_eq!(validation.rule, "at most 16 characters, got 17");
    assert!(transport.sent().is_empty(), "nothing may be sent");

    request.recharge_amount.currency = Some("CNY".to_owned());
    let error = client.apply_recharge(&request).await.expect_err("refused");
    assert_eq!(
        error.to_string(),
        "request field `remark` refused before sending: at most 20 characters, got 21"
    );
}

/// `.`, `..` or an empty path parameter would be signed as one path and sent as another (URL
/// parsers collapse dot segments): refused before sending.
#[tokio::test]
async fn dot_and_empty_path_parameters_are_refused_before_sending() {
    let transport = Recorder::answering(200, "{}");
    let client = PlatsolutionClient::new(&transport);
    for value in ["", ".", ".."] {
        let request = QueryRechargeRequest::new(required::QueryRechargeRequest {
            out_recharge_no: value,
            sub_mchid: "1900102208",
        });
        let error = client.query_recharge(&request).await.expect_err("refused");
        let Error::Validation(validation) = &error else {
            panic!("expected a validation error, got {error:?}")
        };
        assert_eq!(validation.field, "out_recharge_no");
    }
    assert!(transport.sent().is_empty(), "nothing may be sent");
}

#[tokio::test]
async fn an_error_answer_keeps_code_message_detail_and_request_id() {
    let transport = Recorder::answering(
        400,
        r#"{"code":"INVALID_REQUEST","message":"该业务充值单号已存在","detail":{"field":"out_recharge_no","value":"cz1","issue":"duplicate","location":"body"}}"#,
    );
    let client = PlatsolutionClient::new(&transport);
    let error = client
        .apply_recharge(&apply_request())
        .await
        .expect_err("an API error");
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}")
    };
    assert_eq!(api.status, 400);
    assert_eq!(ErrorCode::of(api), ErrorCode::InvalidRequest);
    assert_eq!(api.message, "该业务充值单号已存在");
    let detail = api.detail.as_ref().expect("detail");
    assert_eq!(detail.field.as_deref(), Some("out_recharge_no"));
    assert_eq!(detail.location.as_deref(), Some("body"));
    assert_eq!(error.request_id(), Some("08F78BB5AF0610D302839DC9"));
    assert!(!error.is_retryable());
    assert!(error.to_string().contains("INVALID_REQUEST"));
    assert!(
        error
            .to_string()
            .contains("Request-ID 08F78BB5AF0610D302839DC9")
    );
}

#[tokio::test]
async fn unknown_codes_and_enum_values_are_kept() {
    let transport = Recorder::answering(429, r#"{"code":"A_NEW_CODE","message":"later"}"#);
    let client = PlatsolutionClient::new(&transport);
    let error = client
        .query_recharge(&QueryRechargeRequest::new(required::QueryRechargeRequest {
            out_recharge_no: "x",
            sub_mchid: "y",
        }))
        .await
        .expect_err("an API error");
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}")
    };
    assert_eq!(
        ErrorCode::of(api),
        ErrorCode::Unknown("A_NEW_CODE".to_owned())
    );
    assert_eq!(api.code.as_str(), "A_NEW_CODE");

    let state: RechargeState = serde_json::from_str(r#""REFUNDED""#).expect("any string decodes");
    assert_eq!(state, RechargeState::Unknown("REFUNDED".to_owned()));
    assert_eq!(
        serde_json::to_string(&state).expect("encodes"),
        r#""REFUNDED""#
    );
}

#[tokio::test]
async fn a_body_that_is_not_the_model_is_a_decode_error_keeping_the_bytes() {
    let transport = Recorder::answering(200, r#"{"recharge_id": 5}"#);
    let client = PlatsolutionClient::new(&transport);
    let error = client
        .apply_recharge(&apply_request())
        .await
        .expect_err("undecodable");
    let Error::Decode { status, body, .. } = &error else {
        panic!("expected a decode error, got {error:?}")
    };
    assert_eq!(*status, 200);
    assert_eq!(body, br#"{"recharge_id": 5}"#);
}

#[tokio::test]
async fn a_proxy_error_page_is_a_decode_error_not_a_panic() {
    let transport = Recorder::answering(502, "<html>Bad Gateway</html>");
    let client = PlatsolutionClient::new(&transport);
    let error = client
        .query_recharge(&QueryRechargeRequest::new(required::QueryRechargeRequest {
            out_recharge_no: "x",
            sub_mchid: "y",
        }))
        .await
        .expect_err("an error");
    assert!(
        matches!(error, Error::Decode { status: 502, .. }),
        "{error:?}"
    );
}
