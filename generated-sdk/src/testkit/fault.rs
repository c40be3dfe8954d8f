//! Misbehaviour on demand: what a fault does, and the queue of faults waiting for requests.

use std::time::Duration;

use super::answer::Answer;
use crate::runtime::OperationInfo;

/// A way for the sandbox to misbehave on one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status and a WeChat Pay error body carrying `code` (signed as usual).
    Error {
        /// The HTTP status, e.g. 500.
        status: u16,
        /// The error code, e.g. `SYSTEM_ERROR`.
        code: String,
    },
    /// Answer this instead (signed as usual), whatever the request.
    Respond(Answer),
    /// Close the connection without answering.
    Drop,
    /// Wait this long, then answer normally.
    Delay(Duration),
    /// Answer normally with one byte of the signature flipped.
    BadSignature,
    /// Answer normally, then change one byte of the signed body.
    TamperBody,
    /// Answer normally without this header (e.g. `Wechatpay-Signature`).
    OmitHeader(&'static str),
    /// Sign the answer with a timestamp 301 s old, just outside the 5-minute window.
    StaleTimestamp,
    /// Name a key serial the client does not know in `Wechatpay-Serial`.
    UnknownSerial,
    /// Prefix the signature with `WECHATPAY/SIGNTEST/`, as WeChat Pay's signature probes do.
    SigntestProbe,
    /// Send a signature that is not base64.
    GarbledSignature,
    /// Answer normally with an extra header of this many bytes.
    LargeHeader(usize),
}

impl Fault {
    /// `SYSTEM_ERROR` with status 500, the answer WeChat Pay gives when it is in trouble.
    pub fn system_error() -> Fault {
        Fault::Error {
            status: 500,
            code: "SYSTEM_ERROR".to_owned(),
        }
    }
}

/// A fault waiting for `remaining` more requests to `operation` (any operation when `None`).
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    pub operation: Option<&'static OperationInfo>,
    pub fault: Fault,
    pub remaining: usize,
}

/// Takes the first fault that applies to a request for `operation`, in the order they were
/// injected.
pub(crate) fn take(queue: &mut Vec<Pending>, operation: Option<&OperationInfo>) -> Option<Fault> {
    let index = queue
        .iter()
        .position(|pending| pending.operation.is_none() || pending.operation == operation)?;
    let pending = &mut queue[index];
    let fault = pending.fault.clone();
    pending.remaining -= 1;
    if pending.remaining == 0 {
        queue.remove(index);
    }
    Some(fault)
}
