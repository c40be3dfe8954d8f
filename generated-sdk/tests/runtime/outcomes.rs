//! An operation documenting more than one success status (`POST /v3/webhooks`: 200 with a body,
//! 204 without) answers an enum saying which arrived, through the real client and the sandbox.

#![cfg(feature = "common")]

use wechatpay_apiv3::Error;
use wechatpay_apiv3::Services;
use wechatpay_apiv3::api::common::{
    EventType, NotifyWebhookOutcome, NotifyWebhookRequest, Resource, operations, required,
};
use wechatpay_apiv3::runtime::DateTime;
use wechatpay_apiv3::testkit::{Answer, Fault, Sandbox};

fn request() -> NotifyWebhookRequest {
    let create_time =
        DateTime::parse_from_rfc3339("2026-12-03T10:00:00+08:00").expect("an RFC 3339 time");
    NotifyWebhookRequest::new(required::NotifyWebhookRequest {
        id: "EV-2018022511223320873",
        create_time,
        event_type: EventType::TransactionSuccess,
        resource_type: "encrypt-resource",
        resource: Resource::new(required::Resource {
            algorithm: "AEAD_AES_256_GCM",
            nonce: "fdasflkja484w",
            ciphertext: "sadsadsadsad",
        }),
    })
}

#[tokio::test]
async fn a_200_answer_is_the_ok_variant_with_its_body() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let client = sandbox.client().expect("client");
    let outcome = client
        .common()
        .notify_webhook(&request())
        .await
        .expect("the sandbox answers its documented 200");
    assert_eq!(outcome.status(), 200);
    let NotifyWebhookOutcome::Ok(body) = outcome else {
        panic!("expected the 200 body, got {outcome:?}");
    };
    assert!(!body.code.is_empty(), "the 200 body decoded: {body:?}");
}

#[tokio::test]
async fn a_204_answer_is_the_no_content_variant() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    sandbox.inject(
        &operations::NOTIFY_WEBHOOK,
        Fault::Respond(Answer::no_content()),
        1,
    );
    let client = sandbox.client().expect("client");
    let outcome = client
        .common()
        .notify_webhook(&request())
        .await
        .expect("a signed 204 is a documented success");
    assert_eq!(outcome, NotifyWebhookOutcome::NoContent);
    assert_eq!(outcome.status(), 204);
}

#[tokio::test]
async fn an_error_status_is_still_an_api_error() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    sandbox.inject(
        &operations::NOTIFY_WEBHOOK,
        Fault::Respond(Answer::error(403, "NO_AUTH", "商户无权限")),
        1,
    );
    let client = sandbox.client().expect("client");
    let error = client
        .common()
        .notify_webhook(&request())
        .await
        .expect_err("403 is not a success");
    let Error::Api(api) = error else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!((api.status, api.code.as_str()), (403, "NO_AUTH"));
}
