//! Notifications: AES-256-GCM known answers, the tamper matrix, migration between key kinds, two
//! merchants in one process, and RSA-OAEP round trips for sensitive fields.

use wechatpay_apiv3::Error;
use wechatpay_apiv3::runtime::{ApiV3Key, KeyKind, MerchantKey, NotificationReply, VerifyingKey};

use crate::support::{
    API_V3_KEY, MERCHANT_KEY_PKCS8, MERCHANT_PUBLIC, NotificationTamper, PUBLIC_KEY_ID,
    WECHATPAY_PRIVATE, client_builder, notification, now,
};

const REFUND: &str = r#"{"mchid":"1900000100","out_trade_no":"20150806125346","refund_id":"50200207182018070300011301001","refund_status":"SUCCESS","amount":{"total":528800,"refund":528800,"currency":"HKD"}}"#;

#[derive(Debug, serde::Deserialize, PartialEq)]
struct RefundResource {
    mchid: String,
    out_trade_no: String,
    refund_status: String,
}

#[test]
fn aes_256_gcm_matches_vectors_computed_with_python_cryptography() {
    let vectors: serde_json::Value =
        serde_json::from_str(include_str!("../vectors/aes_256_gcm.json"))
            .expect("the vector file is JSON");
    let vectors = vectors["vectors"].as_array().expect("a list of vectors");
    assert!(!vectors.is_empty());
    for vector in vectors {
        let text = |name: &str| vector[name].as_str().expect("a string field");
        let key = ApiV3Key::new(text("api_v3_key").as_bytes()).expect("32 bytes");
        let plaintext = key
            .decrypt(text("ciphertext"), text("nonce"), text("associated_data"))
            .unwrap_or_else(|error| panic!("{}: {error}", text("name")));
        assert_eq!(
            String::from_utf8(plaintext).expect("UTF-8"),
            text("plaintext"),
            "{}",
            text("name")
        );
    }
}

fn client() -> wechatpay_apiv3::runtime::Client {
    client_builder("http://127.0.0.1:1")
        .api_v3_key(API_V3_KEY)
        .build()
        .expect("client")
}

#[test]
fn a_genuine_notification_is_verified_decrypted_and_typed() {
    let (headers, body) = notification(
        "REFUND.SUCCESS",
        REFUND,
        WECHATPAY_PRIVATE,
        PUBLIC_KEY_ID,
        NotificationTamper::None,
    );
    let parsed = client()
        .parse_notification::<RefundResource>(&headers, &body)
        .expect("accepted");
    assert_eq!(parsed.envelope.event_type, "REFUND.SUCCESS");
    assert!(
        parsed.envelope.id.starts_with("EV-"),
        "{}",
        parsed.envelope.id
    );
    assert_eq!(parsed.envelope.summary, "退款成功");
    assert_eq!(parsed.original_type, "refund");
    assert_eq!(parsed.resource.out_trade_no, "20150806125346");
    // Events the spec does not describe decode untyped.
    let untyped = client()
        .parse_notification::<serde_json::Value>(&headers, &body)
        .expect("accepted");
    assert_eq!(untyped.resource["amount"]["total"], 528800);
}

/// The refusal and the notification's Request-ID.
fn refusal(tamper: NotificationTamper) -> (Error, String) {
    let (headers, body) = notification(
        "REFUND.SUCCESS",
        REFUND,
        WECHATPAY_PRIVATE,
        PUBLIC_KEY_ID,
        tamper,
    );
    let request_id = headers
        .iter()
        .find(|(name, _)| name == "Request-ID")
        .map(|(_, value)| value.clone())
        .expect("a Request-ID header");
    let error = client()
        .parse_notification::<RefundResource>(&headers, &body)
        .expect_err("a spoiled notification is refused");
    (error, request_id)
}

fn verification_reason(tamper: NotificationTamper) -> String {
    match refusal(tamper) {
        (Error::Verification { reason, request_id }, sent) => {
            assert_eq!(request_id, Some(sent));
            reason
        }
        (other, _) => panic!("{tamper:?}: expected a verification error, got {other:?}"),
    }
}

fn decryption_reason(tamper: NotificationTamper) -> String {
    match refusal(tamper).0 {
        Error::Decryption { reason } => reason,
        other => panic!("{tamper:?}: expected a decryption error, got {other:?}"),
    }
}

#[test]
fn the_tamper_matrix_is_refused_each_with_its_reason() {
    use NotificationTamper::*;
    let mismatch = "the signature does not match the body and headers";
    assert_eq!(verification_reason(FlipSignatureByte), mismatch);
    assert_eq!(verification_reason(ChangeBody), mismatch);
    // Signed 400 s ago; a loaded machine may take a second or two before the check.
    let stale = verification_reason(StaleTimestamp);
    let behind: u64 = stale
        .strip_prefix("Wechatpay-Timestamp is ")
        .and_then(|rest| rest.split_once(" s behind the local clock"))
        .and_then(|(seconds, _)| seconds.parse().ok())
        .unwrap_or_else(|| panic!("{stale}"));
    assert!((400..=405).contains(&behind), "{stale}");
    assert!(verification_reason(UnknownSerial).starts_with(
        "Wechatpay-Serial \"PUB_KEY_ID_UNKNOWN_TO_THE_RECEIVER\" is not a configured key"
    ));
    assert_eq!(
        verification_reason(SigntestProbe),
        "a WECHATPAY/SIGNTEST/ probe signature, which never verifies"
    );
    // AES-GCM cannot tell a wrong key from changed data: all fail its authentication.
    let authentication = "authentication failed: a wrong APIv3 key, or the ciphertext, nonce or associated data was changed";
    assert_eq!(decryption_reason(WrongApiV3Key), authentication);
    assert_eq!(decryption_reason(ChangeNonce), authentication);
    assert_eq!(decryption_reason(ChangeAssociatedData), authentication);
    assert_eq!(
        decryption_reason(TruncateTag),
        "the ciphertext is 10 bytes, shorter than its 16-byte tag (truncated)"
    );
    assert_eq!(
        decryption_reason(CiphertextNotBase64),
        "the ciphertext is not valid base64"
    );
}

#[test]
fn an_api_v3_key_that_is_not_32_bytes_is_refused() {
    let error = client_builder("http://127.0.0.1:1")
        .api_v3_key(&b"too-short"[..])
        .build()
        .expect_err("refused");
    assert!(
        matches!(&error, Error::Config { reason } if reason == "the APIv3 key must be exactly 32 bytes, got 9"),
        "{error:?}"
    );
    assert!(matches!(
        ApiV3Key::new(&[0u8; 33]),
        Err(Error::Config { .. })
    ));
}

#[test]
fn a_nonce_that_is_not_12_bytes_is_refused() {
    let key = ApiV3Key::new(API_V3_KEY).expect("key");
    let error = key
        .decrypt("AAAAAAAAAAAAAAAAAAAAAA==", "short", "")
        .expect_err("refused");
    assert!(
        matches!(&error, Error::Decryption { reason } if reason == "the nonce must be 12 bytes, got 5"),
        "{error:?}"
    );
}

#[test]
fn without_an_api_v3_key_decryption_is_a_configuration_error() {
    let (headers, body) = notification(
        "REFUND.SUCCESS",
        REFUND,
        WECHATPAY_PRIVATE,
        PUBLIC_KEY_ID,
        NotificationTamper::None,
    );
    let client = client_builder("http://127.0.0.1:1")
        .build()
        .expect("client");
    let error = client
        .parse_notification::<RefundResource>(&headers, &body)
        .expect_err("no key");
    assert!(matches!(error, Error::Config { .. }), "{error:?}");
}

const CERTIFICATE_SERIAL: &str = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";

fn platform_certificate(serial: &str) -> VerifyingKey {
    use rustls_pki_types::SubjectPublicKeyInfoDer;
    use rustls_pki_types::pem::PemObject;
    // The test merchant key pair stands in for a platform certificate's key.
    let spki = SubjectPublicKeyInfoDer::from_pem_slice(MERCHANT_PUBLIC).expect("pem");
    VerifyingKey {
        serial: serial.to_owned(),
        spki_der: spki.as_ref().to_vec(),
        kind: KeyKind::PlatformCertificate {
            not_before: now() - 3600,
            not_after: now() + 3600,
        },
    }
}

#[test]
fn during_migration_one_handler_accepts_certificate_and_public_key_signatures() {
    let client = client();
    client
        .keys()
        .insert(platform_certificate(CERTIFICATE_SERIAL));
    let by_key = notification(
        "REFUND.SUCCESS",
        REFUND,
        WECHATPAY_PRIVATE,
        PUBLIC_KEY_ID,
        NotificationTamper::None,
    );
    let by_certificate = notification(
        "REFUND.SUCCESS",
        REFUND,
        MERCHANT_KEY_PKCS8,
        CERTIFICATE_SERIAL,
        NotificationTamper::None,
    );
    for (headers, body) in [by_key, by_certificate] {
        let parsed = client
            .parse_notification::<RefundResource>(&headers, &body)
            .expect("accepted");
        assert_eq!(parsed.resource.refund_status, "SUCCESS");
    }
    // A certificate signature under the public key's serial is still refused: the serial picks the key.
    let (headers, body) = notification(
        "REFUND.SUCCESS",
        REFUND,
        MERCHANT_KEY_PKCS8,
        PUBLIC_KEY_ID,
        NotificationTamper::None,
    );
    assert!(matches!(
        client.parse_notification::<RefundResource>(&headers, &body),
        Err(Error::Verification { .. })
    ));
}

#[test]
fn an_expired_certificate_no_longer_verifies() {
    let client = client();
    let mut expired = platform_certificate(CERTIFICATE_SERIAL);
    expired.kind = KeyKind::PlatformCertificate {
        not_before: now() - 7200,
        not_after: now() - 3600,
    };
    client.keys().insert(expired);
    let (headers, body) = notification(
        "REFUND.SUCCESS",
        REFUND,
        MERCHANT_KEY_PKCS8,
        CERTIFICATE_SERIAL,
        NotificationTamper::None,
    );
    let error = client
        .parse_notification::<RefundResource>(&headers, &body)
        .expect_err("expired");
    assert!(
        matches!(&error, Error::Verification { reason, .. } if reason.contains("is not a configured key")),
        "{error:?}"
    );
}

#[test]
fn two_merchants_in_one_process_verify_independently() {
    let first = client();
    let second = client_builder("http://127.0.0.1:1")
        .mchid("1900000002")
        .wechatpay_public_key_pem("PUB_KEY_ID_SECOND_MERCHANT", MERCHANT_PUBLIC)
        .api_v3_key(API_V3_KEY)
        .build()
        .expect("client");
    let for_first = notification(
        "REFUND.SUCCESS",
        REFUND,
        WECHATPAY_PRIVATE,
        PUBLIC_KEY_ID,
        NotificationTamper::None,
    );
    let for_second = notification(
        "REFUND.SUCCESS",
        REFUND,
        MERCHANT_KEY_PKCS8,
        "PUB_KEY_ID_SECOND_MERCHANT",
        NotificationTamper::None,
    );
    assert!(
        first
            .parse_notification::<RefundResource>(&for_first.0, &for_first.1)
            .is_ok()
    );
    assert!(
        second
            .parse_notification::<RefundResource>(&for_second.0, &for_second.1)
            .is_ok()
    );
    assert!(
        first
            .parse_notification::<RefundResource>(&for_second.0, &for_second.1)
            .is_err()
    );
    assert!(
        second
            .parse_notification::<RefundResource>(&for_first.0, &for_first.1)
            .is_err()
    );
}

#[test]
fn replies_are_exactly_what_wechat_pay_expects() {
    assert_eq!(
        NotificationReply::success(),
        NotificationReply {
            status: 204,
            body: Vec::new()
        }
    );
    let failure = NotificationReply::failure(500, "库存不足");
    assert_eq!(failure.status, 500);
    assert_eq!(
        String::from_utf8(failure.body).expect("UTF-8"),
        r#"{"code":"FAIL","message":"库存不足"}"#
    );
    let error = Error::Verification {
        reason: "x".to_owned(),
        request_id: None,
    };
    assert_eq!(NotificationReply::for_error(&error).status, 401);
}

#[test]
fn sensitive_fields_round_trip_through_rsa_oaep() {
    // Encrypt for the holder of the merchant key, as WeChat Pay does for sensitive answer fields.
    let merchant_public = platform_certificate("any");
    let merchant = MerchantKey::from_pem(MERCHANT_KEY_PKCS8).expect("key");
    for value in ["张三", "6222021234567890123", ""] {
        let encrypted = merchant_public.encrypt_sensitive(value).expect("encrypts");
        assert_ne!(encrypted, value);
        assert_eq!(
            merchant.decrypt_sensitive(&encrypted).expect("decrypts"),
            value
        );
    }
    // OAEP is randomised: the same value encrypts differently each time.
    assert_ne!(
        merchant_public.encrypt_sensitive("张三").ok(),
        merchant_public.encrypt_sensitive("张三").ok()
    );
    let error = merchant
        .decrypt_sensitive("bm90IGEgY2lwaGVydGV4dA==")
        .expect_err("not OAEP");
    assert!(matches!(error, Error::Decryption { .. }), "{error:?}");
}

#[test]
fn debug_never_shows_the_api_v3_key() {
    let debug = format!("{:?}", client());
    assert!(debug.contains("ApiV3Key(redacted)"), "{debug}");
    assert!(!debug.contains("0123456789ABCDEF"), "{debug}");
}

/// What a service's generated `Event` enum does, written out for the test.
#[derive(Debug, PartialEq)]
enum TestEvent {
    Refund(RefundResource),
    Unknown(serde_json::Value),
}

impl wechatpay_apiv3::runtime::NotificationEvent for TestEvent {
    fn decode(event_type: &str, resource: &[u8]) -> Result<Self, serde_json::Error> {
        match event_type {
            "REFUND.SUCCESS" | "REFUND.ABNORMAL" => {
                serde_json::from_slice(resource).map(Self::Refund)
            }
            _ => serde_json::from_slice(resource).map(Self::Unknown),
        }
    }
}

#[test]
fn events_are_decoded_by_event_type() {
    let (headers, body) = notification(
        "REFUND.ABNORMAL",
        REFUND,
        WECHATPAY_PRIVATE,
        PUBLIC_KEY_ID,
        NotificationTamper::None,
    );
    let parsed = client()
        .parse_event::<TestEvent>(&headers, &body)
        .expect("accepted");
    assert!(
        matches!(parsed.resource, TestEvent::Refund(ref refund) if refund.mchid == "1900000100")
    );
    let (headers, body) = notification(
        "TRANSACTION.SUCCESS",
        REFUND,
        WECHATPAY_PRIVATE,
        PUBLIC_KEY_ID,
        NotificationTamper::None,
    );
    let parsed = client()
        .parse_event::<TestEvent>(&headers, &body)
        .expect("accepted");
    assert!(matches!(parsed.resource, TestEvent::Unknown(_)));
}

/// `Wechatpay-Signature-Type` is read: only the RSA scheme this client checks is accepted, so
/// a signature of another kind is never checked as if it were RSA.
#[test]
fn an_unknown_signature_type_is_refused() {
    let (headers, body) = notification(
        "REFUND.SUCCESS",
        REFUND,
        WECHATPAY_PRIVATE,
        PUBLIC_KEY_ID,
        NotificationTamper::None,
    );
    let with_type = |kind: &str| {
        let mut headers: Vec<(String, String)> = headers
            .iter()
            .filter(|(name, _)| !name.eq_ignore_ascii_case("Wechatpay-Signature-Type"))
            .cloned()
            .collect();
        headers.push(("Wechatpay-Signature-Type".to_owned(), kind.to_owned()));
        headers
    };
    client()
        .parse_notification::<RefundResource>(&with_type("WECHATPAY2-SHA256-RSA2048"), &body)
        .expect("the RSA scheme is accepted");
    let error = client()
        .parse_notification::<RefundResource>(&with_type("WECHATPAY2-SM2-WITH-SM3"), &body)
        .expect_err("refused");
    assert!(
        matches!(&error, Error::Verification { reason, .. } if reason.contains("Wechatpay-Signature-Type \"WECHATPAY2-SM2-WITH-SM3\"")),
        "{error:?}"
    );
}

/// A resource that does not fit its model is refused without its content: no payer data in the
/// error, its `Display` or its `Debug`.
#[test]
fn a_resource_that_does_not_decode_is_not_kept_in_the_error() {
    #[derive(Debug, serde::Deserialize)]
    struct Strict {
        #[serde(rename = "refund_status")]
        _refund_status: u32,
    }
    let (headers, body) = notification(
        "REFUND.SUCCESS",
        REFUND,
        WECHATPAY_PRIVATE,
        PUBLIC_KEY_ID,
        NotificationTamper::None,
    );
    let error = client()
        .parse_notification::<Strict>(&headers, &body)
        .expect_err("refund_status is not a number");
    let Error::Decode { body: kept, .. } = &error else {
        panic!("{error:?}")
    };
    assert!(kept.is_empty());
    for shown in [format!("{error}"), format!("{error:?}")] {
        assert!(!shown.contains("20150806125346"), "{shown}");
        assert!(!shown.contains("1900000100"), "{shown}");
        assert!(
            shown.contains("REFUND.SUCCESS") || shown.contains("resource"),
            "{shown}"
        );
    }
}
