//! The client handle: one merchant's keys, HTTP connections, clock, retry policy and failover
//! state, shared by clones. What it does lives beside it: `builder.rs` makes it, `send.rs`
//! sends with retries and verifies, `http.rs` is one signed exchange, `failover.rs` picks the
//! host; `certificates.rs`, `download.rs` and `notify.rs` add their operations.

use std::fmt;
use std::sync::{Arc, Mutex};

use super::certificates::CertificateSource;
use super::clock::Clock;
use super::crypto::ApiV3Key;
use super::error::Error;
use super::keyring::KeyRing;
use super::keys::MerchantKey;
use super::retry::RetryPolicy;

/// A WeChat Pay APIv3 client for one merchant. Cheap to clone; clones share connections and
/// the failover state. Two clients for two merchants in one process are fully independent.
#[derive(Clone)]
pub struct Client {
    pub(super) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(super) mchid: String,
    pub(super) serial_no: String,
    pub(super) merchant_key: MerchantKey,
    pub(super) keys: KeyRing,
    pub(super) api_v3_key: Option<ApiV3Key>,
    pub(super) http: reqwest::Client,
    pub(super) main_base_url: Option<String>,
    pub(super) backup_base_url: Option<String>,
    pub(super) user_agent: String,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) retry: RetryPolicy,
    pub(super) failback_after: i64,
    /// The largest answer body read, in bytes.
    pub(super) max_body_bytes: usize,
    /// The largest file a download writes, in bytes.
    pub(super) max_download_bytes: u64,
    /// How long a download may go without a byte arriving (its total time is not bounded:
    /// a long statement on a slow line is fine as long as it keeps coming).
    pub(super) download_idle_timeout: std::time::Duration,
    /// When the main host last failed to answer (connect error or timeout), in clock seconds.
    pub(super) main_down_since: Mutex<Option<i64>>,
    /// Where platform certificates are downloaded from, in certificate or migration mode.
    pub(super) certificates: Option<&'static CertificateSource>,
    /// Held while certificates download (single flight); the time of the last download.
    pub(super) last_certificate_refresh: tokio::sync::Mutex<Option<i64>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("mchid", &self.inner.mchid)
            .field("serial_no", &self.inner.serial_no)
            .field("merchant_key", &self.inner.merchant_key)
            .field("keys", &self.inner.keys.serials())
            .field("api_v3_key", &self.inner.api_v3_key)
            .field("main_base_url", &self.inner.main_base_url)
            .field("backup_base_url", &self.inner.backup_base_url)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// The merchant id (商户号) requests are signed for.
    pub fn mchid(&self) -> &str {
        &self.inner.mchid
    }

    /// The keys this client verifies answers and notifications with.
    pub fn keys(&self) -> &KeyRing {
        &self.inner.keys
    }

    /// The current time of the client's clock, in Unix seconds.
    pub fn now(&self) -> i64 {
        self.inner.clock.now()
    }

    /// The APIv3 key, when one is configured.
    pub fn api_v3_key(&self) -> Option<&ApiV3Key> {
        self.inner.api_v3_key.as_ref()
    }

    /// Where certificates are downloaded from, in certificate or migration mode.
    pub(crate) fn certificate_source(&self) -> Option<&'static CertificateSource> {
        self.inner.certificates
    }

    pub(crate) fn certificate_refresh_lock(&self) -> &tokio::sync::Mutex<Option<i64>> {
        &self.inner.last_certificate_refresh
    }

    pub(crate) fn downgrade(&self) -> std::sync::Weak<Inner> {
        Arc::downgrade(&self.inner)
    }

    pub(crate) fn upgrade(weak: &std::sync::Weak<Inner>) -> Option<Client> {
        weak.upgrade().map(|inner| Client { inner })
    }

    /// The merchant private key, for decrypting sensitive fields of answers.
    pub fn merchant_key(&self) -> &MerchantKey {
        &self.inner.merchant_key
    }
}

/// A configuration error with this reason.
pub(crate) fn config(reason: &str) -> Error {
    Error::Config {
        reason: reason.to_owned(),
    }
}
