//! Front-end payment parameters: the exact signing strings WeChat Pay documents, checked
//! against signatures made by `openssl dgst -sha256 -sign` (tests/vectors/pay_params.json).

use serde_json::{Value, json};
use wechatpay_apiv3::runtime::{AppPayParams, JsapiPayParams, MerchantKey};

use crate::support::{MERCHANT_KEY_PKCS8, MERCHANT_PUBLIC, client_builder};

fn vectors() -> Value {
    serde_json::from_str(include_str!("../vectors/pay_params.json")).expect("JSON")
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key].as_str().expect("a string")
}

#[test]
fn jsapi_parameters_match_openssl() {
    let vectors = vectors();
    let v = &vectors["jsapi"];
    let key = MerchantKey::from_pem(MERCHANT_KEY_PKCS8).expect("key");
    let params = JsapiPayParams::sign(
        &key,
        text(v, "app_id"),
        text(v, "prepay_id"),
        v["timestamp"].as_i64().expect("seconds"),
        text(v, "nonce_str"),
    )
    .expect("signed");
    assert_eq!(params.pay_sign, text(v, "pay_sign"));
    assert_eq!(
        serde_json::to_value(&params).expect("JSON"),
        json!({
            "appId": "wx8888888888888888",
            "timeStamp": "1414561699",
            "nonceStr": "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
            "package": "prepay_id=wx201410272009395522657a690389285100",
            "signType": "RSA",
            "paySign": text(v, "pay_sign"),
        })
    );
}

#[test]
fn app_parameters_match_openssl() {
    let vectors = vectors();
    let v = &vectors["app"];
    let key = MerchantKey::from_pem(MERCHANT_KEY_PKCS8).expect("key");
    let params = AppPayParams::sign(
        &key,
        text(v, "app_id"),
        text(v, "mchid"),
        text(v, "prepay_id"),
        v["timestamp"].as_i64().expect("seconds"),
        text(v, "nonce_str"),
    )
    .expect("signed");
    assert_eq!(params.sign, text(v, "sign"));
    assert_eq!(params.package, "Sign=WXPay");
    assert_eq!(params.partnerid, "1900000109");
    assert_eq!(params.timestamp, "1412000000");
}

/// The client's own clock and nonce: the signature verifies with the merchant public key over
/// the documented string.
#[test]
fn a_client_signs_with_its_clock_and_a_fresh_nonce() {
    use rustls_pki_types::SubjectPublicKeyInfoDer;
    use rustls_pki_types::pem::PemObject;
    use wechatpay_apiv3::runtime::{KeyKind, VerifyingKey};

    let client = client_builder("http://127.0.0.1:1")
        .build()
        .expect("client");
    let params = client
        .jsapi_pay_params("wx8888888888888888", "wx2014")
        .expect("signed");
    let again = client
        .jsapi_pay_params("wx8888888888888888", "wx2014")
        .expect("signed");
    assert_ne!(params.nonce_str, again.nonce_str, "a fresh nonce each time");
    let message = format!(
        "{}\n{}\n{}\n{}\n",
        params.app_id, params.time_stamp, params.nonce_str, params.package
    );
    let spki = SubjectPublicKeyInfoDer::from_pem_slice(MERCHANT_PUBLIC).expect("pem");
    let public = VerifyingKey {
        serial: "merchant".to_owned(),
        spki_der: spki.as_ref().to_vec(),
        kind: KeyKind::PublicKey,
    };
    let signature =
        base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &params.pay_sign)
            .expect("base64");
    assert!(public.verify(message.as_bytes(), &signature));
    let app = client
        .app_pay_params("wx8888888888888888", "wx2014")
        .expect("signed");
    assert_eq!(app.partnerid, client.mchid());
}
