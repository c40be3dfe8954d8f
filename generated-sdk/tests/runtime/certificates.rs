//! Platform certificates: downloaded on an unknown serial (once, for concurrent callers),
//! decrypted, checked against their own signature and validity, and refreshed in the background.

use std::time::Duration;

use wechatpay_apiv3::Error;
use wechatpay_apiv3::api::platsolution::required;
use wechatpay_apiv3::api::platsolution::{PlatsolutionClient, QueryRechargeRequest};
use wechatpay_apiv3::runtime::{Client, KeyKind, RetryPolicy, parse_certificate};

use wechatpay_apiv3::testkit::Fault;

use crate::support::{
    API_V3_KEY, CERTIFICATE, CERTIFICATE_SERIAL, EXPIRED_CERTIFICATE, FakeWechatPay, MCHID,
    MERCHANT_KEY_PKCS8, MERCHANT_PUBLIC, PUBLIC_KEY_ID, SERIAL_NO, WECHATPAY_PUBLIC,
    certificate_download, now, recharge_and_certificates_handler,
};

fn certificate_client(server: &FakeWechatPay) -> Client {
    Client::builder()
        .mchid(MCHID)
        .serial_no(SERIAL_NO)
        .merchant_key_pem(MERCHANT_KEY_PKCS8)
        .api_v3_key(API_V3_KEY)
        .platform_certificates(&wechatpay_apiv3::api::certificates::operations::CERTIFICATE_SOURCE)
        .main_base_url(server.url())
        .retry_policy(RetryPolicy {
            max_attempts: 2,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
        })
        .build()
        .expect("a certificate-mode client")
}

fn query() -> QueryRechargeRequest {
    QueryRechargeRequest::new(required::QueryRechargeRequest {
        out_recharge_no: "cz202407181234",
        sub_mchid: "1900102208",
    })
}

fn downloads(server: &FakeWechatPay) -> usize {
    server
        .received()
        .iter()
        .filter(|request| request.target == "/v3/certificates")
        .count()
}

#[test]
fn a_certificate_is_read_for_its_serial_validity_and_key() {
    let key = parse_certificate(CERTIFICATE).expect("parses");
    assert_eq!(key.serial, CERTIFICATE_SERIAL);
    let KeyKind::PlatformCertificate {
        not_before,
        not_after,
    } = key.kind
    else {
        panic!("a certificate")
    };
    assert!(not_before <= now() && now() < not_after);
    assert!(
        !parse_certificate(EXPIRED_CERTIFICATE)
            .expect("parses")
            .is_valid_at(now())
    );
    assert!(
        parse_certificate(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
            .is_err()
    );
}

#[tokio::test]
async fn an_unknown_serial_downloads_the_certificates_once_then_verifies() {
    let server = FakeWechatPay::start(recharge_and_certificates_handler).await;
    server.sign_as(CERTIFICATE_SERIAL);
    let client = certificate_client(&server);
    assert!(client.keys().is_empty(), "start-up downloads nothing");

    let api = PlatsolutionClient::new(&client);
    api.query_recharge(&query())
        .await
        .expect("verified with the downloaded certificate");
    api.query_recharge(&query())
        .await
        .expect("again, with no new download");
    assert_eq!(downloads(&server), 1);
    assert_eq!(client.keys().serials(), vec![CERTIFICATE_SERIAL.to_owned()]);
    let received = server.received();
    assert!(received.iter().all(|request| request.signature_valid));
    assert_eq!(
        received.last().and_then(|r| r.wechatpay_serial.as_deref()),
        Some(CERTIFICATE_SERIAL)
    );
}

#[tokio::test]
async fn concurrent_unknown_serials_share_one_download() {
    let server = FakeWechatPay::start(recharge_and_certificates_handler).await;
    server.sign_as(CERTIFICATE_SERIAL);
    let client = certificate_client(&server);
    let api = PlatsolutionClient::new(&client);
    let request = query();
    let (first, second, third) = tokio::join!(
        api.query_recharge(&request),
        api.query_recharge(&request),
        api.query_recharge(&request)
    );
    assert!(first.is_ok() && second.is_ok() && third.is_ok());
    assert_eq!(downloads(&server), 1, "single flight");
}

#[tokio::test]
async fn a_forged_serial_cannot_make_the_client_download_again_and_again() {
    let server = FakeWechatPay::start(recharge_and_certificates_handler).await;
    server.sign_as("FORGED_SERIAL");
    let client = certificate_client(&server);
    let api = PlatsolutionClient::new(&client);
    for _ in 0..3 {
        let error = api.query_recharge(&query()).await.expect_err("refused");
        assert!(
            matches!(&error, Error::Verification { reason, .. } if reason.contains("FORGED_SERIAL")),
            "{error:?}"
        );
    }
    assert_eq!(downloads(&server), 1, "rate limited");
}

#[tokio::test]
async fn a_download_with_only_expired_certificates_is_refused() {
    let server = FakeWechatPay::start(|received: &crate::support::Received| {
        if received.target == "/v3/certificates" {
            (200, certificate_download(&[("3A5B", EXPIRED_CERTIFICATE)]))
        } else {
            crate::support::recharge_handler(received)
        }
    })
    .await;
    server.sign_as(CERTIFICATE_SERIAL);
    let client = certificate_client(&server);
    let error = client
        .refresh_platform_certificates()
        .await
        .expect_err("refused");
    assert!(
        matches!(&error, Error::Verification { reason, .. } if reason == "the download holds no certificate valid now (3A5B: not valid now)"),
        "{error:?}"
    );
    assert!(client.keys().is_empty());
}

#[tokio::test]
async fn a_download_not_signed_by_its_own_certificates_is_refused() {
    let server = FakeWechatPay::start(recharge_and_certificates_handler).await;
    server.sign_as(CERTIFICATE_SERIAL);
    server.script([Fault::BadSignature]);
    let client = certificate_client(&server);
    let error = client
        .refresh_platform_certificates()
        .await
        .expect_err("refused");
    assert!(
        matches!(&error, Error::Verification { reason, .. } if reason.starts_with("the certificate download is not signed by a certificate it contains")),
        "{error:?}"
    );
    assert!(
        client.keys().is_empty(),
        "nothing from a forged download is kept"
    );
}

#[tokio::test]
async fn a_merchant_without_certificates_is_told_to_use_the_public_key() {
    let server = FakeWechatPay::start(|_: &crate::support::Received| {
        (
            404,
            r#"{"code":"RESOURCE_NOT_EXISTS","message":"无可用的平台证书"}"#.to_owned(),
        )
    })
    .await;
    let client = certificate_client(&server);
    let error = client
        .refresh_platform_certificates()
        .await
        .expect_err("no certificates");
    let Error::Config { reason } = &error else {
        panic!("expected a configuration error, got {error:?}")
    };
    assert!(
        reason.contains("RESOURCE_NOT_EXISTS") && reason.contains("use public-key mode"),
        "{reason}"
    );
}

#[tokio::test]
async fn certificates_refresh_in_the_background() {
    let server = FakeWechatPay::start(recharge_and_certificates_handler).await;
    server.sign_as(CERTIFICATE_SERIAL);
    let client = certificate_client(&server);
    let task = client.spawn_certificate_refresh(Duration::from_millis(20));
    for _ in 0..200 {
        if !client.keys().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(client.keys().serials(), vec![CERTIFICATE_SERIAL.to_owned()]);
    drop(client);
    // With the client gone the task ends by itself.
    tokio::time::timeout(Duration::from_secs(2), task)
        .await
        .expect("the task ends")
        .expect("no panic");
}

#[test]
fn certificate_mode_needs_the_api_v3_key_and_some_key_is_required() {
    let builder = || {
        Client::builder()
            .mchid(MCHID)
            .serial_no(SERIAL_NO)
            .merchant_key_pem(MERCHANT_KEY_PKCS8)
    };
    let error = builder()
        .platform_certificates(&wechatpay_apiv3::api::certificates::operations::CERTIFICATE_SOURCE)
        .build()
        .expect_err("no APIv3 key");
    assert!(
        matches!(&error, Error::Config { reason } if reason == "platform certificates need the APIv3 key to decrypt them")
    );
    let error = builder().build().expect_err("no key at all");
    assert!(
        matches!(&error, Error::Config { reason } if reason.starts_with("neither a WeChat Pay public key nor platform certificates"))
    );
}

/// A client that already trusts a WeChat Pay key in certificate mode: migration mode, with the
/// public key given as `(id, pem)`.
fn migration_client(server: &FakeWechatPay, id: &str, public_pem: &[u8]) -> Client {
    Client::builder()
        .mchid(MCHID)
        .serial_no(SERIAL_NO)
        .merchant_key_pem(MERCHANT_KEY_PKCS8)
        .api_v3_key(API_V3_KEY)
        .wechatpay_public_key_pem(id, public_pem.to_vec())
        .platform_certificates(&wechatpay_apiv3::api::certificates::operations::CERTIFICATE_SOURCE)
        .main_base_url(server.url())
        .retry_policy(RetryPolicy {
            max_attempts: 1,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(1),
        })
        .build()
        .expect("a migration-mode client")
}

/// Whoever can answer one download (a TLS-inspecting proxy, a wrong base URL) and holds the
/// APIv3 key plants a self-signed set: with a trusted key in the ring, it is refused.
#[tokio::test]
async fn a_planted_certificate_set_is_refused_once_a_key_is_trusted() {
    // The sandbox signs with its own key; the client trusts another one (here the merchant's
    // public key stands in for the real WeChat Pay key).
    let server = FakeWechatPay::start(recharge_and_certificates_handler).await;
    server.sign_as(CERTIFICATE_SERIAL);
    let client = migration_client(&server, "PUB_KEY_ID_TRUSTED", MERCHANT_PUBLIC);
    let error = client
        .refresh_platform_certificates()
        .await
        .expect_err("refused");
    assert!(
        matches!(&error, Error::Verification { reason, .. } if reason.starts_with("the certificate download is not signed by a key the client already trusts")),
        "{error:?}"
    );
    assert_eq!(
        client.keys().serials(),
        vec!["PUB_KEY_ID_TRUSTED".to_owned()],
        "nothing planted"
    );
}

/// Migration mode (public key and certificates): the download is answered under the public
/// key's id, and a refresh succeeds.
#[tokio::test]
async fn migration_mode_downloads_and_refreshes() {
    let server = FakeWechatPay::start(recharge_and_certificates_handler).await;
    let client = migration_client(&server, PUBLIC_KEY_ID, WECHATPAY_PUBLIC);
    assert_eq!(
        client
            .refresh_platform_certificates()
            .await
            .expect("refreshed"),
        1
    );
    assert_eq!(
        client.refresh_platform_certificates().await.expect("again"),
        1
    );
    let mut serials = client.keys().serials();
    serials.sort();
    assert_eq!(
        serials,
        vec![CERTIFICATE_SERIAL.to_owned(), PUBLIC_KEY_ID.to_owned()]
    );
}

/// One entry that does not decrypt to its listed serial costs that entry, not the download.
#[tokio::test]
async fn a_bad_entry_is_skipped_and_the_others_kept() {
    let server = FakeWechatPay::start(|received: &crate::support::Received| {
        if received.target == "/v3/certificates" {
            (
                200,
                certificate_download(&[("0BAD", CERTIFICATE), (CERTIFICATE_SERIAL, CERTIFICATE)]),
            )
        } else {
            (404, String::new())
        }
    })
    .await;
    server.sign_as(CERTIFICATE_SERIAL);
    let client = certificate_client(&server);
    assert_eq!(
        client
            .refresh_platform_certificates()
            .await
            .expect("one kept"),
        1
    );
    assert_eq!(client.keys().serials(), vec![CERTIFICATE_SERIAL.to_owned()]);
}

/// A serial with its top bit set keeps a leading zero byte in DER; serials compare as numbers.
#[test]
fn serials_compare_as_numbers() {
    let pem = include_bytes!("../../src/testkit/keys/top_bit_serial_certificate.pem");
    let key = parse_certificate(pem).expect("parses");
    assert_eq!(key.serial, "8F0000000000000000000000000000000000AB");
    let ring = wechatpay_apiv3::runtime::KeyRing::new();
    ring.insert(key);
    let now = now();
    assert!(
        ring.find("008F0000000000000000000000000000000000AB", now)
            .is_some()
    );
    assert!(
        ring.find("8f0000000000000000000000000000000000ab", now)
            .is_some()
    );
    assert!(
        ring.find("8F0000000000000000000000000000000000AC", now)
            .is_none()
    );
}

/// A notification signed under a certificate the client has not seen yet (certificate mode):
/// `receive_notification` downloads once and then verifies; the synchronous parse cannot.
#[tokio::test]
async fn a_notification_with_an_unknown_serial_downloads_the_certificates() {
    let server = FakeWechatPay::start(recharge_and_certificates_handler).await;
    server.sign_as(CERTIFICATE_SERIAL);
    let client = certificate_client(&server);
    let (headers, body) = crate::support::notification(
        "REFUND.SUCCESS",
        r#"{"mchid":"1900000100","out_trade_no":"20150806125346"}"#,
        crate::support::WECHATPAY_PRIVATE,
        CERTIFICATE_SERIAL,
        crate::support::NotificationTamper::None,
    );
    assert!(
        client
            .parse_notification::<serde_json::Value>(&headers, &body)
            .is_err(),
        "unknown serial without a download"
    );
    let received = client
        .receive_notification::<serde_json::Value>(&headers, &body)
        .await
        .expect("verified after one download");
    assert_eq!(received.resource["out_trade_no"], "20150806125346");
    client
        .receive_notification::<serde_json::Value>(&headers, &body)
        .await
        .expect("again");
    assert_eq!(downloads(&server), 1);
}
