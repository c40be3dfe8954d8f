//! How a downstream team tests its payment code against the sandbox (cargo feature `testkit`):
//! nothing here is internal to this crate. The "application" is `RechargeDesk` and
//! `on_notification`; the tests drive them through a recharge and a refund notification.

use wechatpay_apiv3::Error;
use wechatpay_apiv3::Services;
use wechatpay_apiv3::api::global::Event;
use wechatpay_apiv3::api::platsolution::required;
use wechatpay_apiv3::api::platsolution::{
    AccountType, ApplyRechargeRequest, CloseRechargeRequest, MchDeposit, QueryRechargeRequest,
    RechargeAmount, RechargeScene, RechargeState,
};
use wechatpay_apiv3::runtime::{Client, NotificationReply};
use wechatpay_apiv3::testkit::{NotificationFault, Sandbox};

/// The application's code under test: it only ever sees a `Client`.
struct RechargeDesk {
    client: Client,
    sub_mchid: String,
}

impl RechargeDesk {
    /// Starts a recharge of `fen` 分 and returns the page the merchant pays on.
    async fn start(&self, order: &str, fen: i64) -> Result<String, Error> {
        let mut amount = RechargeAmount::new();
        amount.amount = Some(fen);
        amount.currency = Some("CNY".to_owned());
        let request = ApplyRechargeRequest::new(required::ApplyRechargeRequest {
            sub_mchid: &self.sub_mchid,
            out_recharge_no: order,
            recharge_scene: RechargeScene::EcommerceDeposit,
            account_type: AccountType::Deposit,
            recharge_amount: amount,
        });
        let applied = self.client.platsolution().apply_recharge(&request).await?;
        Ok(applied.recharge_url)
    }

    async fn status(&self, order: &str) -> Result<MchDeposit, Error> {
        let request = QueryRechargeRequest::new(required::QueryRechargeRequest {
            out_recharge_no: order,
            sub_mchid: &self.sub_mchid,
        });
        self.client.platsolution().query_recharge(&request).await
    }

    async fn cancel(&self, order: &str) -> Result<MchDeposit, Error> {
        let request = CloseRechargeRequest::new(required::CloseRechargeRequest {
            out_recharge_no: order,
            sub_mchid: &self.sub_mchid,
        });
        self.client.platsolution().close_recharge(&request).await
    }
}

/// The application's webhook: verify, decrypt, act, and answer WeChat Pay.
fn on_notification(
    client: &Client,
    headers: &[(String, String)],
    body: &[u8],
    refunded: &mut Vec<String>,
) -> NotificationReply {
    match client.parse_event::<Event>(headers, body) {
        Ok(notification) => {
            if let Event::Refund(refund) = notification.resource {
                refunded.push(refund.out_refund_no);
            }
            NotificationReply::success()
        }
        Err(error) => NotificationReply::for_error(&error),
    }
}

#[tokio::test]
async fn a_recharge_is_started_checked_and_cancelled() {
    let sandbox = Sandbox::start().await.expect("the sandbox starts");
    let desk = RechargeDesk {
        client: sandbox.client().expect("a client of the sandbox"),
        sub_mchid: "1900001109".to_owned(),
    };

    let page = desk
        .start("cz202611230001", 500_000)
        .await
        .expect("started");
    assert!(page.starts_with("https://"));
    let recharge = desk.status("cz202611230001").await.expect("found");
    assert_eq!(recharge.recharge_state, RechargeState::Recharging);

    let closed = desk.cancel("cz202611230001").await.expect("cancelled");
    assert_eq!(closed.recharge_state, RechargeState::Closed);
    let recharge = desk.status("cz202611230001").await.expect("found");
    assert_eq!(recharge.recharge_state, RechargeState::Closed);

    // What went over the wire, for assertions a mock could not make honestly.
    let sent: Vec<&str> = sandbox
        .requests()
        .iter()
        .filter_map(|request| request.operation.map(|info| info.id))
        .collect();
    assert_eq!(
        sent,
        [
            "apply_recharge",
            "query_recharge",
            "close_recharge",
            "query_recharge"
        ]
    );
    assert!(
        sandbox
            .requests()
            .iter()
            .all(|request| request.signature_valid)
    );
}

#[tokio::test]
async fn the_application_survives_wechat_pay_failing() {
    let sandbox = Sandbox::start().await.expect("the sandbox starts");
    let desk = RechargeDesk {
        client: sandbox.client().expect("client"),
        sub_mchid: "1900001109".to_owned(),
    };
    // WeChat Pay is down for one answer: the query is safe to repeat, so the client retries.
    desk.start("cz1", 100).await.expect("started");
    sandbox.inject(
        &wechatpay_apiv3::api::platsolution::operations::QUERY_RECHARGE,
        wechatpay_apiv3::testkit::Fault::system_error(),
        1,
    );
    desk.status("cz1").await.expect("retried");
    // An answer that does not verify is never trusted.
    sandbox.inject(
        &wechatpay_apiv3::api::platsolution::operations::QUERY_RECHARGE,
        wechatpay_apiv3::testkit::Fault::BadSignature,
        1,
    );
    let error = desk.status("cz1").await.expect_err("refused");
    assert!(matches!(error, Error::Verification { .. }), "{error:?}");
}

#[tokio::test]
async fn a_refund_notification_round_trip() {
    let sandbox = Sandbox::start().await.expect("the sandbox starts");
    let client = sandbox.client().expect("client");
    let mut refunded = Vec::new();

    // The documented REFUND.SUCCESS resource, encrypted and signed as WeChat Pay sends it.
    let notification = sandbox
        .notification("REFUND.SUCCESS")
        .expect("the spec describes it")
        .build()
        .expect("built");
    let reply = on_notification(
        &client,
        &notification.headers,
        &notification.body,
        &mut refunded,
    );
    assert_eq!(reply.status, 204);
    assert_eq!(refunded, ["7752501201407033233368018"]);

    // A forged one is refused, and the reply tells WeChat Pay to try again later.
    let forged = sandbox
        .notification("REFUND.SUCCESS")
        .expect("described")
        .fault(NotificationFault::BadSignature)
        .build()
        .expect("built");
    let reply = on_notification(&client, &forged.headers, &forged.body, &mut refunded);
    assert_eq!(reply.status, 401);
    assert_eq!(refunded.len(), 1, "nothing acted on");
}

/// The flows of a team taking domestic payments (issue 15's acceptance): JSAPI prepay, a refund
/// and a 商家转账 bill, typed request in and typed answer out, against the sandbox, which answers
/// operations the documentation gives no example for with an answer built from their type.
#[cfg(all(
    feature = "basic_payment",
    feature = "refund",
    feature = "mch_transfer"
))]
mod payment_flows {
    use serde_json::Value;
    use wechatpay_apiv3::Services;
    use wechatpay_apiv3::api::basic_payment::{self, Amount, JsapiPrepayPayer, JsapiPrepayRequest};
    use wechatpay_apiv3::api::mch_transfer::{
        self, CreateTransferBillRequest, TransferSceneId, TransferSceneReportInfos,
    };
    use wechatpay_apiv3::api::refund::{self, CreateRefundRequest};
    use wechatpay_apiv3::runtime::Decimal;
    use wechatpay_apiv3::testkit::Sandbox;

    /// The JSON body the sandbox received for the last request.
    fn last_body(sandbox: &Sandbox) -> Value {
        let request = sandbox.requests().pop().expect("a request");
        assert!(request.signature_valid, "signed by the merchant key");
        serde_json::from_slice(&request.body).expect("a JSON body")
    }

    #[tokio::test]
    async fn jsapi_prepay_then_the_front_end_parameters() {
        let sandbox = Sandbox::start().await.expect("the sandbox starts");
        let client = sandbox.client().expect("client");
        let request = JsapiPrepayRequest::new(basic_payment::required::JsapiPrepayRequest {
            appid: "wxd678efh567hg6787",
            mchid: "1230000109",
            description: "Image形象店-深圳腾大-QQ公仔",
            out_trade_no: "1217752501201407033233368018",
            amount: Amount::new(100),
            notify_url: "https://www.weixin.qq.com/wxpay/pay.php",
            payer: JsapiPrepayPayer::new("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"),
        })
        .with_attach("自定义数据");
        let prepay = client
            .basic_payment()
            .jsapi_prepay(&request)
            .await
            .expect("a verified, typed answer");
        assert!(!prepay.prepay_id.is_empty());
        let sent = last_body(&sandbox);
        assert_eq!(sent["out_trade_no"], "1217752501201407033233368018");
        assert_eq!(sent["amount"]["total"], 100);
        assert_eq!(sent["payer"]["openid"], "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
        assert_eq!(sent["attach"], "自定义数据");
        let params = client
            .jsapi_pay_params("wxd678efh567hg6787", &prepay.prepay_id)
            .expect("signed parameters");
        assert_eq!(params.package, format!("prepay_id={}", prepay.prepay_id));
    }

    #[tokio::test]
    async fn a_refund_is_created_and_its_answer_decoded() {
        let sandbox = Sandbox::start().await.expect("the sandbox starts");
        let client = sandbox.client().expect("client");
        // Only a paid order can be refunded: pay one first (its notification goes nowhere).
        let order = JsapiPrepayRequest::new(basic_payment::required::JsapiPrepayRequest {
            appid: "wxd678efh567hg6787",
            mchid: "1230000109",
            description: "Image形象店-深圳腾大-QQ公仔",
            out_trade_no: "1217752501201407033233368018",
            amount: Amount::new(888),
            notify_url: "http://127.0.0.1:9/notify",
            payer: JsapiPrepayPayer::new("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"),
        });
        client
            .basic_payment()
            .jsapi_prepay(&order)
            .await
            .expect("prepaid");
        sandbox
            .set_state(
                "transaction",
                "1217752501201407033233368018",
                "SUCCESS",
                serde_json::Value::Null,
            )
            .expect("paid");
        let request = CreateRefundRequest::new(refund::required::CreateRefundRequest {
            out_refund_no: "1217752501201407033233368018",
            amount: refund::Amount::new(refund::required::Amount {
                refund: 888,
                total: 888,
                currency: "CNY",
            }),
        })
        .with_out_trade_no("1217752501201407033233368018")
        .with_reason("商品已售完");
        let refund = client
            .refund()
            .create_refund(&request)
            .await
            .expect("a verified, typed answer");
        assert!(!refund.refund_id.is_empty());
        let sent = last_body(&sandbox);
        assert_eq!(sent["amount"]["refund"], 888);
        assert_eq!(sent["amount"]["currency"], "CNY");
        assert_eq!(sent["out_trade_no"], "1217752501201407033233368018");
    }

    #[tokio::test]
    async fn a_transfer_bill_is_created_and_its_answer_decoded() {
        let sandbox = Sandbox::start().await.expect("the sandbox starts");
        let client = sandbox.client().expect("client");
        let report =
            TransferSceneReportInfos::new(mch_transfer::required::TransferSceneReportInfos {
                info_type: "活动名称",
                info_content: "新会员有礼",
            });
        let request =
            CreateTransferBillRequest::new(mch_transfer::required::CreateTransferBillRequest {
                appid: "wxf636efh567hg4356",
                out_bill_no: "plfk2020042013",
                openid: "o-MYE42l80oelYMDE34nYD456Xoy",
                transfer_amount: Decimal::from(400_000_i64),
                transfer_remark: "新会员开通有礼",
                transfer_scene_id: TransferSceneId::V1000,
                transfer_scene_report_infos: vec![report],
            });
        let bill = client
            .mch_transfer()
            .create_transfer_bill(&request)
            .await
            .expect("a verified, typed answer");
        assert!(!bill.transfer_bill_no.is_empty());
        let sent = last_body(&sandbox);
        assert_eq!(sent["transfer_scene_id"], "1000");
        assert_eq!(sent["transfer_amount"], 400_000);
        assert_eq!(
            sent["transfer_scene_report_infos"][0]["info_type"],
            "活动名称"
        );
    }
}
