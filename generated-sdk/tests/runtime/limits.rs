//! Limits and secrets: oversized answers are refused before they are buffered, and key material
//! never reaches an error message or `Debug`.

use wechatpay_apiv3::Error;
use wechatpay_apiv3::api::platsolution::required;
use wechatpay_apiv3::api::platsolution::{PlatsolutionClient, QueryRechargeRequest};
use wechatpay_apiv3::runtime::{MerchantKey, TransportErrorKind, WechatPayPublicKey};

use wechatpay_apiv3::testkit::Fault;

use crate::support::{FAST, FakeWechatPay, client_builder, recharge_handler};

fn query() -> QueryRechargeRequest {
    QueryRechargeRequest::new(required::QueryRechargeRequest {
        out_recharge_no: "cz202407181234",
        sub_mchid: "1900102208",
    })
}

#[tokio::test]
async fn an_answer_over_the_body_limit_is_refused_and_not_retried() {
    let server = FakeWechatPay::start(|_: &crate::support::Received| {
        (200, format!("{{\"padding\":\"{}\"}}", "x".repeat(5000)))
    })
    .await;
    let client = client_builder(&server.url())
        .max_body_bytes(4096)
        .retry_policy(FAST)
        .build()
        .expect("client");
    let error = PlatsolutionClient::new(&client)
        .query_recharge(&query())
        .await
        .expect_err("too large");
    assert!(
        matches!(
            error,
            Error::Transport {
                kind: TransportErrorKind::TooLarge,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("over the 4096-byte limit"),
        "{error}"
    );
    assert!(!error.is_retryable());
    assert_eq!(
        server.received().len(),
        1,
        "the same answer would come back: no retry"
    );
}

#[tokio::test]
async fn answers_within_the_limit_are_read_whole() {
    let server = FakeWechatPay::start(recharge_handler).await;
    let client = client_builder(&server.url())
        .max_body_bytes(4096)
        .build()
        .expect("client");
    PlatsolutionClient::new(&client)
        .query_recharge(&query())
        .await
        .expect("under the limit");
}

#[tokio::test]
async fn oversized_headers_are_refused() {
    let server = FakeWechatPay::start(recharge_handler).await;
    server.script([Fault::LargeHeader(70 * 1024)]);
    let client = client_builder(&server.url())
        .retry_policy(FAST)
        .build()
        .expect("client");
    let error = PlatsolutionClient::new(&client)
        .query_recharge(&query())
        .await
        .expect_err("refused");
    assert!(
        matches!(
            error,
            Error::Transport {
                kind: TransportErrorKind::TooLarge,
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn key_errors_never_echo_the_key() {
    let secret = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDSECRETSECRET";
    let pem = format!("-----BEGIN PRIVATE KEY-----\n{secret}\n-----END PRIVATE KEY-----\n");
    let error = MerchantKey::from_pem(pem.as_bytes()).expect_err("not a key");
    assert!(!error.to_string().contains("SECRET"), "{error}");
    assert!(!format!("{error:?}").contains("SECRET"), "{error:?}");
    let error =
        WechatPayPublicKey::from_pem("PUB_KEY_ID_X", pem.as_bytes()).expect_err("not a public key");
    assert!(!error.to_string().contains("SECRET"), "{error}");
}

#[test]
fn the_merchant_key_debug_is_redacted() {
    let key = MerchantKey::from_pem(crate::support::MERCHANT_KEY_PKCS8).expect("key");
    assert_eq!(format!("{key:?}"), "MerchantKey(RSA-2048, redacted)");
}

/// A redirect is never followed: the signed request (and its body) would go wherever the
/// `Location` header points.
#[tokio::test]
async fn a_redirect_is_not_followed() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    let elsewhere = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let elsewhere_address = elsewhere.local_addr().expect("address");
    let visits = Arc::new(AtomicUsize::new(0));
    let counted = visits.clone();
    tokio::spawn(async move {
        while let Ok((_socket, _)) = elsewhere.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
        }
    });
    let redirecting = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", redirecting.local_addr().expect("address"));
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = redirecting.accept().await {
            let mut buffer = [0u8; 4096];
            let _ = socket.read(&mut buffer).await;
            let answer = format!(
                "HTTP/1.1 307 Temporary Redirect\r\nLocation: http://{elsewhere_address}/v3/steal\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            let _ = socket.write_all(answer.as_bytes()).await;
        }
    });
    let client = client_builder(&url)
        .retry_policy(FAST)
        .build()
        .expect("client");
    let error = PlatsolutionClient::new(&client)
        .query_recharge(&query())
        .await
        .expect_err("a 307 is not an answer");
    assert!(
        matches!(&error, Error::Decode { status: 307, .. }),
        "{error:?}"
    );
    assert_eq!(
        visits.load(Ordering::SeqCst),
        0,
        "the redirect was followed"
    );
}
