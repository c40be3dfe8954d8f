//! The crate's one error type.

use std::fmt;

use serde::Deserialize;

/// Everything that can go wrong calling WeChat Pay.
#[non_exhaustive]
pub enum Error {
    /// WeChat Pay answered with a 4xx or 5xx status and an error body (boxed: it is the
    /// largest variant, and `Result<T, Error>` stays small on the success path).
    Api(Box<ApiError>),
    /// A response failed signature verification; nothing of its body was used.
    Verification {
        /// Why verification failed.
        reason: String,
        /// The `Request-ID` header, if present.
        request_id: Option<String>,
    },
    /// The request never got a response: connection refused, timeout, broken connection.
    Transport {
        /// What kind of failure it was.
        kind: TransportErrorKind,
        /// The underlying error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A response body (or a notification) did not decode into the documented model; the raw
    /// body is kept.
    Decode {
        /// The HTTP status code; 0 for a notification.
        status: u16,
        /// The `Request-ID` header, if present.
        request_id: Option<String>,
        /// Why decoding failed.
        reason: String,
        /// The body exactly as received.
        body: Vec<u8>,
    },
    /// A request breaks a documented rule and was refused before any network I/O.
    Validation(ValidationError),
    /// Encrypted data did not decrypt: a wrong APIv3 key, tampered ciphertext, nonce or
    /// associated data, a truncated tag, or data that is not base64.
    Decryption {
        /// Why decryption failed.
        reason: String,
    },
    /// The client is misconfigured: a missing or unreadable key, a key that is not RSA-2048,
    /// an empty merchant id. The reason never contains key material.
    Config {
        /// What is wrong.
        reason: String,
    },
}

/// The kind of a transport failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be made.
    Connect,
    /// No response arrived in time.
    Timeout,
    /// The answer was larger than the configured limit; it was not read further.
    TooLarge,
    /// Any other I/O or protocol failure.
    Other,
}

/// The body of a `Decode` error as text, cut to a readable length: a full answer printed as a
/// list of byte values helps nobody.
fn body_preview(body: &[u8]) -> String {
    const SHOWN: usize = 512;
    let text = String::from_utf8_lossy(body);
    match text.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}… ({} bytes)", &text[..cut], body.len()),
        None => text.into_owned(),
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(error) => f.debug_tuple("Api").field(error).finish(),
            Error::Verification { reason, request_id } => f
                .debug_struct("Verification")
                .field("reason", reason)
                .field("request_id", request_id)
                .finish(),
            Error::Transport { kind, source } => f
                .debug_struct("Transport")
                .field("kind", kind)
                .field("source", source)
                .finish(),
            Error::Decode {
                status,
                request_id,
                reason,
                body,
            } => f
                .debug_struct("Decode")
                .field("status", status)
                .field("request_id", request_id)
                .field("reason", reason)
                .field("body", &body_preview(body))
                .finish(),
            Error::Validation(error) => f.debug_tuple("Validation").field(error).finish(),
            Error::Decryption { reason } => f
                .debug_struct("Decryption")
                .field("reason", reason)
                .finish(),
            Error::Config { reason } => f.debug_struct("Config").field("reason", reason).finish(),
        }
    }
}

impl Error {
    /// Whether the same request may succeed if sent again (with a fresh signature): transport
    /// failures, `FREQUENCY_LIMITED` and 5xx `SYSTEM_ERROR`. Verification failures never are.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(error) => error.is_retryable(),
            Error::Transport { kind, .. } => *kind != TransportErrorKind::TooLarge,
            Error::Verification { .. }
            | Error::Decode { .. }
            | Error::Validation(_)
            | Error::Config { .. }
            | Error::Decryption { .. } => false,
        }
    }

    /// The `Request-ID` WeChat Pay gave the failed call, for support tickets.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(error) => error.request_id.as_deref(),
            Error::Verification { request_id, .. } | Error::Decode { request_id, .. } => {
                request_id.as_deref()
            }
            Error::Transport { .. }
            | Error::Validation(_)
            | Error::Config { .. }
            | Error::Decryption { .. } => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(error) => error.fmt(f),
            Error::Verification { reason, request_id } => {
                write!(f, "response signature verification failed: {reason}")?;
                write_request_id(f, request_id.as_deref())
            }
            Error::Transport { kind, source } => write!(f, "transport error ({kind:?}): {source}"),
            Error::Decode {
                status,
                request_id,
                reason,
                body,
            } => {
                write!(
                    f,
                    "cannot decode the HTTP {status} response body ({} bytes): {reason}",
                    body.len()
                )?;
                write_request_id(f, request_id.as_deref())
            }
            Error::Validation(error) => error.fmt(f),
            Error::Config { reason } => write!(f, "client configuration error: {reason}"),
            Error::Decryption { reason } => write!(f, "decryption failed: {reason}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }
}

fn write_request_id(f: &mut fmt::Formatter<'_>, request_id: Option<&str>) -> fmt::Result {
    match request_id {
        Some(id) => write!(f, " (Request-ID {id})"),
        None => Ok(()),
    }
}

/// An error answer from WeChat Pay: `{"code": …, "message": …, "detail": …}` plus the status.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// The HTTP status code.
    pub status: u16,
    /// The error code as sent, e.g. `PARAM_ERROR`. The generated `ApiError::error_code` gives
    /// it as the crate's typed `ErrorCode`; the runtime keeps the text because it knows no
    /// endpoint and no spec.
    pub code: String,
    /// The human-readable message WeChat Pay sent.
    pub message: String,
    /// Which field was wrong and why, when WeChat Pay says.
    pub detail: Option<ErrorDetail>,
    /// The `Request-ID` header, if present.
    pub request_id: Option<String>,
}

impl ApiError {
    /// `FREQUENCY_LIMITED` and 5xx `SYSTEM_ERROR` may succeed later.
    pub fn is_retryable(&self) -> bool {
        // Compared by wire value: these are protocol rules, true whatever codes a spec lists.
        let code = self.code.as_str();
        code == "FREQUENCY_LIMITED" || (self.status >= 500 && code == "SYSTEM_ERROR")
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "WeChat Pay error {} (HTTP {}): {}",
            self.code, self.status, self.message
        )?;
        if let Some(detail) = &self.detail {
            if let Some(field) = &detail.field {
                write!(f, "; field {field}")?;
            }
            if let Some(issue) = &detail.issue {
                write!(f, ": {issue}")?;
            }
        }
        write_request_id(f, self.request_id.as_deref())
    }
}

/// The `detail` object of an error body.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ErrorDetail {
    /// The field that was wrong.
    #[serde(default)]
    pub field: Option<String>,
    /// The value that was sent, as WeChat Pay echoes it.
    #[serde(default)]
    pub value: Option<serde_json::Value>,
    /// What is wrong with it.
    #[serde(default)]
    pub issue: Option<String>,
    /// Where the field was: `body`, `query`, `path` or `header`.
    #[serde(default)]
    pub location: Option<String>,
}

/// A request field that breaks a documented rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// The field's path by wire names, e.g. `recharge_amount.currency`.
    pub field: String,
    /// The rule it broke, e.g. `at most 16 characters, got 17`.
    pub rule: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "request field `{}` refused before sending: {}",
            self.field, self.rule
        )
    }
}

impl From<ValidationError> for Error {
    fn from(error: ValidationError) -> Self {
        Error::Validation(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decode_error_shows_its_body_as_text_cut_short() {
        let error = Error::Decode {
            status: 200,
            request_id: None,
            reason: "bad".to_owned(),
            body: format!("{{\"id\":\"{}\"}}", "x".repeat(2000)).into_bytes(),
        };
        let shown = format!("{error:?}");
        assert!(shown.contains(r#"body: "{\"id\":\"xxx"#), "{shown}");
        assert!(shown.contains("(2009 bytes)"), "{shown}");
        assert!(shown.len() < 700, "{}", shown.len());
    }
}
