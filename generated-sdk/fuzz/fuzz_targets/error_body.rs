//! Any status and body through the decoders: never a panic; `Error::Api` only for a non-2xx
//! answer whose body is a JSON object with a string `code`, and that code kept.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use wechatpay_apiv3::Error;
use wechatpay_apiv3::runtime::{ApiResponse, decode_empty, decode_json};

#[derive(Debug, Arbitrary)]
struct Input {
    status: u16,
    body: Vec<u8>,
}

fuzz_target!(|input: Input| {
    let response = ApiResponse {
        status: input.status,
        request_id: None,
        body: input.body.clone(),
    };
    let success = (200..300).contains(&input.status);
    let json = serde_json::from_slice::<serde_json::Value>(&input.body);

    let decoded = decode_json::<serde_json::Value>(response.clone());
    assert_eq!(decoded.is_ok(), success && json.is_ok());
    check_error(&input, decoded.err());
    let empty = decode_empty(response);
    assert_eq!(empty.is_ok(), success);
    check_error(&input, empty.err());
});

fn check_error(input: &Input, error: Option<Error>) {
    if let Some(Error::Api(api)) = error {
        let json: serde_json::Value = serde_json::from_slice(&input.body).expect("JSON");
        assert_eq!(json["code"].as_str(), Some(api.code.as_str()));
        assert_eq!(api.status, input.status);
        assert!(!(200..300).contains(&input.status));
    }
}
