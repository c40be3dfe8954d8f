//! Tracing: one span per call with the operation, status and Request-ID, an event per retry,
//! and nothing secret or personal in any of it. The only test of its binary: the subscriber
//! is process-wide.

use std::io::Write;
use std::sync::{Arc, Mutex};
use wechatpay_apiv3::Services;

use wechatpay_apiv3::api::platsolution::QueryRechargeRequest;
use wechatpay_apiv3::api::platsolution::operations::QUERY_RECHARGE;
use wechatpay_apiv3::api::platsolution::required;
use wechatpay_apiv3::runtime::RetryPolicy;
use wechatpay_apiv3::testkit::{Fault, Sandbox};

/// What the subscriber printed.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_call_is_one_span_with_its_retries_and_no_secrets() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::DEBUG)
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");

    let sandbox = Sandbox::start().await.expect("sandbox");
    sandbox.inject(&QUERY_RECHARGE, Fault::system_error(), 1);
    let client = sandbox
        .client_builder()
        .retry_policy(RetryPolicy {
            max_attempts: 3,
            base_delay: std::time::Duration::from_millis(1),
            max_delay: std::time::Duration::from_millis(5),
        })
        .build()
        .expect("client");
    // Unknown to the sandbox's lifecycle: a documented 404 after one retried SYSTEM_ERROR.
    let _ = client
        .platsolution()
        .query_recharge(&QueryRechargeRequest::new(required::QueryRechargeRequest {
            out_recharge_no: "cz202407181234",
            sub_mchid: "1900102208",
        }))
        .await;

    let text = String::from_utf8_lossy(&captured.0.lock().expect("lock")).into_owned();
    assert!(text.contains("wechatpay.call"), "{text}");
    assert!(text.contains("operation=\"query_recharge\""), "{text}");
    assert!(text.contains("retrying"), "{text}");
    assert!(text.contains("HTTP 500"), "{text}");
    // The order number and merchant ids are in the path and query: never traced.
    for secret in ["cz202407181234", "1900102208", "PRIVATE KEY", "MII"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}
