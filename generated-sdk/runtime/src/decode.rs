//! Turning verified responses into typed values or [`Error::Api`], and requests into JSON.

use serde::Deserialize;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::error::{ApiError, Error, ErrorDetail};
use super::object::{Object, build_object};
use super::transport::ApiResponse;

/// Serialises a request body to the exact bytes that are signed and sent.
pub fn encode_json<T: Serialize>(body: &T) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(body).map_err(unserialisable)
}

/// Serialises a generated struct's body members to the exact bytes that are signed and sent.
pub fn encode_json_object<T: Object>(body: &T) -> Result<Vec<u8>, Error> {
    body.members().into_json().map_err(unserialisable)
}

/// Not generic, so not copied for every body type.
fn unserialisable(error: serde_json::Error) -> Error {
    Error::Validation(super::ValidationError {
        field: String::new(),
        rule: format!("the body cannot be serialised as JSON: {error}"),
    })
}

/// Decodes a 2xx body into the generated struct `T`, or an error body into [`Error::Api`]: the
/// same as [`decode_json`], but through `T`'s [`Object::build`], so no serde code generic over
/// deserializers is compiled for `T`.
pub fn decode_json_object<T: Object>(response: ApiResponse) -> Result<T, Error> {
    read_answer(response, build_object::<T>)
}

/// Decodes a 2xx body into `T`, or an error body into [`Error::Api`].
///
/// The body is decoded from its text with serde_json's text reader, the one generated structs
/// decode their members with (see `object`), so a number keeps the text it was sent as.
pub fn decode_json<T: DeserializeOwned>(response: ApiResponse) -> Result<T, Error> {
    read_answer(response, |text| serde_json::from_str(text))
}

/// A 2xx body read by `read` from its text; an error body as [`Error::Api`].
fn read_answer<T>(
    response: ApiResponse,
    read: fn(&str) -> Result<T, serde_json::Error>,
) -> Result<T, Error> {
    if !is_success(response.status) {
        return Err(api_error(response));
    }
    let decoded = match body_text(&response.body) {
        Ok(text) => read(text),
        Err(error) => Err(error),
    };
    match decoded {
        Ok(decoded) => Ok(decoded),
        Err(error) => Err(decode_error(response, &error)),
    }
}

fn body_text(body: &[u8]) -> Result<&str, serde_json::Error> {
    std::str::from_utf8(body)
        .map_err(|error| serde::de::Error::custom(format_args!("the body is not UTF-8: {error}")))
}

fn decode_error(response: ApiResponse, error: &serde_json::Error) -> Error {
    Error::Decode {
        status: response.status,
        request_id: response.request_id,
        reason: error.to_string(),
        body: response.body,
    }
}

/// Accepts a 2xx response whose body is documented as empty.
pub fn decode_empty(response: ApiResponse) -> Result<(), Error> {
    if is_success(response.status) {
        Ok(())
    } else {
        Err(api_error(response))
    }
}

fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

#[derive(Deserialize)]
struct ErrorBody {
    code: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    detail: Option<ErrorDetail>,
}

fn api_error(response: ApiResponse) -> Error {
    match error_body(&response.body) {
        Ok(body) => Error::Api(Box::new(ApiError {
            status: response.status,
            code: body.code,
            message: body.message,
            detail: body.detail,
            request_id: response.request_id,
        })),
        // A proxy's HTML page or an empty 502: not WeChat's error format, so keep the raw body.
        Err(reason) => Error::Decode {
            status: response.status,
            request_id: response.request_id,
            reason: format!("not a WeChat Pay error body: {reason}"),
            body: response.body,
        },
    }
}

/// The `code` of an error body, when the body is one (a JSON object with a string `code`).
pub(crate) fn error_code(body: &[u8]) -> Option<String> {
    error_body(body).ok().map(|body| body.code)
}

/// The error body, if `body` is one. serde also reads a struct from a JSON array
/// (`["SYSTEM_ERROR"]`), which is no WeChat Pay error body.
fn error_body(body: &[u8]) -> Result<ErrorBody, String> {
    let parsed: ErrorBody = serde_json::from_slice(body).map_err(|error| error.to_string())?;
    if body.trim_ascii_start().starts_with(b"{") {
        Ok(parsed)
    } else {
        Err("a JSON array, not an object".to_owned())
    }
}
