//! [`Client`] as a [`Transport`]: attempts with retries and failover, then the answer's
//! signature verified before anything of it is used.

use super::client::{Client, config};
use super::error::{Error, TransportErrorKind};
use super::http::Answer;
use super::sensitive::SensitiveEncryptor;
use super::transport::{
    ApiRequest, ApiResponse, DownloadCheck, Downloaded, OperationInfo, Transport,
};
use super::verify::{VerifyFailure, verify};

use tracing::Instrument;

impl Transport for Client {
    async fn send(&self, request: ApiRequest) -> Result<ApiResponse, Error> {
        // One span per call; its fields are what an operator needs and nothing secret or
        // personal (no body, no query values, no keys).
        let span = tracing::info_span!(
            "wechatpay.call",
            operation = request.operation.id,
            method = request.operation.method.as_str(),
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        async {
            let answer = self.send_attempts(&request).await?;
            let current = tracing::Span::current();
            current.record("status", answer.status);
            if let Some(id) = answer.header("Request-ID") {
                current.record("request_id", id);
            }
            self.verify_answer(answer).await
        }
        .instrument(span)
        .await
    }

    async fn download(
        &self,
        request: ApiRequest,
        check: DownloadCheck,
        sink: &mut (dyn std::io::Write + Send),
    ) -> Result<Downloaded, Error> {
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
            tracing::debug!(attempt, host = %host.base_url, backup = host.is_backup, "attempt");
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
                tracing::info!(attempt, reason = retry_reason(&outcome), "retrying");
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
    // Read only for the two statuses that can be retried: every 2xx answer would otherwise be
    // parsed once more for nothing.
    let code = || super::decode::error_code(&answer.body).unwrap_or_default();
    match answer.status {
        429 => code() == "FREQUENCY_LIMITED",
        500..=599 => operation.retry_safe && code() == "SYSTEM_ERROR",
        _ => false,
    }
}

/// Why an attempt is retried, for the `retrying` event: a status or a transport failure kind.
fn retry_reason(outcome: &Result<Answer, Error>) -> String {
    match outcome {
        Ok(answer) => format!("HTTP {}", answer.status),
        Err(Error::Transport { kind, .. }) => format!("{kind:?}"),
        Err(_) => "error".to_owned(),
    }
}
