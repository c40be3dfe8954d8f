//! Notifications as WeChat Pay sends them: the resource encrypted with the APIv3 key
//! (AEAD_AES_256_GCM), the envelope signed with the WeChat Pay key, as bytes and headers or
//! POSTed to a URL.

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::error::TestkitError;
use super::keys;
use crate::runtime::MerchantKey;
use crate::runtime::sign::answer_message;
use crate::schema::Notification;

/// A way to spoil a notification, for tests of the receiving side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationFault {
    /// Flip one bit of the signature.
    BadSignature,
    /// Change the body after signing.
    TamperBody,
    /// Sign with a timestamp 400 s old.
    StaleTimestamp,
    /// Name a key serial the receiver does not know.
    UnknownSerial,
    /// Encrypt with another APIv3 key.
    WrongApiV3Key,
    /// Announce another nonce than the one the resource was encrypted with.
    WrongNonce,
    /// Announce other associated data than the resource was encrypted with.
    WrongAssociatedData,
    /// Cut the ciphertext short, tag included.
    TruncatedCiphertext,
    /// Send a ciphertext that is not base64.
    GarbledCiphertext,
}

/// A notification ready to deliver: the exact body bytes and the headers that go with them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimulatedNotification {
    /// `Wechatpay-Timestamp`, `Wechatpay-Nonce`, `Wechatpay-Signature`, `Wechatpay-Serial`,
    /// `Wechatpay-Signature-Type`, `Request-ID` and `Content-Type`.
    pub headers: Vec<(String, String)>,
    /// The JSON envelope.
    pub body: Vec<u8>,
}

impl SimulatedNotification {
    /// The same notification signed afresh by the sandbox's WeChat Pay key (a new timestamp
    /// and nonce over the same body), as each later delivery attempt is.
    pub(crate) fn signed_again(&self) -> Result<SimulatedNotification, TestkitError> {
        let key = MerchantKey::from_pem(keys::WECHATPAY_PRIVATE_KEY)?;
        let timestamp = chrono::Utc::now().timestamp().to_string();
        let nonce = crate::runtime::sign::nonce()?;
        let signature = BASE64.encode(key.sign(&answer_message(&timestamp, &nonce, &self.body))?);
        let mut headers = self.headers.clone();
        for (name, value) in &mut headers {
            match name.as_str() {
                "Wechatpay-Timestamp" => value.clone_from(&timestamp),
                "Wechatpay-Nonce" => value.clone_from(&nonce),
                "Wechatpay-Signature" => value.clone_from(&signature),
                _ => {}
            }
        }
        Ok(SimulatedNotification {
            headers,
            body: self.body.clone(),
        })
    }

    /// POSTs the notification to `url` and returns the receiver's status and body.
    pub async fn post(&self, url: &str) -> Result<(u16, String), TestkitError> {
        let mut request = reqwest::Client::new().post(url).body(self.body.clone());
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        let response = request.send().await.map_err(|error| {
            TestkitError::new(format!("cannot POST the notification to {url}: {error}"))
        })?;
        let status = response.status().as_u16();
        let body = response.text().await.unwrap_or_default();
        Ok((status, body))
    }
}

/// Builds a notification for one event type; from [`Sandbox::notification`](super::Sandbox::notification).
#[derive(Clone)]
pub struct NotificationBuilder {
    event_type: String,
    summary: String,
    original_type: String,
    resource: String,
    signing_key: Option<Vec<u8>>,
    serial: String,
    fault: Option<NotificationFault>,
    probe: bool,
}

// By hand, so a signing key given to `signed_with` never shows.
impl std::fmt::Debug for NotificationBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotificationBuilder")
            .field("event_type", &self.event_type)
            .field("serial", &self.serial)
            .field("fault", &self.fault)
            .field("probe", &self.probe)
            .field(
                "signing_key",
                &self.signing_key.as_ref().map(|_| "<redacted>"),
            )
            .finish_non_exhaustive()
    }
}

impl NotificationBuilder {
    /// A notification of `event_type` signed with the sandbox's WeChat Pay key under its public
    /// key id; when the spec describes the event type, its summary and documented resource.
    /// Fails only when the spec tables of the crate do not read.
    pub fn for_event(event_type: &str) -> Result<NotificationBuilder, TestkitError> {
        let schema = crate::schema::load().map_err(|error| TestkitError::new(error.to_string()))?;
        let notifications = schema.notifications();
        let notification = notifications.into_iter().find(|notification| {
            notification
                .event_types
                .iter()
                .any(|candidate| candidate.name == event_type)
        });
        Ok(NotificationBuilder::new(
            notification,
            event_type,
            keys::PUBLIC_KEY_ID.to_owned(),
        ))
    }

    pub(crate) fn new(
        notification: Option<&Notification>,
        event_type: &str,
        serial: String,
    ) -> NotificationBuilder {
        let meaning = notification.and_then(|notification| {
            notification
                .event_types
                .iter()
                .find(|candidate| candidate.name == event_type)
                .and_then(|candidate| candidate.meaning.as_deref())
        });
        NotificationBuilder {
            event_type: event_type.to_owned(),
            summary: meaning
                .or(notification.map(|notification| notification.title.as_str()))
                .unwrap_or_default()
                .to_owned(),
            original_type: notification
                .map(|notification| notification.id.as_str())
                .unwrap_or_default()
                .to_owned(),
            resource: notification
                .and_then(|notification| notification.example.as_deref())
                .unwrap_or("{}")
                .to_owned(),
            signing_key: None,
            serial,
            fault: None,
            probe: false,
        }
    }

    /// The decrypted resource to send, as JSON text (default: the spec's documented example).
    pub fn resource(mut self, json: impl Into<String>) -> Self {
        self.resource = json.into();
        self
    }

    /// The `summary` of the envelope (default: the event type's documented meaning).
    pub fn summary(mut self, summary: impl Into<String>) -> Self {
        self.summary = summary.into();
        self
    }

    /// Signs with another RSA private key (PKCS#8 or PKCS#1 PEM) under `serial`.
    pub fn signed_with(mut self, private_key_pem: &[u8], serial: impl Into<String>) -> Self {
        self.signing_key = Some(private_key_pem.to_vec());
        self.serial = serial.into();
        self
    }

    /// Spoils the notification this way.
    pub fn fault(mut self, fault: NotificationFault) -> Self {
        self.fault = Some(fault);
        self
    }

    /// Makes it a signature probe: the signature starts with `WECHATPAY/SIGNTEST/`, and a
    /// receiver must refuse it.
    pub fn signtest_probe(mut self) -> Self {
        self.probe = true;
        self
    }

    /// The notification's headers and body.
    pub fn build(self) -> Result<SimulatedNotification, TestkitError> {
        let fault = self.fault;
        let api_v3_key: &[u8] = if fault == Some(NotificationFault::WrongApiV3Key) {
            b"VUTSRQPONMLKJIHGFEDCBA9876543210"
        } else {
            keys::API_V3_KEY
        };
        let nonce = crate::runtime::sign::nonce()?;
        let nonce: String = nonce.chars().take(12).collect();
        let associated_data = self.original_type.clone();
        let mut ciphertext = encrypt(
            api_v3_key,
            &nonce,
            &associated_data,
            self.resource.as_bytes(),
        )?;
        if fault == Some(NotificationFault::TruncatedCiphertext) {
            ciphertext.truncate(10);
        }
        let mut ciphertext = BASE64.encode(ciphertext);
        if fault == Some(NotificationFault::GarbledCiphertext) {
            ciphertext = format!("{}$%", ciphertext.chars().take(8).collect::<String>());
        }
        let announced_nonce = if fault == Some(NotificationFault::WrongNonce) {
            other_text(&nonce)
        } else {
            nonce
        };
        let announced_data = if fault == Some(NotificationFault::WrongAssociatedData) {
            format!("{associated_data}-changed")
        } else {
            associated_data
        };
        let id = format!(
            "EV-{}",
            crate::runtime::sign::nonce()?
                .to_uppercase()
                .chars()
                .take(20)
                .collect::<String>()
        );
        let body = serde_json::json!({
            "id": id,
            "create_time": now_in_beijing(),
            "resource_type": "encrypt-resource",
            "event_type": self.event_type,
            "summary": self.summary,
            "resource": {
                "original_type": self.original_type,
                "algorithm": "AEAD_AES_256_GCM",
                "ciphertext": ciphertext,
                "associated_data": announced_data,
                "nonce": announced_nonce,
            }
        })
        .to_string()
        .into_bytes();
        let key = MerchantKey::from_pem(
            self.signing_key
                .as_deref()
                .unwrap_or(keys::WECHATPAY_PRIVATE_KEY),
        )?;
        let timestamp = chrono::Utc::now().timestamp()
            - if fault == Some(NotificationFault::StaleTimestamp) {
                400
            } else {
                0
            };
        let signature_nonce = crate::runtime::sign::nonce()?;
        let message = answer_message(&timestamp.to_string(), &signature_nonce, &body);
        let mut signature = key.sign(&message)?;
        if fault == Some(NotificationFault::BadSignature)
            && let Some(byte) = signature.first_mut()
        {
            *byte ^= 0x80;
        }
        let mut signature = BASE64.encode(signature);
        if self.probe {
            signature = format!("WECHATPAY/SIGNTEST/{signature}");
        }
        let mut body = body;
        if fault == Some(NotificationFault::TamperBody) {
            let at = body.len().saturating_sub(2);
            if let Some(byte) = body.get_mut(at) {
                *byte ^= 0x01;
            }
        }
        let serial = if fault == Some(NotificationFault::UnknownSerial) {
            "PUB_KEY_ID_UNKNOWN_TO_THE_RECEIVER".to_owned()
        } else {
            self.serial
        };
        let headers = vec![
            ("Wechatpay-Timestamp".to_owned(), timestamp.to_string()),
            ("Wechatpay-Nonce".to_owned(), signature_nonce),
            ("Wechatpay-Signature".to_owned(), signature),
            ("Wechatpay-Serial".to_owned(), serial),
            (
                "Wechatpay-Signature-Type".to_owned(),
                "WECHATPAY2-SHA256-RSA2048".to_owned(),
            ),
            ("Request-ID".to_owned(), crate::runtime::sign::nonce()?),
            ("Content-Type".to_owned(), "application/json".to_owned()),
        ];
        Ok(SimulatedNotification { headers, body })
    }
}

/// `AEAD_AES_256_GCM` with the sandbox's APIv3 key, as WeChat Pay encrypts resources and
/// certificates: base64 of data ‖ 16-byte tag. `nonce` must be 12 bytes.
pub fn encrypt_with_api_v3_key(
    plaintext: &[u8],
    nonce: &str,
    associated_data: &str,
) -> Result<String, TestkitError> {
    encrypt(keys::API_V3_KEY, nonce, associated_data, plaintext).map(|data| BASE64.encode(data))
}

/// The JSON of `GET /v3/certificates` listing `certificates` as (serial, PEM), each encrypted
/// with the sandbox's APIv3 key and valid from 2026 for 100 years.
pub fn certificate_list(certificates: &[(&str, &[u8])]) -> Result<String, TestkitError> {
    let nonce = "61f9c719728a";
    let associated_data = "certificate";
    let data = certificates
        .iter()
        .map(|(serial, pem)| {
            Ok(serde_json::json!({
                "serial_no": serial,
                "effective_time": "2026-01-01T00:00:00+08:00",
                "expire_time": "2126-01-01T00:00:00+08:00",
                "encrypt_certificate": {
                    "algorithm": "AEAD_AES_256_GCM",
                    "nonce": nonce,
                    "associated_data": associated_data,
                    "ciphertext": encrypt_with_api_v3_key(pem, nonce, associated_data)?
                }
            }))
        })
        .collect::<Result<Vec<_>, TestkitError>>()?;
    Ok(serde_json::json!({ "data": data }).to_string())
}

/// `AEAD_AES_256_GCM`: data ‖ 16-byte tag.
fn encrypt(
    key: &[u8],
    nonce: &str,
    associated_data: &str,
    plaintext: &[u8],
) -> Result<Vec<u8>, TestkitError> {
    let cipher = UnboundKey::new(&AES_256_GCM, key)
        .map(LessSafeKey::new)
        .map_err(|_| TestkitError::new("the APIv3 key must be 32 bytes"))?;
    let nonce: [u8; 12] = nonce
        .as_bytes()
        .try_into()
        .map_err(|_| TestkitError::new("the nonce must be 12 bytes"))?;
    let mut data = plaintext.to_vec();
    cipher
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(associated_data),
            &mut data,
        )
        .map_err(|_| TestkitError::new("AES-256-GCM encryption failed"))?;
    Ok(data)
}

/// A text of the same length that differs in every character.
fn other_text(text: &str) -> String {
    text.chars()
        .map(|c| if c == 'a' { 'b' } else { 'a' })
        .collect()
}

/// Now, as WeChat Pay writes times: RFC 3339 in Beijing time.
fn now_in_beijing() -> String {
    let now = chrono::Utc::now();
    match chrono::FixedOffset::east_opt(8 * 3600) {
        Some(offset) => now
            .with_timezone(&offset)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        None => now.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
    }
}
