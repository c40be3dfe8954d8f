//! What a test registers for the sandbox to answer; `signed.rs` puts it on the wire.

/// An answer a test registers for an operation, replacing the documented example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A JSON body (or none, when `body` is empty) with this status.
    Json {
        /// The HTTP status.
        status: u16,
        /// The exact body.
        body: String,
    },
    /// A file download: `content` as the body, its SHA-1 announced in the operation's digest
    /// header (or `announced` instead, to test a wrong one), optionally gzip-compressed.
    File {
        /// The file's bytes.
        content: Vec<u8>,
        /// The digest to announce instead of the true one.
        announced: Option<String>,
        /// Whether to send it with `Content-Encoding: gzip`.
        gzip: bool,
    },
}

impl Answer {
    /// `200 OK` with this JSON body.
    pub fn ok(body: impl Into<String>) -> Answer {
        Answer::Json {
            status: 200,
            body: body.into(),
        }
    }

    /// A JSON body of any serialisable value (a typed response, say) with this status.
    pub fn json(status: u16, body: &impl serde::Serialize) -> Answer {
        // A value that cannot be JSON (a map with non-string keys) becomes an empty body,
        // which the client then reports as undecodable.
        Answer::Json {
            status,
            body: serde_json::to_string(body).unwrap_or_default(),
        }
    }

    /// A WeChat Pay error answer: `{"code": …, "message": …}` with this status.
    pub fn error(status: u16, code: &str, message: &str) -> Answer {
        Answer::Json {
            status,
            body: serde_json::json!({ "code": code, "message": message }).to_string(),
        }
    }

    /// `204 No Content`.
    pub fn no_content() -> Answer {
        Answer::Json {
            status: 204,
            body: String::new(),
        }
    }

    /// A file whose announced SHA-1 is the true one.
    pub fn file(content: impl Into<Vec<u8>>) -> Answer {
        Answer::File {
            content: content.into(),
            announced: None,
            gzip: false,
        }
    }
}
