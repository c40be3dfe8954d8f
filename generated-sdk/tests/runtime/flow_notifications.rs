//! The notifications of a payment flow as a downstream team receives them (支付成功, 退款结果,
//! 商家转账, 分账动账): signed and encrypted by the sandbox, verified, decrypted and decoded into
//! their service's `Event`.

use wechatpay_apiv3::api::basic_payment::{self, TradeState, TradeType};
use wechatpay_apiv3::api::mch_transfer::{self, CreateTransferBillState};
use wechatpay_apiv3::api::partner_payment;
use wechatpay_apiv3::api::profit_sharing;
use wechatpay_apiv3::api::refund::{self, Status};
use wechatpay_apiv3::testkit::Sandbox;

/// A payment notification's resource as the notification pages show its fields.
const PAID: &str = r#"{"transaction_id":"1217752501201407033233368018","amount":{"payer_total":100,"total":100,"currency":"CNY","payer_currency":"CNY"},"mchid":"1230000109","trade_state":"SUCCESS","bank_type":"CMC","promotion_detail":[],"success_time":"2018-06-08T10:34:56+08:00","payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},"out_trade_no":"1217752501201407033233368018","appid":"wxd678efh567hg6787","trade_state_desc":"支付成功","trade_type":"JSAPI","attach":"自定义数据"}"#;

async fn sandbox() -> Sandbox {
    Sandbox::start().await.expect("the sandbox starts")
}

#[tokio::test]
async fn a_payment_notification_is_a_typed_transaction_event() {
    let sandbox = sandbox().await;
    let client = sandbox.client().expect("client");
    let built = sandbox
        .notification_of("basic_payment", "TRANSACTION.SUCCESS")
        .expect("described by the spec")
        .resource(PAID)
        .build()
        .expect("built");
    let parsed = client
        .parse_event::<basic_payment::Event>(&built.headers, &built.body)
        .expect("verified and decrypted");
    assert_eq!(parsed.envelope.event_type, "TRANSACTION.SUCCESS");
    assert_eq!(parsed.envelope.summary, "支付成功");
    let basic_payment::Event::Transaction(paid) = parsed.resource else {
        panic!("a payment, got {:?}", parsed.resource)
    };
    assert_eq!(paid.trade_state, Some(TradeState::Success));
    assert_eq!(paid.trade_type, Some(TradeType::Jsapi));
    assert_eq!(
        paid.out_trade_no.as_deref(),
        Some("1217752501201407033233368018")
    );
    assert_eq!(
        paid.amount.as_ref().and_then(|amount| amount.payer_total),
        Some(100)
    );
    assert_eq!(
        paid.payer
            .as_ref()
            .and_then(|payer| payer.openid.as_deref()),
        Some("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")
    );
    assert_eq!(
        paid.success_time.map(|time| time.to_rfc3339()).as_deref(),
        Some("2018-06-08T10:34:56+08:00"),
        "the offset WeChat Pay sent is kept"
    );
}

#[tokio::test]
async fn a_partner_payment_notification_carries_both_merchants() {
    let sandbox = sandbox().await;
    let client = sandbox.client().expect("client");
    let resource = r#"{"sp_appid":"wx8888888888888888","sp_mchid":"1230000109","sub_appid":"wxd678efh567hg6999","sub_mchid":"1900000109","out_trade_no":"1217752501201407033233368018","transaction_id":"1217752501201407033233368018","trade_type":"NATIVE","trade_state":"ACCEPT","trade_state_desc":"已接收,等待扣款","payer":{"sp_openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","sub_openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},"amount":{"total":100,"payer_total":100,"currency":"CNY","payer_currency":"CNY"}}"#;
    let built = sandbox
        .notification_of("partner_payment", "TRANSACTION.SUCCESS")
        .expect("described by the spec")
        .resource(resource)
        .build()
        .expect("built");
    let parsed = client
        .parse_event::<partner_payment::Event>(&built.headers, &built.body)
        .expect("verified and decrypted");
    let partner_payment::Event::Transaction(paid) = parsed.resource else {
        panic!("a payment, got {:?}", parsed.resource)
    };
    assert_eq!(paid.sp_mchid.as_deref(), Some("1230000109"));
    assert_eq!(paid.sub_mchid.as_deref(), Some("1900000109"));
    assert_eq!(
        paid.payer
            .as_ref()
            .and_then(|payer| payer.sub_openid.as_deref()),
        Some("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")
    );
    assert_eq!(
        paid.trade_state,
        Some(partner_payment::TradeState::Unknown("ACCEPT".to_owned())),
        "a state the spec does not list is kept as sent"
    );
}

#[tokio::test]
async fn each_refund_event_type_is_a_typed_refund_with_its_summary() {
    let sandbox = sandbox().await;
    let client = sandbox.client().expect("client");
    for (event_type, summary, status, expected) in [
        ("REFUND.SUCCESS", "退款成功", "SUCCESS", Status::Success),
        ("REFUND.ABNORMAL", "退款异常", "ABNORMAL", Status::Abnormal),
        ("REFUND.CLOSED", "退款关闭", "CLOSED", Status::Closed),
    ] {
        let resource = format!(
            r#"{{"mchid":"1900000100","transaction_id":"1008450740201411110005820873","out_trade_no":"20150806125346","refund_id":"50200207182018070300011301001","out_refund_no":"7752501201407033233368018","refund_status":"{status}","user_received_account":"招商银行信用卡0403","amount":{{"total":999,"refund":999,"payer_total":999,"payer_refund":999}}}}"#
        );
        let built = sandbox
            .notification_of("refund", event_type)
            .expect("described by the spec")
            .resource(resource)
            .build()
            .expect("built");
        let parsed = client
            .parse_event::<refund::Event>(&built.headers, &built.body)
            .expect("verified and decrypted");
        assert_eq!(parsed.envelope.summary, summary);
        let refund::Event::Refund(refund) = parsed.resource else {
            panic!("{event_type}: a refund, got {:?}", parsed.resource)
        };
        assert_eq!(refund.refund_status, Some(expected), "{event_type}");
        assert_eq!(
            refund
                .amount
                .as_ref()
                .and_then(|amount| amount.payer_refund),
            Some(999)
        );
    }
}

#[tokio::test]
async fn an_event_type_a_service_does_not_describe_is_refused_naming_the_service() {
    let sandbox = sandbox().await;
    let error = sandbox
        .notification_of("basic_payment", "REFUND.SUCCESS")
        .expect_err("basic_payment describes no refund notification");
    let text = error.to_string();
    assert!(
        text.contains("\"REFUND.SUCCESS\" in basic_payment"),
        "{text}"
    );
    assert!(text.contains("refund REFUND.ABNORMAL"), "{text}");
}

#[tokio::test]
async fn a_transfer_bill_notification_reports_its_final_state() {
    let sandbox = sandbox().await;
    let client = sandbox.client().expect("client");
    let resource = r#"{"out_bill_no":"plfk2020042013","transfer_bill_no":"1330000071100999991182020050700019480001","state":"SUCCESS","mchid":"1900001109","transfer_amount":2000,"openid":"o-MYE42l80oelYMDE34nYD456Xoy","create_time":"2015-05-20T13:29:35.120+08:00","update_time":"2023-08-15T20:33:22.289+08:00"}"#;
    let built = sandbox
        .notification_of("mch_transfer", "MCHTRANSFER.BILL.FINISHED")
        .expect("described by the spec")
        .resource(resource)
        .build()
        .expect("built");
    let parsed = client
        .parse_event::<mch_transfer::Event>(&built.headers, &built.body)
        .expect("verified and decrypted");
    let mch_transfer::Event::TransferBill(bill) = parsed.resource else {
        panic!("a transfer bill, got {:?}", parsed.resource)
    };
    assert_eq!(bill.state, Some(CreateTransferBillState::Success));
    assert_eq!(bill.out_bill_no.as_deref(), Some("plfk2020042013"));
    assert_eq!(
        bill.transfer_amount.as_ref().map(|amount| amount.as_str()),
        Some("2000")
    );
    assert_eq!(
        bill.update_time.map(|time| time.to_rfc3339()).as_deref(),
        Some("2023-08-15T20:33:22.289+08:00")
    );
}

#[tokio::test]
async fn both_profit_sharing_event_types_are_the_receivers_movement() {
    let sandbox = sandbox().await;
    let client = sandbox.client().expect("client");
    for (event_type, summary) in [
        ("PROFITSHARING.SUCCESS", "分账动账成功变动"),
        ("PROFITSHARING.RETURN", "分账动账成功回退"),
    ] {
        let resource = r#"{"sp_mchid":"1900000100","sub_mchid":"1900000109","transaction_id":"4200000000000000000000000000","order_id":"30000000000000000000000000","out_order_no":"P20150806125346","receiver":{"type":"MERCHANT_ID","account":"1900000109","amount":888,"description":"运费/交易分账"},"success_time":"2018-06-08T10:34:56+08:00"}"#;
        let built = sandbox
            .notification_of("profit_sharing", event_type)
            .expect("described by the spec")
            .resource(resource)
            .build()
            .expect("built");
        let parsed = client
            .parse_event::<profit_sharing::Event>(&built.headers, &built.body)
            .expect("verified and decrypted");
        assert_eq!(parsed.envelope.summary, summary);
        let profit_sharing::Event::ProfitSharing(moved) = parsed.resource else {
            panic!("{event_type}: a movement, got {:?}", parsed.resource)
        };
        let receiver = moved.receiver.expect("the receiver");
        assert_eq!(receiver.type_, Some(profit_sharing::Type::MerchantId));
        assert_eq!(receiver.amount, Some(888));
    }
}
