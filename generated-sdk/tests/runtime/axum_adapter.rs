//! The axum extractor end to end: a real HTTP POST on 127.0.0.1 into an axum router.

use axum::Router;
use axum::routing::post;
use wechatpay_apiv3::runtime::{Client, NotificationReply, WechatPayNotification};

use crate::support::{
    API_V3_KEY, NotificationTamper, PUBLIC_KEY_ID, WECHATPAY_PRIVATE, client_builder, notification,
};

#[derive(Debug, serde::Deserialize)]
struct Refund {
    out_trade_no: String,
}

async fn on_refund(
    WechatPayNotification(event): WechatPayNotification<Refund>,
) -> NotificationReply {
    if event.resource.out_trade_no == "20150806125346" {
        NotificationReply::success()
    } else {
        NotificationReply::failure(500, "unknown order")
    }
}

async fn serve(client: Client) -> String {
    let app = Router::new()
        .route("/notify/refund", post(on_refund))
        .with_state(client);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}/notify/refund")
}

async fn post_notification(url: &str, tamper: NotificationTamper) -> (u16, String) {
    let resource = r#"{"out_trade_no":"20150806125346","refund_status":"SUCCESS"}"#;
    let (headers, body) = notification(
        "REFUND.SUCCESS",
        resource,
        WECHATPAY_PRIVATE,
        PUBLIC_KEY_ID,
        tamper,
    );
    let mut request = reqwest::Client::new()
        .post(url)
        .body(body)
        .header("Content-Type", "application/json");
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let response = request.send().await.expect("the adapter answers");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

#[tokio::test]
async fn a_genuine_notification_reaches_the_handler_and_gets_204() {
    let client = client_builder("http://127.0.0.1:1")
        .api_v3_key(API_V3_KEY)
        .build()
        .expect("client");
    let url = serve(client).await;
    assert_eq!(
        post_notification(&url, NotificationTamper::None).await,
        (204, String::new())
    );
}

#[tokio::test]
async fn a_forged_notification_never_reaches_the_handler() {
    let client = client_builder("http://127.0.0.1:1")
        .api_v3_key(API_V3_KEY)
        .build()
        .expect("client");
    let url = serve(client).await;
    let (status, body) = post_notification(&url, NotificationTamper::FlipSignatureByte).await;
    assert_eq!(status, 401);
    assert_eq!(body, r#"{"code":"FAIL","message":"签名验证失败"}"#);
    let (status, _) = post_notification(&url, NotificationTamper::WrongApiV3Key).await;
    assert_eq!(status, 400);
}
