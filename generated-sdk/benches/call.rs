//! One full call's client-side work (build the request, sign, send on loopback, verify, decode)
//! next to the bare RSA-2048 sign + verify it cannot avoid, measured in the same run.
//!
//! The loopback server here neither checks signatures nor signs per request (it replays one
//! answer signed at start, and does nothing else: not even the sandbox's routing, field checks
//! and recording), so the call's only RSA work and nearly all its other work is the client's. `cargo bench -p
//! wechatpay-apiv3` prints both and their ratio: the client's overhead beyond the two RSA
//! operations.

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use wechatpay_apiv3::api::platsolution::QueryRechargeRequest;
use wechatpay_apiv3::api::platsolution::required;
use wechatpay_apiv3::runtime::sign::{SigningInput, answer_message, request_message};
use wechatpay_apiv3::runtime::{MerchantKey, WechatPayPublicKey};
use wechatpay_apiv3::testkit::keys;

/// The documented answer of `query_recharge`.
const DEPOSIT_ANSWER: &str = r#"{"sp_mchid":"1900001109","sub_mchid":"1900001121","recharge_id":"100000202405180012345678","out_recharge_no":"cz202407181234","recharge_channel":"QR_RECHARGE","account_type":"DEPOSIT","recharge_state":"SUCCESS","recharge_scene":"ECOMMERCE_DEPOSIT","recharge_state_desc":"充值成功","recharge_amount":{"amount":500000,"currency":"CNY"},"qr_recharge_info":{"employee_type":"STAFF","openid":"owYiu0WOJdGCYxoHrPabGhI39uT4"},"accept_time":"2015-05-19T13:29:35+08:00","success_time":"2015-05-20T14:29:35+08:00","available_recharge_channels":["QR_RECHARGE"]}"#;

/// Sign a request-sized message and verify an answer-sized one: the RSA floor of one call.
struct RsaFloor {
    merchant_key: MerchantKey,
    wechatpay_key: WechatPayPublicKey,
    request: Vec<u8>,
    answer: Vec<u8>,
    answer_signature: Vec<u8>,
}

impl RsaFloor {
    fn new() -> Self {
        let request = request_message(&SigningInput {
            method: "GET",
            path_and_query: "/v3/platsolution/ecommerce/recharges/out-recharge-no/cz202407181234?sub_mchid=1900102208",
            timestamp: 1554208460,
            nonce: "593BEC0C930BF1AFEB40B4A08C8FB242",
            body: b"",
        });
        let answer = answer_message(
            "1554208460",
            "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
            DEPOSIT_ANSWER.as_bytes(),
        );
        let platform =
            MerchantKey::from_pem(keys::WECHATPAY_PRIVATE_KEY).expect("the test WeChat Pay key");
        RsaFloor {
            merchant_key: MerchantKey::from_pem(keys::MERCHANT_PRIVATE_KEY)
                .expect("the test merchant key"),
            wechatpay_key: WechatPayPublicKey::from_pem(
                keys::PUBLIC_KEY_ID,
                keys::WECHATPAY_PUBLIC_KEY,
            )
            .expect("public key"),
            answer_signature: platform.sign(&answer).expect("sign"),
            request,
            answer,
        }
    }

    fn run(&self) {
        let signature = self.merchant_key.sign(&self.request).expect("sign");
        assert!(
            self.wechatpay_key
                .verify(&self.answer, &self.answer_signature)
        );
        std::hint::black_box(signature);
    }
}

struct Call {
    runtime: tokio::runtime::Runtime,
    client: wechatpay_apiv3::runtime::Client,
    _server: tokio::task::JoinHandle<()>,
}

impl Call {
    fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let (url, server) = runtime.block_on(replaying_server(DEPOSIT_ANSWER));
        let client = wechatpay_apiv3::runtime::Client::builder()
            .mchid(keys::MCHID)
            .serial_no(keys::SERIAL_NO)
            .merchant_key_pem(keys::MERCHANT_PRIVATE_KEY)
            .wechatpay_public_key_pem(keys::PUBLIC_KEY_ID, keys::WECHATPAY_PUBLIC_KEY)
            .main_base_url(url)
            .build()
            .expect("client");
        Call {
            runtime,
            client,
            _server: server,
        }
    }

    async fn once(client: &wechatpay_apiv3::runtime::Client) {
        let request = QueryRechargeRequest::new(required::QueryRechargeRequest {
            out_recharge_no: "cz202407181234",
            sub_mchid: "1900102208",
        });
        let deposit = client
            .platsolution()
            .query_recharge(&request)
            .await
            .expect("a verified answer");
        std::hint::black_box(deposit);
    }

    fn run(&self) {
        self.runtime.block_on(Self::once(&self.client));
    }
}

/// A server on 127.0.0.1 answering every request with `body`, signed once now (answers stay
/// fresh for the 300 s window, longer than the benchmark).
async fn replaying_server(body: &'static str) -> (String, tokio::task::JoinHandle<()>) {
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
    let server = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let answer = answer.clone();
            tokio::spawn(async move {
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
            });
        }
    });
    (url, server)
}

fn benches(c: &mut Criterion) {
    let floor = RsaFloor::new();
    c.bench_function("rsa2048_sign_plus_verify", |b| b.iter(|| floor.run()));
    let call = Call::new();
    c.bench_function("query_recharge_full_call", |b| {
        b.to_async(&call.runtime).iter(|| Call::once(&call.client))
    });
}

criterion_group! {
    name = group;
    config = Criterion::default().measurement_time(Duration::from_secs(5)).warm_up_time(Duration::from_secs(1));
    targets = benches
}

/// Both measured again, interleaved, so the ratio compares like with like on a busy machine.
fn print_ratio() {
    let floor = RsaFloor::new();
    let call = Call::new();
    let rounds = 2_000;
    let (mut rsa, mut full) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..rounds {
        let started = Instant::now();
        floor.run();
        rsa += started.elapsed();
        let started = Instant::now();
        call.run();
        full += started.elapsed();
    }
    let per = |total: Duration| total.as_secs_f64() * 1e6 / f64::from(rounds);
    println!(
        "interleaved over {rounds} rounds: RSA sign+verify {:.1} µs, full call {:.1} µs, ratio {:.3} (overhead {:.1}%)",
        per(rsa),
        per(full),
        per(full) / per(rsa),
        (per(full) / per(rsa) - 1.0) * 100.0
    );
}

fn main() {
    group();
    Criterion::default().configure_from_args().final_summary();
    print_ratio();
}
