//! An array in the query (获取邀请商户开通服务商电子发票能力's `fapiao_ability_type_list`) is sent
//! once per item, in order, and the sandbox reads the repeats back as one array, checking each
//! value against the documented ones.

#![cfg(feature = "fapiao")]

use wechatpay_apiv3::Services;
use wechatpay_apiv3::api::fapiao::{
    FapiaoAbilityType, FapiaoMode, OperationType, QueryPartnerInviteUrlRequest, operations,
    required,
};
use wechatpay_apiv3::runtime::{ApiRequest, Transport};
use wechatpay_apiv3::testkit::Sandbox;

const PATH: &str = "/v3/new-tax-control-fapiao/fapiaomerchant/getspinviteurl";

fn request() -> QueryPartnerInviteUrlRequest {
    QueryPartnerInviteUrlRequest::new(required::QueryPartnerInviteUrlRequest {
        operation_type: OperationType::AuthBinding,
        fapiao_mode: FapiaoMode::TencentDigitalTax,
        invite_code: "code_20200101_123",
    })
}

#[tokio::test]
async fn each_item_is_one_repeat_of_the_parameter_in_order() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let client = sandbox.client().expect("client");
    let request = request().with_fapiao_ability_type_list(vec![
        FapiaoAbilityType::RealEstateAbility,
        FapiaoAbilityType::BaseAbility,
    ]);
    client
        .fapiao()
        .query_partner_invite_url(&request)
        .await
        .expect("the sandbox accepts both values");
    let recorded = sandbox.requests().pop().expect("recorded");
    assert!(recorded.signature_valid);
    assert_eq!(
        recorded.path_and_query,
        format!(
            "{PATH}?operation_type=AUTH_BINDING&fapiao_mode=TENCENT_DIGITAL_TAX\
             &fapiao_ability_type_list=REAL_ESTATE_ABILITY&fapiao_ability_type_list=BASE_ABILITY\
             &invite_code=code_20200101_123"
        )
    );
}

#[tokio::test]
async fn an_empty_list_sends_no_parameter() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let client = sandbox.client().expect("client");
    let request = request().with_fapiao_ability_type_list(Vec::new());
    client
        .fapiao()
        .query_partner_invite_url(&request)
        .await
        .expect("accepted");
    let recorded = sandbox.requests().pop().expect("recorded");
    assert!(!recorded.path_and_query.contains("fapiao_ability_type_list"));
}

#[tokio::test]
async fn the_sandbox_checks_every_repeat_against_the_documented_values() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let client = sandbox.client().expect("client");
    let request = ApiRequest {
        operation: &operations::QUERY_PARTNER_INVITE_URL,
        path_and_query: format!(
            "{PATH}?operation_type=AUTH_BINDING&fapiao_mode=TENCENT_DIGITAL_TAX\
             &fapiao_ability_type_list=BASE_ABILITY&fapiao_ability_type_list=GOLD_ABILITY\
             &invite_code=c"
        ),
        body: None,
        upload: None,
        wechatpay_serial: None,
    };
    let answer = client.send(request).await.expect("an answer");
    assert_eq!(answer.status, 400);
    let body: serde_json::Value = serde_json::from_slice(&answer.body).expect("JSON");
    assert_eq!(body["code"], "PARAM_ERROR");
    assert_eq!(body["detail"]["field"], "fapiao_ability_type_list[1]");
    assert_eq!(body["detail"]["value"], "GOLD_ABILITY");
}
