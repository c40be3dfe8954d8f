//! Issue 16's worked example, run end to end against the sandbox: the shop of
//! `examples/jsapi_shop` takes a JSAPI payment (prepay, front-end parameters, the payment
//! notification through the axum extractor, a query), refunds part of it (the refund
//! notification) and reconciles with the day's trade bill.

#[path = "../examples/jsapi_shop/shop.rs"]
mod shop;

use std::time::Duration;

use serde_json::{Value, json};
use wechatpay_apiv3::testkit::{Sandbox, keys};

/// Polls `check` until it holds (a few seconds at most): notifications arrive asynchronously.
async fn eventually(what: &str, check: impl Fn() -> bool) {
    for _ in 0..300 {
        if check() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{what} never happened");
}

async fn send(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.expect("the shop answers");
    let status = response.status().as_u16();
    let text = response.text().await.expect("a body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shop_takes_refunds_and_reconciles_a_jsapi_payment() {
    let sandbox = Sandbox::start().await.expect("the sandbox starts");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let shop_url = format!("http://{}", listener.local_addr().expect("address"));
    let the_shop = shop::Shop::new(
        sandbox.client().expect("client"),
        shop::Settings {
            appid: "wxd678efh567hg6787".to_owned(),
            mchid: keys::MCHID.to_owned(),
            public_url: shop_url.clone(),
        },
    );
    let app = shop::router(the_shop.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let http = reqwest::Client::new();

    // 1. The page asks for an order and gets what wx.requestPayment needs.
    let (status, params) = send(
        http.post(format!("{shop_url}/orders"))
            .header("Content-Type", "application/json")
            .body(
                json!({"out_trade_no": "SHOP-20240101-0001", "description": "QQ公仔",
                       "total": 100, "openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"})
                .to_string(),
            ),
    )
    .await;
    assert_eq!(status, 200, "{params}");
    assert_eq!(params["appId"], "wxd678efh567hg6787");
    assert_eq!(params["signType"], "RSA");
    let package = params["package"].as_str().expect("a package");
    assert!(package.starts_with("prepay_id="), "{package}");
    let prepared = sandbox
        .requests()
        .pop()
        .expect("the prepay reached WeChat Pay");
    let sent: Value = serde_json::from_slice(&prepared.body).expect("JSON");
    assert_eq!(sent["notify_url"], format!("{shop_url}/notify/payment"));
    let (_, order) = send(http.get(format!("{shop_url}/orders/SHOP-20240101-0001"))).await;
    assert_eq!(order["wechat_pay_state"], "NOTPAY");
    assert_eq!(order["shop"]["paid"], false);

    // 2. The payer pays: WeChat Pay notifies the shop, whose extractor verifies and decrypts.
    sandbox
        .set_state(
            "transaction",
            "SHOP-20240101-0001",
            "SUCCESS",
            json!({"success_time": "2024-01-01T10:34:56+08:00"}),
        )
        .expect("paid");
    eventually("the payment notification", || {
        the_shop
            .order("SHOP-20240101-0001")
            .is_some_and(|order| order.paid)
    })
    .await;
    eventually("the acknowledgement", || {
        sandbox
            .notifications()
            .first()
            .is_some_and(|delivery| delivery.delivered)
    })
    .await;
    assert_eq!(
        sandbox.notifications()[0].last_status,
        Some(204),
        "the shop acknowledged"
    );
    let (_, order) = send(http.get(format!("{shop_url}/orders/SHOP-20240101-0001"))).await;
    assert_eq!(order["wechat_pay_state"], "SUCCESS");
    assert!(order["shop"]["transaction_id"].is_string(), "{order}");

    // 3. A partial refund, and its notification.
    let (status, refund) = send(
        http.post(format!("{shop_url}/orders/SHOP-20240101-0001/refund"))
            .header("Content-Type", "application/json")
            .body(json!({"out_refund_no": "SHOP-RF-0001", "refund": 40}).to_string()),
    )
    .await;
    assert_eq!(status, 200, "{refund}");
    assert_eq!(refund["status"], "PROCESSING");
    sandbox
        .set_state("refund", "SHOP-RF-0001", "SUCCESS", Value::Null)
        .expect("refunded");
    eventually("the refund notification", || {
        the_shop
            .order("SHOP-20240101-0001")
            .and_then(|order| order.refunds.get("SHOP-RF-0001").cloned())
            .as_deref()
            == Some("SUCCESS")
    })
    .await;

    // 4. The day's trade bill, checked against the SHA-1 its announcement gave.
    let bill = http
        .get(format!("{shop_url}/bills/2024-01-01"))
        .send()
        .await
        .expect("the shop answers");
    assert_eq!(bill.status(), 200);
    assert!(!bill.text().await.expect("the file").is_empty());

    // A forged notification never reaches the shop's books.
    let forged = sandbox
        .notification_of("basic_payment", "TRANSACTION.SUCCESS")
        .expect("described")
        .resource(r#"{"out_trade_no": "SHOP-20240101-0001", "amount": {"total": 1}}"#)
        .fault(wechatpay_apiv3::testkit::NotificationFault::BadSignature)
        .build()
        .expect("built");
    let (status, _) = forged
        .post(&format!("{shop_url}/notify/payment"))
        .await
        .expect("posted");
    assert_eq!(status, 401);
}
