//! Platform certificates (平台证书): downloaded, decrypted with the APIv3 key, checked (validity
//! window, the download's own signature by a certificate it contains) and put in the key ring.
//!
//! Merchants who only have a WeChat Pay public key never download anything: start-up and every
//! call work without this module. A merchant without platform certificates is told so
//! (`RESOURCE_NOT_EXISTS`), with the advice to use the public key.

use std::sync::Weak;
use std::time::Duration;

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use x509_cert::Certificate;
use x509_cert::der::{Decode, Encode};

use super::client::Client;
use super::error::{ApiError, Error};
use super::keyring::{KeyKind, KeyRing, VerifyingKey};
use super::transport::{ApiRequest, OperationInfo};
use super::verify::verify;

/// Where and how a client downloads platform certificates: the operation the spec marks
/// `platform_certificates: true` and a reader of its answer, both generated (each service
/// that documents a download has a `CERTIFICATE_SOURCE` in its `operations` module). The
/// runtime names no endpoint of its own.
#[derive(Debug, Clone, Copy)]
pub struct CertificateSource {
    /// The download operation: method, path, hosts.
    pub operation: &'static OperationInfo,
    /// Reads the answer body into the listed certificates, with the generated models.
    pub read: fn(&[u8]) -> Result<Vec<EncryptedCertificate>, serde_json::Error>,
}

/// One listed platform certificate, still encrypted with the APIv3 key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptedCertificate {
    /// The serial the listing gives; the decrypted certificate must have it.
    pub serial_no: String,
    /// `AEAD_AES_256_GCM`, the only algorithm WeChat Pay uses.
    pub algorithm: String,
    /// The AEAD nonce.
    pub nonce: String,
    /// The AEAD associated data (`certificate`).
    pub associated_data: Option<String>,
    /// The Base64 of the encrypted PEM certificate and its tag.
    pub ciphertext: String,
}

/// An unknown serial triggers at most one download per this many seconds.
const MIN_SECONDS_BETWEEN_DOWNLOADS: i64 = 60;

/// A platform certificate's serial, validity and public key, read from its PEM.
pub fn parse_certificate(pem: &[u8]) -> Result<VerifyingKey, Error> {
    let bad = |reason: String| Error::Decode {
        status: 0,
        request_id: None,
        reason,
        body: pem.to_vec(),
    };
    let der =
        CertificateDer::from_pem_slice(pem).map_err(|_| bad("not a PEM certificate".to_owned()))?;
    let certificate = Certificate::from_der(der.as_ref())
        .map_err(|error| bad(format!("not an X.509 certificate: {error}")))?;
    let tbs = &certificate.tbs_certificate;
    // A serial is a number: DER keeps a leading zero byte when the top bit is set, and the
    // listing and the answers' Wechatpay-Serial do not, so leading zero bytes are dropped.
    let bytes = tbs.serial_number.as_bytes();
    let first = bytes
        .iter()
        .position(|byte| *byte != 0)
        .unwrap_or(bytes.len().saturating_sub(1));
    let serial = bytes[first..]
        .iter()
        .map(|byte| format!("{byte:02X}"))
        .collect::<String>();
    let seconds = |time: x509_cert::time::Time| {
        i64::try_from(time.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
    };
    let spki_der = tbs
        .subject_public_key_info
        .to_der()
        .map_err(|error| bad(format!("unreadable public key: {error}")))?;
    Ok(VerifyingKey {
        serial,
        spki_der,
        kind: KeyKind::PlatformCertificate {
            not_before: seconds(tbs.validity.not_before),
            not_after: seconds(tbs.validity.not_after),
        },
    })
}

impl Client {
    /// Downloads the platform certificates now, checks them and adds the valid ones to the key
    /// ring; returns how many were added. Concurrent calls share one download.
    pub async fn refresh_platform_certificates(&self) -> Result<usize, Error> {
        let mut last = self.certificate_refresh_lock().lock().await;
        let added = self.download_certificates().await?;
        *last = Some(self.now());
        Ok(added)
    }

    /// Refreshes unless a download finished in the last minute (single flight, rate limited):
    /// a forger sending unknown serials cannot make the client hammer WeChat Pay.
    pub(crate) async fn refresh_platform_certificates_if_due(&self) -> Result<(), Error> {
        let mut last = self.certificate_refresh_lock().lock().await;
        if let Some(at) = *last
            && self.now().saturating_sub(at) < MIN_SECONDS_BETWEEN_DOWNLOADS
        {
            return Ok(());
        }
        // Recorded even on failure, so failures are rate limited too.
        *last = Some(self.now());
        self.download_certificates().await.map(|_| ())
    }

    /// Refreshes the certificates every `period` in the background, until the client is dropped.
    /// Call it from inside a tokio runtime.
    pub fn spawn_certificate_refresh(&self, period: Duration) -> tokio::task::JoinHandle<()> {
        let weak: Weak<super::client::Inner> = self.downgrade();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(period).await;
                let Some(client) = Client::upgrade(&weak) else {
                    return;
                };
                // A failed refresh keeps the certificates already held; the next period retries.
                let _ = client.refresh_platform_certificates().await;
            }
        })
    }

    async fn download_certificates(&self) -> Result<usize, Error> {
        let source = self.certificate_source().ok_or_else(|| Error::Config {
            reason: "platform certificates are not enabled (ClientBuilder::platform_certificates)"
                .to_owned(),
        })?;
        let operation = source.operation;
        let request = ApiRequest {
            operation,
            path_and_query: operation.path.to_owned(),
            body: None,
            wechatpay_serial: None,
            upload: None,
        };
        let answer = self.send_attempts(&request).await?;
        let request_id = answer.header("Request-ID").map(str::to_owned);
        if !(200..300).contains(&answer.status) {
            let response = super::transport::ApiResponse {
                status: answer.status,
                request_id,
                body: answer.body,
            };
            return Err(match super::decode::decode_empty(response) {
                Err(Error::Api(error)) if error.code.as_str() == "RESOURCE_NOT_EXISTS" => {
                    no_certificates(&error)
                }
                Err(error) => error,
                Ok(()) => unreachable_status(),
            });
        }
        let listed = (source.read)(&answer.body).map_err(|error| Error::Decode {
            status: answer.status,
            request_id: request_id.clone(),
            reason: format!("not a certificate download: {error}"),
            body: answer.body.clone(),
        })?;
        let now = self.now();
        let fresh = KeyRing::new();
        let mut skipped = Vec::new();
        for entry in &listed {
            // One bad entry costs that entry only; the others still count.
            match self.decrypt_certificate(entry) {
                Ok(key) if key.is_valid_at(now) => fresh.insert(key),
                Ok(key) => skipped.push(format!("{}: not valid now", key.serial)),
                Err(error) => skipped.push(format!("{}: {error}", entry.serial_no)),
            }
        }
        for reason in &skipped {
            tracing::warn!(entry = %reason, "platform certificate skipped");
        }
        if fresh.is_empty() {
            return Err(Error::Verification {
                reason: format!(
                    "the download holds no certificate valid now ({})",
                    skipped.join("; ")
                ),
                request_id,
            });
        }
        // Trust only what is already trusted: with a valid WeChat Pay key in the ring (a public
        // key, or certificates from an earlier download) the answer must be signed by it, so
        // whoever can answer one download cannot plant a key. Only an empty ring bootstraps
        // from a certificate inside the download (trust on first use; pin a public key or
        // certificate to avoid it).
        let (trusted, which) = if self.keys().has_valid_key(now) {
            (self.keys(), "a key the client already trusts")
        } else {
            tracing::warn!(
                "no trusted WeChat Pay key yet: trusting the certificate download on first use"
            );
            (&fresh, "a certificate it contains")
        };
        verify(&answer.signature_headers(), &answer.body, now, trusted).map_err(|failure| {
            Error::Verification {
                reason: format!(
                    "the certificate download is not signed by {which}: {}",
                    failure.into_reason()
                ),
                request_id,
            }
        })?;
        let serials = fresh.serials();
        tracing::info!(serials = ?serials, "platform certificates refreshed");
        for serial in &serials {
            if let Some(key) = fresh.find(serial, now) {
                self.keys().insert(key);
            }
        }
        Ok(serials.len())
    }

    fn decrypt_certificate(&self, encrypted: &EncryptedCertificate) -> Result<VerifyingKey, Error> {
        let entry = encrypted;
        if encrypted.algorithm != "AEAD_AES_256_GCM" {
            return Err(Error::Decryption {
                reason: format!(
                    "unsupported certificate algorithm {:?}",
                    encrypted.algorithm
                ),
            });
        }
        let key = self.api_v3_key().ok_or_else(|| Error::Config {
            reason: "platform certificates need the APIv3 key".to_owned(),
        })?;
        let pem = key.decrypt(
            &encrypted.ciphertext,
            &encrypted.nonce,
            encrypted.associated_data.as_deref().unwrap_or_default(),
        )?;
        let certificate = parse_certificate(&pem)?;
        if !super::keyring::same_serial(&certificate.serial, &entry.serial_no) {
            return Err(Error::Verification {
                reason: format!(
                    "certificate serial {} does not match its listing {}",
                    certificate.serial, entry.serial_no
                ),
                request_id: None,
            });
        }
        Ok(certificate)
    }
}

fn no_certificates(error: &ApiError) -> Error {
    Error::Config {
        reason: format!(
            "this merchant has no platform certificates (RESOURCE_NOT_EXISTS: {}); use public-key mode: \
             ClientBuilder::wechatpay_public_key_pem with the PUB_KEY_ID_… from the merchant platform",
            error.message
        ),
    }
}

fn unreachable_status() -> Error {
    Error::Decode {
        status: 0,
        request_id: None,
        reason: "a non-2xx certificate download decoded as success".to_owned(),
        body: Vec::new(),
    }
}
