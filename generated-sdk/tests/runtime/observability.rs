//! Tracing: one span per call with the operation, status and Request-ID, an event per retry,
//! and nothing secret or personal in any of it.

use std::io::Write;
use std::sync::{Arc, Mutex};

use wechatpay_apiv3::api::platsolution::{PlatsolutionClient, QueryRechargeRequest};
use wechatpay_apiv3::testkit::Fault;

use crate::support::{FAST, FakeWechatPay, client_builder, recharge_handler};

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

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("lock")).into_owned()
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
    let _default = tracing::subscriber::set_default(subscriber);

    let server = FakeWechatPay::start(recharge_handler).await;
    server.script([Fault::system_error()]);
    let client = client_builder(&server.url())
        .retry_policy(FAST)
        .build()
        .expect("client");
    PlatsolutionClient::new(&client)
        .query_recharge(&QueryRechargeRequest::new("cz202407181234", "1900102208"))
        .await
        .expect("answered after one retry");

    let text = captured.text();
    assert!(text.contains("wechatpay.call"), "{text}");
    assert!(text.contains("operation=\"query_recharge\""), "{text}");
    assert!(text.contains("retrying"), "{text}");
    assert!(text.contains("HTTP 500"), "{text}");
    // The order number and merchant ids are in the path and query: never traced.
    for secret in ["cz202407181234", "1900102208", "PRIVATE KEY", "MII"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}
