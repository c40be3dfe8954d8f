//! What the fuzz targets share: the test keys, a genuine signed answer and a genuine notification
//! for inputs to spoil, and the checks every target makes.
//!
//! The forgery check needs no oracle: RSA PKCS#1 v1.5 signatures are deterministic, so whatever
//! verifies must carry exactly the timestamp, nonce, body and serial that were signed.

use std::sync::LazyLock;

use arbitrary::Arbitrary;
use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeyPair;
use aws_lc_rs::signature::RSA_PKCS1_SHA256;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use rustls_pki_types::PrivatePkcs8KeyDer;
use rustls_pki_types::pem::PemObject;
use wechatpay_apiv3::runtime::verify::{SignatureHeaders, verify};
use wechatpay_apiv3::runtime::{
    ApiV3Key, HeaderSource, KeyRing, VerifyingKey, WechatPayPublicKey, open_notification,
};

/// The local clock of every target; genuine messages are signed at this time.
pub const NOW: i64 = 1_750_000_000;
/// The serial the test WeChat Pay key is configured under.
pub const SERIAL: &str = "PUB_KEY_ID_0119000000012024000000000000000001";
/// The APIv3 key notifications are encrypted with.
pub const API_V3_KEY: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUV";
/// The decrypted resource of the genuine notification.
pub const RESOURCE: &str =
    r#"{"mchid":"1900000100","out_trade_no":"20150806125346","refund_status":"SUCCESS"}"#;

const WECHATPAY_PRIVATE: &[u8] = include_bytes!("../../src/testkit/keys/wechatpay_private.pem");
const WECHATPAY_PUBLIC: &[u8] = include_bytes!("../../src/testkit/keys/wechatpay_public.pem");
const ANSWER: &str = r#"{"recharge_id":"172207846292553701","out_recharge_no":"cz202407181234"}"#;

/// A ring holding only the test WeChat Pay public key.
pub fn key_ring() -> &'static KeyRing {
    static RING: LazyLock<KeyRing> = LazyLock::new(|| {
        let key = WechatPayPublicKey::from_pem(SERIAL, WECHATPAY_PUBLIC).expect("test key");
        let ring = KeyRing::new();
        ring.insert(VerifyingKey::from(&key));
        ring
    });
    &RING
}

/// The APIv3 key as the runtime holds it.
pub fn api_v3_key() -> &'static ApiV3Key {
    static KEY: LazyLock<ApiV3Key> = LazyLock::new(|| ApiV3Key::new(API_V3_KEY).expect("32 bytes"));
    &KEY
}

/// Headers and exact body bytes of an answer or a notification.
#[derive(Debug, Clone, Arbitrary)]
pub struct Signed {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Signed {
    /// `body` signed now by the test WeChat Pay key, as WeChat Pay sends it.
    fn sign(body: Vec<u8>) -> Signed {
        static SIGNER: LazyLock<KeyPair> = LazyLock::new(|| {
            let der = PrivatePkcs8KeyDer::from_pem_slice(WECHATPAY_PRIVATE).expect("PKCS#8 PEM");
            KeyPair::from_pkcs8(der.secret_pkcs8_der()).expect("RSA key")
        });
        let nonce = "5K8264ILTKCH16CQ2502SI8ZNMTM67VS";
        let mut message = format!("{NOW}\n{nonce}\n").into_bytes();
        message.extend_from_slice(&body);
        message.push(b'\n');
        let mut signature = vec![0; SIGNER.public_modulus_len()];
        SIGNER
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                &message,
                &mut signature,
            )
            .expect("sign");
        let headers = [
            ("Wechatpay-Timestamp", NOW.to_string()),
            ("Wechatpay-Nonce", nonce.to_owned()),
            ("Wechatpay-Signature", BASE64.encode(signature)),
            ("Wechatpay-Serial", SERIAL.to_owned()),
            ("Request-ID", "08F78BB5AF0610D302839DC9".to_owned()),
        ];
        let headers = headers
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect();
        Signed { headers, body }
    }

    /// The value of header `name`, matched case-insensitively, as the runtime reads it.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.as_slice().header(name)
    }

    /// The four headers verification reads.
    pub fn signature_headers(&self) -> SignatureHeaders<'_> {
        SignatureHeaders {
            timestamp: self.header("Wechatpay-Timestamp"),
            nonce: self.header("Wechatpay-Nonce"),
            signature: self.header("Wechatpay-Signature"),
            serial: self.header("Wechatpay-Serial"),
        }
    }

    /// Whether this carries exactly what `genuine` was signed over, under the same serial (the
    /// signature's text may differ only in what verification trims).
    pub fn signs_same_as(&self, genuine: &Signed) -> bool {
        let same = |name| self.header(name) == genuine.header(name);
        same("Wechatpay-Timestamp")
            && same("Wechatpay-Nonce")
            && same("Wechatpay-Serial")
            && self.body == genuine.body
    }

    /// Applies `mutation`; parts are numbered headers first, then the body.
    pub fn mutate(&mut self, mutation: &Mutation) {
        match mutation {
            Mutation::Flip { part, index, mask } => self.edit(*part, |bytes| {
                if !bytes.is_empty() {
                    let index = index % bytes.len();
                    bytes[index] ^= (*mask).max(1);
                }
            }),
            Mutation::Replace { part, value } => self.edit(*part, |bytes| *bytes = value.clone()),
            Mutation::Truncate { part, length } => {
                self.edit(*part, |bytes| bytes.truncate(*length))
            }
            Mutation::Prepend { name, value } => {
                self.headers.insert(0, (name.clone(), value.clone()));
            }
        }
    }

    /// Edits the bytes of one part; an edited header value that is no longer UTF-8 is kept as it
    /// was (header values reach the runtime as text).
    fn edit(&mut self, part: u8, edit: impl FnOnce(&mut Vec<u8>)) {
        let part = usize::from(part) % (self.headers.len() + 1);
        match self.headers.get_mut(part) {
            Some((_, value)) => {
                let mut bytes = value.clone().into_bytes();
                edit(&mut bytes);
                if let Ok(text) = String::from_utf8(bytes) {
                    *value = text;
                }
            }
            None => edit(&mut self.body),
        }
    }
}

/// One way to spoil a genuine message.
#[derive(Debug, Clone, Arbitrary)]
pub enum Mutation {
    /// Flips bits (at least one) of one byte of a header value or of the body.
    Flip { part: u8, index: usize, mask: u8 },
    /// Replaces a header value or the body.
    Replace { part: u8, value: Vec<u8> },
    /// Cuts a header value or the body short.
    Truncate { part: u8, length: usize },
    /// Adds a header in front, where it wins the look-up.
    Prepend { name: String, value: String },
}

/// A genuine signed answer to a query.
pub fn genuine_answer() -> &'static Signed {
    static ANSWER_SIGNED: LazyLock<Signed> = LazyLock::new(|| {
        let answer = Signed::sign(ANSWER.as_bytes().to_vec());
        let verified = verify(&answer.signature_headers(), &answer.body, NOW, key_ring());
        assert_eq!(verified, Ok(()), "the genuine answer verifies");
        answer
    });
    &ANSWER_SIGNED
}

/// A genuine notification: [`RESOURCE`] encrypted with [`API_V3_KEY`], the whole body signed.
pub fn genuine_notification() -> &'static Signed {
    static NOTIFICATION: LazyLock<Signed> = LazyLock::new(|| {
        let nonce = *b"fdasflkja484";
        let key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, API_V3_KEY).expect("key"));
        let mut data = RESOURCE.as_bytes().to_vec();
        key.seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from("transaction"),
            &mut data,
        )
        .expect("seal");
        let body = serde_json::json!({
            "id": "EV-2018022511223320873",
            "create_time": "2015-05-20T13:29:35+08:00",
            "resource_type": "encrypt-resource",
            "event_type": "REFUND.SUCCESS",
            "summary": "退款成功",
            "resource": {
                "original_type": "refund",
                "algorithm": "AEAD_AES_256_GCM",
                "ciphertext": BASE64.encode(data),
                "associated_data": "transaction",
                "nonce": "fdasflkja484"
            }
        });
        let notification = Signed::sign(body.to_string().into_bytes());
        let opened = open_notification(
            key_ring(),
            Some(api_v3_key()),
            NOW,
            notification.headers.as_slice(),
            &notification.body,
        );
        assert!(opened.is_ok(), "the genuine notification opens: {opened:?}");
        notification
    });
    &NOTIFICATION
}

/// Checks that `encoded` holds only unreserved characters and `%XX` escapes, and decodes back
/// to `original`.
pub fn assert_encodes(original: &str, encoded: &str) {
    let bytes = encoded.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            let escape = bytes.get(at + 1..at + 3);
            assert!(
                escape.is_some_and(|hex| hex.iter().all(|b| b.is_ascii_hexdigit())),
                "a bare % in {encoded:?}"
            );
            at += 3;
        } else {
            assert!(
                bytes[at].is_ascii_alphanumeric() || b"-._~".contains(&bytes[at]),
                "{:?} left unencoded in {encoded:?}",
                bytes[at] as char
            );
            at += 1;
        }
    }
    let decoded = percent_encoding::percent_decode_str(encoded).decode_utf8();
    assert_eq!(decoded.as_deref(), Ok(original), "{encoded:?}");
}
