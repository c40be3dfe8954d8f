//! Multipart uploads (图片上传, 视频上传) through the real client and the sandbox: the meta is
//! signed and carries the file's SHA-256, the body is real `multipart/form-data`, limits are
//! checked before sending, and the sandbox refuses a wrong digest or a meta signed differently
//! from the one sent, as WeChat Pay does.

#![cfg(feature = "common")]

use wechatpay_apiv3::Error;
use wechatpay_apiv3::Services;
use wechatpay_apiv3::api::common::{UploadImageRequest, UploadVideoRequest, operations};
use wechatpay_apiv3::runtime::sign::{SigningInput, authorization, nonce};
use wechatpay_apiv3::runtime::{ApiRequest, MerchantKey, Transport, UploadFile, prepare_upload};
use wechatpay_apiv3::testkit::{Sandbox, keys};

/// A few bytes that start like a PNG; the sandbox checks digests, not pixels.
fn png() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend((0..2048u32).map(|i| (i % 251) as u8));
    bytes
}

fn sha256_hex(bytes: &[u8]) -> String {
    wechatpay_apiv3::runtime::DigestAlgorithm::Sha256.hex(bytes)
}

#[tokio::test]
async fn an_image_upload_is_signed_over_its_meta_and_accepted() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let client = sandbox.client().expect("client");
    let answer = client
        .common()
        .upload_image(
            &UploadImageRequest::new(),
            UploadFile::new("shop.png", png()),
        )
        .await
        .expect("the sandbox accepts the upload");
    assert!(!answer.media_id.is_empty());

    let recorded = sandbox.requests().pop().expect("recorded");
    assert!(recorded.signature_valid);
    let content_type = recorded.header("content-type").expect("a content type");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect("multipart");
    let body = String::from_utf8_lossy(&recorded.body);
    assert!(body.starts_with(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n")));
    assert!(body.contains("Content-Disposition: form-data; name=\"file\"; filename=\"shop.png\"\r\nContent-Type: image/png\r\n\r\n"));
    assert!(body.ends_with(&format!("--{boundary}--\r\n")));
    let meta = format!(
        "{{\"filename\":\"shop.png\",\"sha256\":\"{}\"}}",
        sha256_hex(&png())
    );
    assert!(body.contains(&meta), "the meta as signed: {meta}");
}

#[tokio::test]
async fn a_video_upload_names_its_type() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let client = sandbox.client().expect("client");
    client
        .common()
        .upload_video(
            &UploadVideoRequest::new(),
            UploadFile::new("intro.MP4", vec![0; 64]),
        )
        .await
        .expect("accepted");
    let recorded = sandbox.requests().pop().expect("recorded");
    let body = String::from_utf8_lossy(&recorded.body);
    assert!(body.contains("filename=\"intro.MP4\"\r\nContent-Type: video/mp4\r\n"));
}

#[tokio::test]
async fn size_and_type_are_checked_before_any_network_io() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let client = sandbox.client().expect("client");
    let too_big = vec![0; 2 * 1024 * 1024 + 1];
    let refusals = [
        UploadFile::new("big.jpg", too_big),
        UploadFile::new("animation.gif", png()),
    ];
    for file in refusals {
        let error = client
            .common()
            .upload_image(&UploadImageRequest::new(), file)
            .await
            .expect_err("refused");
        let Error::Validation(error) = error else {
            panic!("a validation error: {error:?}")
        };
        assert_eq!(error.field, "file");
    }
    assert!(sandbox.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_digest_that_does_not_match_the_file_is_refused() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let client = sandbox.client().expect("client");
    let rules = &operations::uploads::UPLOAD_IMAGE;
    let (_, upload) = prepare_upload(
        &UploadImageRequest::new(),
        UploadFile::new("shop.png", png()),
        rules,
    )
    .expect("an upload");
    // Signed correctly, but announcing the digest of other bytes.
    let meta = format!(
        "{{\"filename\":\"shop.png\",\"sha256\":\"{}\"}}",
        sha256_hex(b"other bytes")
    );
    let request = ApiRequest {
        operation: &operations::UPLOAD_IMAGE,
        path_and_query: "/v3/merchant/media/upload".to_owned(),
        body: Some(meta.into_bytes()),
        upload: Some(upload),
        wechatpay_serial: None,
    };
    let answer = client.send(request).await.expect("an answer");
    assert_eq!(answer.status, 400);
    let body: serde_json::Value = serde_json::from_slice(&answer.body).expect("JSON");
    assert_eq!(body["code"], "PARAM_ERROR");
    assert_eq!(body["detail"]["field"], "sha256");
}

#[tokio::test]
async fn a_meta_signed_differently_from_the_one_sent_is_refused() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let rules = &operations::uploads::UPLOAD_IMAGE;
    let (meta, upload) = prepare_upload(
        &UploadImageRequest::new(),
        UploadFile::new("shop.png", png()),
        rules,
    )
    .expect("an upload");
    // The classic mistake: signing the whole multipart body instead of the meta.
    let boundary = upload.boundary(&meta, "b0undary");
    let body = upload.body(&meta, &boundary);
    let key = MerchantKey::from_pem(keys::MERCHANT_PRIVATE_KEY).expect("key");
    let nonce = nonce().expect("nonce");
    let signing = SigningInput {
        method: "POST",
        path_and_query: "/v3/merchant/media/upload",
        timestamp: chrono::Utc::now().timestamp(),
        nonce: &nonce,
        body: &body,
    };
    let header = authorization(&key, keys::MCHID, keys::SERIAL_NO, &signing).expect("signed");
    let response = reqwest::Client::new()
        .post(format!("{}/v3/merchant/media/upload", sandbox.url()))
        .header("Authorization", header)
        .header("Accept", "application/json")
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status().as_u16(), 401);
    let body = response.bytes().await.expect("a body");
    let answer: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(answer["code"], "SIGN_ERROR");
}
