//! The tests' view of the sandbox (`wechatpay_apiv3::testkit`): a local WeChat Pay on
//! 127.0.0.1 that checks each request's signature and fields the way WeChat Pay does and signs
//! its answers with a test WeChat Pay key, answering through a test's handler and misbehaving
//! on demand.

use tokio::net::TcpListener;

use wechatpay_apiv3::testkit::{
    Answer, Fault, NotificationBuilder, NotificationFault, Recorded, Sandbox, keys,
};

pub use wechatpay_apiv3::testkit::sha1_hex;

pub const MCHID: &str = keys::MCHID;
pub const SERIAL_NO: &str = keys::SERIAL_NO;
pub const PUBLIC_KEY_ID: &str = keys::PUBLIC_KEY_ID;

pub const MERCHANT_KEY_PKCS8: &[u8] = keys::MERCHANT_PRIVATE_KEY;
pub const MERCHANT_KEY_PKCS1: &[u8] = keys::MERCHANT_PRIVATE_KEY_PKCS1;
pub const MERCHANT_PUBLIC: &[u8] = keys::MERCHANT_PUBLIC_KEY;
pub const WECHATPAY_PRIVATE: &[u8] = keys::WECHATPAY_PRIVATE_KEY;
pub const WECHATPAY_PUBLIC: &[u8] = keys::WECHATPAY_PUBLIC_KEY;
pub const WEAK_KEY: &[u8] = include_bytes!("../../src/testkit/keys/weak_1024.pem");

/// Answer this status and body once, instead of the handler.
pub fn respond(status: u16, body: impl Into<String>) -> Fault {
    Fault::Respond(Answer::Json {
        status,
        body: body.into(),
    })
}

/// Answer once with a file: `content` as the body, `announced` as its SHA-1 header, the
/// signature over `{"sha1":"<announced>"}`; gzip-compressed when `gzip`.
pub fn file_answer(content: impl Into<Vec<u8>>, announced: impl Into<String>, gzip: bool) -> Fault {
    Fault::Respond(Answer::File {
        content: content.into(),
        announced: Some(announced.into()),
        gzip,
    })
}

/// One request as the sandbox received it, and whether its signature checked out.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub target: String,
    pub authorization: String,
    pub nonce: String,
    pub timestamp: i64,
    pub body: Vec<u8>,
    pub signature_valid: bool,
    pub wechatpay_serial: Option<String>,
    pub content_type: Option<String>,
    pub accept: Option<String>,
    pub user_agent: Option<String>,
}

impl From<&Recorded> for Received {
    fn from(recorded: &Recorded) -> Self {
        let header = |name: &str| recorded.header(name).map(str::to_owned);
        Received {
            method: recorded.method.clone(),
            target: recorded.path_and_query.clone(),
            authorization: header("authorization").unwrap_or_default(),
            nonce: recorded.authorization("nonce_str").unwrap_or_default(),
            timestamp: recorded
                .authorization("timestamp")
                .and_then(|timestamp| timestamp.parse().ok())
                .unwrap_or_default(),
            body: recorded.body.clone(),
            signature_valid: recorded.signature_valid,
            wechatpay_serial: header("wechatpay-serial"),
            content_type: header("content-type"),
            accept: header("accept"),
            user_agent: header("user-agent"),
        }
    }
}

/// A sandbox whose answers come from a handler of the test.
pub struct FakeWechatPay {
    pub sandbox: Sandbox,
}

impl FakeWechatPay {
    /// Starts a sandbox whose answers come from `handler`.
    pub async fn start(
        handler: impl Fn(&Received) -> (u16, String) + Send + Sync + 'static,
    ) -> FakeWechatPay {
        Self::start_with(handler, true).await
    }

    /// As [`start`], optionally skipping the request signature check.
    pub async fn start_with(
        handler: impl Fn(&Received) -> (u16, String) + Send + Sync + 'static,
        verify_requests: bool,
    ) -> FakeWechatPay {
        Self::start_on("127.0.0.1:0", handler, verify_requests).await
    }

    /// As [`start_with`], on a given address (to bring a "down" host back on its old port).
    pub async fn start_on(
        addr: &str,
        handler: impl Fn(&Received) -> (u16, String) + Send + Sync + 'static,
        verify_requests: bool,
    ) -> FakeWechatPay {
        let mut builder = Sandbox::builder()
            .address(addr.parse().expect("a socket address"))
            .handler(move |recorded| {
                let (status, body) = handler(&Received::from(recorded));
                Some(Answer::Json { status, body })
            });
        if !verify_requests {
            builder = builder.skip_signature_check();
        }
        let sandbox = builder.start().await.expect("the sandbox starts");
        FakeWechatPay { sandbox }
    }

    pub fn url(&self) -> String {
        self.sandbox.url()
    }

    /// Queues faults for the next requests, one request each, in order; afterwards the handler
    /// answers.
    pub fn script(&self, faults: impl IntoIterator<Item = Fault>) {
        for fault in faults {
            self.sandbox.inject_any(fault, 1);
        }
    }

    /// Signs answers under `serial` from now on (a platform certificate's serial, say).
    pub fn sign_as(&self, serial: &str) {
        self.sandbox.sign_as(serial);
    }

    pub fn received(&self) -> Vec<Received> {
        self.sandbox.requests().iter().map(Received::from).collect()
    }
}

/// WeChat Pay's answer signature, SHA256withRSA over `timestamp\nnonce\nbody\n`.
pub fn sign_answer(key_pem: &[u8], timestamp: i64, nonce: &str, body: &[u8]) -> Vec<u8> {
    let key = wechatpay_apiv3::runtime::MerchantKey::from_pem(key_pem).expect("an RSA key");
    let message =
        wechatpay_apiv3::runtime::sign::answer_message(&timestamp.to_string(), nonce, body);
    key.sign(&message).expect("sign")
}

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Answers the three recharge operations with their documented examples.
pub fn recharge_handler(received: &Received) -> (u16, String) {
    if received
        .target
        .starts_with("/v3/platsolution/ecommerce/recharges/apply")
    {
        (200, APPLY_ANSWER.to_owned())
    } else if received
        .target
        .starts_with("/v3/platsolution/ecommerce/recharges/out-recharge-no/")
    {
        (200, DEPOSIT_ANSWER.to_owned())
    } else {
        (
            404,
            r#"{"code":"NOT_FOUND","message":"no such path"}"#.to_owned(),
        )
    }
}

pub const APPLY_ANSWER: &str = r#"{"recharge_id":"172207846292553701","out_recharge_no":"cz202407181234","recharge_url":"https://www.payapp.qq.com/plat/recharge.html"}"#;

pub const DEPOSIT_ANSWER: &str = r#"{"sp_mchid":"1900001109","sub_mchid":"1900001121","recharge_id":"100000202405180012345678","out_recharge_no":"cz202407181234","recharge_channel":"QR_RECHARGE","account_type":"DEPOSIT","recharge_state":"SUCCESS","recharge_scene":"ECOMMERCE_DEPOSIT","recharge_state_desc":"充值成功","recharge_amount":{"amount":500000,"currency":"CNY"},"qr_recharge_info":{"employee_type":"STAFF","openid":"owYiu0WOJdGCYxoHrPabGhI39uT4"},"accept_time":"2015-05-19T13:29:35+08:00","success_time":"2015-05-20T14:29:35+08:00","available_recharge_channels":["QR_RECHARGE"]}"#;

/// A client for `server` (main host) with the test keys; `backup` overrides the backup host.
pub fn client_builder(main: &str) -> wechatpay_apiv3::runtime::ClientBuilder {
    wechatpay_apiv3::runtime::Client::builder()
        .mchid(MCHID)
        .serial_no(SERIAL_NO)
        .merchant_key_pem(MERCHANT_KEY_PKCS8)
        .wechatpay_public_key_pem(PUBLIC_KEY_ID, WECHATPAY_PUBLIC)
        .main_base_url(main)
}

/// A port on 127.0.0.1 where nothing listens: connecting is refused at once.
pub async fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}")
}

pub const API_V3_KEY: &[u8] = keys::API_V3_KEY;

/// Ways to spoil a notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationTamper {
    None,
    FlipSignatureByte,
    ChangeBody,
    StaleTimestamp,
    UnknownSerial,
    SigntestProbe,
    WrongApiV3Key,
    ChangeNonce,
    ChangeAssociatedData,
    TruncateTag,
    CiphertextNotBase64,
}

/// A notification as WeChat Pay would POST it, built by the test kit: headers and the exact
/// body bytes, `resource` encrypted with `API_V3_KEY` and the whole signed with
/// `signing_key_pem` under `serial`.
pub fn notification(
    event_type: &str,
    resource: &str,
    signing_key_pem: &[u8],
    serial: &str,
    tamper: NotificationTamper,
) -> (Vec<(String, String)>, Vec<u8>) {
    let mut builder = NotificationBuilder::for_event(event_type)
        .expect("the spec tables read")
        .resource(resource)
        .signed_with(signing_key_pem, serial);
    let fault = match tamper {
        NotificationTamper::None => None,
        NotificationTamper::SigntestProbe => {
            builder = builder.signtest_probe();
            None
        }
        NotificationTamper::FlipSignatureByte => Some(NotificationFault::BadSignature),
        NotificationTamper::ChangeBody => Some(NotificationFault::TamperBody),
        NotificationTamper::StaleTimestamp => Some(NotificationFault::StaleTimestamp),
        NotificationTamper::UnknownSerial => Some(NotificationFault::UnknownSerial),
        NotificationTamper::WrongApiV3Key => Some(NotificationFault::WrongApiV3Key),
        NotificationTamper::ChangeNonce => Some(NotificationFault::WrongNonce),
        NotificationTamper::ChangeAssociatedData => Some(NotificationFault::WrongAssociatedData),
        NotificationTamper::TruncateTag => Some(NotificationFault::TruncatedCiphertext),
        NotificationTamper::CiphertextNotBase64 => Some(NotificationFault::GarbledCiphertext),
    };
    if let Some(fault) = fault {
        builder = builder.fault(fault);
    }
    let built = builder.build().expect("the notification is built");
    (built.headers, built.body)
}

pub const CERTIFICATE_SERIAL: &str = keys::CERTIFICATE_SERIAL;
pub const CERTIFICATE: &[u8] = keys::CERTIFICATE;
pub const EXPIRED_CERTIFICATE: &[u8] =
    include_bytes!("../../src/testkit/keys/expired_certificate.pem");

/// `AEAD_AES_256_GCM` with `API_V3_KEY`, base64 of data ‖ tag.
pub fn encrypt_with_api_v3_key(plaintext: &[u8], nonce: &str, associated_data: &str) -> String {
    wechatpay_apiv3::testkit::encrypt_with_api_v3_key(plaintext, nonce, associated_data)
        .expect("a 12-byte nonce")
}

/// The JSON of `GET /v3/certificates` listing `certificates` as (serial, PEM).
pub fn certificate_download(certificates: &[(&str, &[u8])]) -> String {
    wechatpay_apiv3::testkit::certificate_list(certificates).expect("encrypted")
}

/// Recharge answers, plus the valid platform certificate at `GET /v3/certificates`.
pub fn recharge_and_certificates_handler(received: &Received) -> (u16, String) {
    if received.target == "/v3/certificates" {
        (
            200,
            certificate_download(&[(CERTIFICATE_SERIAL, CERTIFICATE)]),
        )
    } else {
        recharge_handler(received)
    }
}

/// Retries with waits of a few milliseconds, so retry tests stay fast.
pub const FAST: wechatpay_apiv3::runtime::RetryPolicy = wechatpay_apiv3::runtime::RetryPolicy {
    max_attempts: 3,
    base_delay: std::time::Duration::from_millis(1),
    max_delay: std::time::Duration::from_millis(5),
};
