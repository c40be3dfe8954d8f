//! AEAD_AES_256_GCM with the APIv3 key (notifications, certificate downloads) and RSA-OAEP with
//! SHA-1 and MGF1-SHA-1 (sensitive fields): all from aws-lc-rs, nothing hand-rolled.

use std::fmt;

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::rsa::{OAEP_SHA1_MGF1SHA1, OaepPublicEncryptingKey, PublicEncryptingKey};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use zeroize::Zeroizing;

use super::error::Error;

/// The AES-GCM tag WeChat Pay appends to every ciphertext.
const TAG_BYTES: usize = 16;

/// The APIv3 key (APIv3密钥): exactly 32 bytes, zeroed when dropped, never shown.
#[derive(Clone)]
pub struct ApiV3Key(Zeroizing<[u8; 32]>);

impl ApiV3Key {
    /// The key as set in the merchant platform: 32 ASCII characters.
    pub fn new(key: &[u8]) -> Result<Self, Error> {
        let bytes: [u8; 32] = key.try_into().map_err(|_| Error::Config {
            reason: format!("the APIv3 key must be exactly 32 bytes, got {}", key.len()),
        })?;
        Ok(ApiV3Key(Zeroizing::new(bytes)))
    }

    /// Decrypts a `resource` or `encrypt_certificate`: base64 `ciphertext` (data ‖ 16-byte tag),
    /// a 12-byte `nonce` and `associated_data` as AAD (may be empty).
    pub fn decrypt(
        &self,
        ciphertext: &str,
        nonce: &str,
        associated_data: &str,
    ) -> Result<Vec<u8>, Error> {
        let nonce: [u8; 12] = nonce
            .as_bytes()
            .try_into()
            .map_err(|_| decryption(format!("the nonce must be 12 bytes, got {}", nonce.len())))?;
        let mut data = BASE64
            .decode(ciphertext.trim())
            .map_err(|_| decryption("the ciphertext is not valid base64".to_owned()))?;
        if data.len() < TAG_BYTES {
            return Err(decryption(format!(
                "the ciphertext is {} bytes, shorter than its 16-byte tag (truncated)",
                data.len()
            )));
        }
        let key = UnboundKey::new(&AES_256_GCM, self.0.as_ref())
            .map_err(|_| decryption("bad key".to_owned()))?;
        let plaintext = LessSafeKey::new(key)
            .open_in_place(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(associated_data.as_bytes()),
                &mut data,
            )
            .map_err(|_| {
                decryption(
                    "authentication failed: a wrong APIv3 key, or the ciphertext, nonce or associated data was changed"
                        .to_owned(),
                )
            })?;
        Ok(plaintext.to_vec())
    }
}

impl fmt::Debug for ApiV3Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiV3Key(redacted)")
    }
}

fn decryption(reason: String) -> Error {
    Error::Decryption { reason }
}

/// Encrypts a sensitive field for WeChat Pay: RSA-OAEP, SHA-1 and MGF1-SHA-1, base64.
pub fn encrypt_sensitive(spki_der: &[u8], plaintext: &str) -> Result<String, Error> {
    let cannot = || decryption("the WeChat Pay key cannot encrypt".to_owned());
    let key = PublicEncryptingKey::from_der(spki_der).map_err(|_| cannot())?;
    let key = OaepPublicEncryptingKey::new(key).map_err(|_| cannot())?;
    let mut output = vec![0; key.ciphertext_size()];
    let ciphertext = key
        .encrypt(&OAEP_SHA1_MGF1SHA1, plaintext.as_bytes(), &mut output, None)
        .map_err(|_| {
            decryption(format!(
                "a {}-byte value is too long for RSA-OAEP",
                plaintext.len()
            ))
        })?;
    Ok(BASE64.encode(ciphertext))
}
