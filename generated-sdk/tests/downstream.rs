//! How a downstream team tests its payment code against the sandbox (cargo feature `testkit`):
//! nothing here is internal to this crate. The "application" is `RechargeDesk` and
//! `on_notification`; the tests drive them through a recharge and a refund notification.

use wechatpay_apiv3::Error;
use wechatpay_apiv3::api::global::Event;
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
        let request = ApplyRechargeRequest::new(
            self.sub_mchid.clone(),
            order,
            RechargeScene::EcommerceDeposit,
            AccountType::Deposit,
            amount,
        );
        let applied = self.client.platsolution().apply_recharge(&request).await?;
        Ok(applied.recharge_url)
    }

    async fn status(&self, order: &str) -> Result<MchDeposit, Error> {
        let request = QueryRechargeRequest::new(order, self.sub_mchid.clone());
        self.client.platsolution().query_recharge(&request).await
    }

    async fn cancel(&self, order: &str) -> Result<MchDeposit, Error> {
        let request = CloseRechargeRequest::new(order, self.sub_mchid.clone());
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
