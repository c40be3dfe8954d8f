//! Client construction: clear errors for bad keys and settings, and no key material in `Debug`.

use std::time::Duration;

use wechatpay_apiv3::Error;
use wechatpay_apiv3::runtime::Client;

use crate::support::{
    MCHID, MERCHANT_KEY_PKCS1, MERCHANT_KEY_PKCS8, PUBLIC_KEY_ID, SERIAL_NO, WEAK_KEY,
    WECHATPAY_PUBLIC, client_builder,
};

fn config_error(result: Result<Client, Error>) -> String {
    match result {
        Err(Error::Config { reason }) => reason,
        Err(other) => panic!("expected a configuration error, got {other:?}"),
        Ok(client) => panic!("expected a configuration error, got {client:?}"),
    }
}

#[test]
fn builds_from_pkcs8_pkcs1_and_files() {
    assert!(client_builder("http://127.0.0.1:1").build().is_ok());
    let pkcs1 = client_builder("http://127.0.0.1:1")
        .merchant_key_pem(MERCHANT_KEY_PKCS1)
        .build();
    assert!(pkcs1.is_ok());
    let keys = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/testkit/keys");
    let from_files = Client::builder()
        .mchid(MCHID)
        .serial_no(SERIAL_NO)
        .merchant_key_file(keys.join("merchant_pkcs8.pem"))
        .wechatpay_public_key_file(PUBLIC_KEY_ID, keys.join("wechatpay_public.pem"))
        .timeout(Duration::from_secs(3))
        .user_agent_suffix("my-shop/1.0")
        .build();
    assert!(from_files.is_ok());
}

#[test]
fn an_empty_merchant_id_is_refused() {
    let reason = config_error(client_builder("http://x").mchid("  ").build());
    assert_eq!(reason, "the merchant id (mchid) is empty");
}

#[test]
fn an_unreadable_key_file_is_refused_naming_the_file() {
    let reason = config_error(
        client_builder("http://x")
            .merchant_key_file("/nonexistent/apiclient_key.pem")
            .build(),
    );
    assert!(
        reason.starts_with(
            "cannot read the merchant private key file /nonexistent/apiclient_key.pem"
        ),
        "{reason}"
    );
}

#[test]
fn a_key_that_is_not_pem_or_not_rsa_2048_is_refused() {
    let reason = config_error(
        client_builder("http://x")
            .merchant_key_pem(&b"not a key"[..])
            .build(),
    );
    assert_eq!(reason, "the merchant private key is not a PEM private key");
    let reason = config_error(
        client_builder("http://x")
            .merchant_key_pem(WEAK_KEY)
            .build(),
    );
    assert_eq!(
        reason,
        "the merchant private key is smaller than RSA-2048, which WeChat Pay requires"
    );
    let reason = config_error(
        client_builder("http://x")
            .wechatpay_public_key_pem(PUBLIC_KEY_ID, MERCHANT_KEY_PKCS8)
            .build(),
    );
    assert!(reason.contains("not a PEM public key"), "{reason}");
    let reason = config_error(
        client_builder("http://x")
            .wechatpay_public_key_pem(" ", WECHATPAY_PUBLIC)
            .build(),
    );
    assert_eq!(reason, "the WeChat Pay public key id is empty");
}

#[test]
fn debug_output_never_shows_key_material() {
    let client = client_builder("http://127.0.0.1:1")
        .build()
        .expect("client");
    let debug = format!("{client:?}");
    assert!(debug.contains("MerchantKey(RSA-2048, redacted)"), "{debug}");
    assert!(debug.contains(PUBLIC_KEY_ID));
    let pem = String::from_utf8_lossy(MERCHANT_KEY_PKCS8);
    let key_body: String = pem
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    for chunk in key_body.as_bytes().chunks(16) {
        let chunk = String::from_utf8_lossy(chunk);
        assert!(!debug.contains(chunk.as_ref()), "Debug leaks key bytes");
    }
    let builder = format!("{:?}", client_builder("http://x"));
    assert!(!builder.contains("PRIVATE KEY"), "{builder}");
}
