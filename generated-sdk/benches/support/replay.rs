//! A loopback server for the benchmarks: it neither checks signatures nor signs per request
//! (it replays one answer signed at start), so the RSA work measured is the client's. Its own
//! HTTP work is timed inside its polls ([`ServerTime`]), so a benchmark can tell it apart from
//! the client's.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use wechatpay_apiv3::Services;

use wechatpay_apiv3::api::platsolution::{MchDeposit, QueryRechargeRequest, required};
use wechatpay_apiv3::runtime::sign::answer_message;
use wechatpay_apiv3::runtime::{Client, MerchantKey};
use wechatpay_apiv3::testkit::keys;

/// The documented answer of `query_recharge`.
pub const DEPOSIT_ANSWER: &str = r#"{"sp_mchid":"1900001109","sub_mchid":"1900001121","recharge_id":"100000202405180012345678","out_recharge_no":"cz202407181234","recharge_channel":"QR_RECHARGE","account_type":"DEPOSIT","recharge_state":"SUCCESS","recharge_scene":"ECOMMERCE_DEPOSIT","recharge_state_desc":"充值成功","recharge_amount":{"amount":500000,"currency":"CNY"},"qr_recharge_info":{"employee_type":"STAFF","openid":"owYiu0WOJdGCYxoHrPabGhI39uT4"},"accept_time":"2015-05-19T13:29:35+08:00","success_time":"2015-05-20T14:29:35+08:00","available_recharge_channels":["QR_RECHARGE"]}"#;

/// The time the server has spent working (inside the polls of its tasks), summed over threads.
#[derive(Clone, Default)]
pub struct ServerTime(Arc<AtomicU64>);

impl ServerTime {
    /// The total so far.
    pub fn total(&self) -> Duration {
        Duration::from_nanos(self.0.load(Ordering::Relaxed))
    }
}

/// `inner`, with the time spent in each of its polls added to `spent`: for a server task, its
/// HTTP parsing, answering and socket writes (and the loopback delivery those writes do).
struct Timed<F> {
    inner: Pin<Box<F>>,
    spent: ServerTime,
}

impl<F: Future> Future for Timed<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        let started = Instant::now();
        let outcome = this.inner.as_mut().poll(context);
        let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        this.spent.0.fetch_add(nanos, Ordering::Relaxed);
        outcome
    }
}

fn timed<F: Future>(inner: F, spent: &ServerTime) -> Timed<F> {
    Timed {
        inner: Box::pin(inner),
        spent: spent.clone(),
    }
}

/// A server on 127.0.0.1 answering every request with `body`, signed once now (answers stay
/// fresh for the 300 s window, longer than the benchmark), and the time it spends working.
pub async fn replaying_server(
    body: &'static str,
) -> (String, ServerTime, tokio::task::JoinHandle<()>) {
    use http_body_util::{BodyExt, Full};
    use hyper::body::Bytes;

    let timestamp = chrono::Utc::now().timestamp();
    let nonce = "5K8264ILTKCH16CQ2502SI8ZNMTM67VS";
    let key = MerchantKey::from_pem(keys::WECHATPAY_PRIVATE_KEY).expect("the test WeChat Pay key");
    let signature = key
        .sign(&answer_message(
            &timestamp.to_string(),
            nonce,
            body.as_bytes(),
        ))
        .expect("sign");
    let answer = hyper::Response::builder()
        .header("Wechatpay-Timestamp", timestamp.to_string())
        .header("Wechatpay-Nonce", nonce)
        .header(
            "Wechatpay-Signature",
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, signature),
        )
        .header("Wechatpay-Serial", keys::PUBLIC_KEY_ID)
        .header("Request-ID", "08F78BB5AF0610D302839DC9")
        .header("Content-Type", "application/json")
        .body(Full::new(Bytes::from(body)))
        .expect("a response");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let spent = ServerTime::default();
    let connection_spent = spent.clone();
    let accepting = async move {
        while let Ok((stream, _)) = listener.accept().await {
            let answer = answer.clone();
            let connection = async move {
                let service = hyper::service::service_fn(
                    move |request: hyper::Request<hyper::body::Incoming>| {
                        let answer = answer.clone();
                        async move {
                            let _ = request.into_body().collect().await;
                            Ok::<_, std::convert::Infallible>(answer)
                        }
                    },
                );
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            };
            tokio::spawn(timed(connection, &connection_spent));
        }
    };
    let server = tokio::spawn(timed(accepting, &spent));
    (url, spent, server)
}

/// A client of the server at `url`, with the test kit's keys.
pub fn client(url: String) -> Client {
    Client::builder()
        .mchid(keys::MCHID)
        .serial_no(keys::SERIAL_NO)
        .merchant_key_pem(keys::MERCHANT_PRIVATE_KEY)
        .wechatpay_public_key_pem(keys::PUBLIC_KEY_ID, keys::WECHATPAY_PUBLIC_KEY)
        .main_base_url(url)
        .build()
        .expect("client")
}

/// One call whose answer the server replays: build, sign, send, verify, decode.
pub async fn query_deposit(client: &Client) -> MchDeposit {
    let request = QueryRechargeRequest::new(required::QueryRechargeRequest {
        out_recharge_no: "cz202407181234",
        sub_mchid: "1900102208",
    });
    client
        .platsolution()
        .query_recharge(&request)
        .await
        .expect("a verified answer")
}
