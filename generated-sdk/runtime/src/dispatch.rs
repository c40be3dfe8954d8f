//! The plumbing of the `wxpay` tool's typed calls (cargo feature `cli`). Each service crate
//! generates one small function per operation that decodes checked JSON into the typed request,
//! prepares it with the function its typed client method uses, sends it and shows the typed
//! answer; they share these helpers, so the tool itself (in `wechatpay-apiv3`) names no
//! operation.

use serde_json::Value;

use crate::object::build_object;
pub use crate::progress::Progress;
use crate::{
    ApiRequest, ApiResponse, CertificateSource, Client, Error, Members, Object, UploadFile,
    ValidationError, decode_empty, decode_json_object,
};

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

/// Sends a prepared request (the same function the typed client method prepares it with)
/// through `client`; `show` decodes the answer into the operation's typed response and shows it
/// as JSON.
pub fn send<'a>(
    client: &'a Client,
    request: Result<ApiRequest, Error>,
    show: fn(ApiResponse) -> Result<Option<Value>, Error>,
) -> Call<'a> {
    // One `crate::Call` type for every operation: the typed response exists only inside
    // `show`, so no future, and no copy of the client's generic code, is compiled per operation.
    Box::pin(crate::Call::new(client, request, show))
}

/// An answer decoded into the typed response `R`, shown as JSON with wire names.
pub fn show<R: Object>(response: ApiResponse) -> Result<Option<Value>, Error> {
    let typed: R = decode_json_object(response)?;
    encode(&typed).map(Some)
}

/// An answer with no body (HTTP 204): checked, nothing to show.
pub fn show_empty(response: ApiResponse) -> Result<Option<Value>, Error> {
    decode_empty(response).map(|()| None)
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
