//! The sandbox: a local WeChat Pay on 127.0.0.1 that routes every operation of the spec, checks
//! each request's signature and fields as strictly as WeChat Pay, answers with what a test
//! registered, what a lifecycle's state says or the documented example — signed with its own
//! WeChat Pay key — and misbehaves on demand.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{Map, Value};
use tokio::net::TcpListener;

use super::answer::Answer;
use super::error::TestkitError;
use super::fault::{self, Fault, Pending};
use super::keys;
use super::lifecycle::{Instances, Outcome};
use super::notification::NotificationBuilder;
use super::route;
use super::signed::{Signer, Unsigned};
use crate::runtime::sign::{SigningInput, request_message};
use crate::runtime::{
    Client, ClientBuilder, DOWNLOAD_CERTIFICATES, MerchantKey, OperationInfo, WechatPayPublicKey,
};
use crate::schema::{self, ErrorRow, Lifecycle, Operation, Response as Documented, Violation};

/// The largest request body the sandbox reads, like WeChat Pay's own limit on uploads.
const MAX_BODY: usize = 8 * 1024 * 1024;

/// `GET /v3/certificates`, which the runtime knows without the spec.
fn certificates() -> Operation {
    Operation {
        info: &DOWNLOAD_CERTIFICATES,
        service: "runtime".to_owned(),
        title: "下载平台证书".to_owned(),
        fields: Vec::new(),
        request_example: None,
        response: Documented {
            status: 200,
            example: None,
            fields: vec!["data".to_owned()],
            required: vec!["data".to_owned()],
            download: None,
        },
        errors: Vec::new(),
    }
}

/// An answer computed by the test for requests it wants to handle itself.
type Handler = dyn Fn(&Recorded) -> Option<Answer> + Send + Sync;

/// Answers signed once, by status and body, with the time they were signed (`sign_once`).
type SignedAnswers = HashMap<(u16, Vec<u8>), (i64, Response<Full<Bytes>>)>;

/// Told of every request once it is answered.
type Observer = dyn Fn(&Recorded) + Send + Sync;

/// One request as the sandbox received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The operation id it was routed to, when it matched one.
    pub operation: Option<&'static str>,
    /// `GET`, `POST`, …
    pub method: String,
    /// The path and query exactly as sent.
    pub path_and_query: String,
    /// Every header, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body bytes exactly as sent.
    pub body: Vec<u8>,
    /// Whether `Authorization` carried a valid signature of this merchant.
    pub signature_valid: bool,
    /// The status the sandbox answered with; `None` when it dropped the connection.
    pub status: Option<u16>,
    /// The `Request-ID` it answered with; `None` when it dropped the connection.
    pub request_id: Option<String>,
}

impl Recorded {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// A field of the `Authorization` header (`mchid`, `nonce_str`, `timestamp`, `serial_no`,
    /// `signature`).
    pub fn authorization(&self, field: &str) -> Option<String> {
        parse_authorization(self.header("authorization")?)
            .into_iter()
            .find(|(key, _)| key == field)
            .map(|(_, value)| value)
    }

    /// The body as JSON, when it is JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// An answer the sandbox gave to [`Sandbox::send_raw`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawResponse {
    /// The HTTP status.
    pub status: u16,
    /// The body as text.
    pub body: String,
}

impl RawResponse {
    /// The body as JSON (`Value::Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// Settings of a sandbox before it starts.
pub struct SandboxBuilder {
    address: SocketAddr,
    verify_signatures: bool,
    sign_once: bool,
    handler: Option<Box<Handler>>,
    observer: Option<Box<Observer>>,
}

impl SandboxBuilder {
    /// Listens on this port of 127.0.0.1 (default: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.address = SocketAddr::from(([127, 0, 0, 1], port));
        self
    }

    /// Listens on this address, e.g. to bring a "down" host back on its old port.
    pub fn address(mut self, address: SocketAddr) -> Self {
        self.address = address;
        self
    }

    /// Accepts requests whatever their signature (for benchmarks of the client alone).
    pub fn skip_signature_check(mut self) -> Self {
        self.verify_signatures = false;
        self
    }

    /// Signs each distinct answer once and replays it for the next 200 s, so a benchmark of a
    /// client does not count the sandbox's own RSA work. Faults still sign afresh.
    pub fn sign_once(mut self) -> Self {
        self.sign_once = true;
        self
    }

    /// Lets the test answer requests itself: `handler` sees every request that passed the
    /// signature and field checks (and every request no operation matches), and answers
    /// `Some(answer)` or `None` to leave it to the sandbox.
    pub fn handler(
        mut self,
        handler: impl Fn(&Recorded) -> Option<Answer> + Send + Sync + 'static,
    ) -> Self {
        self.handler = Some(Box::new(handler));
        self
    }

    /// Calls `observer` with every request once it is answered (to log it, say).
    pub fn on_request(mut self, observer: impl Fn(&Recorded) + Send + Sync + 'static) -> Self {
        self.observer = Some(Box::new(observer));
        self
    }

    /// Binds and starts serving on the current tokio runtime.
    pub async fn start(self) -> Result<Sandbox, TestkitError> {
        let listener = TcpListener::bind(self.address).await.map_err(|error| {
            TestkitError::new(format!("cannot listen on {}: {error}", self.address))
        })?;
        let address = listener
            .local_addr()
            .map_err(|error| TestkitError::new(format!("no local address: {error}")))?;
        let schema = crate::schema::load().map_err(|error| TestkitError::new(error.to_string()))?;
        let mut operations = schema.operations();
        static CERTIFICATES: std::sync::OnceLock<Operation> = std::sync::OnceLock::new();
        operations.push(CERTIFICATES.get_or_init(certificates));
        let shared = Arc::new(Shared {
            merchant: WechatPayPublicKey::from_pem(keys::SERIAL_NO, keys::MERCHANT_PUBLIC_KEY)?,
            signer: Signer {
                key: MerchantKey::from_pem(keys::WECHATPAY_PRIVATE_KEY)?,
            },
            verify_signatures: self.verify_signatures,
            signed: self.sign_once.then(|| Mutex::new(HashMap::new())),
            handler: self.handler,
            observer: self.observer,
            operations,
            lifecycles: schema.lifecycles(),
            state: Mutex::new(State {
                serial: keys::PUBLIC_KEY_ID.to_owned(),
                ..State::default()
            }),
        });
        let serving = shared.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let shared = serving.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        let shared = shared.clone();
                        async move { shared.serve(request).await }
                    });
                    // A dropped connection ends here; nothing to report.
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(Sandbox {
            address,
            shared,
            task,
        })
    }
}

/// A local WeChat Pay. It stops when dropped.
pub struct Sandbox {
    address: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Starts a sandbox on a free port of 127.0.0.1.
    pub async fn start() -> Result<Sandbox, TestkitError> {
        Sandbox::builder().start().await
    }

    /// A sandbox to configure before it starts.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder {
            address: SocketAddr::from(([127, 0, 0, 1], 0)),
            verify_signatures: true,
            sign_once: false,
            handler: None,
            observer: None,
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The address it listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// A client builder with the sandbox's merchant, keys and URL: add settings and `build()`.
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder()
            .mchid(keys::MCHID)
            .serial_no(keys::SERIAL_NO)
            .merchant_key_pem(keys::MERCHANT_PRIVATE_KEY)
            .wechatpay_public_key_pem(keys::PUBLIC_KEY_ID, keys::WECHATPAY_PUBLIC_KEY)
            .api_v3_key(keys::API_V3_KEY.to_vec())
            .main_base_url(self.url())
    }

    /// A client of the sandbox, with the default settings.
    pub fn client(&self) -> Result<Client, crate::Error> {
        self.client_builder().build()
    }

    /// Answers every request to `operation` with `answer` from now on, instead of the
    /// documented example or the lifecycle's state.
    pub fn answer(&self, operation: &'static OperationInfo, answer: Answer) {
        self.shared
            .lock()
            .answers
            .insert(route_key(operation), answer);
    }

    /// Forgets every registered answer.
    pub fn clear_answers(&self) {
        self.shared.lock().answers.clear();
    }

    /// Makes the next `times` requests to `operation` misbehave as `fault` says.
    pub fn inject(&self, operation: &'static OperationInfo, fault: Fault, times: usize) {
        self.push_fault(Some(operation.id), fault, times);
    }

    /// Makes the next `times` requests, to any operation, misbehave as `fault` says.
    pub fn inject_any(&self, fault: Fault, times: usize) {
        self.push_fault(None, fault, times);
    }

    fn push_fault(&self, operation: Option<&'static str>, fault: Fault, times: usize) {
        if times > 0 {
            self.shared.lock().faults.push(Pending {
                operation,
                fault,
                remaining: times,
            });
        }
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.lock().recorded.clone()
    }

    /// The requests routed to `operation`.
    pub fn requests_to(&self, operation: &OperationInfo) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|request| request.operation == Some(operation.id))
            .collect()
    }

    /// Signs answers under `serial` from now on (the platform certificate's serial, say).
    pub fn sign_as(&self, serial: &str) {
        serial.clone_into(&mut self.shared.lock().serial);
    }

    /// The state of a lifecycle's instance, e.g. `state("recharge", "cz2024…")`.
    pub fn state(&self, lifecycle: &str, key: &str) -> Option<String> {
        let lifecycle = self.lifecycle(lifecycle).ok()?;
        self.shared.lock().instances.state(lifecycle, key)
    }

    /// Moves an instance to `state` and sets further answer fields, as WeChat Pay does once
    /// money has moved (a recharge succeeding, say).
    pub fn set_state(
        &self,
        lifecycle: &str,
        key: &str,
        state: &str,
        fields: Value,
    ) -> Result<(), TestkitError> {
        let lifecycle = self.lifecycle(lifecycle)?;
        let fields = match fields {
            Value::Object(fields) => fields,
            Value::Null => Map::new(),
            _ => return Err(TestkitError::new("the extra fields must be a JSON object")),
        };
        if self
            .shared
            .lock()
            .instances
            .update(lifecycle, key, state, fields)
        {
            Ok(())
        } else {
            Err(TestkitError::new(format!(
                "no {} instance with {} {key:?}",
                lifecycle.id, lifecycle.key
            )))
        }
    }

    fn lifecycle(&self, id: &str) -> Result<&'static Lifecycle, TestkitError> {
        self.shared
            .lifecycles
            .iter()
            .find(|lifecycle| lifecycle.id == id)
            .copied()
            .ok_or_else(|| {
                let known: Vec<&str> = self
                    .shared
                    .lifecycles
                    .iter()
                    .map(|l| l.id.as_str())
                    .collect();
                TestkitError::new(format!(
                    "no lifecycle {id:?} in the spec (known: {})",
                    known.join(", ")
                ))
            })
    }

    /// A notification of `event_type`, signed by the sandbox's WeChat Pay key with its
    /// documented resource; unknown event types are refused.
    pub fn notification(&self, event_type: &str) -> Result<NotificationBuilder, TestkitError> {
        let schema = crate::schema::load().map_err(|error| TestkitError::new(error.to_string()))?;
        let notifications = schema.notifications();
        let notification = notifications
            .iter()
            .find(|notification| {
                notification
                    .event_types
                    .iter()
                    .any(|candidate| candidate.name == event_type)
            })
            .ok_or_else(|| {
                let known: Vec<&str> = notifications
                    .iter()
                    .flat_map(|notification| {
                        notification.event_types.iter().map(|e| e.name.as_str())
                    })
                    .collect();
                TestkitError::new(format!(
                    "the spec describes no event type {event_type:?} (known: {})",
                    known.join(", ")
                ))
            })?;
        Ok(NotificationBuilder::new(
            Some(notification),
            event_type,
            self.shared.lock().serial.clone(),
        ))
    }

    /// A notification of any event type, described by the spec or not.
    pub fn custom_notification(&self, event_type: &str) -> NotificationBuilder {
        NotificationBuilder::new(None, event_type, self.shared.lock().serial.clone())
    }

    /// Sends a request signed with the merchant key, bypassing the client's own checks: for
    /// testing what the sandbox (or WeChat Pay) does with malformed requests.
    pub async fn send_raw(
        &self,
        method: &str,
        path_and_query: &str,
        body: &[u8],
    ) -> Result<RawResponse, TestkitError> {
        let key = MerchantKey::from_pem(keys::MERCHANT_PRIVATE_KEY)?;
        let nonce = crate::runtime::sign::nonce()?;
        let input = SigningInput {
            method,
            path_and_query,
            timestamp: chrono::Utc::now().timestamp(),
            nonce: &nonce,
            body,
        };
        let authorization =
            crate::runtime::sign::authorization(&key, keys::MCHID, keys::SERIAL_NO, &input)?;
        let method = reqwest::Method::from_bytes(method.as_bytes())
            .map_err(|_| TestkitError::new(format!("{method:?} is not an HTTP method")))?;
        let response = reqwest::Client::new()
            .request(method, format!("{}{path_and_query}", self.url()))
            .header("Authorization", authorization)
            .header("Accept", "application/json")
            .header("Content-Type", "application/json")
            .body(body.to_vec())
            .send()
            .await
            .map_err(|error| TestkitError::new(format!("the request failed: {error}")))?;
        let status = response.status().as_u16();
        let body = response
            .text()
            .await
            .map_err(|error| TestkitError::new(format!("the answer is unreadable: {error}")))?;
        Ok(RawResponse { status, body })
    }
}

/// What the server tasks share.
struct Shared {
    merchant: WechatPayPublicKey,
    signer: Signer,
    verify_signatures: bool,
    /// Answers already signed, by status and body, with when they were signed.
    signed: Option<Mutex<SignedAnswers>>,
    handler: Option<Box<Handler>>,
    observer: Option<Box<Observer>>,
    operations: Vec<&'static Operation>,
    lifecycles: Vec<&'static Lifecycle>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    serial: String,
    recorded: Vec<Recorded>,
    faults: Vec<Pending>,
    answers: HashMap<String, Answer>,
    instances: Instances,
    requests: u64,
}

/// What the pipeline decided for one request.
enum Decision {
    Drop,
    Answer(Unsigned, Option<Fault>),
}

impl Shared {
    /// A poisoned lock only means a test panicked while holding it; the data is still usable.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    async fn serve(
        self: Arc<Self>,
        request: Request<Incoming>,
    ) -> Result<Response<Full<Bytes>>, std::io::Error> {
        let (parts, body) = request.into_parts();
        let body = match Limited::new(body, MAX_BODY).collect().await {
            Ok(collected) => collected.to_bytes().to_vec(),
            Err(_) => {
                return Err(std::io::Error::other(
                    "the request body is unreadable or too large",
                ));
            }
        };
        let method = parts.method.as_str().to_owned();
        let path = parts.uri.path().to_owned();
        let query = parts.uri.query().map(str::to_owned);
        let path_and_query = parts
            .uri
            .path_and_query()
            .map(|pq| pq.as_str().to_owned())
            .unwrap_or_default();
        let headers: Vec<(String, String)> = parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let routed = route::find(&self.operations, &method, &path);
        let mut recorded = Recorded {
            operation: routed.as_ref().map(|(operation, _)| operation.info.id),
            method,
            path_and_query,
            headers,
            body,
            signature_valid: false,
            status: None,
            request_id: None,
        };
        recorded.signature_valid = !self.verify_signatures || self.signature_valid(&recorded);
        let (index, request_id, fault) = {
            let mut state = self.lock();
            state.requests += 1;
            let request_id = format!("08F78BB5AF06{:012X}", state.requests);
            let fault = if recorded.signature_valid {
                fault::take(&mut state.faults, recorded.operation)
            } else {
                None
            };
            state.recorded.push(recorded.clone());
            (state.recorded.len() - 1, request_id, fault)
        };
        if let Some(Fault::Delay(delay)) = &fault {
            tokio::time::sleep(*delay).await;
        }
        // An error fault is an answer like any other.
        let fault = fault.map(|fault| match fault {
            Fault::Error { status, code } => Fault::Respond(Answer::error(
                status,
                &code,
                "the sandbox was told to fail this request",
            )),
            other => other,
        });
        let decision = match fault {
            Some(Fault::Drop) => Decision::Drop,
            Some(Fault::Respond(answer)) => {
                let operation = routed.map(|(operation, _)| operation);
                Decision::Answer(unsigned(answer, operation), None)
            }
            fault => Decision::Answer(self.decide(&recorded, routed, query.as_deref()), fault),
        };
        let (status, response) = match decision {
            Decision::Drop => (None, None),
            Decision::Answer(unsigned, fault) => {
                let status = unsigned.status;
                (
                    Some(status),
                    Some(self.sign(unsigned, &request_id, fault.as_ref())),
                )
            }
        };
        recorded.status = status;
        recorded.request_id = status.map(|_| request_id);
        if let Some(entry) = self.lock().recorded.get_mut(index) {
            entry.status = status;
            entry.request_id.clone_from(&recorded.request_id);
        }
        if let Some(observer) = &self.observer {
            observer(&recorded);
        }
        response.ok_or_else(|| std::io::Error::other("dropping the connection on purpose"))
    }

    fn sign(
        &self,
        unsigned: Unsigned,
        request_id: &str,
        fault: Option<&Fault>,
    ) -> Response<Full<Bytes>> {
        let serial = self.lock().serial.clone();
        let (Some(cache), None) = (&self.signed, fault) else {
            return self.signer.sign(unsigned, &serial, request_id, fault);
        };
        let now = chrono::Utc::now().timestamp();
        let key = (unsigned.status, unsigned.body.clone());
        let mut cache = cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match cache.get(&key) {
            Some((signed_at, response)) if now - signed_at < 200 => response.clone(),
            _ => {
                let response = self.signer.sign(unsigned, &serial, request_id, None);
                cache.insert(key, (now, response.clone()));
                response
            }
        }
    }

    /// Signature, route, fields, then the answer: registered, the test's, the lifecycle's, the
    /// documented one.
    fn decide(
        &self,
        recorded: &Recorded,
        routed: Option<(&'static Operation, Vec<(&'static str, String)>)>,
        query: Option<&str>,
    ) -> Unsigned {
        if !recorded.signature_valid {
            return error_body(
                401,
                "SIGN_ERROR",
                "签名错误: the Authorization signature does not verify with the merchant's public key",
                None,
            );
        }
        let Some((operation, params)) = routed else {
            if let Some(answer) = self.handler.as_ref().and_then(|handler| handler(recorded)) {
                return unsigned(answer, None);
            }
            return error_body(
                404,
                "NOT_FOUND",
                &format!(
                    "no operation of the spec is {} {}",
                    recorded.method, recorded.path_and_query
                ),
                None,
            );
        };
        let request = match route::request_object(operation, params, query, &recorded.body)
            .and_then(|request| schema::check(&operation.fields, &request).map(|()| request))
        {
            Ok(request) => request,
            Err(violation) => return param_error(&violation),
        };
        if let Some(answer) = self.lock().answers.get(&route_key(operation.info)).cloned() {
            return unsigned(answer, Some(operation));
        }
        if let Some(answer) = self.handler.as_ref().and_then(|handler| handler(recorded)) {
            return unsigned(answer, Some(operation));
        }
        let outcome = self
            .lock()
            .instances
            .step(&self.lifecycles, operation, &request);
        match outcome {
            Some(Outcome::Answer(body)) => {
                return Unsigned::json(operation.response.status, body.to_string());
            }
            Some(Outcome::Refuse(row)) => return documented_error(&row),
            None => {}
        }
        documented(operation)
    }

    fn signature_valid(&self, recorded: &Recorded) -> bool {
        let Some(authorization) = recorded.header("authorization") else {
            return false;
        };
        let Some(fields) = authorization.strip_prefix("WECHATPAY2-SHA256-RSA2048 ") else {
            return false;
        };
        let fields = parse_authorization(&format!("x {fields}"));
        let field = |name: &str| {
            fields
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
        };
        let (Some(mchid), Some(serial), Some(nonce), Some(timestamp), Some(signature)) = (
            field("mchid"),
            field("serial_no"),
            field("nonce_str"),
            field("timestamp").and_then(|t| t.parse::<i64>().ok()),
            field("signature").and_then(|s| BASE64.decode(s).ok()),
        ) else {
            return false;
        };
        let fresh = (chrono::Utc::now().timestamp() - timestamp).abs() <= 300;
        let message = request_message(&SigningInput {
            method: &recorded.method,
            path_and_query: &recorded.path_and_query,
            timestamp,
            nonce,
            body: &recorded.body,
        });
        fresh
            && mchid == keys::MCHID
            && serial == keys::SERIAL_NO
            && self.merchant.verify(&message, &signature)
    }
}

/// The documented answer: the certificate list, the example file, or the example body.
fn documented(operation: &'static Operation) -> Unsigned {
    let response = &operation.response;
    if operation.info.path.ends_with("/certificates") {
        // Its own certificate, as the download lists it; encrypting a fixed PEM cannot fail.
        let list =
            super::notification::certificate_list(&[(keys::CERTIFICATE_SERIAL, keys::CERTIFICATE)])
                .unwrap_or_default();
        return Unsigned::json(200, list);
    }
    if response.download.is_some() {
        let content = response.example.as_deref().unwrap_or(
            "交易时间,公众账号ID,商户号\n`2026-01-01 00:00:00,`wx0000000000000000,`1900000001\n",
        );
        let gzip = response
            .download
            .as_ref()
            .is_some_and(|download| download.gzip);
        return Unsigned::file(response.download.as_ref(), content.as_bytes(), None, gzip);
    }
    if response.status == 204 {
        return Unsigned::json(204, Vec::new());
    }
    match response.example.as_deref() {
        // Compact, as WeChat Pay sends it.
        Some(example) => Unsigned::json(
            response.status,
            serde_json::from_str::<Value>(example)
                .map(|value| value.to_string())
                .unwrap_or_else(|_| example.to_owned()),
        ),
        None => error_body(
            500,
            "SYSTEM_ERROR",
            &format!(
                "the spec documents no answer for {}; register one with Sandbox::answer",
                operation.info.id
            ),
            None,
        ),
    }
}

fn unsigned(answer: Answer, operation: Option<&'static Operation>) -> Unsigned {
    match answer {
        Answer::Json { status, body } => Unsigned::json(status, body),
        Answer::File {
            content,
            announced,
            gzip,
        } => Unsigned::file(
            operation.and_then(|operation| operation.response.download.as_ref()),
            &content,
            announced.as_deref(),
            gzip,
        ),
    }
}

fn documented_error(row: &ErrorRow) -> Unsigned {
    error_body(row.status, &row.code, &row.description, None)
}

/// 400 `PARAM_ERROR` with WeChat Pay's `detail`: the field, its value, the issue and where.
fn param_error(violation: &Violation) -> Unsigned {
    let mut detail = Map::new();
    detail.insert("field".to_owned(), violation.field.clone().into());
    if let Some(value) = &violation.value {
        detail.insert("value".to_owned(), value.clone());
    }
    detail.insert("issue".to_owned(), violation.issue.clone().into());
    detail.insert(
        "location".to_owned(),
        violation.location.as_str().to_owned().into(),
    );
    error_body(
        400,
        "PARAM_ERROR",
        &format!("参数错误: {violation}"),
        Some(Value::Object(detail)),
    )
}

fn error_body(status: u16, code: &str, message: &str, detail: Option<Value>) -> Unsigned {
    let mut body = serde_json::json!({ "code": code, "message": message });
    if let (Some(detail), Some(object)) = (detail, body.as_object_mut()) {
        object.insert("detail".to_owned(), detail);
    }
    Unsigned::json(status, body.to_string())
}

fn route_key(operation: &OperationInfo) -> String {
    format!("{} {}", operation.method.as_str(), operation.path)
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
