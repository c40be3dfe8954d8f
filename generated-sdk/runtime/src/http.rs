//! One signed HTTP exchange: the request signed afresh, the answer read within its limits.

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, USER_AGENT};

use super::client::{Client, config};
use super::error::{Error, TransportErrorKind};
use super::failover::Host;
use super::sign::{SigningInput, authorization, nonce};
use super::transport::ApiRequest;
use super::verify::SignatureHeaders;

/// The outcome of one attempt that got an answer, not yet verified.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl Answer {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    pub(crate) fn signature_headers(&self) -> SignatureHeaders<'_> {
        signature_headers(&self.headers)
    }
}

/// The `Wechatpay-*` headers an answer is verified with.
pub(crate) fn signature_headers(headers: &HeaderMap) -> SignatureHeaders<'_> {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    SignatureHeaders {
        timestamp: header("Wechatpay-Timestamp"),
        nonce: header("Wechatpay-Nonce"),
        signature: header("Wechatpay-Signature"),
        serial: header("Wechatpay-Serial"),
        signature_type: header("Wechatpay-Signature-Type"),
    }
}

impl Client {
    /// One attempt, signed afresh: a new nonce and timestamp every time.
    pub(crate) async fn attempt(&self, request: &ApiRequest, host: &Host) -> Result<Answer, Error> {
        let response = self.start(request, host, false, None).await?;
        self.read_answer(response).await
    }

    /// Signs `request` afresh and sends it to `host`; returns once the status and headers are in.
    pub(crate) async fn start(
        &self,
        request: &ApiRequest,
        host: &Host,
        accept_gzip: bool,
        long_body: Option<std::time::Duration>,
    ) -> Result<reqwest::Response, Error> {
        let inner = &self.inner;
        let body = request.body.as_deref().unwrap_or_default();
        let method = request.operation.method.as_str();
        let nonce = nonce()?;
        let signing = SigningInput {
            method,
            path_and_query: &request.path_and_query,
            timestamp: inner.clock.now(),
            nonce: &nonce,
            body,
        };
        let authorization = authorization(
            &inner.merchant_key,
            &inner.mchid,
            &inner.serial_no,
            &signing,
        )?;
        let url = format!("{}{}", host.base_url, request.path_and_query);
        let method = reqwest::Method::from_bytes(method.as_bytes())
            .map_err(|_| config("bad HTTP method"))?;
        let mut builder = inner
            .http
            .request(method, &url)
            .header(AUTHORIZATION, authorization)
            .header(ACCEPT, "application/json")
            .header(USER_AGENT, &inner.user_agent);
        // The serial names the key WeChat Pay should sign its answer with (and that encrypted
        // any sensitive field): the public key in public-key mode, else the newest certificate.
        let serial = match &request.wechatpay_serial {
            Some(serial) => Some(serial.clone()),
            None => inner
                .keys
                .encryption_key(inner.clock.now())
                .map(|key| key.serial),
        };
        if let Some(serial) = serial {
            builder = builder.header("Wechatpay-Serial", serial);
        }
        if accept_gzip {
            builder = builder.header(reqwest::header::ACCEPT_ENCODING, "gzip");
        }
        if let Some(total) = long_body {
            builder = builder.timeout(total);
        }
        match (&request.upload, &request.body) {
            // Signed over the meta above; sent inside a multipart body framed afresh.
            (Some(upload), meta) => {
                let meta = meta.as_deref().unwrap_or_default();
                let boundary = upload.boundary(meta, &nonce);
                builder = builder
                    .header(
                        CONTENT_TYPE,
                        format!("multipart/form-data; boundary={boundary}"),
                    )
                    .body(upload.body(meta, &boundary));
            }
            (None, Some(body)) => {
                builder = builder
                    .header(CONTENT_TYPE, "application/json")
                    .body(body.clone());
            }
            (None, None) => {}
        }
        let response = builder.send().await.map_err(transport_error)?;
        let header_bytes: usize = response
            .headers()
            .iter()
            .map(|(name, value)| name.as_str().len() + value.len())
            .sum();
        if header_bytes > MAX_HEADER_BYTES {
            return Err(too_large(format!(
                "the answer's headers are {header_bytes} bytes, over the {MAX_HEADER_BYTES}-byte limit"
            )));
        }
        Ok(response)
    }

    /// Reads an answer's body, up to the configured limit.
    pub(crate) async fn read_answer(
        &self,
        mut response: reqwest::Response,
    ) -> Result<Answer, Error> {
        let status = response.status().as_u16();
        let limit = self.inner.max_body_bytes;
        if let Some(length) = response.content_length()
            && length > limit as u64
        {
            return Err(too_large(format!(
                "the answer announces {length} bytes, over the {limit}-byte limit (ClientBuilder::max_body_bytes)"
            )));
        }
        // Taken, not cloned: the body is read through `chunk`, which needs no headers.
        let headers = std::mem::take(response.headers_mut());
        // Read chunk by chunk so an answer without Content-Length cannot grow past the limit either.
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
            if body.len() + chunk.len() > limit {
                return Err(too_large(format!(
                    "the answer is over the {limit}-byte limit (ClientBuilder::max_body_bytes)"
                )));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer {
            status,
            headers,
            body,
        })
    }
}

/// No WeChat Pay answer has anywhere near this much header data.
const MAX_HEADER_BYTES: usize = 64 * 1024;

/// JSON answers are small; the default leaves room for the largest documented lists.
pub(crate) const DEFAULT_MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// An answer over one of the client's size limits.
pub(crate) fn too_large(reason: String) -> Error {
    Error::Transport {
        kind: TransportErrorKind::TooLarge,
        source: reason.into(),
    }
}

fn transport_error(error: reqwest::Error) -> Error {
    let kind = if error.is_connect() {
        TransportErrorKind::Connect
    } else if error.is_timeout() {
        TransportErrorKind::Timeout
    } else {
        TransportErrorKind::Other
    };
    Error::Transport {
        kind,
        source: Box::new(error),
    }
}
