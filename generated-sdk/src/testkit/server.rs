//! The sandbox's server side: each request read, checked (signature, fields), decided (a
//! registered answer, a lifecycle step, the documented example, a fault) and signed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use serde_json::{Map, Value};

use super::answer::Answer;
use super::delivery::{self, NotificationDelivery};
use super::fault::{self, Fault, Pending};
use super::keys;
use super::lifecycle::{Instances, MoveError, Notice, Outcome};
use super::recorded::{Recorded, parse_authorization};
use super::route;
use super::signed::{Signer, Unsigned, sha1_hex};
use super::upload;
use crate::runtime::sign::{SigningInput, request_message};
use crate::runtime::{OperationInfo, WechatPayPublicKey};
use crate::schema::{self, Announcement, ErrorRow, Lifecycle, Notification, Operation, Violation};

/// The largest request body the sandbox reads, like WeChat Pay's own limit on uploads.
const MAX_BODY: usize = 8 * 1024 * 1024;

/// An answer computed by the test for requests it wants to handle itself.
pub(super) type Handler = dyn Fn(&Recorded) -> Option<Answer> + Send + Sync;

/// Answers signed once, by status and body, with the time they were signed (`sign_once`).
pub(super) type SignedAnswers = HashMap<(u16, Vec<u8>), (i64, Response<Full<Bytes>>)>;

/// Told of every request once it is answered.
pub(super) type Observer = dyn Fn(&Recorded) + Send + Sync;

/// What the server tasks share.
pub(super) struct Shared {
    pub(super) merchant: WechatPayPublicKey,
    pub(super) signer: Signer,
    pub(super) verify_signatures: bool,
    /// Answers already signed, by status and body, with when they were signed.
    pub(super) signed: Option<Mutex<SignedAnswers>>,
    pub(super) handler: Option<Box<Handler>>,
    pub(super) observer: Option<Box<Observer>>,
    pub(super) operations: Vec<&'static Operation>,
    pub(super) lifecycles: Vec<(&'static str, &'static Lifecycle)>,
    pub(super) notifications: Vec<&'static Notification>,
    /// The waits between notification attempts.
    pub(super) notification_schedule: Vec<std::time::Duration>,
    /// Where notification deliveries run: the runtime the sandbox started on.
    pub(super) runtime: tokio::runtime::Handle,
    pub(super) state: Mutex<State>,
    /// Connections accepted so far: how a load test sees that the client reuses them.
    pub(super) connections: std::sync::atomic::AtomicUsize,
}

#[derive(Default)]
pub(super) struct State {
    pub(super) serial: String,
    pub(super) recorded: Vec<Recorded>,
    pub(super) faults: Vec<Pending>,
    pub(super) answers: HashMap<String, Answer>,
    pub(super) instances: Instances,
    pub(super) requests: u64,
    /// Notifications owed by the steps decided so far, sent once the request is answered.
    pub(super) outbox: Vec<Notice>,
    pub(super) deliveries: Vec<NotificationDelivery>,
}

/// A request's route and the parts of it read before deciding.
struct Routed<'a> {
    routed: Option<(&'static Operation, Vec<(&'static str, String)>)>,
    query: Option<&'a str>,
    /// An upload operation's parts, or why its body could not be read.
    upload: Option<Result<upload::Received, upload::Unreadable>>,
}

/// What the pipeline decided for one request.
enum Decision {
    Drop,
    Answer(Unsigned, Option<Fault>),
}

/// Why the control API or a test could not move an instance.
pub(super) enum MoveRefused {
    /// No lifecycle has the id.
    Lifecycle(String),
    /// The lifecycle has no instance with the key.
    Instance(String),
    /// The lifecycle has no such state.
    State(String),
}

impl Shared {
    /// Moves an instance to `state` with further answer fields, and sends the notification the
    /// new state owes.
    pub(super) fn move_instance(
        self: &Arc<Self>,
        lifecycle: &str,
        key: &str,
        state: &str,
        fields: Map<String, Value>,
    ) -> Result<(), MoveRefused> {
        let Some((service, found)) = self
            .lifecycles
            .iter()
            .find(|(_, known)| known.id == lifecycle)
        else {
            let known: Vec<&str> = self
                .lifecycles
                .iter()
                .map(|(_, known)| known.id.as_str())
                .collect();
            return Err(MoveRefused::Lifecycle(format!(
                "no lifecycle {lifecycle:?} in the spec (known: {})",
                known.join(", ")
            )));
        };
        let moved = self
            .lock()
            .instances
            .update(service, found, key, state, fields);
        match moved {
            Ok(notice) => {
                if let Some(notice) = notice {
                    delivery::dispatch(self, notice);
                }
                Ok(())
            }
            Err(MoveError::NoInstance) => Err(MoveRefused::Instance(format!(
                "no {lifecycle} instance with {} {key:?}",
                found.key
            ))),
            Err(MoveError::NoState) => Err(MoveRefused::State(format!(
                "{state:?} is not a state of {lifecycle} (known: {})",
                found.states.join(", ")
            ))),
        }
    }

    /// A poisoned lock only means a test panicked while holding it; the data is still usable.
    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(super) async fn serve(
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
        if path.starts_with(super::control::PREFIX) {
            return Ok(super::control::answer(&self, &method, &path, &body));
        }
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
        // An upload's signature covers its meta part, not the multipart body around it.
        let upload = routed
            .as_ref()
            .and_then(|(operation, _)| operation.upload)
            .map(|rules| {
                let content_type = headers
                    .iter()
                    .find(|(name, _)| name == "content-type")
                    .map(|(_, value)| value.as_str());
                upload::receive(content_type, &body, rules)
            });
        let signed_body = match &upload {
            Some(Ok(received)) => received.meta.clone(),
            _ => body.clone(),
        };
        let mut recorded = Recorded {
            operation: routed.as_ref().map(|(operation, _)| operation.info),
            method,
            path_and_query,
            headers,
            body,
            signature_valid: false,
            status: None,
            request_id: None,
        };
        recorded.signature_valid =
            !self.verify_signatures || self.signature_valid(&recorded, &signed_body);
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
                let operation = routed.as_ref().map(|(operation, _)| *operation);
                let archive = operation
                    .is_some_and(|operation| asks_for_archive(operation, query.as_deref()));
                Decision::Answer(unsigned(answer, operation, archive), None)
            }
            fault => {
                let incoming = Routed {
                    routed,
                    query: query.as_deref(),
                    upload,
                };
                Decision::Answer(self.decide(&recorded, incoming), fault)
            }
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
        let owed = std::mem::take(&mut self.lock().outbox);
        for notice in owed {
            delivery::dispatch(&self, notice);
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
        // An unsigned file is not cached: its bytes could be those of a signed answer.
        let (Some(cache), None, true) = (&self.signed, fault, unsigned.wechatpay_signed) else {
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
    fn decide(&self, recorded: &Recorded, incoming: Routed<'_>) -> Unsigned {
        let Routed {
            routed,
            query,
            upload,
        } = incoming;
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
                return unsigned(answer, None, false);
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
        let body = match (operation.upload, upload) {
            (Some(rules), Some(Ok(received))) => match received.request_body(operation, rules) {
                Ok(body) => body,
                Err(violation) => return param_error(&violation),
            },
            (_, Some(Err(unreadable))) => {
                return error_body(400, "INVALID_REQUEST", &unreadable, None);
            }
            _ => recorded.body.clone(),
        };
        let request = match route::request_object(operation, params, query, &body)
            .and_then(|request| schema::check(&operation.fields, &request).map(|()| request))
        {
            Ok(request) => request,
            Err(violation) => return param_error(&violation),
        };
        let archive = asks_for_archive(operation, query);
        if let Some(answer) = self.lock().answers.get(&route_key(operation.info)).cloned() {
            return unsigned(answer, Some(operation), archive);
        }
        if let Some(answer) = self.handler.as_ref().and_then(|handler| handler(recorded)) {
            return unsigned(answer, Some(operation), archive);
        }
        let outcome = self
            .lock()
            .instances
            .step(&self.lifecycles, operation, &request);
        match outcome {
            Some(Outcome::Answer(body, notice)) => {
                if let Some(notice) = notice {
                    self.lock().outbox.push(notice);
                }
                // A move answered without a body (关闭订单's 204) shows only in the next read.
                if has_no_body(operation) {
                    return Unsigned::json(operation.response.status, Vec::new());
                }
                return Unsigned::json(operation.response.status, body.to_string());
            }
            Some(Outcome::Refuse(row)) => return documented_error(&row),
            None => {}
        }
        let answer = documented(operation, archive);
        match &operation.response.announces {
            Some(announcement) => announce(answer, operation, announcement, recorded),
            None => answer,
        }
    }

    /// Whether `Authorization` signs this request: its method, target and `body` (the JSON
    /// body, or an upload's meta part).
    fn signature_valid(&self, recorded: &Recorded, body: &[u8]) -> bool {
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
            body,
        });
        fresh
            && mchid == keys::MCHID
            && serial == keys::SERIAL_NO
            && self.merchant.verify(&message, &signature)
    }
}

/// The file a download serves when no test registered one: its documented example, or a
/// few rows of a trade bill.
fn served_file(operation: &Operation) -> &str {
    operation.response.example.as_deref().unwrap_or(
        "交易时间,公众账号ID,商户号\n`2026-01-01 00:00:00,`wx0000000000000000,`1900000001\n",
    )
}

/// An answer that announces a download (申请交易账单): its URL on this sandbox, and the SHA-1
/// of the file the sandbox serves there, so the download that follows checks out.
fn announce(
    answer: Unsigned,
    operation: &Operation,
    announcement: &Announcement,
    recorded: &Recorded,
) -> Unsigned {
    let download = schema::load()
        .ok()
        .and_then(|schema| schema.operation(operation.info.service, &announcement.download));
    let (Some(download), Some(host), Ok(Value::Object(mut body))) = (
        download,
        recorded.header("host"),
        serde_json::from_slice::<Value>(&answer.body),
    ) else {
        return answer;
    };
    // A token per request, as WeChat Pay's URLs carry one.
    let token = sha1_hex(recorded.path_and_query.as_bytes());
    body.insert(
        announcement.url_field.clone(),
        format!("http://{host}{}?token={token}", download.info.path).into(),
    );
    body.insert(
        announcement.digest_field.clone(),
        sha1_hex(served_file(download).as_bytes()).into(),
    );
    Unsigned::json(answer.status, Value::Object(body).to_string())
}

/// Whether the request asks for its file as a gzip archive (`tartype=GZIP` of a bill download).
fn asks_for_archive(operation: &Operation, query: Option<&str>) -> bool {
    let gzip_query = operation
        .response
        .download
        .as_ref()
        .and_then(|download| download.gzip_query.as_ref());
    match (gzip_query, query) {
        (Some(gzip_query), Some(query)) => {
            crate::runtime::query_asks(&format!("/?{query}"), &gzip_query.field, &gzip_query.value)
        }
        _ => false,
    }
}

/// The documented answer: the certificate list, the example file, or the example body.
/// No documented body (a 204, or an answer the spec gives no type for): the status alone.
fn has_no_body(operation: &Operation) -> bool {
    let response = &operation.response;
    response.status == 204 || (response.example.is_none() && response.fields.is_empty())
}

fn documented(operation: &'static Operation, archive: bool) -> Unsigned {
    let response = &operation.response;
    if operation.platform_certificates {
        // Its own certificate, as the download lists it; encrypting a fixed PEM cannot fail.
        let list =
            super::notification::certificate_list(&[(keys::CERTIFICATE_SERIAL, keys::CERTIFICATE)])
                .unwrap_or_default();
        return Unsigned::json(200, list);
    }
    if response.download.is_some() {
        let content = served_file(operation);
        let gzip = response
            .download
            .as_ref()
            .is_some_and(|download| download.gzip);
        return Unsigned::file(
            response.download.as_ref(),
            content.as_bytes(),
            None,
            gzip,
            archive,
        );
    }
    if has_no_body(operation) {
        return Unsigned::json(response.status, Vec::new());
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

fn unsigned(answer: Answer, operation: Option<&'static Operation>, archive: bool) -> Unsigned {
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
            archive,
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

pub(super) fn route_key(operation: &OperationInfo) -> String {
    format!("{} {}", operation.method.as_str(), operation.path)
}
