//! Known-answer tests: with a fixed key, timestamp and nonce the signature equals the one
//! `openssl dgst -sha256 -sign src/testkit/keys/merchant_pkcs8.pem | base64` gives for the same message.

use wechatpay_apiv3::Error;
use wechatpay_apiv3::api::platsolution::required;
use wechatpay_apiv3::api::platsolution::{CloseRechargeRequest, PlatsolutionClient};
use wechatpay_apiv3::runtime::sign::{SigningInput, authorization, request_message};
use wechatpay_apiv3::runtime::{ApiRequest, ApiResponse, MerchantKey, Transport};

use crate::support::{MCHID, MERCHANT_KEY_PKCS1, MERCHANT_KEY_PKCS8, SERIAL_NO};

const TIMESTAMP: i64 = 1554208460;
const NONCE: &str = "593BEC0C930BF1AFEB40B4A08C8FB242";

fn signature_of(key: &[u8], method: &str, path_and_query: &str, body: &[u8]) -> String {
    let key = MerchantKey::from_pem(key).expect("the test key loads");
    let input = SigningInput {
        method,
        path_and_query,
        timestamp: TIMESTAMP,
        nonce: NONCE,
        body,
    };
    let header = authorization(&key, MCHID, SERIAL_NO, &input).expect("signs");
    let prefix = format!(
        "WECHATPAY2-SHA256-RSA2048 mchid=\"{MCHID}\",nonce_str=\"{NONCE}\",timestamp=\"{TIMESTAMP}\",serial_no=\"{SERIAL_NO}\",signature=\""
    );
    let signature = header
        .strip_prefix(&prefix)
        .expect("the documented header layout");
    signature
        .strip_suffix('"')
        .expect("closing quote")
        .to_owned()
}

// printf 'GET\n/v3/…/out-recharge-no/cz202407181234?sub_mchid=1900102208\n1554208460\n593B…B242\n\n'
//   | openssl dgst -sha256 -sign src/testkit/keys/merchant_pkcs8.pem | base64 -w0
const GET_SIGNATURE: &str = "zLZaMkx60gxXB/8LLkB1S52xoKAfc/pG/NSpel0COUjVI8pZLDPJ+H42ZxOd+ZndwWGYG4UkBM3IvD/eHFc1QiuFS3GtI5mK1aZ8peWv+V0w2baPN51t588KHeRw1ZkCK2+6SVR0K1O89PRUp18eVvBNNc630b+TVELTdDmO8qFnZzQdnU7BSgnUfa6boguhzV7etcG5awa/hyA2WF1jBiImtqRYworr8GD3BT5mye8vkSAFD7Jo6VNk+bqCR1c9NJAUcuPF2wI54Fcx352Oq8TtKKp/4XK5IhKtnCdMPcci7sB4KcYylOBpXewu6I6+pJeVDpaXnL9klulFG57xIA==";
// The same for POST /v3/platsolution/ecommerce/recharges/apply with a UTF-8 (Chinese) body.
const POST_SIGNATURE: &str = "oP54MUTIzeIqvz5Pwx6lQImq3jVA0Qg6hHww++whQKwSZOlyYZwBcVb9EMB4rwHGNMNwv4N6HBtC3SH5knWLmtp7pO5jOFu4OYmidpx1rzmc6pyqZWNVajI/flKzsABC1H5HZeuTrDSReZnIk839LpMsbUHZM38tUdsg7l2MYxSv1NA2WzHfTXl7pxxk2/IU8Wl5sXZm3K8Q/X7/Kg0k/0b1/KaQd+mP7H+StTc0DpH91toqjIM/o7NQ1ixnwlZLS2eq684VUW9UKRZKhmAuiZgRNL58+6vWUcTZfkPOCYsAv+fnj6z1LEzYi9BTU8kAj73FlvxhSVOW7/GrddylUg==";
// The same for POST …/out-recharge-no/cz%20%E4%B8%AD%2F1/close?sub_mchid=1900102208, no body.
const PATH_SIGNATURE: &str = "hS52bmiWAJJNRoY8oRYSKrwsXhfmIWXi0BABK1BL0+mY5mZiUiM/YC8mNJ48NpRq1V8zN2ek1zU5EnEpUA1h23r4d+KJHE6qXL0aN79oi3yKS7NTqdDIdPIq39DsvvWUfhBmkWjjTR26wVmS3GWqolAINOetMQhDbcRyybMLTG1Xukv4Cx6U3LVn/JtKgvcQfK4K1CuwtjooI8mWYLL+6QrfWWArII57GDlfXtipQD5dJzoXCQru9dPOJa6dAiAvpxkXtAKT3QzifNW1O+ikFNAIobeR/uY5s4FyIk6tLukiS3WYmIX3Cy8J3PrDTCzdjUIXx9t4xQSqQf0Yd1J+0A==";

#[test]
fn get_with_a_query_matches_openssl() {
    let path =
        "/v3/platsolution/ecommerce/recharges/out-recharge-no/cz202407181234?sub_mchid=1900102208";
    assert_eq!(
        signature_of(MERCHANT_KEY_PKCS8, "GET", path, b""),
        GET_SIGNATURE
    );
}

#[test]
fn post_with_a_chinese_body_matches_openssl() {
    let body = r#"{"sub_mchid":"1900001109","remark":"充值备注"}"#.as_bytes();
    let path = "/v3/platsolution/ecommerce/recharges/apply";
    assert_eq!(
        signature_of(MERCHANT_KEY_PKCS8, "POST", path, body),
        POST_SIGNATURE
    );
}

#[test]
fn pkcs1_and_pkcs8_forms_of_one_key_sign_alike() {
    let body = r#"{"sub_mchid":"1900001109","remark":"充值备注"}"#.as_bytes();
    let path = "/v3/platsolution/ecommerce/recharges/apply";
    assert_eq!(
        signature_of(MERCHANT_KEY_PKCS1, "POST", path, body),
        POST_SIGNATURE
    );
}

/// Captures what the generated operation hands to the transport, and answers nothing.
struct Capture(std::sync::Mutex<Option<ApiRequest>>);

impl Transport for Capture {
    async fn send(&self, request: ApiRequest) -> Result<ApiResponse, Error> {
        *self.0.lock().expect("lock") = Some(request);
        Err(Error::Config {
            reason: "captured, not sent".to_owned(),
        })
    }
}

#[tokio::test]
async fn a_path_parameter_that_needs_encoding_is_signed_as_sent() {
    let capture = Capture(std::sync::Mutex::new(None));
    let request = CloseRechargeRequest::new(required::CloseRechargeRequest {
        out_recharge_no: "cz 中/1",
        sub_mchid: "1900102208",
    });
    let _ = PlatsolutionClient::new(&capture)
        .close_recharge(&request)
        .await;
    let sent = capture
        .0
        .lock()
        .expect("lock")
        .take()
        .expect("the operation sent a request");
    assert_eq!(
        sent.path_and_query,
        "/v3/platsolution/ecommerce/recharges/out-recharge-no/cz%20%E4%B8%AD%2F1/close?sub_mchid=1900102208"
    );
    assert_eq!(
        sent.body, None,
        "close has no body: the signed body line is empty"
    );
    assert_eq!(
        signature_of(MERCHANT_KEY_PKCS8, "POST", &sent.path_and_query, b""),
        PATH_SIGNATURE
    );
}

#[test]
fn the_message_is_method_path_timestamp_nonce_body_each_with_a_newline() {
    let message = request_message(&SigningInput {
        method: "POST",
        path_and_query: "/v3/a",
        timestamp: TIMESTAMP,
        nonce: NONCE,
        body: "{\"a\":\"中\"}".as_bytes(),
    });
    assert_eq!(
        String::from_utf8(message).expect("UTF-8"),
        format!("POST\n/v3/a\n{TIMESTAMP}\n{NONCE}\n{{\"a\":\"中\"}}\n")
    );
}
