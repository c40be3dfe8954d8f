//! Notifications (回调通知): verified like answers, then `resource` decrypted with the APIv3 key.
//!
//! Always hand over the raw body bytes exactly as received: a body parsed and serialised again
//! no longer matches its signature.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::client::Client;
use super::crypto::ApiV3Key;
use super::error::Error;
use super::keyring::KeyRing;
use super::verify::{SignatureHeaders, verify};

/// The only algorithm WeChat Pay encrypts notification resources with.
const AEAD_AES_256_GCM: &str = "AEAD_AES_256_GCM";

/// Where the notification's HTTP headers are read from; names are matched case-insensitively.
pub trait HeaderSource {
    /// The value of header `name`, if present and text.
    fn header(&self, name: &str) -> Option<&str>;
}

impl HeaderSource for reqwest::header::HeaderMap {
    fn header(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(|value| value.to_str().ok())
    }
}

impl<K: AsRef<str>, V: AsRef<str>> HeaderSource for [(K, V)] {
    fn header(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(key, _)| key.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<str>> HeaderSource for Vec<(K, V)> {
    fn header(&self, name: &str) -> Option<&str> {
        self.as_slice().header(name)
    }
}

/// The notification envelope: what WeChat Pay says about the event, outside the encrypted part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// 通知ID: the same notification may arrive more than once with the same id.
    pub id: String,
    /// 通知创建时间 (RFC 3339).
    pub create_time: String,
    /// 通知类型, e.g. `REFUND.SUCCESS`.
    pub event_type: String,
    /// 通知数据类型, e.g. `encrypt-resource`.
    pub resource_type: String,
    /// 回调摘要.
    #[serde(default)]
    pub summary: String,
}

/// The encrypted `resource` of a notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncryptedResource {
    /// 原始回调类型, e.g. `refund`.
    #[serde(default)]
    pub original_type: String,
    /// Always `AEAD_AES_256_GCM`.
    pub algorithm: String,
    /// Base64 of data ‖ 16-byte tag.
    pub ciphertext: String,
    /// The AAD; may be absent or empty.
    #[serde(default)]
    pub associated_data: Option<String>,
    /// The 12-byte nonce.
    pub nonce: String,
}

#[derive(Deserialize)]
struct RawNotification {
    #[serde(flatten)]
    envelope: Envelope,
    resource: EncryptedResource,
}

/// Implemented by each service's generated `Event` enum: decodes a decrypted resource by its
/// `event_type`, keeping events the spec does not describe untyped.
pub trait NotificationEvent: Sized {
    /// Decodes `resource` (decrypted JSON) as the model documented for `event_type`.
    fn decode(event_type: &str, resource: &[u8]) -> Result<Self, serde_json::Error>;
}

/// A verified, decrypted notification with its resource decoded as `T`.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification<T> {
    /// The envelope.
    pub envelope: Envelope,
    /// The resource's `original_type`.
    pub original_type: String,
    /// The decrypted resource.
    pub resource: T,
}

impl Client {
    /// Verifies a notification's signature (same rules as answers: 300 s window, known serial,
    /// no `WECHATPAY/SIGNTEST/` probe), decrypts its resource with the APIv3 key and decodes it
    /// as `T` (use `serde_json::Value` for an event the spec does not describe).
    pub fn parse_notification<T: DeserializeOwned>(
        &self,
        headers: &(impl HeaderSource + ?Sized),
        body: &[u8],
    ) -> Result<Notification<T>, Error> {
        self.parse_with(headers, body, |_, plaintext| {
            serde_json::from_slice(plaintext)
        })
    }

    /// As [`parse_notification`](Self::parse_notification), decoding the resource into the
    /// service's generated `Event` enum by the envelope's `event_type`.
    pub fn parse_event<E: NotificationEvent>(
        &self,
        headers: &(impl HeaderSource + ?Sized),
        body: &[u8],
    ) -> Result<Notification<E>, Error> {
        self.parse_with(headers, body, E::decode)
    }

    /// As [`parse_notification`](Self::parse_notification), for servers that can await: in
    /// certificate mode a notification signed under a serial the client does not know first
    /// triggers the same single-flight, rate-limited certificate download as an answer does
    /// (WeChat Pay may sign with a new certificate before any answer shows it).
    pub async fn receive_notification<T: DeserializeOwned>(
        &self,
        headers: &(impl HeaderSource + Sync + ?Sized),
        body: &[u8],
    ) -> Result<Notification<T>, Error> {
        self.learn_serial(headers).await?;
        self.parse_notification(headers, body)
    }

    /// As [`receive_notification`](Self::receive_notification), decoding into the service's
    /// generated `Event` enum.
    pub async fn receive_event<E: NotificationEvent>(
        &self,
        headers: &(impl HeaderSource + Sync + ?Sized),
        body: &[u8],
    ) -> Result<Notification<E>, Error> {
        self.learn_serial(headers).await?;
        self.parse_event(headers, body)
    }

    /// Downloads the certificates when, in certificate mode, the notification names a serial
    /// the ring does not hold; the download's own rules (trusted signer, rate limit) apply.
    async fn learn_serial(
        &self,
        headers: &(impl HeaderSource + Sync + ?Sized),
    ) -> Result<(), Error> {
        let Some(serial) = headers.header("Wechatpay-Serial") else {
            return Ok(());
        };
        if self.certificate_source().is_none() || self.keys().find(serial, self.now()).is_some() {
            return Ok(());
        }
        self.refresh_platform_certificates_if_due().await
    }

    /// Opens the notification, then decodes its resource with `decode(event_type, plaintext)`.
    fn parse_with<T>(
        &self,
        headers: &(impl HeaderSource + ?Sized),
        body: &[u8],
        decode: impl FnOnce(&str, &[u8]) -> Result<T, serde_json::Error>,
    ) -> Result<Notification<T>, Error> {
        let (envelope, original_type, plaintext) = self.open_notification(headers, body)?;
        // The decrypted resource holds payers' data: the error says where decoding failed and
        // of what kind, never the content (serde's message can quote a value), and keeps none.
        let resource = decode(&envelope.event_type, &plaintext).map_err(|error| Error::Decode {
            status: 0,
            request_id: headers.header("Request-ID").map(str::to_owned),
            reason: format!(
                "the decrypted {} resource does not match its model ({:?} error at line {}, column {}; the resource is not kept)",
                envelope.event_type,
                error.classify(),
                error.line(),
                error.column()
            ),
            body: Vec::new(),
        })?;
        Ok(Notification {
            envelope,
            original_type,
            resource,
        })
    }

    /// Verifies and decrypts a notification: its envelope, the resource's `original_type`, and
    /// the decrypted resource bytes.
    pub fn open_notification(
        &self,
        headers: &(impl HeaderSource + ?Sized),
        body: &[u8],
    ) -> Result<(Envelope, String, Vec<u8>), Error> {
        open_notification(self.keys(), self.api_v3_key(), self.now(), headers, body)
    }
}

/// Verifies a notification against `keys` at Unix time `now` and decrypts its resource with
/// `api_v3_key`: its envelope, the resource's `original_type`, and the decrypted bytes. For
/// tools that verify notifications without a merchant private key.
pub fn open_notification(
    keys: &KeyRing,
    api_v3_key: Option<&ApiV3Key>,
    now: i64,
    headers: &(impl HeaderSource + ?Sized),
    body: &[u8],
) -> Result<(Envelope, String, Vec<u8>), Error> {
    let request_id = headers.header("Request-ID").map(str::to_owned);
    let signature = SignatureHeaders {
        timestamp: headers.header("Wechatpay-Timestamp"),
        nonce: headers.header("Wechatpay-Nonce"),
        signature: headers.header("Wechatpay-Signature"),
        serial: headers.header("Wechatpay-Serial"),
        signature_type: headers.header("Wechatpay-Signature-Type"),
    };
    verify(&signature, body, now, keys).map_err(|failure| Error::Verification {
        reason: failure.into_reason(),
        request_id: request_id.clone(),
    })?;
    let raw: RawNotification = serde_json::from_slice(body).map_err(|error| Error::Decode {
        status: 0,
        request_id,
        reason: format!("not a WeChat Pay notification: {error}"),
        body: body.to_vec(),
    })?;
    if raw.resource.algorithm != AEAD_AES_256_GCM {
        return Err(Error::Decryption {
            reason: format!(
                "unsupported algorithm {:?}; expected {AEAD_AES_256_GCM}",
                raw.resource.algorithm
            ),
        });
    }
    let key = api_v3_key.ok_or_else(|| Error::Config {
        reason: "decrypting notifications needs the APIv3 key (ClientBuilder::api_v3_key)"
            .to_owned(),
    })?;
    let resource = &raw.resource;
    let plaintext = key.decrypt(
        &resource.ciphertext,
        &resource.nonce,
        resource.associated_data.as_deref().unwrap_or_default(),
    )?;
    Ok((raw.envelope, raw.resource.original_type, plaintext))
}

/// The answer to give WeChat Pay for a notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationReply {
    /// The HTTP status.
    pub status: u16,
    /// The body: empty on success, `{"code":"FAIL","message":…}` on failure.
    pub body: Vec<u8>,
}

impl NotificationReply {
    /// Accepted: 204 with no body (WeChat Pay also accepts 200).
    pub fn success() -> Self {
        NotificationReply {
            status: 204,
            body: Vec::new(),
        }
    }

    /// Refused: WeChat Pay will send the notification again later. `status` should be 4xx or 5xx.
    pub fn failure(status: u16, message: &str) -> Self {
        let body = serde_json::json!({"code": "FAIL", "message": message});
        NotificationReply {
            status,
            body: body.to_string().into_bytes(),
        }
    }

    /// The reply for a notification that failed to parse: 401 for a failed verification
    /// (WeChat Pay retries, and a forger learns nothing), 500 otherwise.
    pub fn for_error(error: &Error) -> Self {
        match error {
            Error::Verification { .. } => Self::failure(401, "签名验证失败"),
            Error::Decryption { .. } => Self::failure(400, "解密失败"),
            _ => Self::failure(500, "处理失败"),
        }
    }
}
