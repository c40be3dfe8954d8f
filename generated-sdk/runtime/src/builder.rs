//! [`ClientBuilder`]: every setting of a [`Client`], checked once by `build`.

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use zeroize::Zeroizing;

use super::certificates::CertificateSource;
use super::client::{Client, Inner, config};
use super::clock::{Clock, SystemClock};
use super::crypto::ApiV3Key;
use super::error::Error;
use super::failover::DEFAULT_FAILBACK_AFTER_SECONDS;
use super::http::DEFAULT_MAX_BODY_BYTES;
use super::keyring::{KeyRing, VerifyingKey};
use super::keys::{MerchantKey, WechatPayPublicKey};
use super::retry::RetryPolicy;

/// Where a key comes from. PEM bytes are zeroed when dropped, whatever `build` does.
enum KeySource {
    Pem(Zeroizing<Vec<u8>>),
    File(PathBuf),
}

/// Builds a [`Client`]; every problem is reported by [`ClientBuilder::build`].
#[derive(Default)]
pub struct ClientBuilder {
    mchid: Option<String>,
    serial_no: Option<String>,
    merchant_key: Option<KeySource>,
    wechatpay_key: Option<(String, KeySource)>,
    api_v3_key: Option<Zeroizing<Vec<u8>>>,
    certificates: Option<&'static CertificateSource>,
    main_base_url: Option<String>,
    backup_base_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent_suffix: Option<String>,
    http: Option<reqwest::Client>,
    clock: Option<Arc<dyn Clock>>,
    retry: Option<RetryPolicy>,
    failback_after: Option<Duration>,
    max_body_bytes: Option<usize>,
    max_download_bytes: Option<u64>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("mchid", &self.mchid)
            .field("serial_no", &self.serial_no)
            .field("main_base_url", &self.main_base_url)
            .field("backup_base_url", &self.backup_base_url)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts a builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }
}

impl ClientBuilder {
    /// The merchant id (商户号). Required.
    pub fn mchid(mut self, mchid: impl Into<String>) -> Self {
        self.mchid = Some(mchid.into());
        self
    }

    /// The serial number of the merchant API certificate (商户API证书序列号). Required.
    pub fn serial_no(mut self, serial_no: impl Into<String>) -> Self {
        self.serial_no = Some(serial_no.into());
        self
    }

    /// The merchant API private key as PEM (PKCS#8 or PKCS#1). Required (this or the file).
    pub fn merchant_key_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.merchant_key = Some(KeySource::Pem(Zeroizing::new(pem.into())));
        self
    }

    /// The merchant API private key file (`apiclient_key.pem`).
    pub fn merchant_key_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.merchant_key = Some(KeySource::File(path.into()));
        self
    }

    /// The WeChat Pay public key as PEM, with its id `PUB_KEY_ID_…`. Required (this or the file).
    pub fn wechatpay_public_key_pem(
        mut self,
        id: impl Into<String>,
        pem: impl Into<Vec<u8>>,
    ) -> Self {
        self.wechatpay_key = Some((id.into(), KeySource::Pem(Zeroizing::new(pem.into()))));
        self
    }

    /// The WeChat Pay public key file (`pub_key.pem`), with its id `PUB_KEY_ID_…`.
    pub fn wechatpay_public_key_file(
        mut self,
        id: impl Into<String>,
        path: impl Into<PathBuf>,
    ) -> Self {
        self.wechatpay_key = Some((id.into(), KeySource::File(path.into())));
        self
    }

    /// The APIv3 key (APIv3密钥, 32 bytes): needed to decrypt notifications and platform
    /// certificates. It is zeroed when the client is dropped.
    pub fn api_v3_key(mut self, key: impl Into<Vec<u8>>) -> Self {
        self.api_v3_key = Some(Zeroizing::new(key.into()));
        self
    }

    /// Verifies with platform certificates (平台证书), downloaded through `source` (a service's
    /// generated `operations::CERTIFICATE_SOURCE`, e.g. `GET /v3/certificates` of the
    /// `certificates` service) when an answer names a serial the client does not know, and by
    /// [`Client::refresh_platform_certificates`]. Needs the APIv3 key. With a WeChat Pay public
    /// key as well, the client is in migration mode and accepts both. A download is accepted
    /// only when signed by a key already trusted; an empty ring trusts its first download.
    pub fn platform_certificates(mut self, source: &'static CertificateSource) -> Self {
        self.certificates = Some(source);
        self
    }

    /// Replaces every operation's main host, e.g. `http://127.0.0.1:8080` for tests or a proxy.
    /// Without [`backup_base_url`](Self::backup_base_url) there is then no backup host.
    pub fn main_base_url(mut self, url: impl Into<String>) -> Self {
        self.main_base_url = Some(url.into());
        self
    }

    /// Replaces every operation's backup host.
    pub fn backup_base_url(mut self, url: impl Into<String>) -> Self {
        self.backup_base_url = Some(url.into());
        self
    }

    /// The time one attempt may take, from connecting to the last body byte. Default 10 s.
    /// For file downloads it bounds the wait for each piece of the file instead, so a long
    /// statement is not cut off while it keeps arriving.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The time connecting may take. Default 5 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Appended to the `User-Agent` header, e.g. your application's name and version.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Sends with this HTTP client instead of one built here; its own timeouts and redirect
    /// policy then apply (build it with `redirect(reqwest::redirect::Policy::none())`).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Reads the time from `clock` (for signing, verification and failover), e.g. in tests.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// How often and how patiently to retry.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// How long the main host is avoided after failing before it is tried again. Default 30 s.
    pub fn failback_after(mut self, after: Duration) -> Self {
        self.failback_after = Some(after);
        self
    }

    /// The largest JSON answer body the client reads, in bytes; larger answers fail with
    /// [`TransportErrorKind::TooLarge`](super::TransportErrorKind::TooLarge) before they are buffered. Default 4 MiB.
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = Some(limit);
        self
    }

    /// The largest file a download writes, in bytes (after gzip decoding); a larger one fails
    /// with [`TransportErrorKind::TooLarge`](super::TransportErrorKind::TooLarge) once it
    /// passes the limit. Default 2 GiB, far above any documented bill.
    pub fn max_download_bytes(mut self, limit: u64) -> Self {
        self.max_download_bytes = Some(limit);
        self
    }

    /// Checks everything and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let mchid = non_empty(self.mchid, "the merchant id (mchid)")?;
        let serial_no = non_empty(
            self.serial_no,
            "the merchant certificate serial number (serial_no)",
        )?;
        let merchant_key = match self.merchant_key {
            Some(KeySource::Pem(pem)) => MerchantKey::from_pem(&pem)?,
            Some(KeySource::File(path)) => MerchantKey::from_pem_file(path)?,
            None => return Err(config("the merchant private key is not set")),
        };
        let keys = KeyRing::new();
        match self.wechatpay_key {
            Some((id, KeySource::Pem(pem))) => {
                keys.insert(VerifyingKey::from(&WechatPayPublicKey::from_pem(id, &pem)?))
            }
            Some((id, KeySource::File(path))) => keys.insert(VerifyingKey::from(
                &WechatPayPublicKey::from_pem_file(id, path)?,
            )),
            None if self.certificates.is_some() => {}
            None => {
                return Err(config(
                    "neither a WeChat Pay public key nor platform certificates are configured",
                ));
            }
        }
        let api_v3_key = match self.api_v3_key {
            Some(key) => Some(ApiV3Key::new(&key)?),
            None => None,
        };
        if self.certificates.is_some() && api_v3_key.is_none() {
            return Err(config(
                "platform certificates need the APIv3 key to decrypt them",
            ));
        }
        let http = match self.http {
            Some(http) => http,
            // Redirects are never followed: WeChat Pay sends none, and following one would
            // re-send a signed request (and its body) wherever the Location header points.
            None => reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(self.timeout.unwrap_or(Duration::from_secs(10)))
                .connect_timeout(self.connect_timeout.unwrap_or(Duration::from_secs(5)))
                .build()
                .map_err(|error| config(&format!("cannot build the HTTP client: {error}")))?,
        };
        let mut user_agent = format!(
            "wechatpay-apiv3-rust/{} ({}; {})",
            env!("CARGO_PKG_VERSION"),
            std::env::consts::OS,
            std::env::consts::ARCH
        );
        if let Some(suffix) = self.user_agent_suffix {
            user_agent.push(' ');
            user_agent.push_str(&suffix);
        }
        let failback_after = self
            .failback_after
            .map(|after| i64::try_from(after.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(DEFAULT_FAILBACK_AFTER_SECONDS);
        Ok(Client {
            inner: Arc::new(Inner {
                mchid,
                serial_no,
                merchant_key,
                keys,
                api_v3_key,
                http,
                main_base_url: self.main_base_url.map(trim_slash),
                backup_base_url: self.backup_base_url.map(trim_slash),
                user_agent,
                clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
                retry: self.retry.unwrap_or_default(),
                failback_after,
                max_body_bytes: self.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES),
                max_download_bytes: self
                    .max_download_bytes
                    .unwrap_or(super::download::DEFAULT_MAX_DOWNLOAD_BYTES),
                download_idle_timeout: self.timeout.unwrap_or(Duration::from_secs(10)),
                main_down_since: Mutex::new(None),
                certificates: self.certificates,
                last_certificate_refresh: tokio::sync::Mutex::new(None),
            }),
        })
    }
}

fn non_empty(value: Option<String>, what: &str) -> Result<String, Error> {
    match value {
        Some(value) if !value.trim().is_empty() => Ok(value),
        _ => Err(config(&format!("{what} is empty"))),
    }
}

fn trim_slash(url: String) -> String {
    url.trim_end_matches('/').to_owned()
}
