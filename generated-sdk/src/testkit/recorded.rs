//! What the sandbox saw: each request as received, and a raw answer as a test reads it.

use serde_json::Value;

use crate::runtime::OperationInfo;

/// One request as the sandbox received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The operation it was routed to, when it matched one.
    pub operation: Option<&'static OperationInfo>,
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

/// An answer the sandbox gave to [`Sandbox::send_raw`](super::Sandbox::send_raw).
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
