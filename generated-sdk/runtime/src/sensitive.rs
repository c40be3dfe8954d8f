//! Sensitive fields (敏感信息): encrypted before a request is signed, with the key whose serial
//! the request then names in `Wechatpay-Serial`.

use super::error::Error;
use super::keyring::VerifyingKey;

/// Encrypts sensitive values with one WeChat Pay key (RSA-OAEP, SHA-1, MGF1-SHA-1).
#[derive(Debug, Clone)]
pub struct SensitiveEncryptor {
    key: VerifyingKey,
}

impl SensitiveEncryptor {
    /// Encrypts with `key`.
    pub fn new(key: VerifyingKey) -> Self {
        SensitiveEncryptor { key }
    }

    /// The serial (`PUB_KEY_ID_…` or certificate serial) the request must name.
    pub fn serial(&self) -> &str {
        &self.key.serial
    }

    /// The base64 ciphertext of `plaintext`.
    pub fn encrypt(&self, plaintext: &str) -> Result<String, Error> {
        self.key.encrypt_sensitive(plaintext)
    }
}

/// Implemented by generated request types that hold sensitive fields, directly or nested:
/// returns a copy with every sensitive value encrypted.
pub trait EncryptSensitive: Sized {
    /// The copy to send.
    fn encrypt_sensitive(&self, encryptor: &SensitiveEncryptor) -> Result<Self, Error>;
}
