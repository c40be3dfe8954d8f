//! The merchant's private key and the WeChat Pay public key, loaded from PEM.
//!
//! Key material never reaches `Debug`, `Display` or an error message: a payment key that leaks
//! into a log is a key that must be revoked.

use std::fmt;
use std::path::Path;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{
    KeyPair, OAEP_SHA1_MGF1SHA1, OaepPrivateDecryptingKey, PrivateDecryptingKey, PublicKey,
};
use aws_lc_rs::signature::{RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256, UnparsedPublicKey};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{PrivateKeyDer, SubjectPublicKeyInfoDer};
use zeroize::Zeroize;

use super::error::Error;

/// WeChat Pay requires RSA-2048 merchant keys; its own keys are RSA-2048 too.
const RSA_2048_BYTES: usize = 256;

/// The merchant API private key (商户API证书私钥), RSA-2048, from PKCS#8 or PKCS#1 PEM.
pub struct MerchantKey {
    pair: KeyPair,
    decrypting: OaepPrivateDecryptingKey,
}

impl MerchantKey {
    /// Reads a PEM private key (`BEGIN PRIVATE KEY` or `BEGIN RSA PRIVATE KEY`).
    pub fn from_pem(pem: &[u8]) -> Result<Self, Error> {
        let mut der = PrivateKeyDer::from_pem_slice(pem)
            .map_err(|_| config("the merchant private key is not a PEM private key"))?;
        let pair = Self::key_pair(&der);
        // The decoded DER is key material: zeroed here, whatever the outcome.
        der.zeroize();
        let pair = pair?;
        if pair.public_modulus_len() != RSA_2048_BYTES {
            return Err(config(&format!(
                "the merchant private key is RSA-{}, WeChat Pay requires RSA-2048",
                pair.public_modulus_len() * 8
            )));
        }
        let decrypting = pair
            .as_der()
            .ok()
            .and_then(|pkcs8| PrivateDecryptingKey::from_pkcs8(pkcs8.as_ref()).ok())
            .and_then(|key| OaepPrivateDecryptingKey::new(key).ok())
            .ok_or_else(|| config("the merchant private key cannot decrypt"))?;
        Ok(MerchantKey { pair, decrypting })
    }

    /// Decrypts a sensitive field WeChat Pay encrypted for the merchant (RSA-OAEP, SHA-1,
    /// MGF1-SHA-1, base64).
    pub fn decrypt_sensitive(&self, ciphertext: &str) -> Result<String, Error> {
        let failed = |reason: &str| Error::Decryption {
            reason: reason.to_owned(),
        };
        let data = BASE64
            .decode(ciphertext.trim())
            .map_err(|_| failed("the sensitive field is not valid base64"))?;
        let mut output = vec![0; self.decrypting.min_output_size()];
        let plaintext = self
            .decrypting
            .decrypt(&OAEP_SHA1_MGF1SHA1, &data, &mut output, None)
            .map_err(|_| {
                failed("the sensitive field does not decrypt with the merchant private key")
            })?;
        String::from_utf8(plaintext.to_vec())
            .map_err(|_| failed("the decrypted sensitive field is not UTF-8"))
    }

    fn key_pair(der: &PrivateKeyDer<'_>) -> Result<KeyPair, Error> {
        match der {
            PrivateKeyDer::Pkcs8(key) => KeyPair::from_pkcs8(key.secret_pkcs8_der()),
            PrivateKeyDer::Pkcs1(key) => KeyPair::from_der(key.secret_pkcs1_der()),
            _ => return Err(config("the merchant private key is not an RSA key")),
        }
        .map_err(|rejected| match rejected.description_() {
            "TooSmall" => config(
                "the merchant private key is smaller than RSA-2048, which WeChat Pay requires",
            ),
            other => config(&format!(
                "the merchant private key is not a usable RSA key ({other})"
            )),
        })
    }

    /// Reads a PEM private key file.
    pub fn from_pem_file(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        // Zeroed when dropped: the file's bytes are the private key.
        let pem = zeroize::Zeroizing::new(std::fs::read(path).map_err(|error| {
            config(&format!(
                "cannot read the merchant private key file {}: {error}",
                path.display()
            ))
        })?);
        Self::from_pem(&pem)
    }

    /// SHA256withRSA (PKCS#1 v1.5) over `message`. The scheme is deterministic.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, Error> {
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let mut signature = vec![0; self.pair.public_modulus_len()];
        self.pair
            .sign(&RSA_PKCS1_SHA256, &rng, message, &mut signature)
            .map_err(|_| config("signing failed"))?;
        Ok(signature)
    }
}

impl fmt::Debug for MerchantKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MerchantKey(RSA-2048, redacted)")
    }
}

/// A WeChat Pay public key (微信支付公钥) and its id (`PUB_KEY_ID_…`), which responses name in
/// their `Wechatpay-Serial` header.
#[derive(Clone)]
pub struct WechatPayPublicKey {
    id: String,
    spki_der: Vec<u8>,
}

impl WechatPayPublicKey {
    /// Reads a PEM public key (`BEGIN PUBLIC KEY`) with its id.
    pub fn from_pem(id: impl Into<String>, pem: &[u8]) -> Result<Self, Error> {
        let id = id.into();
        if id.trim().is_empty() {
            return Err(config("the WeChat Pay public key id is empty"));
        }
        let der = SubjectPublicKeyInfoDer::from_pem_slice(pem).map_err(|_| {
            config("the WeChat Pay public key is not a PEM public key (BEGIN PUBLIC KEY)")
        })?;
        let key = PublicKey::from_der(der.as_ref()).map_err(|rejected| {
            config(&format!(
                "the WeChat Pay public key is not a usable RSA key ({rejected})"
            ))
        })?;
        if key.modulus_len() != RSA_2048_BYTES {
            return Err(config(&format!(
                "the WeChat Pay public key is RSA-{}, expected RSA-2048",
                key.modulus_len() * 8
            )));
        }
        Ok(WechatPayPublicKey {
            id,
            spki_der: der.as_ref().to_vec(),
        })
    }

    /// Reads a PEM public key file with its id.
    pub fn from_pem_file(id: impl Into<String>, path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let pem = std::fs::read(path).map_err(|error| {
            config(&format!(
                "cannot read the WeChat Pay public key file {}: {error}",
                path.display()
            ))
        })?;
        Self::from_pem(id, &pem)
    }

    /// The key id, `PUB_KEY_ID_…`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The key as X.509 `SubjectPublicKeyInfo` DER.
    pub fn spki_der(&self) -> &[u8] {
        &self.spki_der
    }

    /// Encrypts a sensitive field for WeChat Pay with this key (RSA-OAEP, SHA-1), base64.
    pub fn encrypt_sensitive(&self, plaintext: &str) -> Result<String, Error> {
        super::crypto::encrypt_sensitive(&self.spki_der, plaintext)
    }

    /// Whether `signature` is a valid SHA256withRSA signature of `message` by this key.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, &self.spki_der)
            .verify(message, signature)
            .is_ok()
    }
}

impl fmt::Debug for WechatPayPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WechatPayPublicKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

fn config(reason: &str) -> Error {
    Error::Config {
        reason: reason.to_owned(),
    }
}
