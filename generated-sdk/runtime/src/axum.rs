//! The axum adapter (cargo feature `axum`): an extractor that reads the raw body, verifies and
//! decrypts the notification, and hands the typed event to the handler. A notification that
//! fails is answered for you with `{"code":"FAIL","message":…}` (401 for a bad signature), so
//! WeChat Pay sends it again and nothing unverified reaches your code.
//!
//! ```no_run
//! # async fn run(client: wechatpay_apiv3_runtime::Client) -> std::io::Result<()> {
//! use axum::Router;
//! use axum::routing::post;
//! use wechatpay_apiv3_runtime::{NotificationReply, WechatPayNotification};
//!
//! #[derive(serde::Deserialize)]
//! struct Refund {
//!     out_trade_no: String,
//! }
//!
//! async fn on_refund(WechatPayNotification(event): WechatPayNotification<Refund>) -> NotificationReply {
//!     // Verified and decrypted: safe to act on.
//!     println!("refunded {}", event.resource.out_trade_no);
//!     NotificationReply::success()
//! }
//!
//! let app: Router = Router::new().route("/notify/refund", post(on_refund)).with_state(client);
//! # let _ = app;
//! # Ok(())
//! # }
//! ```

use axum::extract::{FromRef, FromRequest, Request};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::client::Client;
use super::notify::{Notification, NotificationReply};

/// Notifications are small JSON documents; anything larger is refused unread.
const MAX_NOTIFICATION_BYTES: usize = 64 * 1024;

/// A verified, decrypted notification whose resource is `T`; the state must provide the
/// [`Client`] (`Client: FromRef<State>`).
#[derive(Debug, Clone, PartialEq)]
pub struct WechatPayNotification<T>(pub Notification<T>);

impl<S, T> FromRequest<S> for WechatPayNotification<T>
where
    Client: FromRef<S>,
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = NotificationReply;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let client = Client::from_ref(state);
        let (parts, body) = request.into_parts();
        let body = axum::body::to_bytes(body, MAX_NOTIFICATION_BYTES)
            .await
            .map_err(|_| NotificationReply::failure(413, "通知报文过大或无法读取"))?;
        client
            .receive_notification(&parts.headers, &body)
            .await
            .map(WechatPayNotification)
            .map_err(|error| NotificationReply::for_error(&error))
    }
}

impl IntoResponse for NotificationReply {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if self.body.is_empty() {
            status.into_response()
        } else {
            (status, [(CONTENT_TYPE, "application/json")], self.body).into_response()
        }
    }
}
