//! Properties of everything that reads bytes from outside: response verification, notifications,
//! error bodies, AES-GCM and the percent-encoding of request targets. Invariant everywhere: never
//! a panic, never an accepted forgery.
//!
//! Forgeries need no oracle: RSA PKCS#1 v1.5 signatures are deterministic, so whatever verifies
//! must carry exactly the timestamp, nonce, body and serial that were signed.

use std::sync::LazyLock;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use wechatpay_apiv3::Error;
use wechatpay_apiv3::runtime::verify::{SignatureHeaders, verify};
use wechatpay_apiv3::runtime::{
    ApiResponse, ApiV3Key, Client, Fields, HeaderSource, KeyRing, Members, Object, PathAndQuery,
    VerifyingKey, WechatPayPublicKey, decode_empty, decode_json, decode_json_object,
    open_notification,
};

use crate::support::{
    API_V3_KEY, NotificationTamper, PUBLIC_KEY_ID, WECHATPAY_PRIVATE, WECHATPAY_PUBLIC,
    client_builder, encrypt_with_api_v3_key, notification, now, sign_answer,
};

/// The local clock of the verification properties; the genuine answer is signed at this time.
const NOW: i64 = 1_750_000_000;
const NONCE: &str = "5K8264ILTKCH16CQ2502SI8ZNMTM67VS";
const BODY: &[u8] = br#"{"recharge_id":"172207846292553701","out_recharge_no":"cz202407181234"}"#;
const RESOURCE: &str = r#"{"mchid":"1900000100","out_trade_no":"20150806125346"}"#;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

fn ring() -> &'static KeyRing {
    static RING: LazyLock<KeyRing> = LazyLock::new(|| {
        let key = WechatPayPublicKey::from_pem(PUBLIC_KEY_ID, WECHATPAY_PUBLIC).expect("key");
        let ring = KeyRing::new();
        ring.insert(VerifyingKey::from(&key));
        ring
    });
    &RING
}

/// The signature of the genuine answer: `BODY` signed at `NOW` with `NONCE`.
fn genuine_signature() -> &'static [u8] {
    static SIGNATURE: LazyLock<Vec<u8>> =
        LazyLock::new(|| sign_answer(WECHATPAY_PRIVATE, NOW, NONCE, BODY));
    &SIGNATURE
}

/// Verifies an answer whose headers are given as owned values.
fn verify_answer(
    [timestamp, nonce, signature, serial]: &[Option<String>; 4],
    body: &[u8],
    now: i64,
) -> bool {
    let headers = SignatureHeaders {
        timestamp: timestamp.as_deref(),
        nonce: nonce.as_deref(),
        signature: signature.as_deref(),
        serial: serial.as_deref(),
        signature_type: None,
    };
    verify(&headers, body, now, ring()).is_ok()
}

fn genuine_headers() -> [Option<String>; 4] {
    [
        Some(NOW.to_string()),
        Some(NONCE.to_owned()),
        Some(BASE64.encode(genuine_signature())),
        Some(PUBLIC_KEY_ID.to_owned()),
    ]
}

/// A header value: the genuine one, absent, a boundary case or anything at all.
fn header(
    genuine: String,
    special: &'static [&'static str],
) -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        3 => Just(Some(genuine)),
        1 => Just(None),
        1 => proptest::sample::select(special).prop_map(|value| Some(value.to_owned())),
        2 => any::<String>().prop_map(Some),
    ]
}

fn answer_headers() -> impl Strategy<Value = [Option<String>; 4]> {
    let [timestamp, nonce, signature, serial] = genuine_headers().map(Option::unwrap);
    let timestamps: &[&str] = &[
        "",
        " ",
        "-9223372036854775808",
        "9223372036854775807",
        "+1750000000",
        "1750000000 ",
        " 1750000000",
        "1750000299",
        "1749999701",
        "17500000000000000000000",
        "0x68",
        "1e9",
    ];
    let signatures: &[&str] = &["", "=", "====", "WECHATPAY/SIGNTEST/", "AAAA", "\u{0}"];
    let serials: &[&str] = &[
        "",
        "pub_key_id",
        "PUB_KEY_ID_0119000000012024000000000000000001 ",
    ];
    (
        header(timestamp, timestamps),
        header(nonce, &["", "\n"]),
        header(signature, signatures),
        header(serial, serials),
    )
        .prop_map(|(timestamp, nonce, signature, serial)| [timestamp, nonce, signature, serial])
}

fn clock() -> impl Strategy<Value = i64> {
    prop_oneof![
        3 => Just(NOW),
        2 => NOW - 400..NOW + 400,
        1 => proptest::sample::select(vec![i64::MIN, i64::MIN + 1, -1, 0, i64::MAX]),
        1 => any::<i64>(),
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![Just(BODY.to_vec()), vec(any::<u8>(), 0..256)]
}

#[test]
fn the_genuine_answer_verifies() {
    assert!(verify_answer(&genuine_headers(), BODY, NOW));
    assert!(verify_answer(&genuine_headers(), BODY, NOW + 299));
    assert!(!verify_answer(&genuine_headers(), BODY, NOW + 300));
}

/// Regression: a skew that saturated to `i64::MIN` overflowed `abs` (a panic in debug builds; in
/// release it wrapped negative and let any timestamp through the 300 s window).
#[test]
fn a_clock_far_before_1970_refuses_without_overflow() {
    assert!(!verify_answer(&genuine_headers(), BODY, i64::MIN));
    assert!(!verify_answer(&genuine_headers(), BODY, -NOW));
    let mut headers = genuine_headers();
    headers[0] = Some(i64::MAX.to_string());
    assert!(!verify_answer(&headers, BODY, -2));
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn verification_accepts_only_what_was_signed(
        headers in answer_headers(),
        body in body(),
        now in clock(),
    ) {
        if verify_answer(&headers, &body, now) {
            prop_assert_eq!(&headers[0], &genuine_headers()[0]);
            prop_assert_eq!(&headers[1], &genuine_headers()[1]);
            prop_assert_eq!(&headers[3], &genuine_headers()[3]);
            prop_assert_eq!(&body[..], BODY);
            prop_assert!(now.abs_diff(NOW) < 300);
        }
    }

    #[test]
    fn a_flipped_body_byte_is_refused(at in any::<Index>(), mask in 1..=u8::MAX) {
        let mut body = BODY.to_vec();
        body[at.index(BODY.len())] ^= mask;
        prop_assert!(!verify_answer(&genuine_headers(), &body, NOW));
    }

    #[test]
    fn a_flipped_signature_byte_is_refused(at in any::<Index>(), mask in 1..=u8::MAX) {
        let mut signature = genuine_signature().to_vec();
        let at = at.index(signature.len());
        signature[at] ^= mask;
        let mut headers = genuine_headers();
        headers[2] = Some(BASE64.encode(signature));
        prop_assert!(!verify_answer(&headers, BODY, NOW));
    }

    #[test]
    fn a_flipped_header_character_is_refused(
        which in 0..4usize,
        at in any::<Index>(),
        mask in 1..0x80u8,
    ) {
        let mut headers = genuine_headers();
        let mut value = headers[which].take().expect("genuine").into_bytes();
        let at = at.index(value.len());
        value[at] ^= mask;
        headers[which] = Some(String::from_utf8(value).expect("still ASCII"));
        prop_assert!(!verify_answer(&headers, BODY, NOW));
    }
}

/// A notification's headers and exact body bytes.
type Notification = (Vec<(String, String)>, Vec<u8>);

/// A genuine notification, signed now: the client checks it against the real clock.
fn genuine_notification() -> &'static Notification {
    static GENUINE: LazyLock<Notification> = LazyLock::new(|| {
        notification(
            "REFUND.SUCCESS",
            RESOURCE,
            WECHATPAY_PRIVATE,
            PUBLIC_KEY_ID,
            NotificationTamper::None,
        )
    });
    &GENUINE
}

fn client() -> &'static Client {
    static CLIENT: LazyLock<Client> = LazyLock::new(|| {
        client_builder("http://127.0.0.1:1")
            .api_v3_key(API_V3_KEY)
            .build()
            .expect("client")
    });
    &CLIENT
}

fn api_v3_key() -> &'static ApiV3Key {
    static KEY: LazyLock<ApiV3Key> = LazyLock::new(|| ApiV3Key::new(API_V3_KEY).expect("key"));
    &KEY
}

/// Opens a notification both ways (the free function and the client); they must agree.
fn opens(headers: &[(String, String)], body: &[u8]) -> bool {
    let opened = open_notification(ring(), Some(api_v3_key()), now(), headers, body);
    let parsed = client().parse_notification::<serde_json::Value>(headers, body);
    assert_eq!(opened.is_ok(), parsed.is_ok(), "{opened:?} / {parsed:?}");
    opened.is_ok()
}

/// Headers as a notification may carry them: the four signature headers among others, in any
/// case, with genuine or arbitrary values; or the genuine headers with others around them (those
/// in front win the look-up).
fn notification_headers() -> impl Strategy<Value = Vec<(String, String)>> {
    let names = [
        "Wechatpay-Timestamp",
        "wechatpay-nonce",
        "WECHATPAY-SIGNATURE",
        "Wechatpay-Serial",
        "Request-ID",
    ];
    let genuine = genuine_notification().0.clone();
    let values: Vec<String> = genuine.iter().map(|(_, value)| value.clone()).collect();
    let value = prop_oneof![proptest::sample::select(values), any::<String>()];
    let name = prop_oneof![
        proptest::sample::select(names.to_vec()).prop_map(str::to_owned),
        any::<String>(),
    ];
    let header = (name, value);
    prop_oneof![
        vec(header.clone(), 0..8),
        (vec(header.clone(), 0..2), vec(header, 0..2))
            .prop_map(move |(before, after)| { [before, genuine.clone(), after].concat() }),
    ]
}

/// What a notification's signature covers or names, as the runtime looks the headers up.
fn signed_part(headers: &[(String, String)]) -> [Option<&str>; 4] {
    [
        "Wechatpay-Timestamp",
        "Wechatpay-Nonce",
        "Wechatpay-Signature",
        "Wechatpay-Serial",
    ]
    .map(|name| headers.header(name))
}

fn notification_body() -> impl Strategy<Value = Vec<u8>> {
    let genuine = genuine_notification().1.clone();
    prop_oneof![
        Just(genuine),
        vec(any::<u8>(), 0..512),
        any::<String>()
            .prop_map(|text| format!(r#"{{"id":"{text}","resource":{{}}}}"#).into_bytes()),
    ]
}

#[test]
fn the_genuine_notification_opens() {
    let (headers, body) = genuine_notification();
    assert!(opens(headers, body));
    let (_, _, plaintext) =
        open_notification(ring(), Some(api_v3_key()), now(), headers.as_slice(), body)
            .expect("opens");
    assert_eq!(plaintext, RESOURCE.as_bytes());
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn arbitrary_notifications_are_refused(
        headers in notification_headers(),
        body in notification_body(),
    ) {
        let (genuine_headers, genuine_body) = genuine_notification();
        let same = signed_part(&headers) == signed_part(genuine_headers) && body == *genuine_body;
        prop_assert!(same || !opens(&headers, &body));
    }

    #[test]
    fn a_flipped_notification_body_byte_is_refused(at in any::<Index>(), mask in 1..=u8::MAX) {
        let (headers, body) = genuine_notification();
        let mut body = body.clone();
        let at = at.index(body.len());
        body[at] ^= mask;
        prop_assert!(!opens(headers, &body));
    }

    #[test]
    fn a_cut_or_grown_notification_body_is_refused(
        at in any::<Index>(),
        inserted in vec(any::<u8>(), 0..4),
    ) {
        let (headers, body) = genuine_notification();
        let mut spoiled = body.clone();
        let at = at.index(body.len());
        if inserted.is_empty() {
            spoiled.truncate(at);
        } else {
            spoiled.splice(at..at, inserted);
        }
        prop_assert!(!opens(headers, &spoiled));
    }

    #[test]
    fn a_flipped_notification_header_character_is_refused(
        which in 0..4usize,
        at in any::<Index>(),
        mask in 1..0x80u8,
    ) {
        let (headers, body) = genuine_notification();
        let mut headers = headers.clone();
        let mut value = std::mem::take(&mut headers[which].1).into_bytes();
        let at = at.index(value.len());
        value[at] ^= mask;
        headers[which].1 = String::from_utf8(value).expect("still ASCII");
        prop_assert!(!opens(&headers, body));
    }
}

/// Checks that `encoded` holds only unreserved characters and `%XX` escapes, and decodes back
/// to `original`.
fn check_encoding(original: &str, encoded: &str) -> Result<(), TestCaseError> {
    let mut rest = encoded.as_bytes();
    while let Some((&first, tail)) = rest.split_first() {
        if first == b'%' {
            let escape = tail.get(..2).unwrap_or_default();
            prop_assert!(escape.len() == 2 && escape.iter().all(u8::is_ascii_hexdigit));
            rest = &tail[2..];
        } else {
            prop_assert!(
                first.is_ascii_alphanumeric() || b"-._~".contains(&first),
                "{encoded:?}"
            );
            rest = tail;
        }
    }
    let decoded = percent_encoding::percent_decode_str(encoded).decode_utf8();
    prop_assert_eq!(decoded.as_deref(), Ok(original));
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn segments_and_query_pairs_round_trip(
        segment in any::<String>(),
        key in any::<String>(),
        value in any::<String>(),
    ) {
        prop_assume!(!matches!(segment.as_str(), "" | "." | ".."));
        let mut target = PathAndQuery::new();
        target.literal("/v3/orders/");
        target.segment("id", &segment).expect("not empty, not a dot segment");
        target.query(&key, &value);
        let target = target.finish();
        let (path, query) = target.split_once('?').expect("a query");
        let (encoded_key, encoded_value) = query.split_once('=').expect("key=value");
        check_encoding(&segment, path.strip_prefix("/v3/orders/").expect("the literal"))?;
        check_encoding(&key, encoded_key)?;
        check_encoding(&value, encoded_value)?;
    }
}

/// A body an error answer may carry: JSON objects with or without a `code` of any JSON type, JSON
/// arrays (which serde would happily read a struct from), and anything at all.
fn error_body() -> impl Strategy<Value = Vec<u8>> {
    let scalar = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<String>().prop_map(serde_json::Value::from),
    ];
    let field = prop_oneof![
        Just("code".to_owned()),
        Just("message".to_owned()),
        Just("detail".to_owned()),
        any::<String>(),
    ];
    let object = proptest::collection::btree_map(field, scalar.clone(), 0..4)
        .prop_map(|fields| serde_json::to_vec(&fields).expect("JSON"));
    let array = vec(scalar, 0..4).prop_map(|items| serde_json::to_vec(&items).expect("JSON"));
    prop_oneof![object, array, vec(any::<u8>(), 0..128)]
}

/// Regression (found by the `error_body` fuzz target): `["\""]` was read as an error body with
/// code `"`, since serde reads a struct from an array too.
#[test]
fn a_json_array_is_no_error_body() {
    for body in [&br#"["\""]"#[..], br#" ["SYSTEM_ERROR", "busy"]"#] {
        let response = ApiResponse {
            status: 500,
            request_id: None,
            body: body.to_vec(),
        };
        match decode_empty(response) {
            Err(Error::Decode { reason, .. }) => {
                assert_eq!(
                    reason,
                    "not a WeChat Pay error body: a JSON array, not an object"
                );
            }
            other => panic!("expected a decoding error, got {other:?}"),
        }
    }
}

/// A generated struct without members: any JSON object is one (unknown members are ignored).
struct AnyObject;

impl Object for AnyObject {
    fn build(fields: &mut Fields) -> Result<Self, serde_json::Error> {
        fields.finish()?;
        Ok(AnyObject)
    }

    fn members(&self) -> Members {
        Members::default()
    }
}

/// `Error::Api` only for a non-2xx status and a JSON object with a string `code`, kept as sent.
fn check_decoded(status: u16, body: &[u8], error: Option<Error>) -> Result<(), TestCaseError> {
    if let Some(Error::Api(api)) = error {
        let json: serde_json::Value = serde_json::from_slice(body).expect("JSON");
        prop_assert_eq!(json["code"].as_str(), Some(api.code.as_str()));
        prop_assert_eq!(api.status, status);
        prop_assert!(!(200..300).contains(&status));
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn error_bodies_decode_without_panics(
        status in prop_oneof![100..600u16, any::<u16>()],
        body in error_body(),
    ) {
        let response = ApiResponse { status, request_id: None, body: body.clone() };
        let success = (200..300).contains(&status);
        let json = serde_json::from_slice::<serde_json::Value>(&body).is_ok();
        let decoded = decode_json::<serde_json::Value>(response.clone());
        prop_assert_eq!(decoded.is_ok(), success && json);
        check_decoded(status, &body, decoded.err())?;
        // A generated struct's answer: the same, but only a JSON object is one.
        let object = body.trim_ascii_start().starts_with(b"{");
        let decoded = decode_json_object::<AnyObject>(response.clone());
        prop_assert_eq!(decoded.is_ok(), success && json && object);
        check_decoded(status, &body, decoded.err())?;
        let empty = decode_empty(response);
        prop_assert_eq!(empty.is_ok(), success);
        check_decoded(status, &body, empty.err())?;
    }

    #[test]
    fn a_wechat_error_body_is_an_api_error(
        status in 300..600u16,
        code in any::<String>(),
        message in any::<String>(),
    ) {
        let body = serde_json::json!({"code": code, "message": message}).to_string();
        let response = ApiResponse { status, request_id: None, body: body.into_bytes() };
        match decode_empty(response) {
            Err(Error::Api(api)) => {
                prop_assert_eq!(api.code.as_str(), code.as_str());
                prop_assert_eq!(api.message, message);
            }
            other => prop_assert!(false, "expected an API error, got {:?}", other),
        }
    }
}

/// A ciphertext: arbitrary text, or base64 of random bytes long enough to reach AES-GCM.
fn ciphertext() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        vec(any::<u8>(), 0..96).prop_map(|data| BASE64.encode(data))
    ]
}

/// A nonce: arbitrary text or 12 ASCII characters.
fn nonce() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[ -~]{12}"]
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn random_ciphertexts_never_decrypt(
        ciphertext in ciphertext(),
        nonce in nonce(),
        associated_data in any::<String>(),
    ) {
        prop_assert!(api_v3_key().decrypt(&ciphertext, &nonce, &associated_data).is_err());
    }

    #[test]
    fn a_flipped_ciphertext_byte_is_refused(at in any::<Index>(), mask in 1..=u8::MAX) {
        let (nonce, associated_data) = ("fdasflkja484", "transaction");
        let key = api_v3_key();
        let ciphertext = encrypt_with_api_v3_key(RESOURCE.as_bytes(), nonce, associated_data);
        prop_assert!(key.decrypt(&ciphertext, nonce, associated_data).is_ok());
        let mut data = BASE64.decode(ciphertext).expect("base64");
        let at = at.index(data.len());
        data[at] ^= mask;
        let spoiled = BASE64.encode(data);
        prop_assert!(key.decrypt(&spoiled, nonce, associated_data).is_err());
    }
}
