//! The sandbox pays: an order, a refund and a 商家转账 bill live through their documented
//! states, and entering a state that owes a notification sends it to the creating request's
//! `notify_url` — signed, encrypted, retried until answered 2xx, recorded — whether the state
//! moved by a test or through the control API.

use std::sync::{Arc, Mutex};
use std::time::Duration;
use wechatpay_apiv3::Services;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use wechatpay_apiv3::api::basic_payment::{
    self, Amount, CloseOrderRequest, JsapiPrepayPayer, JsapiPrepayRequest,
    QueryOrderByOutTradeNoRequest, TradeState,
};
use wechatpay_apiv3::api::mch_transfer::{
    self, CancelTransferBillRequest, CreateTransferBillRequest, CreateTransferBillState,
    QueryTransferBillByOutBillNoRequest, TransferSceneId, TransferSceneReportInfos,
};
use wechatpay_apiv3::api::refund::{
    self, CreateRefundRequest, QueryRefundByOutRefundNoRequest, Status,
};
use wechatpay_apiv3::runtime::{Client, Decimal, Error};
use wechatpay_apiv3::testkit::{NotificationDelivery, Sandbox};

/// A merchant's notification endpoint: records what it receives and fails the first
/// `failures` deliveries with a 500, as a receiver that is briefly down does.
#[derive(Clone)]
struct Receiver {
    url: String,
    received: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
}

async fn receiver(failures: usize) -> Receiver {
    let received: Arc<Mutex<Vec<(HeaderMap, Bytes)>>> = Arc::default();
    let seen = received.clone();
    let app = axum::Router::new().route(
        "/notify",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let seen = seen.clone();
            async move {
                let mut seen = seen.lock().expect("not poisoned");
                seen.push((headers, body));
                if seen.len() <= failures {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::NO_CONTENT
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let address = listener.local_addr().expect("an address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    Receiver {
        url: format!("http://{address}/notify"),
        received,
    }
}

impl Receiver {
    fn received(&self) -> Vec<(HeaderMap, Bytes)> {
        self.received.lock().expect("not poisoned").clone()
    }
}

async fn sandbox() -> Sandbox {
    Sandbox::builder()
        .notification_schedule(vec![Duration::from_millis(20); 3])
        .start()
        .await
        .expect("the sandbox starts")
}

/// Waits until `done` holds for the sandbox's deliveries (a few seconds at most).
async fn deliveries_until(
    sandbox: &Sandbox,
    done: impl Fn(&[NotificationDelivery]) -> bool,
) -> Vec<NotificationDelivery> {
    for _ in 0..200 {
        let deliveries = sandbox.notifications();
        if done(&deliveries) {
            return deliveries;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("deliveries never settled: {:?}", sandbox.notifications())
}

async fn prepay(client: &Client, out_trade_no: &str, notify_url: &str) -> String {
    let request = JsapiPrepayRequest::new(basic_payment::required::JsapiPrepayRequest {
        appid: "wxd678efh567hg6787",
        mchid: "1230000109",
        description: "Image形象店-深圳腾大-QQ公仔",
        out_trade_no,
        amount: Amount::new(100),
        notify_url,
        payer: JsapiPrepayPayer::new("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"),
    })
    .with_attach("自定义数据");
    client
        .basic_payment()
        .jsapi_prepay(&request)
        .await
        .expect("prepaid")
        .prepay_id
}

/// An order prepaid and paid, its payment notification delivered.
async fn paid_order(sandbox: &Sandbox, client: &Client, out_trade_no: &str, notify_url: &str) {
    prepay(client, out_trade_no, notify_url).await;
    let before = sandbox.notifications().len();
    sandbox
        .set_state("transaction", out_trade_no, "SUCCESS", Value::Null)
        .expect("paid");
    deliveries_until(sandbox, |d| d.len() > before && d[before].delivered).await;
}

async fn trade_state(client: &Client, out_trade_no: &str) -> Option<TradeState> {
    let query = QueryOrderByOutTradeNoRequest::new(
        basic_payment::required::QueryOrderByOutTradeNoRequest {
            out_trade_no,
            mchid: "1230000109",
        },
    );
    client
        .basic_payment()
        .query_order_by_out_trade_no(&query)
        .await
        .expect("queried")
        .trade_state
}

#[tokio::test]
async fn a_paid_order_notifies_its_notify_url_until_answered_and_reads_paid() {
    let sandbox = sandbox().await;
    let client = sandbox.client().expect("client");
    let merchant = receiver(1).await;
    let prepay_id = prepay(&client, "1217752501201407033233368018", &merchant.url).await;
    assert_eq!(
        prepay(&client, "1217752501201407033233368018", &merchant.url).await,
        prepay_id,
        "the same order answers the same prepay_id"
    );
    assert_eq!(
        trade_state(&client, "1217752501201407033233368018").await,
        Some(TradeState::Notpay)
    );
    assert!(sandbox.notifications().is_empty(), "no notice for NOTPAY");

    sandbox
        .set_state(
            "transaction",
            "1217752501201407033233368018",
            "SUCCESS",
            json!({"success_time": "2018-06-08T10:34:56+08:00", "trade_type": "JSAPI"}),
        )
        .expect("moved");
    let deliveries = deliveries_until(&sandbox, |d| d.iter().any(|d| d.delivered)).await;
    assert_eq!(deliveries.len(), 1);
    let delivery = &deliveries[0];
    assert_eq!(delivery.event_type, "TRANSACTION.SUCCESS");
    assert_eq!(delivery.url, merchant.url);
    assert_eq!(delivery.attempts, 2, "the first attempt got a 500");
    assert_eq!(delivery.last_status, Some(204));

    let received = merchant.received();
    assert_eq!(received.len(), 2);
    let first: Value = serde_json::from_slice(&received[0].1).expect("JSON");
    let (headers, body) = &received[1];
    let second: Value = serde_json::from_slice(body).expect("JSON");
    assert_eq!(
        first["id"], second["id"],
        "a retry is the same notification"
    );
    assert_eq!(second["id"], delivery.id);
    let parsed = client
        .parse_event::<basic_payment::Event>(headers, body)
        .expect("verified with the WeChat Pay key, decrypted with the APIv3 key");
    let basic_payment::Event::Transaction(paid) = parsed.resource else {
        panic!("a payment, got {:?}", parsed.resource)
    };
    assert_eq!(
        paid.out_trade_no.as_deref(),
        Some("1217752501201407033233368018")
    );
    assert_eq!(paid.trade_state, Some(TradeState::Success));
    assert_eq!(paid.amount.as_ref().and_then(|a| a.total), Some(100));
    assert_eq!(paid.attach.as_deref(), Some("自定义数据"));
    assert_eq!(
        paid.payer.as_ref().and_then(|p| p.openid.as_deref()),
        Some("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")
    );
    assert!(paid.transaction_id.is_some_and(|id| !id.is_empty()));
    assert_eq!(
        trade_state(&client, "1217752501201407033233368018").await,
        Some(TradeState::Success)
    );
}

#[tokio::test]
async fn a_closed_order_reads_closed_and_sends_nothing_and_an_unknown_one_is_not_found() {
    let sandbox = sandbox().await;
    let client = sandbox.client().expect("client");
    let merchant = receiver(0).await;
    prepay(&client, "CLOSE-ME-0001", &merchant.url).await;
    let close = CloseOrderRequest::new(basic_payment::required::CloseOrderRequest {
        out_trade_no: "CLOSE-ME-0001",
        mchid: "1230000109",
    });
    client
        .basic_payment()
        .close_order(&close)
        .await
        .expect("closed: a 204");
    assert_eq!(
        trade_state(&client, "CLOSE-ME-0001").await,
        Some(TradeState::Closed)
    );
    assert!(sandbox.notifications().is_empty());

    let query = QueryOrderByOutTradeNoRequest::new(
        basic_payment::required::QueryOrderByOutTradeNoRequest {
            out_trade_no: "NEVER-MADE",
            mchid: "1230000109",
        },
    );
    match client
        .basic_payment()
        .query_order_by_out_trade_no(&query)
        .await
    {
        Err(Error::Api(error)) => {
            assert_eq!(error.status, 404);
            assert_eq!(error.code, "ORDER_NOT_EXIST", "the documented row");
            assert_eq!(error.message, "订单不存在");
        }
        other => panic!("an unknown order is not found, got {other:?}"),
    }
    let refused = sandbox
        .set_state("transaction", "CLOSE-ME-0001", "PAID", Value::Null)
        .expect_err("not a state");
    assert!(refused.to_string().contains("NOTPAY"), "{refused}");
    let refused = sandbox
        .set_state("transaction", "NEVER-MADE", "SUCCESS", Value::Null)
        .expect_err("no such order");
    assert!(refused.to_string().contains("NEVER-MADE"), "{refused}");
}

#[tokio::test]
async fn a_refund_notifies_each_final_state_with_its_event_type() {
    let sandbox = sandbox().await;
    let client = sandbox.client().expect("client");
    let merchant = receiver(0).await;
    paid_order(
        &sandbox,
        &client,
        "1217752501201407033233368018",
        &merchant.url,
    )
    .await;
    for (out_refund_no, state, event_type, status) in [
        ("RF-OK", "SUCCESS", "REFUND.SUCCESS", Status::Success),
        ("RF-BAD", "ABNORMAL", "REFUND.ABNORMAL", Status::Abnormal),
        ("RF-SHUT", "CLOSED", "REFUND.CLOSED", Status::Closed),
    ] {
        let request = CreateRefundRequest::new(refund::required::CreateRefundRequest {
            out_refund_no,
            amount: refund::Amount::new(refund::required::Amount {
                refund: 30,
                total: 100,
                currency: "CNY",
            }),
        })
        .with_out_trade_no("1217752501201407033233368018")
        .with_notify_url(&merchant.url);
        let created = client
            .refund()
            .create_refund(&request)
            .await
            .expect("applied");
        assert_eq!(created.status, Status::Processing);
        sandbox
            .set_state("refund", out_refund_no, state, Value::Null)
            .expect("moved");
        let deliveries = deliveries_until(&sandbox, |d| {
            d.iter().any(|d| d.delivered && d.event_type == event_type)
        })
        .await;
        let (headers, body) = merchant.received().pop().expect("received");
        let parsed = client
            .parse_event::<refund::Event>(&headers, &body)
            .expect("verified and decrypted");
        assert_eq!(parsed.envelope.event_type, event_type);
        let refund::Event::Refund(resource) = parsed.resource else {
            panic!("a refund, got {:?}", parsed.resource)
        };
        assert_eq!(resource.out_refund_no.as_deref(), Some(out_refund_no));
        assert_eq!(resource.refund_status, Some(status.clone()));
        assert_eq!(resource.amount.as_ref().and_then(|a| a.refund), Some(30));
        assert!(deliveries.iter().all(|d| d.attempts == 1));
        let query = QueryRefundByOutRefundNoRequest::new(out_refund_no);
        let read = client
            .refund()
            .query_refund_by_out_refund_no(&query)
            .await
            .expect("read");
        assert_eq!(read.status, status);
    }
    // The order's own TRANSACTION.SUCCESS, then one per refund.
    assert_eq!(sandbox.notifications().len(), 4);
    assert_eq!(
        trade_state(&client, "1217752501201407033233368018").await,
        Some(TradeState::Refund),
        "a refunded order reads 转入退款"
    );
}

#[tokio::test]
async fn a_cancelled_transfer_bill_is_finished_and_notified() {
    let sandbox = sandbox().await;
    let client = sandbox.client().expect("client");
    let merchant = receiver(0).await;
    let report = TransferSceneReportInfos::new(mch_transfer::required::TransferSceneReportInfos {
        info_type: "活动名称",
        info_content: "新会员有礼",
    });
    let request =
        CreateTransferBillRequest::new(mch_transfer::required::CreateTransferBillRequest {
            appid: "wxf636efh567hg4356",
            out_bill_no: "plfk2020042013",
            openid: "o-MYE42l80oelYMDE34nYD456Xoy",
            transfer_amount: Decimal::from(400_i64),
            transfer_remark: "新会员开通有礼",
            transfer_scene_id: TransferSceneId::V1000,
            transfer_scene_report_infos: vec![report],
        })
        .with_notify_url(&merchant.url);
    let bill = client
        .mch_transfer()
        .create_transfer_bill(&request)
        .await
        .expect("created");
    assert_eq!(bill.state, CreateTransferBillState::Accepted);
    let cancel = CancelTransferBillRequest::new("plfk2020042013");
    client
        .mch_transfer()
        .cancel_transfer_bill(&cancel)
        .await
        .expect("cancelling");
    let query = QueryTransferBillByOutBillNoRequest::new("plfk2020042013");
    let read = client
        .mch_transfer()
        .query_transfer_bill_by_out_bill_no(&query)
        .await
        .expect("read");
    assert_eq!(read.state, CreateTransferBillState::Canceling);
    assert!(sandbox.notifications().is_empty(), "CANCELING is not final");
    sandbox
        .set_state("transfer_bill", "plfk2020042013", "CANCELLED", Value::Null)
        .expect("moved");
    deliveries_until(&sandbox, |d| d.iter().any(|d| d.delivered)).await;
    let (headers, body) = merchant.received().pop().expect("received");
    let parsed = client
        .parse_event::<mch_transfer::Event>(&headers, &body)
        .expect("verified and decrypted");
    assert_eq!(parsed.envelope.event_type, "MCHTRANSFER.BILL.FINISHED");
    let mch_transfer::Event::TransferBill(finished) = parsed.resource else {
        panic!("a transfer bill, got {:?}", parsed.resource)
    };
    assert_eq!(finished.out_bill_no.as_deref(), Some("plfk2020042013"));
    assert_eq!(finished.state, Some(CreateTransferBillState::Cancelled));
    assert_eq!(finished.transfer_bill_no, Some(bill.transfer_bill_no));
}

#[tokio::test]
async fn a_receiver_that_never_answers_2xx_gets_every_scheduled_attempt() {
    let sandbox = sandbox().await;
    let client = sandbox.client().expect("client");
    let merchant = receiver(usize::MAX).await;
    prepay(&client, "NEVER-ACKED", &merchant.url).await;
    sandbox
        .set_state("transaction", "NEVER-ACKED", "SUCCESS", Value::Null)
        .expect("moved");
    let deliveries = deliveries_until(&sandbox, |d| d.iter().any(|d| d.attempts == 4)).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let delivery = &sandbox.notifications()[0];
    assert_eq!(
        delivery.attempts, 4,
        "the first and one per wait: {deliveries:?}"
    );
    assert_eq!(delivery.last_status, Some(500));
    assert!(!delivery.delivered);
    assert_eq!(merchant.received().len(), 4);
}

/// The control API, as a service in another language drives it.
#[tokio::test]
async fn the_control_api_moves_instances_and_lists_notifications() {
    let sandbox = sandbox().await;
    let client = sandbox.client().expect("client");
    let merchant = receiver(0).await;
    prepay(&client, "BY-HTTP-0001", &merchant.url).await;
    let http = reqwest::Client::new();
    let state_url = format!("{}/sandbox/v1/state", sandbox.url());
    let post = |body: Value| http.post(&state_url).body(body.to_string()).send();

    let moved =
        post(json!({"lifecycle": "transaction", "key": "BY-HTTP-0001", "state": "SUCCESS"}))
            .await
            .expect("answered");
    assert_eq!(moved.status(), 200);
    let unknown = post(json!({"lifecycle": "transaction", "key": "NO-SUCH", "state": "SUCCESS"}))
        .await
        .expect("answered");
    assert_eq!(unknown.status(), 404);
    let wrong_state =
        post(json!({"lifecycle": "transaction", "key": "BY-HTTP-0001", "state": "DONE"}))
            .await
            .expect("answered");
    assert_eq!(wrong_state.status(), 400);
    let message: Value =
        serde_json::from_str(&wrong_state.text().await.expect("a body")).expect("JSON");
    assert!(
        message["message"]
            .as_str()
            .is_some_and(|m| m.contains("REFUND")),
        "names the lifecycle's states: {message}"
    );
    let malformed = http
        .post(&state_url)
        .body("{\"lifecycle\": 1}")
        .send()
        .await
        .expect("answered");
    assert_eq!(malformed.status(), 400);

    deliveries_until(&sandbox, |d| d.iter().any(|d| d.delivered)).await;
    let listed = http
        .get(format!("{}/sandbox/v1/notifications", sandbox.url()))
        .send()
        .await
        .expect("answered")
        .text()
        .await
        .expect("a body");
    let listed: Value = serde_json::from_str(&listed).expect("JSON");
    let listed = listed.as_array().expect("an array");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["event_type"], "TRANSACTION.SUCCESS");
    assert_eq!(listed[0]["url"], merchant.url.as_str());
    assert_eq!(listed[0]["attempts"], 1);
    assert_eq!(listed[0]["last_status"], 204);
    assert_eq!(listed[0]["delivered"], true);
    assert!(listed[0]["id"].as_str().is_some_and(|id| !id.is_empty()));
}

/// A 服务商's order: the same lifecycle kept for the partner API, notified as a partner payment.
#[cfg(feature = "partner_payment")]
#[tokio::test]
async fn a_partner_order_paid_notifies_with_both_merchants() {
    use wechatpay_apiv3::api::partner_payment;
    let sandbox = sandbox().await;
    let client = sandbox.client().expect("client");
    let merchant = receiver(0).await;
    let request =
        partner_payment::JsapiPrepayRequest::new(partner_payment::required::JsapiPrepayRequest {
            sp_appid: "wx8888888888888888",
            sp_mchid: "1230000109",
            sub_mchid: "1900000109",
            description: "Image形象店-深圳腾大-QQ公仔",
            out_trade_no: "PARTNER-0001",
            amount: partner_payment::Amount::new(100),
            notify_url: &merchant.url,
            payer: partner_payment::JsapiPrepayPayer::new()
                .with_sp_openid("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"),
        });
    client
        .partner_payment()
        .jsapi_prepay(&request)
        .await
        .expect("prepaid");
    sandbox
        .set_state(
            "partner_transaction",
            "PARTNER-0001",
            "SUCCESS",
            Value::Null,
        )
        .expect("moved");
    deliveries_until(&sandbox, |d| d.iter().any(|d| d.delivered)).await;
    let (headers, body) = merchant.received().pop().expect("received");
    let parsed = client
        .parse_event::<partner_payment::Event>(&headers, &body)
        .expect("verified and decrypted");
    let partner_payment::Event::Transaction(paid) = parsed.resource else {
        panic!("a payment, got {:?}", parsed.resource)
    };
    assert_eq!(paid.sp_mchid.as_deref(), Some("1230000109"));
    assert_eq!(paid.sub_mchid.as_deref(), Some("1900000109"));
    assert_eq!(paid.out_trade_no.as_deref(), Some("PARTNER-0001"));
    assert_eq!(paid.trade_state, Some(partner_payment::TradeState::Success));
}

async fn api_error<T: std::fmt::Debug>(result: Result<T, Error>) -> (u16, String, String) {
    match result {
        Err(Error::Api(error)) => (error.status, error.code.clone(), error.message.clone()),
        other => panic!("a documented refusal, got {other:?}"),
    }
}

/// The refusals of issue 16, each with the status and code of its operation's 错误码 table.
#[tokio::test]
async fn the_documented_refusals() {
    let sandbox = sandbox().await;
    let client = sandbox.client().expect("client");
    let merchant = receiver(0).await;

    // Reusing an out_trade_no with another amount: 403 OUT_TRADE_NO_USED.
    prepay(&client, "REUSED-0001", &merchant.url).await;
    let changed = JsapiPrepayRequest::new(basic_payment::required::JsapiPrepayRequest {
        appid: "wxd678efh567hg6787",
        mchid: "1230000109",
        description: "Image形象店-深圳腾大-QQ公仔",
        out_trade_no: "REUSED-0001",
        amount: Amount::new(999),
        notify_url: &merchant.url,
        payer: JsapiPrepayPayer::new("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"),
    });
    let refused = api_error(client.basic_payment().jsapi_prepay(&changed).await).await;
    assert_eq!(
        refused,
        (
            403,
            "OUT_TRADE_NO_USED".to_owned(),
            "商户订单号重复".to_owned()
        )
    );

    // H5下单 likewise (its table, from the official page, has the same row).
    let h5 = |total: i64| {
        basic_payment::H5PrepayRequest::new(basic_payment::required::H5PrepayRequest {
            appid: "wxd678efh567hg6787",
            mchid: "1230000109",
            description: "Image形象店-深圳腾大-QQ公仔",
            out_trade_no: "H5-REUSED-0001",
            amount: Amount::new(total),
            notify_url: &merchant.url,
            scene_info: basic_payment::H5PrepaySceneInfo::new(
                basic_payment::required::H5PrepaySceneInfo {
                    payer_client_ip: "14.23.150.211",
                    h5_info: basic_payment::H5Info::new("Wap"),
                },
            ),
        })
    };
    let first = client
        .basic_payment()
        .h5_prepay(&h5(100))
        .await
        .expect("made");
    let again = client
        .basic_payment()
        .h5_prepay(&h5(100))
        .await
        .expect("the same order");
    assert_eq!(
        first.h5_url, again.h5_url,
        "an unchanged repeat answers the same order"
    );
    let refused = api_error(client.basic_payment().h5_prepay(&h5(999)).await).await;
    assert_eq!(
        refused,
        (
            403,
            "OUT_TRADE_NO_USED".to_owned(),
            "商户订单号重复".to_owned()
        )
    );

    // An unknown 商家转账 bill: 404 NOT_FOUND 记录不存在 (the query page's 公共错误码).
    let unknown_bill = QueryTransferBillByOutBillNoRequest::new("NO-SUCH-BILL");
    let refused = api_error(
        client
            .mch_transfer()
            .query_transfer_bill_by_out_bill_no(&unknown_bill)
            .await,
    )
    .await;
    assert_eq!(
        refused,
        (404, "NOT_FOUND".to_owned(), "记录不存在".to_owned())
    );

    // Refunding an order that was never paid, or that does not exist: 404 RESOURCE_NOT_EXISTS.
    let refund = |out_refund_no: &'static str, out_trade_no: &'static str, amount: i64| {
        CreateRefundRequest::new(refund::required::CreateRefundRequest {
            out_refund_no,
            amount: refund::Amount::new(refund::required::Amount {
                refund: amount,
                total: 100,
                currency: "CNY",
            }),
        })
        .with_out_trade_no(out_trade_no)
    };
    for out_trade_no in ["REUSED-0001", "NEVER-MADE"] {
        let refused = api_error(
            client
                .refund()
                .create_refund(&refund("RF-UNPAID", out_trade_no, 10))
                .await,
        )
        .await;
        assert_eq!(
            refused,
            (
                404,
                "RESOURCE_NOT_EXISTS".to_owned(),
                "订单号不存在".to_owned()
            )
        );
    }

    // Refunding more than was paid: 400 INVALID_REQUEST; what is left can still be refunded.
    paid_order(&sandbox, &client, "PAID-0001", &merchant.url).await;
    client
        .refund()
        .create_refund(&refund("RF-PART-1", "PAID-0001", 70))
        .await
        .expect("70 of 100");
    let refused = api_error(
        client
            .refund()
            .create_refund(&refund("RF-PART-2", "PAID-0001", 31))
            .await,
    )
    .await;
    assert_eq!(refused.0, 400);
    assert_eq!(refused.1, "INVALID_REQUEST");
    client
        .refund()
        .create_refund(&refund("RF-PART-3", "PAID-0001", 30))
        .await
        .expect("the last 30");
    let unknown = QueryRefundByOutRefundNoRequest::new("RF-PART-2");
    let refused = api_error(
        client
            .refund()
            .query_refund_by_out_refund_no(&unknown)
            .await,
    )
    .await;
    assert_eq!(
        refused,
        (
            404,
            "RESOURCE_NOT_EXISTS".to_owned(),
            "退款单不存在".to_owned()
        ),
        "the refused refund was never made"
    );

    // Closing a paid (here: refunded) order: 403 TRADE_ERROR, and it stays as it was.
    let close = CloseOrderRequest::new(basic_payment::required::CloseOrderRequest {
        out_trade_no: "PAID-0001",
        mchid: "1230000109",
    });
    let refused = api_error(client.basic_payment().close_order(&close).await).await;
    assert_eq!(
        refused,
        (403, "TRADE_ERROR".to_owned(), "交易错误".to_owned())
    );
    assert_eq!(
        trade_state(&client, "PAID-0001").await,
        Some(TradeState::Refund)
    );
}

/// A partner's paid order is refunded like a merchant's: the refund finds it among the partner
/// orders; unpaid, it is refused as documented.
#[cfg(feature = "partner_payment")]
#[tokio::test]
async fn a_partner_order_is_refunded_once_paid() {
    use wechatpay_apiv3::api::partner_payment;
    let sandbox = sandbox().await;
    let client = sandbox.client().expect("client");
    let request =
        partner_payment::JsapiPrepayRequest::new(partner_payment::required::JsapiPrepayRequest {
            sp_appid: "wx8888888888888888",
            sp_mchid: "1230000109",
            sub_mchid: "1900000109",
            description: "Image形象店-深圳腾大-QQ公仔",
            out_trade_no: "PARTNER-RF-0001",
            amount: partner_payment::Amount::new(100),
            notify_url: "http://127.0.0.1:9/notify",
            payer: partner_payment::JsapiPrepayPayer::new()
                .with_sp_openid("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"),
        });
    client
        .partner_payment()
        .jsapi_prepay(&request)
        .await
        .expect("prepaid");
    // Its page's table (the official partner JSAPI下单) refuses the number with another amount.
    let mut changed = request.clone();
    changed.amount = partner_payment::Amount::new(999);
    let refused = api_error(client.partner_payment().jsapi_prepay(&changed).await).await;
    assert_eq!(
        refused,
        (
            403,
            "OUT_TRADE_NO_USED".to_owned(),
            "商户订单号重复".to_owned()
        )
    );
    let refund = CreateRefundRequest::new(refund::required::CreateRefundRequest {
        out_refund_no: "PARTNER-RF-1",
        amount: refund::Amount::new(refund::required::Amount {
            refund: 100,
            total: 100,
            currency: "CNY",
        }),
    })
    .with_sub_mchid("1900000109")
    .with_out_trade_no("PARTNER-RF-0001");
    let refused = api_error(client.refund().create_refund(&refund).await).await;
    assert_eq!(refused.1, "RESOURCE_NOT_EXISTS", "not paid yet");
    sandbox
        .set_state(
            "partner_transaction",
            "PARTNER-RF-0001",
            "SUCCESS",
            Value::Null,
        )
        .expect("paid");
    let created = client
        .refund()
        .create_refund(&refund)
        .await
        .expect("a paid partner order is refunded");
    assert_eq!(created.status, Status::Processing);
}
