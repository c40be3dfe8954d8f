//! Request signing: `Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",
//! timestamp="…",serial_no="…",signature="…"` over `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::error::Error;
use super::keys::MerchantKey;

/// The authentication scheme WeChat Pay APIv3 expects.
pub const SCHEME: &str = "WECHATPAY2-SHA256-RSA2048";

/// What a signature covers; every field exactly as it goes on the wire.
#[derive(Debug, Clone, Copy)]
pub struct SigningInput<'a> {
    /// `GET`, `POST`, …
    pub method: &'a str,
    /// The percent-encoded path and query as sent, e.g. `/v3/x/a%20b?sub_mchid=1`.
    pub path_and_query: &'a str,
    /// Unix seconds.
    pub timestamp: i64,
    /// The request's random nonce.
    pub nonce: &'a str,
    /// The exact body bytes sent; empty for a request with no body.
    pub body: &'a [u8],
}

/// The five-line message a request signature covers.
pub fn request_message(input: &SigningInput<'_>) -> Vec<u8> {
    let mut message = Vec::with_capacity(input.path_and_query.len() + input.body.len() + 96);
    for line in [input.method.as_bytes(), input.path_and_query.as_bytes()] {
        message.extend_from_slice(line);
        message.push(b'\n');
    }
    message.extend_from_slice(input.timestamp.to_string().as_bytes());
    message.push(b'\n');
    message.extend_from_slice(input.nonce.as_bytes());
    message.push(b'\n');
    message.extend_from_slice(input.body);
    message.push(b'\n');
    message
}

/// The three-line message an answer's or a notification's signature covers:
/// `TIMESTAMP\nNONCE\nBODY\n`.
pub fn answer_message(timestamp: &str, nonce: &str, body: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(timestamp.len() + nonce.len() + body.len() + 3);
    for part in [timestamp.as_bytes(), nonce.as_bytes(), body] {
        message.extend_from_slice(part);
        message.push(b'\n');
    }
    message
}

/// The `Authorization` header value for a request.
pub fn authorization(
    key: &MerchantKey,
    mchid: &str,
    serial_no: &str,
    input: &SigningInput<'_>,
) -> Result<String, Error> {
    let signature = BASE64.encode(key.sign(&request_message(input))?);
    Ok(format!(
        "{SCHEME} mchid=\"{mchid}\",nonce_str=\"{}\",timestamp=\"{}\",serial_no=\"{serial_no}\",signature=\"{signature}\"",
        input.nonce, input.timestamp
    ))
}

/// 32 random characters from `[0-9A-Za-z]`, from the operating system's CSPRNG.
pub fn nonce() -> Result<String, Error> {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut bytes = [0u8; 32];
    aws_lc_rs::rand::fill(&mut bytes).map_err(|_| Error::Config {
        reason: "the system random number generator failed".to_owned(),
    })?;
    // 256 is 4 × 62 + 8: rejecting the top 8 values would remove the slight bias, but 32
    // characters from 62 symbols carry ~190 bits either way, far beyond what a nonce needs.
    Ok(bytes
        .iter()
        .map(|byte| ALPHABET[usize::from(*byte) % ALPHABET.len()] as char)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_has_five_lines_each_ending_in_a_newline() {
        let message = request_message(&SigningInput {
            method: "GET",
            path_and_query: "/v3/a?b=1",
            timestamp: 1554208460,
            nonce: "593BEC0C930BF1AFEB40B4A08C8FB242",
            body: b"",
        });
        assert_eq!(
            message,
            b"GET\n/v3/a?b=1\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n"
        );
    }

    #[test]
    fn nonces_are_32_alphanumerics_and_differ() {
        let first = nonce().expect("nonce");
        let second = nonce().expect("nonce");
        assert_eq!(first.len(), 32);
        assert!(first.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(first, second);
    }
}
