//! File downloads (statements and bills): streamed to the caller's writer, never buffered
//! whole. The file's SHA-1 comes from a signed header (the answer's signature covers a small
//! JSON carrying it, as the spec says) or from the caller (an earlier signed answer announced
//! it; WeChat Pay does not sign the bill file's answer), and the digest of the bytes actually
//! received is compared with it at the end.

use std::io::Write;

use aws_lc_rs::digest::{Context, SHA1_FOR_LEGACY_USE_ONLY};

use super::client::Client;
use super::error::{Error, TransportErrorKind};
use super::http::{signature_headers, too_large};
use super::transport::{ApiRequest, ApiResponse, DownloadCheck, DownloadIntegrity, Downloaded};
use super::verify::verify;

impl Client {
    /// Sends `request` and streams a 2xx answer's body into `sink`, after verifying the
    /// signature over the signed digest when the answer has one; fails at the end if the SHA-1
    /// of what arrived differs from the announced one (what was already written stays written:
    /// write to a temporary file and keep it only on success). Error answers are returned as
    /// [`Error::Api`].
    pub async fn download_file(
        &self,
        request: &ApiRequest,
        check: DownloadCheck,
        sink: &mut (dyn Write + Send),
    ) -> Result<Downloaded, Error> {
        let host = self.choose_host(request.operation);
        // The total time is not bounded (a day, in effect); each chunk's wait is, below.
        let whole_day = std::time::Duration::from_secs(24 * 60 * 60);
        let mut response = match self
            .start(request, &host, check.gzip, Some(whole_day))
            .await
        {
            Ok(response) => response,
            Err(error) => {
                if matches!(
                    error,
                    Error::Transport {
                        kind: TransportErrorKind::Connect | TransportErrorKind::Timeout,
                        ..
                    }
                ) && !host.is_backup
                {
                    self.main_is_down();
                }
                return Err(error);
            }
        };
        let request_id = header(&response, "Request-ID");
        if !response.status().is_success() {
            let answer = self.read_answer(response).await?;
            let error = ApiResponse {
                status: answer.status,
                request_id,
                body: answer.body,
            };
            return Err(super::decode::decode_empty(error)
                .err()
                .unwrap_or_else(not_a_download));
        }
        let (announced, announced_by) = match &check.integrity {
            DownloadIntegrity::SignedDigest {
                digest_header,
                signed_body,
            } => {
                let announced =
                    header(&response, digest_header).ok_or_else(|| Error::Verification {
                        reason: format!("the {digest_header} header is missing"),
                        request_id: request_id.clone(),
                    })?;
                let signed = signed_body.replace("{digest}", &announced);
                let signature = signature_headers(response.headers());
                verify(&signature, signed.as_bytes(), self.now(), self.keys()).map_err(
                    |failure| Error::Verification {
                        reason: failure.into_reason(),
                        request_id: request_id.clone(),
                    },
                )?;
                (announced, (*digest_header).to_owned())
            }
            // Unsigned by WeChat Pay: the digest the caller got from a signed answer is the
            // only proof, so it is required, never skipped.
            DownloadIntegrity::Announced { sha1 } => {
                (sha1.clone(), "the announced SHA-1".to_owned())
            }
        };
        let encoded = response
            .headers()
            .get(reqwest::header::CONTENT_ENCODING)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.eq_ignore_ascii_case("gzip"));
        // Decoding is done only for requests that ask for it: an unasked-for gzip answer
        // could be a decompression bomb aimed at the caller. An archive asked for may come
        // labelled as gzip-encoded too; it is the same stream, decoded once.
        if encoded && !check.gzip && !check.gzip_file {
            return Err(too_large(
                "the file came gzip-encoded although the operation does not ask for gzip"
                    .to_owned(),
            ));
        }
        let gzipped = encoded || check.gzip_file;
        let out = DigestingWriter {
            digest: Context::new(&SHA1_FOR_LEGACY_USE_ONLY),
            bytes: 0,
            limit: self.inner.max_download_bytes,
            received: 0,
            sink,
        };
        // A gzip answer is decoded as it streams; the digest is of the decoded file.
        let mut output = if gzipped {
            Output::Gzip(Box::new(flate2::write::GzDecoder::new(out)))
        } else {
            Output::Plain(out)
        };
        let idle = self.inner.download_idle_timeout;
        while let Some(chunk) = tokio::time::timeout(idle, response.chunk())
            .await
            .map_err(|_| Error::Transport {
                kind: TransportErrorKind::Timeout,
                source: format!("no byte of the file for {} s", idle.as_secs_f64()).into(),
            })?
            .map_err(io_error)?
        {
            match &mut output {
                Output::Plain(out) => {
                    out.received += chunk.len() as u64;
                    out.write_all(&chunk)
                }
                Output::Gzip(decoder) => {
                    decoder.get_mut().received += chunk.len() as u64;
                    decoder.write_all(&chunk)
                }
            }
            .map_err(limit_or_io)?;
        }
        let mut out = match output {
            Output::Plain(out) => out,
            Output::Gzip(decoder) => decoder.finish().map_err(limit_or_io)?,
        };
        out.flush().map_err(io_error)?;
        let (digest, bytes) = (out.digest, out.bytes);
        let raw = digest.finish();
        let sha1: String = raw
            .as_ref()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        // The documentation says only "SHA1"; hex is what SDKs compare, and a base64 form of the
        // same 20 bytes is accepted too, since one community description shows base64 values.
        let announced_trimmed = announced.trim();
        let matches = sha1.eq_ignore_ascii_case(announced_trimmed)
            || base64::Engine::encode(&base64::engine::general_purpose::STANDARD, raw.as_ref())
                == announced_trimmed;
        if !matches {
            return Err(Error::Verification {
                reason: format!(
                    "the downloaded file's SHA-1 {sha1} does not match {announced_by} {announced}"
                ),
                request_id,
            });
        }
        Ok(Downloaded {
            bytes,
            sha1,
            request_id,
        })
    }
}

/// Whether the query of `path_and_query` gives `field` the value `value`: a request asking for
/// a gzip archive (`tartype=GZIP`).
pub fn query_asks(path_and_query: &str, field: &str, value: &str) -> bool {
    // Any base will do: only the query is read.
    reqwest::Url::parse(&format!("http://localhost{path_and_query}")).is_ok_and(|url| {
        url.query_pairs()
            .any(|(name, given)| name == field && given.eq_ignore_ascii_case(value))
    })
}

/// The request of a download whose URL an earlier answer gave (申请交易账单's `download_url`):
/// the URL's path must be the operation's `path`, and its query parameters become the
/// request's fields, checked as any request's are.
pub fn request_from_download_url<T: serde::de::DeserializeOwned>(
    url: &str,
    path: &str,
) -> Result<T, Error> {
    let invalid = |rule: String| {
        Error::Validation(super::ValidationError {
            field: "download_url".to_owned(),
            rule,
        })
    };
    let parsed =
        reqwest::Url::parse(url).map_err(|error| invalid(format!("not a URL: {error}")))?;
    if parsed.path() != path {
        return Err(invalid(format!(
            "its path {} is not this operation's {path}",
            parsed.path()
        )));
    }
    let fields: serde_json::Map<String, serde_json::Value> = parsed
        .query_pairs()
        .map(|(name, value)| (name.into_owned(), value.into_owned().into()))
        .collect();
    let text = serde_json::Value::Object(fields).to_string();
    serde_json::from_str(&text)
        .map_err(|error| invalid(format!("its query does not fit the request: {error}")))
}

/// Passes bytes to the caller's sink, hashing and counting them on the way.
struct DigestingWriter<'a> {
    digest: Context,
    bytes: u64,
    /// The most bytes it may write.
    limit: u64,
    /// Bytes received on the wire so far (compressed, for a gzip answer).
    received: u64,
    sink: &'a mut (dyn Write + Send),
}

/// The default [`ClientBuilder::max_download_bytes`](super::ClientBuilder::max_download_bytes).
pub(crate) const DEFAULT_MAX_DOWNLOAD_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// Decoded bytes per received byte beyond which a gzip answer is treated as a bomb: text bills
/// compress about 10:1, a bomb 1000:1.
const MAX_EXPANSION: u64 = 100;

/// Leeway before the expansion bound applies, so a tiny compressed header can decode.
const EXPANSION_SLACK: u64 = 1024 * 1024;

/// Why a write was refused: over a limit (reported as TooLarge, not as an I/O failure).
#[derive(Debug)]
struct OverLimit(String);

impl std::fmt::Display for OverLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OverLimit {}

fn limit_or_io(error: std::io::Error) -> Error {
    let over = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<OverLimit>())
        .map(|over| over.0.clone());
    match over {
        Some(reason) => too_large(reason),
        None => io_error(error),
    }
}

impl Write for DigestingWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let after = self.bytes + bytes.len() as u64;
        let over = if after > self.limit {
            Some(format!(
                "the file is over the {}-byte limit (ClientBuilder::max_download_bytes)",
                self.limit
            ))
        } else if after > self.received.saturating_mul(MAX_EXPANSION) + EXPANSION_SLACK {
            Some(format!(
                "the file decodes to more than {MAX_EXPANSION} times what arrived (a gzip bomb?)"
            ))
        } else {
            None
        };
        if let Some(reason) = over {
            return Err(std::io::Error::other(OverLimit(reason)));
        }
        let written = self.sink.write(bytes)?;
        self.digest.update(&bytes[..written]);
        self.bytes += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.sink.flush()
    }
}

/// Where streamed bytes go: straight through, or through a gzip decoder first.
enum Output<'a> {
    Plain(DigestingWriter<'a>),
    Gzip(Box<flate2::write::GzDecoder<DigestingWriter<'a>>>),
}

fn io_error(error: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::Transport {
        kind: TransportErrorKind::Other,
        source: Box::new(error),
    }
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

fn not_a_download() -> Error {
    Error::Config {
        reason: "a non-2xx download answer decoded as success".to_owned(),
    }
}
