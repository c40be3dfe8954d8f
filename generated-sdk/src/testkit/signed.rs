//! Answers on the wire: status, headers and body, signed the way WeChat Pay signs (and spoiled,
//! when a fault says so).

use std::io::Write;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use http_body_util::Full;
use hyper::Response;
use hyper::body::Bytes;

use super::fault::Fault;
use crate::runtime::MerchantKey;
use crate::runtime::sign::answer_message;
use crate::schema::Download;

/// Signs answers the way WeChat Pay does: SHA256withRSA over `timestamp\nnonce\nbody\n`.
pub(crate) struct Signer {
    pub key: MerchantKey,
}

/// The parts of an answer before it is signed.
pub(crate) struct Unsigned {
    pub status: u16,
    pub body: Vec<u8>,
    /// What the signature covers when it is not the body (downloads).
    pub signed: Option<Vec<u8>>,
    pub headers: Vec<(String, String)>,
    /// Whether WeChat Pay signs this answer: every answer but a file whose digest an earlier
    /// answer announced (a bill).
    pub wechatpay_signed: bool,
}

impl Unsigned {
    pub(crate) fn json(status: u16, body: impl Into<Vec<u8>>) -> Unsigned {
        Unsigned {
            status,
            body: body.into(),
            signed: None,
            headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
            wechatpay_signed: true,
        }
    }

    /// A file for an operation whose downloads are checked as `download` says; `archive`: the
    /// request asked for a gzip archive (`tartype=GZIP`).
    pub(crate) fn file(
        download: Option<&Download>,
        content: &[u8],
        announced: Option<&str>,
        gzip: bool,
        archive: bool,
    ) -> Unsigned {
        if download.is_some_and(|download| download.digest_header.is_none()) {
            // A bill file: neither signed nor carrying its digest, which the answer that gave
            // its URL announced.
            let (body, content_type) = if archive {
                (gzip_bytes(content), "application/x-gzip")
            } else {
                (content.to_vec(), "text/plain")
            };
            return Unsigned {
                status: 200,
                body,
                signed: None,
                headers: vec![("Content-Type".to_owned(), content_type.to_owned())],
                wechatpay_signed: false,
            };
        }
        let digest = announced.map_or_else(|| sha1_hex(content), str::to_owned);
        let header = download
            .and_then(|d| d.digest_header.as_deref())
            .unwrap_or("Wechatpay-Statement-Sha1");
        let signed = download
            .and_then(|d| d.signed_body.as_deref())
            .unwrap_or(r#"{"sha1":"{digest}"}"#)
            .replace("{digest}", &digest);
        let mut headers = vec![
            ("Content-Type".to_owned(), "text/plain".to_owned()),
            (header.to_owned(), digest),
        ];
        let body = if gzip {
            headers.push(("Content-Encoding".to_owned(), "gzip".to_owned()));
            gzip_bytes(content)
        } else {
            content.to_vec()
        };
        Unsigned {
            status: 200,
            body,
            signed: Some(signed.into_bytes()),
            headers,
            wechatpay_signed: true,
        }
    }
}

impl Signer {
    /// The answer, signed under `serial` now, with `fault` applied.
    pub(crate) fn sign(
        &self,
        unsigned: Unsigned,
        serial: &str,
        request_id: &str,
        fault: Option<&Fault>,
    ) -> Response<Full<Bytes>> {
        let mut timestamp = chrono::Utc::now().timestamp();
        if fault == Some(&Fault::StaleTimestamp) {
            timestamp -= 301;
        }
        let nonce = crate::runtime::sign::nonce().unwrap_or_else(|_| "0".repeat(32));
        let covered = unsigned.signed.as_deref().unwrap_or(&unsigned.body);
        let message = answer_message(&timestamp.to_string(), &nonce, covered);
        let mut signature = self.key.sign(&message).unwrap_or_default();
        let mut body = unsigned.body;
        match fault {
            Some(Fault::BadSignature) => {
                if let Some(byte) = signature.get_mut(10) {
                    *byte ^= 0x01;
                }
            }
            Some(Fault::TamperBody) => {
                // The byte before the closing brace, so the body stays the same length.
                let at = body.len().saturating_sub(2);
                if let Some(byte) = body.get_mut(at) {
                    *byte ^= 0x01;
                }
            }
            _ => {}
        }
        let mut signature = BASE64.encode(signature);
        match fault {
            Some(Fault::SigntestProbe) => signature = format!("WECHATPAY/SIGNTEST/{signature}"),
            Some(Fault::GarbledSignature) => {
                signature = format!("{}!*", signature.chars().take(20).collect::<String>());
            }
            _ => {}
        }
        let serial = if fault == Some(&Fault::UnknownSerial) {
            "PUB_KEY_ID_UNKNOWN_TO_THE_CLIENT"
        } else {
            serial
        };
        let mut headers = if unsigned.wechatpay_signed {
            vec![
                ("Wechatpay-Timestamp".to_owned(), timestamp.to_string()),
                ("Wechatpay-Nonce".to_owned(), nonce),
                ("Wechatpay-Signature".to_owned(), signature),
                ("Wechatpay-Serial".to_owned(), serial.to_owned()),
            ]
        } else {
            Vec::new()
        };
        headers.push(("Request-ID".to_owned(), request_id.to_owned()));
        headers.extend(unsigned.headers);
        if let Some(Fault::OmitHeader(name)) = fault {
            headers.retain(|(header, _)| !header.eq_ignore_ascii_case(name));
        }
        if let Some(Fault::LargeHeader(size)) = fault {
            headers.push(("X-Padding".to_owned(), "x".repeat(*size)));
        }
        let mut response = Response::new(Full::new(Bytes::from(body)));
        *response.status_mut() = hyper::StatusCode::from_u16(unsigned.status)
            .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
        for (name, value) in headers {
            if let (Ok(name), Ok(value)) = (
                hyper::header::HeaderName::from_bytes(name.as_bytes()),
                hyper::header::HeaderValue::from_str(&value),
            ) {
                response.headers_mut().append(name, value);
            }
        }
        response
    }
}

/// The lower-case hex SHA-1 of `content`, as `Wechatpay-Statement-Sha1` announces it.
pub fn sha1_hex(content: &[u8]) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, content);
    digest
        .as_ref()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn gzip_bytes(content: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(content);
    encoder.finish().unwrap_or_default()
}
