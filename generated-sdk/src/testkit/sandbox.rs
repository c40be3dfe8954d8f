//! The sandbox: a local WeChat Pay on 127.0.0.1 that routes every operation of the spec, checks
//! each request's signature and fields as strictly as WeChat Pay, answers with what a test
//! registered, what a lifecycle's state says or the documented example — signed with its own
//! WeChat Pay key — and misbehaves on demand. `server.rs` does the serving.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{Map, Value};
use tokio::net::TcpListener;

use super::answer::Answer;
use super::delivery::NotificationDelivery;
use super::error::TestkitError;
use super::fault::{Fault, Pending};
use super::keys;
use super::notification::NotificationBuilder;
use super::recorded::{RawResponse, Recorded};
use super::server::{Handler, MoveRefused, Observer, Shared, State, route_key};
use super::signed::Signer;
use crate::runtime::sign::SigningInput;
use crate::runtime::{Client, ClientBuilder, MerchantKey, OperationInfo, WechatPayPublicKey};
use crate::schema::Lifecycle;

/// Settings of a sandbox before it starts.
pub struct SandboxBuilder {
    address: SocketAddr,
    verify_signatures: bool,
    sign_once: bool,
    handler: Option<Box<Handler>>,
    observer: Option<Box<Observer>>,
    notification_schedule: Vec<std::time::Duration>,
}

impl SandboxBuilder {
    /// The waits between attempts to deliver a notification that was not answered 2xx
    /// (default: [`DOCUMENTED_NOTIFICATION_SCHEDULE`](super::DOCUMENTED_NOTIFICATION_SCHEDULE)
    /// a thousand times faster, 15 ms to 21.6 s; an empty list makes one attempt only).
    pub fn notification_schedule(mut self, waits: Vec<std::time::Duration>) -> Self {
        self.notification_schedule = waits;
        self
    }

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
        let operations = schema.operations();
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
            notifications: schema.notifications(),
            notification_schedule: self.notification_schedule,
            runtime: tokio::runtime::Handle::current(),
            state: Mutex::new(State {
                serial: keys::PUBLIC_KEY_ID.to_owned(),
                ..State::default()
            }),
            connections: std::sync::atomic::AtomicUsize::new(0),
        });
        let serving = shared.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                serving
                    .connections
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
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
            notification_schedule: super::delivery::compressed_schedule(),
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
        self.push_fault(Some(operation), fault, times);
    }

    /// Makes the next `times` requests, to any operation, misbehave as `fault` says.
    pub fn inject_any(&self, fault: Fault, times: usize) {
        self.push_fault(None, fault, times);
    }

    fn push_fault(&self, operation: Option<&'static OperationInfo>, fault: Fault, times: usize) {
        if times > 0 {
            self.shared.lock().faults.push(Pending {
                operation,
                fault,
                remaining: times,
            });
        }
    }

    /// How many connections the sandbox has accepted: a client that reuses its connections
    /// opens about as many as it has calls in flight, not one per call.
    pub fn connections(&self) -> usize {
        self.shared
            .connections
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.lock().recorded.clone()
    }

    /// The requests routed to `operation`.
    pub fn requests_to(&self, operation: &OperationInfo) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|request| request.operation == Some(operation))
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
    /// money has moved (a recharge succeeding, say); when the lifecycle notifies on entering
    /// `state`, the notification goes to the creating request's `notify_url`
    /// ([`Sandbox::notifications`] records it). Must be called inside the tokio runtime the
    /// sandbox started on.
    pub fn set_state(
        &self,
        lifecycle: &str,
        key: &str,
        state: &str,
        fields: Value,
    ) -> Result<(), TestkitError> {
        let fields = match fields {
            Value::Object(fields) => fields,
            Value::Null => Map::new(),
            _ => return Err(TestkitError::new("the extra fields must be a JSON object")),
        };
        self.shared
            .move_instance(lifecycle, key, state, fields)
            .map_err(|refused| match refused {
                MoveRefused::Lifecycle(message)
                | MoveRefused::Instance(message)
                | MoveRefused::State(message) => TestkitError::new(message),
            })
    }

    /// Every notification the sandbox has sent by itself, in the order the instances moved.
    pub fn notifications(&self) -> Vec<NotificationDelivery> {
        self.shared.lock().deliveries.clone()
    }

    fn lifecycle(&self, id: &str) -> Result<&'static Lifecycle, TestkitError> {
        self.shared
            .lifecycles
            .iter()
            .map(|(_, lifecycle)| *lifecycle)
            .find(|lifecycle| lifecycle.id == id)
            .ok_or_else(|| {
                let known: Vec<&str> = self
                    .shared
                    .lifecycles
                    .iter()
                    .map(|(_, lifecycle)| lifecycle.id.as_str())
                    .collect();
                TestkitError::new(format!(
                    "no lifecycle {id:?} in the spec (known: {})",
                    known.join(", ")
                ))
            })
    }

    /// A notification of `event_type`, signed by the sandbox's WeChat Pay key with its
    /// documented resource; unknown event types are refused. Where several services describe
    /// the event type (`REFUND.SUCCESS` of the global and the domestic API), the first in
    /// service order is taken: [`Sandbox::notification_of`] names the service.
    pub fn notification(&self, event_type: &str) -> Result<NotificationBuilder, TestkitError> {
        self.described(None, event_type)
    }

    /// A notification of `event_type` as the service `service` describes it (its summary and
    /// resource), signed by the sandbox's WeChat Pay key.
    pub fn notification_of(
        &self,
        service: &str,
        event_type: &str,
    ) -> Result<NotificationBuilder, TestkitError> {
        self.described(Some(service), event_type)
    }

    fn described(
        &self,
        service: Option<&str>,
        event_type: &str,
    ) -> Result<NotificationBuilder, TestkitError> {
        let schema = crate::schema::load().map_err(|error| TestkitError::new(error.to_string()))?;
        let notifications = schema.notifications();
        let notification = notifications
            .iter()
            .filter(|notification| service.is_none_or(|service| notification.service == service))
            .find(|notification| {
                notification
                    .event_types
                    .iter()
                    .any(|candidate| candidate.name == event_type)
            })
            .ok_or_else(|| {
                let known: Vec<String> = notifications
                    .iter()
                    .flat_map(|notification| {
                        notification
                            .event_types
                            .iter()
                            .map(|e| format!("{} {}", notification.service, e.name))
                    })
                    .collect();
                TestkitError::new(format!(
                    "the spec describes no event type {event_type:?}{} (known: {})",
                    service.map_or_else(String::new, |service| format!(" in {service}")),
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
