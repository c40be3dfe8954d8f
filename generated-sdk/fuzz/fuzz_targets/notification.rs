//! Any headers and body, or the genuine notification spoiled one way: never a panic, and only
//! exactly what WeChat Pay signed is accepted and decrypted.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use wechatpay_apiv3::runtime::open_notification;
use wechatpay_apiv3_fuzz::{
    Mutation, NOW, RESOURCE, Signed, api_v3_key, genuine_notification, key_ring,
};

#[derive(Debug, Arbitrary)]
enum Input {
    Anything(Signed),
    Spoiled(Mutation),
}

fuzz_target!(|input: Input| {
    let genuine = genuine_notification();
    let notification = match input {
        Input::Anything(notification) => notification,
        Input::Spoiled(mutation) => {
            let mut notification = genuine.clone();
            notification.mutate(&mutation);
            notification
        }
    };
    let opened = open_notification(
        key_ring(),
        Some(api_v3_key()),
        NOW,
        notification.headers.as_slice(),
        &notification.body,
    );
    if let Ok((_, _, plaintext)) = opened {
        assert!(
            notification.signs_same_as(genuine),
            "accepted a forgery: {notification:?}"
        );
        assert_eq!(plaintext, RESOURCE.as_bytes());
    }
});
