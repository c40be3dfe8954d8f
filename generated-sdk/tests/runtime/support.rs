//! A local stand-in for WeChat Pay on 127.0.0.1: it checks each request's signature the way
//! WeChat Pay does (with the merchant's public key) and signs its answers with a test WeChat Pay
//! key, and can misbehave on demand.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use aws_lc_rs::rsa::KeyPair;
use aws_lc_rs::signature::{RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256, UnparsedPublicKey};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{PrivateKeyDer, SubjectPublicKeyInfoDer};
use tokio::net::TcpListener;

pub const MCHID: &str = "1900000001";
pub const SERIAL_NO: &str = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";
pub const PUBLIC_KEY_ID: &str = "PUB_KEY_ID_0119000000012024000000000000000001";

pub const MERCHANT_KEY_PKCS8: &[u8] = include_bytes!("../../src/testkit/keys/merchant_pkcs8.pem");
pub const MERCHANT_KEY_PKCS1: &[u8] = include_bytes!("../../src/testkit/keys/merchant_pkcs1.pem");
pub const MERCHANT_PUBLIC: &[u8] = include_bytes!("../../src/testkit/keys/merchant_public.pem");
pub const WECHATPAY_PRIVATE: &[u8] = include_bytes!("../../src/testkit/keys/wechatpay_private.pem");
pub const WECHATPAY_PUBLIC: &[u8] = include_bytes!("../../src/testkit/keys/wechatpay_public.pem");
pub const WEAK_KEY: &[u8] = include_bytes!("../../src/testkit/keys/weak_1024.pem");

/// How the server treats the next request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Behaviour {
    /// Close the connection without answering.
    Drop,
    /// Answer with this status and body (signed as usual).
    Answer(u16, String),
    /// Answer normally, then spoil the signed answer this way.
    Tamper(Tamper),
    /// Wait this long, then answer normally.
    Delay(std::time::Duration),
    /// Answer normally with an extra header of this many bytes.
    LargeHeader(usize),
    /// Answer with a file: `content` as the body, `announced` as its SHA-1 header, the signature
    /// over `{"sha1":"<announced>"}`.
    File { content: Vec<u8>, announced: String },
    /// As `File`, the content gzip-compressed and sent with `Content-Encoding: gzip`.
    GzipFile { content: Vec<u8>, announced: String },
}

/// Ways to spoil a signed answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tamper {
    FlipSignatureByte,
    ChangeBodyByte,
    StaleTimestamp,
    UnknownSerial,
    MissingHeader(&'static str),
    SigntestProbe,
    NotBase64,
}

/// One request as the server received it, and whether its signature checked out.
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

type Handler = dyn Fn(&Received) -> (u16, String) + Send + Sync;

pub struct FakeWechatPay {
    pub addr: SocketAddr,
    state: Arc<State>,
}

struct State {
    merchant_public: Vec<u8>,
    wechatpay_private: KeyPair,
    received: Mutex<Vec<Received>>,
    script: Mutex<VecDeque<Behaviour>>,
    handler: Box<Handler>,
    /// Off in benchmarks, which must not count the server's RSA work.
    verify_requests: bool,
    /// An answer signed once and replayed to every request (benchmarks).
    replay: Option<Response<Full<Bytes>>>,
    /// The serial answers are signed under.
    serial: Mutex<String>,
}

impl FakeWechatPay {
    /// Starts a server whose answers come from `handler`.
    pub async fn start(
        handler: impl Fn(&Received) -> (u16, String) + Send + Sync + 'static,
    ) -> FakeWechatPay {
        Self::start_with(handler, true).await
    }

    /// As [`start`], optionally skipping the request signature check (for benchmarks).
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
        Self::start_full(addr, Box::new(handler), verify_requests, None).await
    }

    /// A server for benchmarks: no request check, and `body` signed once (now) and replayed, so
    /// the only RSA work per call is the client's. Answers stay fresh for the 300 s window.
    pub async fn start_replaying(body: &'static str) -> FakeWechatPay {
        Self::start_full(
            "127.0.0.1:0",
            Box::new(move |_: &Received| (200, body.to_owned())),
            false,
            Some(body),
        )
        .await
    }

    async fn start_full(
        addr: &str,
        handler: Box<Handler>,
        verify_requests: bool,
        replay: Option<&str>,
    ) -> FakeWechatPay {
        let listener = TcpListener::bind(addr).await.expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local addr");
        let merchant_public = SubjectPublicKeyInfoDer::from_pem_slice(MERCHANT_PUBLIC)
            .expect("merchant public key")
            .as_ref()
            .to_vec();
        let PrivateKeyDer::Pkcs8(private) =
            PrivateKeyDer::from_pem_slice(WECHATPAY_PRIVATE).expect("pem")
        else {
            panic!("the test WeChat Pay key is PKCS#8");
        };
        let wechatpay_private = KeyPair::from_pkcs8(private.secret_pkcs8_der()).expect("RSA key");
        let mut state = State {
            merchant_public,
            wechatpay_private,
            received: Mutex::new(Vec::new()),
            script: Mutex::new(VecDeque::new()),
            handler,
            verify_requests,
            replay: None,
            serial: Mutex::new(PUBLIC_KEY_ID.to_owned()),
        };
        state.replay = replay.map(|body| state.respond(200, body.to_owned(), None));
        let state = Arc::new(state);
        let server_state = state.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let state = server_state.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        let state = state.clone();
                        async move { state.serve(request).await }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        FakeWechatPay { addr, state }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Queues behaviours for the next requests, in order; afterwards the handler answers.
    pub fn script(&self, behaviours: impl IntoIterator<Item = Behaviour>) {
        self.state.script.lock().expect("lock").extend(behaviours);
    }

    /// Signs answers under `serial` from now on (a platform certificate's serial, say).
    pub fn sign_as(&self, serial: &str) {
        *self.state.serial.lock().expect("lock") = serial.to_owned();
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.received.lock().expect("lock").clone()
    }
}

impl State {
    async fn serve(
        self: Arc<Self>,
        request: Request<Incoming>,
    ) -> Result<Response<Full<Bytes>>, std::io::Error> {
        if let Some(answer) = &self.replay {
            let _ = request.into_body().collect().await;
            return Ok(answer.clone());
        }
        let received = self.receive(request).await;
        self.received.lock().expect("lock").push(received.clone());
        let behaviour = self.script.lock().expect("lock").pop_front();
        if !received.signature_valid {
            return Ok(self.respond(
                401,
                r#"{"code":"SIGN_ERROR","message":"签名错误"}"#.to_owned(),
                None,
            ));
        }
        match behaviour {
            Some(Behaviour::Drop) => {
                Err(std::io::Error::other("dropping the connection on purpose"))
            }
            Some(Behaviour::Answer(status, body)) => Ok(self.respond(status, body, None)),
            Some(Behaviour::Tamper(tamper)) => {
                let (status, body) = (self.handler)(&received);
                Ok(self.respond(status, body, Some(tamper)))
            }
            Some(Behaviour::LargeHeader(size)) => {
                let (status, body) = (self.handler)(&received);
                let mut response = self.respond(status, body, None);
                let value = hyper::header::HeaderValue::from_str(&"x".repeat(size)).expect("ASCII");
                response.headers_mut().insert("X-Padding", value);
                Ok(response)
            }
            Some(Behaviour::File { content, announced }) => {
                Ok(self.file(content, &announced, false))
            }
            Some(Behaviour::GzipFile { content, announced }) => {
                Ok(self.file(content, &announced, true))
            }
            Some(Behaviour::Delay(delay)) => {
                tokio::time::sleep(delay).await;
                let (status, body) = (self.handler)(&received);
                Ok(self.respond(status, body, None))
            }
            None => {
                let (status, body) = (self.handler)(&received);
                Ok(self.respond(status, body, None))
            }
        }
    }

    async fn receive(&self, request: Request<Incoming>) -> Received {
        let (parts, body) = request.into_parts();
        let body = body
            .collect()
            .await
            .map(|collected| collected.to_bytes().to_vec())
            .unwrap_or_default();
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        };
        let authorization = header("authorization").unwrap_or_default();
        let fields = parse_authorization(&authorization);
        let field = |name: &str| {
            fields
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
                .unwrap_or_default()
        };
        let target = parts
            .uri
            .path_and_query()
            .map(|pq| pq.as_str().to_owned())
            .unwrap_or_default();
        let timestamp: i64 = field("timestamp").parse().unwrap_or_default();
        let nonce = field("nonce_str");
        let message = format!("{}\n{}\n{}\n{}\n", parts.method, target, timestamp, nonce);
        let mut message = message.into_bytes();
        message.extend_from_slice(&body);
        message.push(b'\n');
        let signature = BASE64.decode(field("signature")).unwrap_or_default();
        let signature_valid = !self.verify_requests
            || (authorization.starts_with("WECHATPAY2-SHA256-RSA2048 ")
                && field("mchid") == MCHID
                && field("serial_no") == SERIAL_NO
                && UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, &self.merchant_public)
                    .verify(&message, &signature)
                    .is_ok());
        Received {
            method: parts.method.to_string(),
            target,
            authorization,
            nonce,
            timestamp,
            body,
            signature_valid,
            wechatpay_serial: header("wechatpay-serial"),
            content_type: header("content-type"),
            accept: header("accept"),
            user_agent: header("user-agent"),
        }
    }

    /// A file answer: signed over `{"sha1":"<announced>"}`, `content` as the body.
    fn file(&self, content: Vec<u8>, announced: &str, gzip: bool) -> Response<Full<Bytes>> {
        let signed = format!(r#"{{"sha1":"{announced}"}}"#);
        let mut response = self.respond(200, signed, None);
        let headers = response.headers_mut();
        headers.insert(
            "Wechatpay-Statement-Sha1",
            announced.parse().expect("ASCII"),
        );
        headers.insert("Content-Type", "text/plain".parse().expect("ASCII"));
        if gzip {
            headers.insert("Content-Encoding", "gzip".parse().expect("ASCII"));
        }
        *response.body_mut() = Full::new(Bytes::from(content));
        response
    }

    fn respond(&self, status: u16, body: String, tamper: Option<Tamper>) -> Response<Full<Bytes>> {
        let mut timestamp = now();
        if tamper == Some(Tamper::StaleTimestamp) {
            timestamp -= 301;
        }
        let nonce = "5K8264ILTKCH16CQ2502SI8ZNMTM67VS";
        let mut signature = sign_answer(&self.wechatpay_private, timestamp, nonce, body.as_bytes());
        let mut body = body.into_bytes();
        match tamper {
            Some(Tamper::FlipSignatureByte) => signature[10] ^= 0x01,
            Some(Tamper::ChangeBodyByte) if !body.is_empty() => {
                let last = body.len() - 2;
                body[last] ^= 0x01;
            }
            _ => {}
        }
        let mut signature = BASE64.encode(signature);
        if tamper == Some(Tamper::SigntestProbe) {
            signature = format!("WECHATPAY/SIGNTEST/{signature}");
        }
        if tamper == Some(Tamper::NotBase64) {
            signature = format!("{}!*", &signature[..20]);
        }
        let serial = if tamper == Some(Tamper::UnknownSerial) {
            "PUB_KEY_ID_UNKNOWN".to_owned()
        } else {
            self.serial.lock().expect("lock").clone()
        };
        let mut headers = vec![
            ("Wechatpay-Timestamp", timestamp.to_string()),
            ("Wechatpay-Nonce", nonce.to_owned()),
            ("Wechatpay-Signature", signature),
            ("Wechatpay-Serial", serial),
            ("Request-ID", "08F78BB5AF0610D302839DC9".to_owned()),
            ("Content-Type", "application/json".to_owned()),
        ];
        if let Some(Tamper::MissingHeader(name)) = tamper {
            headers.retain(|(header, _)| *header != name);
        }
        let mut response = Response::builder().status(status);
        for (name, value) in headers {
            response = response.header(name, value);
        }
        response
            .body(Full::new(Bytes::from(body)))
            .expect("a valid response")
    }
}

pub fn sign_answer(key: &KeyPair, timestamp: i64, nonce: &str, body: &[u8]) -> Vec<u8> {
    let mut message = format!("{timestamp}\n{nonce}\n").into_bytes();
    message.extend_from_slice(body);
    message.push(b'\n');
    let mut signature = vec![0; key.public_modulus_len()];
    key.sign(
        &RSA_PKCS1_SHA256,
        &aws_lc_rs::rand::SystemRandom::new(),
        &message,
        &mut signature,
    )
    .expect("sign");
    signature
}

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// `WECHATPAY2-SHA256-RSA2048 a="1",b="2"` → `[(a, 1), (b, 2)]`.
pub fn parse_authorization(value: &str) -> Vec<(String, String)> {
    let Some((_, fields)) = value.split_once(' ') else {
        return Vec::new();
    };
    fields
        .split(',')
        .filter_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            Some((
                key.trim().to_owned(),
                value.trim().trim_matches('"').to_owned(),
            ))
        })
        .collect()
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

pub const API_V3_KEY: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUV";

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

/// A notification as WeChat Pay would POST it: headers and the exact body bytes, the resource
/// encrypted with `API_V3_KEY` (AEAD_AES_256_GCM) and the whole signed with `signing_key_pem`
/// under `serial`.
pub fn notification(
    event_type: &str,
    resource: &str,
    signing_key_pem: &[u8],
    serial: &str,
    tamper: NotificationTamper,
) -> (Vec<(String, String)>, Vec<u8>) {
    use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
    let key_bytes: &[u8] = if tamper == NotificationTamper::WrongApiV3Key {
        b"VUTSRQPONMLKJIHGFEDCBA9876543210"
    } else {
        API_V3_KEY
    };
    let nonce = "fdasflkja484";
    let associated_data = "transaction";
    let key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, key_bytes).expect("key"));
    let mut data = resource.as_bytes().to_vec();
    let nonce_bytes: [u8; 12] = nonce.as_bytes().try_into().expect("12 bytes");
    key.seal_in_place_append_tag(
        Nonce::assume_unique_for_key(nonce_bytes),
        Aad::from(associated_data),
        &mut data,
    )
    .expect("seal");
    if tamper == NotificationTamper::TruncateTag {
        data.truncate(10);
    }
    let mut ciphertext = BASE64.encode(&data);
    if tamper == NotificationTamper::CiphertextNotBase64 {
        ciphertext = format!("{}$%", &ciphertext[..8]);
    }
    let nonce = if tamper == NotificationTamper::ChangeNonce {
        "fdasflkja485"
    } else {
        nonce
    };
    let associated_data = if tamper == NotificationTamper::ChangeAssociatedData {
        "transactioN"
    } else {
        associated_data
    };
    let body = serde_json::json!({
        "id": "EV-2018022511223320873",
        "create_time": "2015-05-20T13:29:35+08:00",
        "resource_type": "encrypt-resource",
        "event_type": event_type,
        "summary": "退款成功",
        "resource": {
            "original_type": "refund",
            "algorithm": "AEAD_AES_256_GCM",
            "ciphertext": ciphertext,
            "associated_data": associated_data,
            "nonce": nonce
        }
    })
    .to_string()
    .into_bytes();

    let PrivateKeyDer::Pkcs8(private) =
        PrivateKeyDer::from_pem_slice(signing_key_pem).expect("pem")
    else {
        panic!("test signing keys are PKCS#8");
    };
    let signer = KeyPair::from_pkcs8(private.secret_pkcs8_der()).expect("RSA key");
    let timestamp = if tamper == NotificationTamper::StaleTimestamp {
        now() - 400
    } else {
        now()
    };
    let signature_nonce = "VXWEq4BR4RpHgDJ4OdLzYQE1YWx8WlAq";
    let mut signature = sign_answer(&signer, timestamp, signature_nonce, &body);
    if tamper == NotificationTamper::FlipSignatureByte {
        signature[0] ^= 0x80;
    }
    let mut signature = BASE64.encode(signature);
    if tamper == NotificationTamper::SigntestProbe {
        signature = format!("WECHATPAY/SIGNTEST/{signature}");
    }
    let mut body = body;
    if tamper == NotificationTamper::ChangeBody {
        let text = String::from_utf8(body)
            .expect("UTF-8")
            .replace("退款成功", "退款失败");
        body = text.into_bytes();
    }
    let serial = if tamper == NotificationTamper::UnknownSerial {
        "PUB_KEY_ID_SOMEONE_ELSE"
    } else {
        serial
    };
    let headers = vec![
        ("Wechatpay-Timestamp".to_owned(), timestamp.to_string()),
        ("wechatpay-nonce".to_owned(), signature_nonce.to_owned()),
        ("Wechatpay-Signature".to_owned(), signature),
        ("Wechatpay-Serial".to_owned(), serial.to_owned()),
        (
            "Wechatpay-Signature-Type".to_owned(),
            "WECHATPAY2-SHA256-RSA2048".to_owned(),
        ),
        (
            "Request-ID".to_owned(),
            "08F78BB5AF0610D302839DC9".to_owned(),
        ),
    ];
    (headers, body)
}

pub const CERTIFICATE_SERIAL: &str = "7132D72A03E93CDDF8C03BBD1F37EEDF39ED3E7C";
pub const CERTIFICATE: &[u8] = include_bytes!("../../src/testkit/keys/wechatpay_certificate.pem");
pub const EXPIRED_CERTIFICATE: &[u8] =
    include_bytes!("../../src/testkit/keys/expired_certificate.pem");

/// `AEAD_AES_256_GCM` with `API_V3_KEY`, base64 of data ‖ tag.
pub fn encrypt_with_api_v3_key(plaintext: &[u8], nonce: &str, associated_data: &str) -> String {
    use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
    let key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, API_V3_KEY).expect("key"));
    let nonce: [u8; 12] = nonce.as_bytes().try_into().expect("12 bytes");
    let mut data = plaintext.to_vec();
    key.seal_in_place_append_tag(
        Nonce::assume_unique_for_key(nonce),
        Aad::from(associated_data),
        &mut data,
    )
    .expect("seal");
    BASE64.encode(data)
}

/// The JSON of `GET /v3/certificates` listing `certificates` as (serial, PEM).
pub fn certificate_download(certificates: &[(&str, &[u8])]) -> String {
    let data: Vec<serde_json::Value> = certificates
        .iter()
        .map(|(serial, pem)| {
            serde_json::json!({
                "serial_no": serial,
                "effective_time": "2026-01-01T00:00:00+08:00",
                "expire_time": "2126-01-01T00:00:00+08:00",
                "encrypt_certificate": {
                    "algorithm": "AEAD_AES_256_GCM",
                    "nonce": "61f9c719728a",
                    "associated_data": "certificate",
                    "ciphertext": encrypt_with_api_v3_key(pem, "61f9c719728a", "certificate")
                }
            })
        })
        .collect();
    serde_json::json!({ "data": data }).to_string()
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

/// The lower-case hex SHA-1 of `content`, as `Wechatpay-Statement-Sha1` announces it.
pub fn sha1_hex(content: &[u8]) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, content);
    digest
        .as_ref()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
