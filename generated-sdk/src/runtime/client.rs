//! The client: signs every attempt afresh, verifies every 2xx answer, retries what is safe to
//! retry with backoff, and fails over to the backup host when the main one cannot be reached.

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, USER_AGENT};
use zeroize::Zeroizing;

use super::clock::{Clock, SystemClock};
use super::crypto::ApiV3Key;
use super::error::{Error, TransportErrorKind};
use super::keyring::{KeyRing, VerifyingKey};
use super::keys::{MerchantKey, WechatPayPublicKey};
use super::retry::RetryPolicy;
use super::sensitive::SensitiveEncryptor;
use super::sign::{SigningInput, authorization, nonce};
use super::transport::{ApiRequest, ApiResponse, OperationInfo, Transport};
use super::verify::{SignatureHeaders, VerifyFailure, verify};

/// How long the main host is avoided after it failed, before a request tries it again.
const DEFAULT_FAILBACK_AFTER_SECONDS: i64 = 30;

/// A WeChat Pay APIv3 client for one merchant. Cheap to clone; clones share connections and
/// the failover state. Two clients for two merchants in one process are fully independent.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    mchid: String,
    serial_no: String,
    merchant_key: MerchantKey,
    keys: KeyRing,
    api_v3_key: Option<ApiV3Key>,
    http: reqwest::Client,
    main_base_url: Option<String>,
    backup_base_url: Option<String>,
    user_agent: String,
    clock: Arc<dyn Clock>,
    retry: RetryPolicy,
    failback_after: i64,
    /// The largest answer body read, in bytes.
    max_body_bytes: usize,
    /// When the main host last failed to answer (connect error or timeout), in clock seconds.
    main_down_since: Mutex<Option<i64>>,
    /// Where platform certificates are downloaded from, in certificate or migration mode.
    certificates: Option<&'static OperationInfo>,
    /// Held while certificates download (single flight); the time of the last download.
    last_certificate_refresh: tokio::sync::Mutex<Option<i64>>,
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
    /// Starts a builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

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
    pub(crate) fn certificate_operation(&self) -> Option<&'static OperationInfo> {
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
    certificates: Option<&'static OperationInfo>,
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

    /// Verifies with platform certificates (平台证书), downloaded from `GET /v3/certificates`
    /// when an answer names a serial the client does not know, and by
    /// [`Client::refresh_platform_certificates`]. Needs the APIv3 key. With a WeChat Pay public
    /// key as well, the client is in migration mode and accepts both.
    pub fn platform_certificates(self) -> Self {
        self.platform_certificates_from(&super::certificates::DOWNLOAD_CERTIFICATES)
    }

    /// As [`platform_certificates`](Self::platform_certificates), downloading from another
    /// operation (the global API's `GET /v3/global/certificates`).
    pub fn platform_certificates_from(mut self, operation: &'static OperationInfo) -> Self {
        self.certificates = Some(operation);
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

    /// Sends with this HTTP client instead of one built here; its own timeouts then apply.
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
    /// [`TransportErrorKind::TooLarge`] before they are buffered. Default 4 MiB.
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = Some(limit);
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
            None => reqwest::Client::builder()
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

fn config(reason: &str) -> Error {
    Error::Config {
        reason: reason.to_owned(),
    }
}

/// Which host an attempt goes to.
pub(crate) struct Host {
    pub(crate) base_url: String,
    pub(crate) is_backup: bool,
}

/// The outcome of one attempt that got an answer, not yet verified.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl Answer {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    pub(crate) fn signature_headers(&self) -> SignatureHeaders<'_> {
        SignatureHeaders {
            timestamp: self.header("Wechatpay-Timestamp"),
            nonce: self.header("Wechatpay-Nonce"),
            signature: self.header("Wechatpay-Signature"),
            serial: self.header("Wechatpay-Serial"),
        }
    }
}

impl Transport for Client {
    async fn send(&self, request: ApiRequest) -> Result<ApiResponse, Error> {
        let answer = self.send_attempts(&request).await?;
        self.verify_answer(answer).await
    }

    async fn download(
        &self,
        request: ApiRequest,
        check: super::download::DownloadCheck,
        sink: &mut (dyn std::io::Write + Send),
    ) -> Result<super::download::Downloaded, Error> {
        self.download_file(&request, check, sink).await
    }

    /// The WeChat Pay public key when configured, else the newest valid platform certificate.
    fn sensitive_encryptor(&self) -> Result<SensitiveEncryptor, Error> {
        self.inner
            .keys
            .encryption_key(self.now())
            .map(SensitiveEncryptor::new)
            .ok_or_else(|| {
                config("no WeChat Pay key to encrypt sensitive fields with (download the platform certificates first)")
            })
    }
}

impl Client {
    /// Sends `request`, retrying what is safe to retry and failing over to the backup host;
    /// returns the last answer unverified.
    pub(crate) async fn send_attempts(&self, request: &ApiRequest) -> Result<Answer, Error> {
        let operation = request.operation;
        let max_attempts = self.inner.retry.max_attempts.max(1);
        let mut attempt = 1;
        loop {
            let host = self.choose_host(operation);
            let outcome = self.attempt(request, &host).await;
            let retry = match &outcome {
                Ok(answer) => {
                    if !host.is_backup {
                        self.main_is_up();
                    }
                    answer_is_retryable(answer, operation)
                }
                Err(Error::Transport { kind, .. }) => {
                    let unreachable = matches!(
                        kind,
                        TransportErrorKind::Connect | TransportErrorKind::Timeout
                    );
                    if unreachable && !host.is_backup {
                        self.main_is_down();
                    }
                    // A refused connection never reached WeChat Pay; anything later might have.
                    // An oversized answer would only come back oversized again.
                    match kind {
                        TransportErrorKind::Connect => true,
                        TransportErrorKind::TooLarge => false,
                        _ => operation.retry_safe,
                    }
                }
                Err(_) => false,
            };
            if retry && attempt < max_attempts {
                attempt += 1;
                tokio::time::sleep(self.inner.retry.delay(attempt)).await;
                continue;
            }
            return outcome;
        }
    }

    /// Verifies a 2xx answer before anything of it is used (error answers need no signature).
    /// In certificate mode an unknown serial first refreshes the platform certificates, once.
    async fn verify_answer(&self, answer: Answer) -> Result<ApiResponse, Error> {
        let request_id = answer.header("Request-ID").map(str::to_owned);
        if (200..300).contains(&answer.status) {
            let mut result = verify(
                &answer.signature_headers(),
                &answer.body,
                self.now(),
                &self.inner.keys,
            );
            if matches!(result, Err(VerifyFailure::UnknownSerial(_)))
                && self.inner.certificates.is_some()
            {
                self.refresh_platform_certificates_if_due().await?;
                result = verify(
                    &answer.signature_headers(),
                    &answer.body,
                    self.now(),
                    &self.inner.keys,
                );
            }
            if let Err(failure) = result {
                return Err(Error::Verification {
                    reason: failure.into_reason(),
                    request_id,
                });
            }
        }
        Ok(ApiResponse {
            status: answer.status,
            request_id,
            body: answer.body,
        })
    }
}

/// 429 `FREQUENCY_LIMITED` always (nothing was done); 5xx `SYSTEM_ERROR` when the operation is
/// safe to repeat.
fn answer_is_retryable(answer: &Answer, operation: &OperationInfo) -> bool {
    // The same reading as error answers get: only a JSON object with a string `code` counts.
    let code = super::decode::error_code(&answer.body).unwrap_or_default();
    match answer.status {
        429 => code == "FREQUENCY_LIMITED",
        500..=599 => code == "SYSTEM_ERROR" && operation.retry_safe,
        _ => false,
    }
}

impl Client {
    pub(crate) fn choose_host(&self, operation: &OperationInfo) -> Host {
        let inner = &self.inner;
        let main = inner
            .main_base_url
            .clone()
            .unwrap_or_else(|| operation.main_host.to_owned());
        // Overriding the main host (a proxy, a test server) without naming a backup means there
        // is none: failing over to WeChat Pay's real backup host would bypass the override.
        let backup = match (&inner.main_base_url, &inner.backup_base_url) {
            (_, Some(backup)) => Some(backup.clone()),
            (None, None) => operation.backup_host.map(str::to_owned),
            (Some(_), None) => None,
        };
        let main_down = match *inner
            .main_down_since
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
        {
            Some(since) => inner.clock.now().saturating_sub(since) < inner.failback_after,
            None => false,
        };
        match backup {
            Some(backup) if main_down => Host {
                base_url: backup,
                is_backup: true,
            },
            _ => Host {
                base_url: main,
                is_backup: false,
            },
        }
    }

    pub(crate) fn main_is_down(&self) {
        let now = self.inner.clock.now();
        *self
            .inner
            .main_down_since
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(now);
    }

    pub(crate) fn main_is_up(&self) {
        *self
            .inner
            .main_down_since
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = None;
    }

    /// One attempt, signed afresh: a new nonce and timestamp every time.
    async fn attempt(&self, request: &ApiRequest, host: &Host) -> Result<Answer, Error> {
        let response = self.start(request, host, false).await?;
        self.read_answer(response).await
    }

    /// Signs `request` afresh and sends it to `host`; returns once the status and headers are in.
    pub(crate) async fn start(
        &self,
        request: &ApiRequest,
        host: &Host,
        accept_gzip: bool,
    ) -> Result<reqwest::Response, Error> {
        let inner = &self.inner;
        let body = request.body.as_deref().unwrap_or_default();
        let method = request.operation.method.as_str();
        let nonce = nonce()?;
        let signing = SigningInput {
            method,
            path_and_query: &request.path_and_query,
            timestamp: inner.clock.now(),
            nonce: &nonce,
            body,
        };
        let authorization = authorization(
            &inner.merchant_key,
            &inner.mchid,
            &inner.serial_no,
            &signing,
        )?;
        let url = format!("{}{}", host.base_url, request.path_and_query);
        let method = reqwest::Method::from_bytes(method.as_bytes())
            .map_err(|_| config("bad HTTP method"))?;
        let mut builder = inner
            .http
            .request(method, &url)
            .header(AUTHORIZATION, authorization)
            .header(ACCEPT, "application/json")
            .header(USER_AGENT, &inner.user_agent);
        // The serial names the key WeChat Pay should sign its answer with (and that encrypted
        // any sensitive field): the public key in public-key mode, else the newest certificate.
        let serial = match &request.wechatpay_serial {
            Some(serial) => Some(serial.clone()),
            None => inner
                .keys
                .encryption_key(inner.clock.now())
                .map(|key| key.serial),
        };
        if let Some(serial) = serial {
            builder = builder.header("Wechatpay-Serial", serial);
        }
        if accept_gzip {
            builder = builder.header(reqwest::header::ACCEPT_ENCODING, "gzip");
        }
        if let Some(body) = &request.body {
            builder = builder
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        let response = builder.send().await.map_err(transport_error)?;
        let header_bytes: usize = response
            .headers()
            .iter()
            .map(|(name, value)| name.as_str().len() + value.len())
            .sum();
        if header_bytes > MAX_HEADER_BYTES {
            return Err(too_large(format!(
                "the answer's headers are {header_bytes} bytes, over the {MAX_HEADER_BYTES}-byte limit"
            )));
        }
        Ok(response)
    }

    /// Reads an answer's body, up to the configured limit.
    pub(crate) async fn read_answer(
        &self,
        mut response: reqwest::Response,
    ) -> Result<Answer, Error> {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let limit = self.inner.max_body_bytes;
        if let Some(length) = response.content_length()
            && length > limit as u64
        {
            return Err(too_large(format!(
                "the answer announces {length} bytes, over the {limit}-byte limit (ClientBuilder::max_body_bytes)"
            )));
        }
        // Read chunk by chunk so an answer without Content-Length cannot grow past the limit either.
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
            if body.len() + chunk.len() > limit {
                return Err(too_large(format!(
                    "the answer is over the {limit}-byte limit (ClientBuilder::max_body_bytes)"
                )));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer {
            status,
            headers,
            body,
        })
    }
}

/// No WeChat Pay answer has anywhere near this much header data.
const MAX_HEADER_BYTES: usize = 64 * 1024;

/// JSON answers are small; the default leaves room for the largest documented lists.
const DEFAULT_MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

fn too_large(reason: String) -> Error {
    Error::Transport {
        kind: TransportErrorKind::TooLarge,
        source: reason.into(),
    }
}

fn transport_error(error: reqwest::Error) -> Error {
    let kind = if error.is_connect() {
        TransportErrorKind::Connect
    } else if error.is_timeout() {
        TransportErrorKind::Timeout
    } else {
        TransportErrorKind::Other
    };
    Error::Transport {
        kind,
        source: Box::new(error),
    }
}
