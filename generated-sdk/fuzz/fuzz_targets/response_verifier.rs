//! Any status, headers and body, or the genuine signed answer spoiled one way, through
//! verification and decoding as the client does them: never a panic, never a forgery accepted.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use wechatpay_apiv3::runtime::verify::verify;
use wechatpay_apiv3::runtime::{ApiResponse, decode_json};
use wechatpay_apiv3_fuzz::{Mutation, NOW, Signed, genuine_answer, key_ring};

#[derive(Debug, Arbitrary)]
enum Input {
    Anything { status: u16, answer: Signed },
    Spoiled { status: u16, mutation: Mutation },
}

fuzz_target!(|input: Input| {
    let genuine = genuine_answer();
    let (status, answer) = match input {
        Input::Anything { status, answer } => (status, answer),
        Input::Spoiled { status, mutation } => {
            let mut answer = genuine.clone();
            answer.mutate(&mutation);
            (status, answer)
        }
    };
    // Only 2xx answers are verified (error answers carry no signature), and before decoding.
    if (200..300).contains(&status) {
        let verified = verify(&answer.signature_headers(), &answer.body, NOW, key_ring());
        assert!(
            verified.is_err() || answer.signs_same_as(genuine),
            "accepted a forgery: {answer:?}"
        );
        if verified.is_err() {
            return;
        }
    }
    let response = ApiResponse {
        status,
        request_id: answer.header("Request-ID").map(str::to_owned),
        body: answer.body,
    };
    let _ = decode_json::<serde_json::Value>(response);
});
