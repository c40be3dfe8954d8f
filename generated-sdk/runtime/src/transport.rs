//! The boundary between generated operations and whatever moves bytes over HTTP.

use std::future::Future;

use super::error::Error;
use super::sensitive::SensitiveEncryptor;

/// An HTTP method WeChat Pay uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
}

impl Method {
    /// The method as it appears on the request line and in the signed message.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// What the spec says about one operation, for the transport's decisions (host, retries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationInfo {
    /// The service (cargo feature) it belongs to, e.g. `platsolution`.
    pub service: &'static str,
    /// The operation id in the spec, e.g. `close_recharge`; unique within its service.
    pub id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template as documented, e.g. `/v3/…/out-recharge-no/{out_recharge_no}/close`.
    pub path: &'static str,
    /// Whether resending after a timeout or `SYSTEM_ERROR` cannot do the work twice.
    pub retry_safe: bool,
    /// The main host, e.g. `https://api.mch.weixin.qq.com`.
    pub main_host: &'static str,
    /// The backup host requests fail over to, where the API has one.
    pub backup_host: Option<&'static str>,
}

/// One request, ready to sign and send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiRequest {
    /// The operation being called.
    pub operation: &'static OperationInfo,
    /// The percent-encoded path and query exactly as they go on the wire (and into the signature).
    pub path_and_query: String,
    /// The exact JSON bytes of the body; `None` sends an empty body. For an upload, the meta
    /// JSON: what the signature covers.
    pub body: Option<Vec<u8>>,
    /// For a multipart upload, the parts around `body`; `None` sends `body` as JSON.
    pub upload: Option<super::upload::Upload>,
    /// The serial of the key sensitive fields were encrypted with; the request must name it in
    /// `Wechatpay-Serial`. `None` lets the transport choose.
    pub wechatpay_serial: Option<String>,
}

/// A response whose signature the transport has already verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiResponse {
    /// The HTTP status code.
    pub status: u16,
    /// The `Request-ID` header, if WeChat Pay sent one.
    pub request_id: Option<String>,
    /// The raw body bytes.
    pub body: Vec<u8>,
}

/// Sends requests to WeChat Pay. The runtime client implements it with signing, verification,
/// retries and failover; tests can implement it to answer from memory.
///
/// An implementation must return a 2xx response only after verifying its signature.
pub trait Transport: Send + Sync {
    /// Sends `request` and returns the response, whatever its status.
    fn send(&self, request: ApiRequest) -> impl Future<Output = Result<ApiResponse, Error>> + Send;

    /// Sends `request` and streams the answer's file into `sink`, checking it as `check` says.
    /// Only a transport that verifies signatures can download.
    fn download(
        &self,
        request: ApiRequest,
        check: DownloadCheck,
        sink: &mut (dyn std::io::Write + Send),
    ) -> impl Future<Output = Result<Downloaded, Error>> + Send {
        let _ = (request, check, sink);
        std::future::ready(Err(Error::Config {
            reason: "this transport cannot download files".to_owned(),
        }))
    }

    /// The key to encrypt sensitive request fields with. A transport without WeChat Pay keys
    /// cannot send such fields.
    fn sensitive_encryptor(&self) -> Result<SensitiveEncryptor, Error> {
        Err(Error::Config {
            reason: "this transport holds no WeChat Pay key to encrypt sensitive fields with"
                .to_owned(),
        })
    }
}

/// How a download proves its integrity, from the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadCheck {
    /// Where the file's SHA-1 comes from, and whether the answer is signed.
    pub integrity: DownloadIntegrity,
    /// Ask for gzip (`Accept-Encoding: gzip`) and decode a gzip answer while streaming; the
    /// digest is then of the decoded file.
    pub gzip: bool,
    /// The request asked for a gzip archive: the body is decoded while streaming whatever its
    /// headers say, and the digest is of the decoded file.
    pub gzip_file: bool,
}

/// Where a downloaded file's SHA-1 comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DownloadIntegrity {
    /// From a header of the answer, which is signed over `signed_body` (`{digest}` standing for
    /// the header's value) instead of over the file: the global statements.
    SignedDigest {
        /// The header with the hex SHA-1 of the file, e.g. `Wechatpay-Statement-Sha1`.
        digest_header: &'static str,
        /// What the answer's signature covers.
        signed_body: &'static str,
    },
    /// From the caller: WeChat Pay does not sign this answer, and an earlier signed answer
    /// announced the file's SHA-1 (申请交易账单's `hash_value`, for the bills).
    Announced {
        /// The announced SHA-1, hex (or base64).
        sha1: String,
    },
}

/// What a finished download wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downloaded {
    /// Bytes written to the sink.
    pub bytes: u64,
    /// The SHA-1 of those bytes, lower-case hex; equal to the announced one.
    pub sha1: String,
    /// The `Request-ID` header.
    pub request_id: Option<String>,
}
