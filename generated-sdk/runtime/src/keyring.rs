//! The keys WeChat Pay signs with, by serial: WeChat Pay public keys (`PUB_KEY_ID_…`) and
//! platform certificates. One ring per client, no global state, so two merchants in one process
//! never see each other's keys. With both kinds present (migration), the `Wechatpay-Serial` of
//! each answer or notification picks the key.

use std::sync::RwLock;

use aws_lc_rs::signature::{RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};

use super::error::Error;
use super::keys::WechatPayPublicKey;

/// What a verifying key is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// A WeChat Pay public key (微信支付公钥), valid until replaced.
    PublicKey,
    /// A platform certificate (平台证书), valid from `not_before` to `not_after` (Unix seconds).
    PlatformCertificate {
        /// Start of validity.
        not_before: i64,
        /// End of validity.
        not_after: i64,
    },
}

/// One key WeChat Pay signs with.
#[derive(Debug, Clone)]
pub struct VerifyingKey {
    /// `PUB_KEY_ID_…` or the certificate's serial number.
    pub serial: String,
    /// The RSA public key as X.509 `SubjectPublicKeyInfo` DER.
    pub spki_der: Vec<u8>,
    /// A public key or a platform certificate.
    pub kind: KeyKind,
}

impl VerifyingKey {
    /// Whether the key may be used at `now`.
    pub fn is_valid_at(&self, now: i64) -> bool {
        match self.kind {
            KeyKind::PublicKey => true,
            KeyKind::PlatformCertificate {
                not_before,
                not_after,
            } => not_before <= now && now <= not_after,
        }
    }

    /// Whether `signature` is a valid SHA256withRSA signature of `message` by this key.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, &self.spki_der)
            .verify(message, signature)
            .is_ok()
    }

    /// Encrypts a sensitive field with this key (RSA-OAEP, SHA-1), base64.
    pub fn encrypt_sensitive(&self, plaintext: &str) -> Result<String, Error> {
        super::crypto::encrypt_sensitive(&self.spki_der, plaintext)
    }
}

impl From<&WechatPayPublicKey> for VerifyingKey {
    fn from(key: &WechatPayPublicKey) -> Self {
        VerifyingKey {
            serial: key.id().to_owned(),
            spki_der: key.spki_der().to_vec(),
            kind: KeyKind::PublicKey,
        }
    }
}

/// The keys of one client.
#[derive(Debug, Default)]
pub struct KeyRing {
    keys: RwLock<Vec<VerifyingKey>>,
}

impl KeyRing {
    /// An empty ring.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a key, replacing any key with the same serial.
    pub fn insert(&self, key: VerifyingKey) {
        let mut keys = self
            .keys
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        keys.retain(|existing| !same_serial(&existing.serial, &key.serial));
        keys.push(key);
    }

    /// Whether some key is valid at `now`: then downloads must be signed by a trusted key.
    pub fn has_valid_key(&self, now: i64) -> bool {
        self.keys
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .iter()
            .any(|key| key.is_valid_at(now))
    }

    /// The key with `serial`, if it is present and valid at `now`.
    pub fn find(&self, serial: &str, now: i64) -> Option<VerifyingKey> {
        let keys = self
            .keys
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        keys.iter()
            .find(|key| same_serial(&key.serial, serial) && key.is_valid_at(now))
            .cloned()
    }

    /// The key to encrypt sensitive fields with: the WeChat Pay public key when there is one,
    /// else the platform certificate valid at `now` that became valid last.
    pub fn encryption_key(&self, now: i64) -> Option<VerifyingKey> {
        let keys = self
            .keys
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(key) = keys.iter().find(|key| key.kind == KeyKind::PublicKey) {
            return Some(key.clone());
        }
        keys.iter()
            .filter(|key| key.is_valid_at(now))
            .max_by_key(|key| match key.kind {
                KeyKind::PlatformCertificate { not_before, .. } => not_before,
                KeyKind::PublicKey => i64::MAX,
            })
            .cloned()
    }

    /// Every serial in the ring, for error messages.
    pub fn serials(&self) -> Vec<String> {
        let keys = self
            .keys
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        keys.iter().map(|key| key.serial.clone()).collect()
    }

    /// Whether the ring holds no key at all.
    pub fn is_empty(&self) -> bool {
        self.keys
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .is_empty()
    }
}

/// Certificate serials are numbers written in hex: case and leading zero bytes do not matter
/// (DER adds one when the top bit is set). Public key ids (`PUB_KEY_ID_…`) compare as written.
pub(crate) fn same_serial(a: &str, b: &str) -> bool {
    fn number(serial: &str) -> Option<String> {
        if serial.is_empty() || !serial.bytes().all(|byte| byte.is_ascii_hexdigit()) {
            return None;
        }
        let upper = serial.to_ascii_uppercase();
        let mut digits = upper.as_str();
        while digits.len() > 2 && digits.starts_with("00") {
            digits = &digits[2..];
        }
        Some(digits.to_owned())
    }
    match (number(a), number(b)) {
        (Some(a), Some(b)) => a == b,
        _ => a == b,
    }
}
