//! The RSA one call cannot avoid, for the benchmarks to set the client's time beside.

use wechatpay_apiv3::runtime::sign::{SigningInput, answer_message, request_message};
use wechatpay_apiv3::runtime::{MerchantKey, WechatPayPublicKey};
use wechatpay_apiv3::testkit::keys;

/// Sign a request-sized message and verify an answer-sized one: the RSA floor of one call.
pub struct RsaFloor {
    merchant_key: MerchantKey,
    wechatpay_key: WechatPayPublicKey,
    request: Vec<u8>,
    answer: Vec<u8>,
    answer_signature: Vec<u8>,
}

impl RsaFloor {
    pub fn new() -> Self {
        let request = request_message(&SigningInput {
            method: "GET",
            path_and_query: "/v3/platsolution/ecommerce/recharges/out-recharge-no/cz202407181234?sub_mchid=1900102208",
            timestamp: 1554208460,
            nonce: "593BEC0C930BF1AFEB40B4A08C8FB242",
            body: b"",
        });
        let answer = answer_message(
            "1554208460",
            "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
            super::replay::DEPOSIT_ANSWER.as_bytes(),
        );
        let platform =
            MerchantKey::from_pem(keys::WECHATPAY_PRIVATE_KEY).expect("the test WeChat Pay key");
        RsaFloor {
            merchant_key: MerchantKey::from_pem(keys::MERCHANT_PRIVATE_KEY)
                .expect("the test merchant key"),
            wechatpay_key: WechatPayPublicKey::from_pem(
                keys::PUBLIC_KEY_ID,
                keys::WECHATPAY_PUBLIC_KEY,
            )
            .expect("public key"),
            answer_signature: platform.sign(&answer).expect("sign"),
            request,
            answer,
        }
    }

    pub fn run(&self) {
        let signature = self.merchant_key.sign(&self.request).expect("sign");
        assert!(
            self.wechatpay_key
                .verify(&self.answer, &self.answer_signature)
        );
        std::hint::black_box(signature);
    }
}
