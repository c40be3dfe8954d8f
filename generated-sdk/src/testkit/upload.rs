//! Multipart uploads as the sandbox receives them: the body split into its parts, the meta part
//! taken as what was signed, and the file checked against the digest the meta announces.

use serde_json::Value;

use crate::runtime::UploadRules;
use crate::schema::{FieldLocation, Operation, Violation};

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Part {
    pub(super) name: String,
    pub(super) file_name: Option<String>,
    pub(super) data: Vec<u8>,
}

/// An upload's parts: the meta (the bytes the signature covers), the file and the form fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Received {
    pub(super) meta: Vec<u8>,
    parts: Vec<Part>,
}

/// Why an upload's body cannot be read at all (WeChat Pay answers `INVALID_REQUEST`).
pub(super) type Unreadable = String;

/// Splits an upload's body, sent with `content_type`, into its parts.
pub(super) fn receive(
    content_type: Option<&str>,
    body: &[u8],
    rules: &UploadRules,
) -> Result<Received, Unreadable> {
    let boundary = content_type
        .and_then(boundary)
        .ok_or("an upload must be sent as multipart/form-data with a boundary")?;
    let parts = parse(body, boundary)?;
    let meta = parts
        .iter()
        .find(|part| part.name == rules.meta_part)
        .map(|part| part.data.clone())
        .ok_or_else(|| format!("the multipart body has no `{}` part", rules.meta_part))?;
    Ok(Received { meta, parts })
}

impl Received {
    /// The request object the operation's fields are checked against (the meta without the
    /// fields the client computes, plus the form parts), once the file matches its digest.
    pub(super) fn request_body(
        &self,
        operation: &Operation,
        rules: &UploadRules,
    ) -> Result<Vec<u8>, Violation> {
        let mut meta = match serde_json::from_slice::<Value>(&self.meta) {
            Ok(Value::Object(meta)) => meta,
            _ => return Err(body_violation(rules.meta_part, None, "not a JSON object")),
        };
        let file = self
            .parts
            .iter()
            .find(|part| part.name == rules.file_part && part.file_name.is_some())
            .ok_or_else(|| body_violation(rules.file_part, None, "the file part is missing"))?;
        let announced = match meta.remove(rules.digest_field) {
            Some(Value::String(digest)) => digest,
            other => {
                return Err(body_violation(
                    rules.digest_field,
                    other,
                    "the meta must give the file's digest as a string",
                ));
            }
        };
        let actual = rules.digest.hex(&file.data);
        if !announced.eq_ignore_ascii_case(&actual) {
            return Err(body_violation(
                rules.digest_field,
                Some(Value::String(announced)),
                &format!("does not match the file's {:?} digest", rules.digest),
            ));
        }
        if let Some(max) = rules.max_bytes
            && file.data.len() as u64 > max
        {
            return Err(body_violation(
                rules.file_part,
                None,
                &format!("the file is {} bytes; at most {max}", file.data.len()),
            ));
        }
        if let Some(field) = rules.file_name_field {
            meta.remove(field);
        }
        for name in rules.form_fields {
            if let Some(part) = self.parts.iter().find(|part| part.name == *name) {
                let text = String::from_utf8_lossy(&part.data);
                let value = form_value(operation, name, &text)?;
                meta.insert((*name).to_owned(), value);
            }
        }
        serde_json::to_vec(&Value::Object(meta))
            .map_err(|error| body_violation("", None, &error.to_string()))
    }
}

/// A form part's text as the JSON its field's shape wants.
fn form_value(operation: &Operation, name: &str, text: &str) -> Result<Value, Violation> {
    super::route::from_text(&operation.fields, name, text, FieldLocation::Body)
}

fn body_violation(field: &str, value: Option<Value>, issue: &str) -> Violation {
    Violation {
        field: field.to_owned(),
        value,
        issue: issue.to_owned(),
        location: FieldLocation::Body,
    }
}

/// `multipart/form-data; boundary=xyz` → `xyz` (quotes removed).
fn boundary(content_type: &str) -> Option<&str> {
    let (kind, parameters) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    parameters.split(';').find_map(|parameter| {
        let (name, value) = parameter.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"'))
            .filter(|value| !value.is_empty())
    })
}

/// The parts between `--boundary` lines, each with its headers read for name and file name.
fn parse(body: &[u8], boundary: &str) -> Result<Vec<Part>, Unreadable> {
    let delimiter = format!("--{boundary}");
    let mut rest = body
        .strip_prefix(delimiter.as_bytes())
        .ok_or("the body does not start with its boundary")?;
    let separator = format!("\r\n--{boundary}");
    let mut parts = Vec::new();
    loop {
        if rest.starts_with(b"--") {
            return Ok(parts);
        }
        rest = rest
            .strip_prefix(b"\r\n")
            .ok_or("a boundary line must end with CRLF")?;
        let headers_end = find(rest, b"\r\n\r\n").ok_or("a part's headers never end")?;
        let headers = String::from_utf8_lossy(&rest[..headers_end]).into_owned();
        let content = &rest[headers_end + 4..];
        let end = find(content, separator.as_bytes()).ok_or("a part never ends")?;
        parts.push(part(&headers, content[..end].to_vec())?);
        rest = &content[end + separator.len()..];
    }
}

fn part(headers: &str, data: Vec<u8>) -> Result<Part, Unreadable> {
    let disposition = headers
        .split("\r\n")
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("content-disposition")
                .then_some(value)
        })
        .ok_or("a part has no Content-Disposition")?;
    let parameter = |wanted: &str| {
        disposition.split(';').find_map(|parameter| {
            let (name, value) = parameter.split_once('=')?;
            (name.trim() == wanted).then(|| value.trim().trim_matches('"').to_owned())
        })
    };
    Ok(Part {
        name: parameter("name").ok_or("a part has no name")?,
        file_name: parameter("filename"),
        data,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{DigestAlgorithm, UploadFile, prepare_upload};

    const RULES: UploadRules = UploadRules {
        file_part: "file",
        meta_part: "meta",
        digest_field: "sha256",
        digest: DigestAlgorithm::Sha256,
        file_name_field: Some("filename"),
        max_bytes: None,
        types: &[],
        form_fields: &[],
    };

    #[test]
    fn reads_back_what_the_runtime_frames() {
        let file = UploadFile::new("a.bin", b"\r\n--not-a-boundary\r\n".to_vec());
        let (meta, upload) =
            prepare_upload(&serde_json::json!({}), file, &RULES).expect("an upload");
        let boundary = upload.boundary(&meta, "n0nce");
        let body = upload.body(&meta, &boundary);
        let content_type = format!("multipart/form-data; boundary={boundary}");
        let received = receive(Some(&content_type), &body, &RULES).expect("readable");
        assert_eq!(received.meta, meta);
        let file = received
            .parts
            .iter()
            .find(|part| part.name == "file")
            .expect("the file part");
        assert_eq!(file.file_name.as_deref(), Some("a.bin"));
        assert_eq!(file.data, b"\r\n--not-a-boundary\r\n");
    }

    #[test]
    fn unreadable_bodies_say_why() {
        let refused = |content_type: Option<&str>, body: &[u8]| {
            receive(content_type, body, &RULES).expect_err("unreadable")
        };
        assert!(refused(None, b"").contains("multipart/form-data"));
        assert!(refused(Some("application/json"), b"{}").contains("multipart/form-data"));
        let content_type = Some("multipart/form-data; boundary=B");
        assert!(refused(content_type, b"junk").contains("start with its boundary"));
        assert!(refused(content_type, b"--B\r\nX: y\r\n\r\nno end").contains("never ends"));
        assert!(refused(content_type, b"--B--\r\n").contains("no `meta` part"));
    }
}
