//! The plumbing of the `wxpay` tool's typed calls (cargo feature `cli`). Each service crate
//! generates one small function per operation that decodes checked JSON into the typed request,
//! calls the operation and encodes the answer; they share these helpers, so the tool itself
//! (in `wechatpay-apiv3`) names no operation.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use serde_json::Value;

use crate::object::build_object;
pub use crate::progress::Progress;
use crate::{CertificateSource, Client, Error, Members, Object, UploadFile, ValidationError};

/// One typed call in progress; its answer as JSON (`None` for an answer with no body).
pub type Call<'a> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<Option<Value>, Error>> + 'a>>;

/// The generated dispatch from a service and operation id to its typed call.
pub type Dispatch = for<'a> fn(&'a Client, &str, &str, Input) -> Call<'a>;

/// What one call is given.
#[derive(Debug)]
pub struct Input {
    /// The request's path, query and body fields as JSON.
    pub request: Value,
    /// The file to upload (`--file`), for an upload operation.
    pub file: Option<UploadFile>,
    /// The SHA-1 to check a downloaded file against (`--sha1`), for a download whose answer is
    /// unsigned.
    pub expected_sha1: Option<String>,
}

/// What the generated code hands the tool, so the tool's own code names no operation.
#[derive(Debug, Clone, Copy)]
pub struct Generated {
    /// From a service and operation id to its typed call.
    pub call: Dispatch,
    /// The certificate downloads of the enabled services, in spec order; the tool uses the
    /// first when no WeChat Pay public key is given.
    pub certificate_sources: &'static [&'static CertificateSource],
}

/// The file of an upload operation's call; the tool requires `--file` for those.
pub fn upload_file(file: Option<UploadFile>) -> Result<UploadFile, Error> {
    file.ok_or_else(|| {
        Error::Validation(ValidationError {
            field: "file".to_owned(),
            rule: "this operation uploads a file: give it with --file PATH".to_owned(),
        })
    })
}

/// The SHA-1 of an announced download's call; the tool requires `--sha1` for those.
pub fn expected_sha1(sha1: Option<String>) -> Result<String, Error> {
    sha1.ok_or_else(|| {
        Error::Validation(ValidationError {
            field: "sha1".to_owned(),
            rule: "WeChat Pay does not sign this file's answer: give the SHA-1 the answer with its URL announced (hash_value) with --sha1 HASH".to_owned(),
        })
    })
}

/// The error for an operation the table does not have.
pub fn unknown_operation(service: &str, id: &str) -> Error {
    Error::Validation(ValidationError {
        field: String::new(),
        rule: format!("unknown operation {service} {id}; `wxpay list` shows them all"),
    })
}

/// An already failed call: the operation is not among the enabled ones.
pub fn unknown_call<'a>(service: &str, id: &str) -> Call<'a> {
    failed(unknown_operation(service, id))
}

/// A call that failed before it was sent (its request did not decode, a file was missing).
pub fn failed<'a>(error: Error) -> Call<'a> {
    Box::pin(std::future::ready(Err(error)))
}

/// A typed call whose answer is shown as JSON with wire names.
pub fn answer<'a, R: Object + 'a>(call: crate::Call<'a, R>) -> Call<'a> {
    shown(call, show_json::<R>)
}

/// A typed call whose answer has no body (HTTP 204): nothing to show.
pub fn answer_empty(call: crate::Call<'_, ()>) -> Call<'_> {
    shown(call, |()| Ok(None))
}

/// A typed call shown by `show` once it is answered: the operations with several documented
/// success statuses show the body of the one that arrived.
pub fn shown<'a, R: 'a>(
    call: crate::Call<'a, R>,
    show: fn(R) -> Result<Option<Value>, Error>,
) -> Call<'a> {
    // A hand-written future rather than an `async` block per operation: one small state
    // machine per answer type instead of one per operation (most of the tool's build).
    Box::pin(Shown { call, show })
}

fn show_json<R: Object>(response: R) -> Result<Option<Value>, Error> {
    encode(&response).map(Some)
}

/// A typed call and how to show its answer.
struct Shown<'a, R> {
    call: crate::Call<'a, R>,
    show: fn(R) -> Result<Option<Value>, Error>,
}

impl<R> Future for Shown<'_, R> {
    type Output = Result<Option<Value>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        match Pin::new(&mut this.call).poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Ok(response)) => Poll::Ready((this.show)(response)),
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
        }
    }
}

/// Decodes checked JSON into a typed request.
pub fn decode<T: Object>(value: Value) -> Result<T, Error> {
    // Through the request's members, as the client decodes answers, so the only code of the
    // request type's own is the call of its `build`; a `match`, not `map_err`, for the same
    // reason.
    match build_object(&value.to_string()) {
        Ok(request) => Ok(request),
        Err(error) => Err(undecodable(error)),
    }
}

fn undecodable(error: serde_json::Error) -> Error {
    Error::Validation(ValidationError {
        field: String::new(),
        rule: format!("the request does not decode: {error}"),
    })
}

/// A typed response as JSON with wire names.
pub fn encode<T: Object>(response: &T) -> Result<Value, Error> {
    shown_json(response.members())
}

/// Not generic: the members' text, then a value to print.
fn shown_json(members: Members) -> Result<Value, Error> {
    let text = members.into_json();
    text.and_then(|text| serde_json::from_slice(&text))
        .map_err(|error| Error::Config {
            reason: format!("the response cannot be shown as JSON: {error}"),
        })
}
