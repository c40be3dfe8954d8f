//! The sandbox's control API, for a team testing a service written in any language: moves a
//! lifecycle's instance (which sends the notification the new state owes) and lists the
//! notifications sent. It answers plain JSON, unsigned: it is the sandbox's own API, not
//! WeChat Pay's, and the sandbox listens on 127.0.0.1 only.

use std::sync::Arc;

use http_body_util::Full;
use hyper::Response;
use hyper::body::Bytes;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::server::{MoveRefused, Shared};

/// Every control path starts with this.
pub(super) const PREFIX: &str = "/sandbox/v1/";

/// `POST /sandbox/v1/state`'s body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StateChange {
    lifecycle: String,
    key: String,
    state: String,
    /// Further answer fields the instance gets (`success_time`, `transaction_id`, …).
    #[serde(default)]
    fields: Map<String, Value>,
}

pub(super) fn answer(
    shared: &Arc<Shared>,
    method: &str,
    path: &str,
    body: &[u8],
) -> Response<Full<Bytes>> {
    match (method, path) {
        ("POST", "/sandbox/v1/state") => move_state(shared, body),
        ("GET", "/sandbox/v1/notifications") => {
            let deliveries = shared.lock().deliveries.clone();
            match serde_json::to_value(deliveries) {
                Ok(list) => json(200, &list),
                Err(error) => problem(500, "SYSTEM_ERROR", &error.to_string()),
            }
        }
        (_, "/sandbox/v1/state" | "/sandbox/v1/notifications") => problem(
            405,
            "METHOD_NOT_ALLOWED",
            "POST /sandbox/v1/state, GET /sandbox/v1/notifications",
        ),
        _ => problem(
            404,
            "NOT_FOUND",
            "the control API has POST /sandbox/v1/state and GET /sandbox/v1/notifications",
        ),
    }
}

fn move_state(shared: &Arc<Shared>, body: &[u8]) -> Response<Full<Bytes>> {
    let change: StateChange = match serde_json::from_slice(body) {
        Ok(change) => change,
        Err(error) => {
            return problem(
                400,
                "PARAM_ERROR",
                &format!(
                    "the body must be {{\"lifecycle\": …, \"key\": …, \"state\": …, \"fields\"?: {{…}}}}: {error}"
                ),
            );
        }
    };
    match shared.move_instance(&change.lifecycle, &change.key, &change.state, change.fields) {
        Ok(()) => json(
            200,
            &serde_json::json!({
                "lifecycle": change.lifecycle,
                "key": change.key,
                "state": change.state,
            }),
        ),
        Err(MoveRefused::Lifecycle(message) | MoveRefused::Instance(message)) => {
            problem(404, "NOT_FOUND", &message)
        }
        Err(MoveRefused::State(message)) => problem(400, "PARAM_ERROR", &message),
    }
}

fn problem(status: u16, code: &str, message: &str) -> Response<Full<Bytes>> {
    json(
        status,
        &serde_json::json!({"code": code, "message": message}),
    )
}

fn json(status: u16, value: &Value) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(value.to_string())));
    *response.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    response
}
