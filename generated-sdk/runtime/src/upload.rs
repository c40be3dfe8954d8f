//! Multipart uploads: the meta JSON that is signed, and the `multipart/form-data` body that
//! carries it beside the file.
//!
//! WeChat Pay signs only the meta part: the request signature covers the meta JSON exactly as
//! sent, and the meta names the file's digest, so the file is covered through it. Hand-written
//! clients often sign the whole multipart body instead and get `SIGN_ERROR`.

use std::fmt;

use serde::Serialize;
use serde_json::{Map, Value};

use super::error::{Error, ValidationError};

/// What the spec says about one upload operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadRules {
    /// The part holding the file, e.g. `file`.
    pub file_part: &'static str,
    /// The part holding the meta JSON, e.g. `meta`.
    pub meta_part: &'static str,
    /// The meta field the runtime fills with the file's digest, e.g. `sha256`.
    pub digest_field: &'static str,
    /// How that digest is computed.
    pub digest: DigestAlgorithm,
    /// The meta field the runtime fills with the file's name, when the API has one.
    pub file_name_field: Option<&'static str>,
    /// The documented size limit, in bytes.
    pub max_bytes: Option<u64>,
    /// The documented file types: extension (lower case, no dot) and the part's `Content-Type`.
    /// Empty: any file, sent as `application/octet-stream`.
    pub types: &'static [(&'static str, &'static str)],
    /// Request fields sent as parts of their own beside the meta (outside what is signed).
    pub form_fields: &'static [&'static str],
}

/// A digest an upload's meta carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestAlgorithm {
    /// SHA-256, lower-case hex.
    Sha256,
    /// SM3 (GB/T 32905), lower-case hex.
    Sm3,
}

impl DigestAlgorithm {
    /// The digest of `bytes`, lower-case hex.
    pub fn hex(self, bytes: &[u8]) -> String {
        let digest: Vec<u8> = match self {
            DigestAlgorithm::Sha256 => aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes)
                .as_ref()
                .to_vec(),
            DigestAlgorithm::Sm3 => {
                use sm3::Digest;
                sm3::Sm3::digest(bytes).to_vec()
            }
        };
        digest.iter().map(|byte| format!("{byte:02x}")).collect()
    }
}

/// A file to upload: its name (whose extension picks the part's `Content-Type`) and its bytes.
///
/// `Debug` shows the name and the size only: uploaded files are often identity documents.
#[derive(Clone, PartialEq, Eq)]
pub struct UploadFile {
    name: String,
    bytes: Vec<u8>,
}

impl UploadFile {
    /// A file named `name` (e.g. `shop-front.jpg`) holding `bytes`.
    pub fn new(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            name: name.into(),
            bytes: bytes.into(),
        }
    }

    /// Reads the file at `path`, named by its last path component.
    pub fn read(path: impl AsRef<std::path::Path>) -> std::io::Result<Self> {
        let path = path.as_ref();
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(Self::new(name, std::fs::read(path)?))
    }

    /// The file's name as sent.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The file's bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl fmt::Debug for UploadFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadFile")
            .field("name", &self.name)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// The parts of one upload beside its meta, ready to frame for every attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// The part holding the meta JSON (the request's `body`, which is what is signed).
    pub meta_part: &'static str,
    /// The part holding the file.
    pub file_part: &'static str,
    /// The file, with its name.
    pub file: UploadFile,
    /// The file part's `Content-Type`.
    pub content_type: &'static str,
    /// Text parts outside the meta, in order: name and value.
    pub form: Vec<(&'static str, String)>,
}

impl Upload {
    /// The `multipart/form-data` body around `meta`: the meta part, the form parts, the file
    /// part, separated by `boundary`.
    pub fn body(&self, meta: &[u8], boundary: &str) -> Vec<u8> {
        let mut body = Vec::with_capacity(meta.len() + self.file.bytes.len() + 512);
        let mut part = |headers: String, content: &[u8]| {
            body.extend_from_slice(format!("--{boundary}\r\n{headers}\r\n\r\n").as_bytes());
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        };
        part(
            format!(
                "Content-Disposition: form-data; name=\"{}\"\r\nContent-Type: application/json",
                self.meta_part
            ),
            meta,
        );
        for (name, value) in &self.form {
            part(
                format!("Content-Disposition: form-data; name=\"{name}\""),
                value.as_bytes(),
            );
        }
        part(
            format!(
                "Content-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {}",
                self.file_part, self.file.name, self.content_type
            ),
            &self.file.bytes,
        );
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        body
    }

    /// A boundary from `seed` (a fresh nonce) that occurs nowhere in what it separates.
    pub fn boundary(&self, meta: &[u8], seed: &str) -> String {
        let mut boundary = format!("wechatpay-{seed}");
        let contained = |boundary: &str| {
            let needle = boundary.as_bytes();
            [meta, self.file.bytes.as_slice()]
                .into_iter()
                .chain(self.form.iter().map(|(_, value)| value.as_bytes()))
                .any(|haystack| {
                    haystack
                        .windows(needle.len())
                        .any(|window| window == needle)
                })
        };
        while contained(&boundary) {
            boundary.push('x');
        }
        boundary
    }
}

/// The meta JSON (the request's fields, the file's digest and name) and the other parts of an
/// upload. A file over the documented size, of an undocumented type, or with a name that cannot
/// go into a part header is refused here, before any network I/O.
pub fn prepare_upload(
    request: &impl Serialize,
    file: UploadFile,
    rules: &UploadRules,
) -> Result<(Vec<u8>, Upload), Error> {
    let refuse = |rule: String| {
        Error::Validation(ValidationError {
            field: rules.file_part.to_owned(),
            rule,
        })
    };
    if file.name.is_empty() || file.name.contains(['"', '\r', '\n', '\\']) {
        return Err(refuse(
            "the file name must be non-empty and hold no quote, backslash or line break".to_owned(),
        ));
    }
    if let Some(max) = rules.max_bytes
        && file.bytes.len() as u64 > max
    {
        return Err(refuse(format!(
            "the file is {} bytes; at most {max} are allowed",
            file.bytes.len()
        )));
    }
    let content_type = content_type(&file.name, rules).map_err(refuse)?;
    let mut meta = match serde_json::to_value(request) {
        Ok(Value::Object(meta)) => meta,
        Ok(_) => Map::new(),
        Err(error) => {
            return Err(Error::Config {
                reason: format!("the upload's meta could not be encoded: {error}"),
            });
        }
    };
    let form = rules
        .form_fields
        .iter()
        .filter_map(|name| {
            let value = meta.remove(*name)?;
            Some(match value {
                Value::String(text) => (*name, text),
                other => (*name, other.to_string()),
            })
        })
        .collect();
    meta.insert(
        rules.digest_field.to_owned(),
        Value::String(rules.digest.hex(&file.bytes)),
    );
    if let Some(field) = rules.file_name_field {
        meta.insert(field.to_owned(), Value::String(file.name.clone()));
    }
    let meta = serde_json::to_vec(&meta).map_err(|error| Error::Config {
        reason: format!("the upload's meta could not be encoded: {error}"),
    })?;
    Ok((
        meta,
        Upload {
            meta_part: rules.meta_part,
            file_part: rules.file_part,
            file,
            content_type,
            form,
        },
    ))
}

/// The file part's `Content-Type`, from the name's extension and the documented types.
fn content_type(name: &str, rules: &UploadRules) -> Result<&'static str, String> {
    if rules.types.is_empty() {
        return Ok("application/octet-stream");
    }
    let extension = name
        .rsplit_once('.')
        .map(|(_, extension)| extension.to_ascii_lowercase())
        .unwrap_or_default();
    rules
        .types
        .iter()
        .find(|(known, _)| *known == extension)
        .map(|(_, content_type)| *content_type)
        .ok_or_else(|| {
            let known: Vec<String> = rules
                .types
                .iter()
                .map(|(extension, _)| format!(".{extension}"))
                .collect();
            format!(
                "the file name must end in one of {} (the documented types)",
                known.join(", ")
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const IMAGE: UploadRules = UploadRules {
        file_part: "file",
        meta_part: "meta",
        digest_field: "sha256",
        digest: DigestAlgorithm::Sha256,
        file_name_field: Some("filename"),
        max_bytes: Some(16),
        types: &[("jpg", "image/jpeg"), ("png", "image/png")],
        form_fields: &["item_id"],
    };

    #[derive(Serialize)]
    struct Meta {
        sub_mchid: &'static str,
        item_id: i64,
    }

    fn meta() -> Meta {
        Meta {
            sub_mchid: "1900000109",
            item_id: 7,
        }
    }

    #[test]
    fn known_digests() {
        // FIPS 180-2 and GB/T 32905-2016 example A.1, both of "abc".
        assert_eq!(
            DigestAlgorithm::Sha256.hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            DigestAlgorithm::Sm3.hex(b"abc"),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
    }

    #[test]
    fn the_meta_carries_the_fields_the_digest_and_the_name_the_form_the_rest() {
        let (meta_bytes, upload) =
            prepare_upload(&meta(), UploadFile::new("a.JPG", b"abc".to_vec()), &IMAGE)
                .expect("a valid upload");
        let meta: Value = serde_json::from_slice(&meta_bytes).expect("JSON");
        assert_eq!(meta["sub_mchid"], "1900000109");
        assert_eq!(meta["filename"], "a.JPG");
        assert_eq!(meta["sha256"], DigestAlgorithm::Sha256.hex(b"abc"));
        assert!(
            meta.get("item_id").is_none(),
            "a form field is not in the meta"
        );
        assert_eq!(upload.form, vec![("item_id", "7".to_owned())]);
        assert_eq!(upload.content_type, "image/jpeg");
    }

    #[test]
    fn the_body_frames_meta_form_and_file_exactly() {
        let (meta, upload) = prepare_upload(
            &meta(),
            UploadFile::new("a.png", b"\x89PNG".to_vec()),
            &IMAGE,
        )
        .expect("a valid upload");
        let body = upload.body(&meta, "B");
        let mut expected = b"--B\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n".to_vec();
        expected.extend_from_slice(&meta);
        expected.extend_from_slice(b"\r\n--B\r\nContent-Disposition: form-data; name=\"item_id\"\r\n\r\n7\r\n--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n--B--\r\n");
        assert_eq!(body, expected);
    }

    #[test]
    fn a_boundary_never_occurs_in_the_parts() {
        let file = UploadFile::new("a.png", b"-wechatpay-n-".to_vec());
        let (meta, upload) = prepare_upload(&meta(), file, &IMAGE).expect("a valid upload");
        let boundary = upload.boundary(&meta, "n");
        assert_eq!(boundary, "wechatpay-nx");
    }

    #[test]
    fn size_type_and_name_are_checked_before_sending() {
        let refused = |file: UploadFile| match prepare_upload(&meta(), file, &IMAGE) {
            Err(Error::Validation(error)) => {
                assert_eq!(error.field, "file");
                error.rule
            }
            other => panic!("refused: {other:?}"),
        };
        assert!(refused(UploadFile::new("a.jpg", vec![0; 17])).contains("17 bytes; at most 16"));
        assert!(refused(UploadFile::new("a.gif", vec![0; 1])).contains(".jpg, .png"));
        assert!(refused(UploadFile::new("noext", vec![0; 1])).contains(".jpg, .png"));
        assert!(refused(UploadFile::new("a\".jpg", vec![0; 1])).contains("quote"));
        assert!(refused(UploadFile::new("", vec![0; 1])).contains("non-empty"));
    }

    #[test]
    fn debug_shows_no_file_content() {
        let file = UploadFile::new("id-card.jpg", b"secret-bytes".to_vec());
        let shown = format!("{file:?}");
        assert!(shown.contains("id-card.jpg") && shown.contains("12"));
        assert!(!shown.contains("secret"));
    }
}
