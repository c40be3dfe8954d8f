//! The shop's HTTP service: what a team taking JSAPI payments writes on top of the SDK.
//!
//! - `POST /orders` `{"out_trade_no", "description", "total", "openid"}`: 下单 (JSAPI), then the
//!   signed parameters the mini-program or 公众号 page hands to `wx.requestPayment`;
//! - `POST /notify/payment`: 支付成功通知, verified and decrypted by the axum extractor;
//! - `GET /orders/{out_trade_no}`: what the shop knows of an order, and what WeChat Pay says;
//! - `POST /orders/{out_trade_no}/refund` `{"out_refund_no", "refund"}`: 申请退款;
//! - `POST /notify/refund`: 退款结果通知;
//! - `GET /bills/{bill_date}`: the day's trade bill, downloaded and checked against its SHA-1.
//!
//! State lives in memory; a real shop keeps it in its database and treats every notification as
//! possibly repeated (WeChat Pay sends again until answered 2xx).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use wechatpay_apiv3::Services;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRef, Path, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use wechatpay_apiv3::api::basic_payment::{
    self, Amount, JsapiPrepayPayer, JsapiPrepayRequest, QueryOrderByOutTradeNoRequest,
    TransactionNotificationResource,
};
use wechatpay_apiv3::api::bill::{ApplyTradeBillRequest, DownloadBillFileRequest};
use wechatpay_apiv3::api::refund::{self, CreateRefundRequest, RefundNotificationResource};
use wechatpay_apiv3::runtime::{Client, NotificationReply, WechatPayNotification};

/// Who the shop is to WeChat Pay, and where WeChat Pay reaches it.
#[derive(Debug, Clone)]
pub struct Settings {
    pub appid: String,
    pub mchid: String,
    /// The shop's public base URL, e.g. `https://shop.example.com`: notifications go to
    /// `{public_url}/notify/payment` and `{public_url}/notify/refund`.
    pub public_url: String,
}

/// What the shop records of an order.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Order {
    pub total: i64,
    /// Set by the payment notification.
    pub paid: bool,
    pub transaction_id: Option<String>,
    /// `out_refund_no` → the refund's last known status.
    pub refunds: HashMap<String, String>,
}

/// The shop's state: the SDK client, its settings, its orders.
#[derive(Clone)]
pub struct Shop {
    client: Client,
    settings: Arc<Settings>,
    orders: Arc<Mutex<HashMap<String, Order>>>,
}

/// The notification extractor finds the client in the state.
impl FromRef<Shop> for Client {
    fn from_ref(shop: &Shop) -> Client {
        shop.client.clone()
    }
}

impl Shop {
    pub fn new(client: Client, settings: Settings) -> Shop {
        Shop {
            client,
            settings: Arc::new(settings),
            orders: Arc::default(),
        }
    }

    /// The shop's record of an order, if it has one.
    pub fn order(&self, out_trade_no: &str) -> Option<Order> {
        self.orders().get(out_trade_no).cloned()
    }

    // A poisoned lock only means a handler panicked; the map is still consistent.
    fn orders(&self) -> std::sync::MutexGuard<'_, HashMap<String, Order>> {
        self.orders
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

pub fn router(shop: Shop) -> Router {
    Router::new()
        .route("/orders", post(create_order))
        .route("/orders/{out_trade_no}", get(show_order))
        .route("/orders/{out_trade_no}/refund", post(refund_order))
        .route("/notify/payment", post(on_payment))
        .route("/notify/refund", post(on_refund))
        .route("/bills/{bill_date}", get(trade_bill))
        .with_state(shop)
}

/// A JSON answer (the shop's own API; axum's `Json` needs a feature this crate does not ask for).
struct Json(Value);

impl IntoResponse for Json {
    fn into_response(self) -> Response {
        ([(CONTENT_TYPE, "application/json")], self.0.to_string()).into_response()
    }
}

/// What went wrong, as the shop's caller sees it.
enum Failed {
    /// The request body is not what the route takes: 400.
    BadRequest(String),
    /// The shop has no such order: 404.
    NoOrder,
    /// WeChat Pay (or the network) failed: 502, with the SDK's message (which never holds keys
    /// or payers' data).
    Sdk(wechatpay_apiv3::runtime::Error),
}

impl IntoResponse for Failed {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            Failed::BadRequest(message) => (StatusCode::BAD_REQUEST, message),
            Failed::NoOrder => (StatusCode::NOT_FOUND, "no such order".to_owned()),
            Failed::Sdk(error) => (StatusCode::BAD_GATEWAY, error.to_string()),
        };
        (status, Json(json!({"error": message}))).into_response()
    }
}

impl From<wechatpay_apiv3::runtime::Error> for Failed {
    fn from(error: wechatpay_apiv3::runtime::Error) -> Failed {
        Failed::Sdk(error)
    }
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, Failed> {
    serde_json::from_slice(body).map_err(|error| Failed::BadRequest(error.to_string()))
}

#[derive(Deserialize)]
struct NewOrder {
    out_trade_no: String,
    description: String,
    total: i64,
    openid: String,
}

async fn create_order(State(shop): State<Shop>, body: Bytes) -> Result<Json, Failed> {
    let order: NewOrder = parse(&body)?;
    let notify_url = format!("{}/notify/payment", shop.settings.public_url);
    let request = JsapiPrepayRequest::new(basic_payment::required::JsapiPrepayRequest {
        appid: &shop.settings.appid,
        mchid: &shop.settings.mchid,
        description: &order.description,
        out_trade_no: &order.out_trade_no,
        amount: Amount::new(order.total),
        notify_url: &notify_url,
        payer: JsapiPrepayPayer::new(order.openid.as_str()),
    });
    let prepay = shop.client.basic_payment().jsapi_prepay(&request).await?;
    shop.orders().insert(
        order.out_trade_no.clone(),
        Order {
            total: order.total,
            ..Order::default()
        },
    );
    // What the page passes to wx.requestPayment, signed with the merchant key.
    let params = shop
        .client
        .jsapi_pay_params(&shop.settings.appid, &prepay.prepay_id)?;
    Ok(Json(json!({
        "appId": params.app_id,
        "timeStamp": params.time_stamp,
        "nonceStr": params.nonce_str,
        "package": params.package,
        "signType": params.sign_type,
        "paySign": params.pay_sign,
    })))
}

async fn on_payment(
    State(shop): State<Shop>,
    WechatPayNotification(paid): WechatPayNotification<TransactionNotificationResource>,
) -> NotificationReply {
    let resource = paid.resource;
    let Some(out_trade_no) = resource.out_trade_no else {
        return NotificationReply::failure(400, "缺少商户订单号");
    };
    let mut orders = shop.orders();
    let Some(order) = orders.get_mut(&out_trade_no) else {
        return NotificationReply::failure(404, "订单不存在");
    };
    // Trust the amount WeChat Pay reports only when it is the order's.
    if resource.amount.and_then(|amount| amount.total) != Some(order.total) {
        return NotificationReply::failure(400, "金额不一致");
    }
    order.paid = true;
    order.transaction_id = resource.transaction_id;
    NotificationReply::success()
}

async fn show_order(
    State(shop): State<Shop>,
    Path(out_trade_no): Path<String>,
) -> Result<Json, Failed> {
    let query = QueryOrderByOutTradeNoRequest::new(
        basic_payment::required::QueryOrderByOutTradeNoRequest {
            out_trade_no: &out_trade_no,
            mchid: &shop.settings.mchid,
        },
    );
    let remote = shop
        .client
        .basic_payment()
        .query_order_by_out_trade_no(&query)
        .await?;
    Ok(Json(json!({
        "shop": shop.order(&out_trade_no),
        "wechat_pay_state": remote.trade_state.map(|state| state.as_str().to_owned()),
    })))
}

#[derive(Deserialize)]
struct NewRefund {
    out_refund_no: String,
    refund: i64,
}

async fn refund_order(
    State(shop): State<Shop>,
    Path(out_trade_no): Path<String>,
    body: Bytes,
) -> Result<Json, Failed> {
    let new: NewRefund = parse(&body)?;
    let order = shop.order(&out_trade_no).ok_or(Failed::NoOrder)?;
    let notify_url = format!("{}/notify/refund", shop.settings.public_url);
    let request = CreateRefundRequest::new(refund::required::CreateRefundRequest {
        out_refund_no: &new.out_refund_no,
        amount: refund::Amount::new(refund::required::Amount {
            refund: new.refund,
            total: order.total,
            currency: "CNY",
        }),
    })
    .with_out_trade_no(out_trade_no.as_str())
    .with_notify_url(notify_url.as_str());
    let created = shop.client.refund().create_refund(&request).await?;
    if let Some(order) = shop.orders().get_mut(&out_trade_no) {
        order.refunds.insert(
            new.out_refund_no.clone(),
            created.status.as_str().to_owned(),
        );
    }
    Ok(Json(
        json!({"refund_id": created.refund_id, "status": created.status.as_str()}),
    ))
}

async fn on_refund(
    State(shop): State<Shop>,
    WechatPayNotification(refunded): WechatPayNotification<RefundNotificationResource>,
) -> NotificationReply {
    let resource = refunded.resource;
    let (Some(out_trade_no), Some(out_refund_no), Some(status)) = (
        resource.out_trade_no,
        resource.out_refund_no,
        resource.refund_status,
    ) else {
        return NotificationReply::failure(400, "通知缺少订单号、退款单号或状态");
    };
    match shop.orders().get_mut(&out_trade_no) {
        Some(order) => {
            order
                .refunds
                .insert(out_refund_no, status.as_str().to_owned());
            NotificationReply::success()
        }
        None => NotificationReply::failure(404, "订单不存在"),
    }
}

async fn trade_bill(
    State(shop): State<Shop>,
    Path(bill_date): Path<String>,
) -> Result<String, Failed> {
    let bills = shop.client.bill();
    let announced = bills
        .apply_trade_bill(&ApplyTradeBillRequest::new(bill_date.as_str()))
        .await?;
    let request = DownloadBillFileRequest::from_download_url(&announced.download_url)?;
    let mut file = Vec::new();
    // The file is not signed: it is checked against the SHA-1 the signed answer announced.
    bills
        .download_bill_file(&request, &announced.hash_value, &mut file)
        .await?;
    Ok(String::from_utf8_lossy(&file).into_owned())
}
