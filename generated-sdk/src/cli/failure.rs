//! How `wxpay` fails: an exit status per kind of failure, and the message printed.

use crate::Error;

/// Why `wxpay` stopped, as its exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Exit {
    /// A local error before any network I/O: usage, unreadable key, invalid request.
    Local = 1,
    /// WeChat Pay answered with an error status.
    Api = 2,
    /// A signature, serial, timestamp or decryption check failed; nothing was printed.
    Verification = 3,
    /// No answer, after retries.
    Transport = 4,
}

pub(super) struct Failure {
    pub(super) exit: Exit,
    pub(super) message: String,
}

impl Failure {
    pub(super) fn local(message: impl Into<String>) -> Self {
        Failure {
            exit: Exit::Local,
            message: message.into(),
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        let exit = match &error {
            Error::Api(_) => Exit::Api,
            Error::Verification { .. } | Error::Decryption { .. } => Exit::Verification,
            Error::Transport { .. } => Exit::Transport,
            Error::Decode { status, .. } if *status >= 300 => Exit::Api,
            Error::Decode { status: 0, .. } => Exit::Local,
            Error::Decode { .. } => Exit::Transport,
            _ => Exit::Local,
        };
        let message = match &error {
            Error::Api(api) => format!(
                "HTTP {} {}: {}{} (Request-ID {})",
                api.status,
                api.code,
                api.message,
                detail(api.detail.as_ref()),
                api.request_id.as_deref().unwrap_or("none")
            ),
            other => other.to_string(),
        };
        Failure { exit, message }
    }
}

/// The answer's `detail`, so the user learns which field was wrong: `; field out_trade_no =
/// "x" in body: too long`, or nothing when WeChat Pay sent none.
fn detail(detail: Option<&crate::runtime::ErrorDetail>) -> String {
    let Some(detail) = detail else {
        return String::new();
    };
    let mut out = String::new();
    if let Some(field) = &detail.field {
        out.push_str(&format!("; field {field}"));
    }
    if let Some(value) = &detail.value {
        out.push_str(&format!(" = {value}"));
    }
    if let Some(location) = &detail.location {
        out.push_str(&format!(" in {location}"));
    }
    if let Some(issue) = &detail.issue {
        out.push_str(&format!(": {issue}"));
    }
    out
}
