//! Response verification: `Wechatpay-Timestamp`, `-Nonce`, `-Signature` and `-Serial` over
//! `TIMESTAMP\nNONCE\nBODY\n`, checked before a byte of the body is trusted.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::keyring::KeyRing;

/// A timestamp this far (seconds) from the local clock, either way, is refused.
pub const MAX_CLOCK_SKEW_SECONDS: i64 = 300;

/// The prefix of the signatures WeChat Pay sends to probe that merchants really verify.
const SIGNTEST_PREFIX: &str = "WECHATPAY/SIGNTEST/";

/// The four signature headers of a response or notification.
#[derive(Debug, Clone, Copy)]
pub struct SignatureHeaders<'a> {
    /// `Wechatpay-Timestamp`
    pub timestamp: Option<&'a str>,
    /// `Wechatpay-Nonce`
    pub nonce: Option<&'a str>,
    /// `Wechatpay-Signature`
    pub signature: Option<&'a str>,
    /// `Wechatpay-Serial`
    pub serial: Option<&'a str>,
    /// `Wechatpay-Signature-Type`, when sent: only `WECHATPAY2-SHA256-RSA2048` is accepted.
    pub signature_type: Option<&'a str>,
}

/// Why verification failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyFailure {
    /// The `Wechatpay-Serial` names no key of the ring (it may be worth refreshing the ring).
    UnknownSerial(String),
    /// Anything else; the text says what.
    Other(String),
}

impl VerifyFailure {
    /// The reason, for error messages.
    pub fn into_reason(self) -> String {
        match self {
            VerifyFailure::UnknownSerial(reason) | VerifyFailure::Other(reason) => reason,
        }
    }
}

/// The only signature scheme this client verifies.
pub const SIGNATURE_TYPE: &str = "WECHATPAY2-SHA256-RSA2048";

/// Checks the headers and signature of `body` against the ring's keys, with `now` the local Unix
/// time: the timestamp window first (a replay is refused before any RSA work), then the serial,
/// the probe prefix, base64 and finally the RSA signature.
pub fn verify(
    headers: &SignatureHeaders<'_>,
    body: &[u8],
    now: i64,
    keys: &KeyRing,
) -> Result<(), VerifyFailure> {
    let other = VerifyFailure::Other;
    let timestamp = required(headers.timestamp, "Wechatpay-Timestamp").map_err(other)?;
    let nonce = required(headers.nonce, "Wechatpay-Nonce").map_err(other)?;
    let signature = required(headers.signature, "Wechatpay-Signature").map_err(other)?;
    let serial = required(headers.serial, "Wechatpay-Serial").map_err(other)?;
    // A signature of another kind (an SM2 one, say) must not be checked as if it were RSA.
    if let Some(kind) = headers.signature_type
        && kind != SIGNATURE_TYPE
    {
        return Err(other(format!(
            "Wechatpay-Signature-Type {kind:?} is not {SIGNATURE_TYPE}"
        )));
    }

    let seconds: i64 = timestamp.trim().parse().map_err(|_| {
        other(format!(
            "Wechatpay-Timestamp {timestamp:?} is not a Unix time"
        ))
    })?;
    // `unsigned_abs`: a saturated `i64::MIN` (a clock far before 1970) has no `abs`.
    let skew = now.saturating_sub(seconds);
    if skew.unsigned_abs() >= MAX_CLOCK_SKEW_SECONDS.unsigned_abs() {
        return Err(other(format!(
            "Wechatpay-Timestamp is {} s {} the local clock (the limit is {MAX_CLOCK_SKEW_SECONDS} s); \
             a replayed answer, or the local clock is off by that much",
            skew.unsigned_abs(),
            if skew > 0 { "behind" } else { "ahead of" }
        )));
    }
    let Some(key) = keys.find(serial, now) else {
        return Err(VerifyFailure::UnknownSerial(format!(
            "Wechatpay-Serial {serial:?} is not a configured key (configured: {:?})",
            keys.serials()
        )));
    };
    if signature.starts_with(SIGNTEST_PREFIX) {
        return Err(other(
            "a WECHATPAY/SIGNTEST/ probe signature, which never verifies".to_owned(),
        ));
    }
    let signature = BASE64
        .decode(signature.trim())
        .map_err(|_| other("Wechatpay-Signature is not valid base64".to_owned()))?;
    let message = super::sign::answer_message(timestamp, nonce, body);
    if key.verify(&message, &signature) {
        Ok(())
    } else {
        Err(other(
            "the signature does not match the body and headers".to_owned(),
        ))
    }
}

fn required<'a>(value: Option<&'a str>, name: &str) -> Result<&'a str, String> {
    match value {
        Some(value) if !value.is_empty() => Ok(value),
        _ => Err(format!("the {name} header is missing")),
    }
}
