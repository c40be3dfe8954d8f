//! File downloads through the real client: streamed into a writer, the signature checked over
//! the announced digest, and the digest of what arrived compared at the end.

use wechatpay_apiv3::Error;
use wechatpay_apiv3::runtime::{
    ApiRequest, DownloadCheck, DownloadIntegrity, Method, OperationInfo,
};

use wechatpay_apiv3::testkit::Fault;

use std::time::Duration;

use crate::support::{
    FAST, FakeWechatPay, client_builder, file_answer, recharge_handler, respond, sha1_hex,
};

static BILL: OperationInfo = OperationInfo {
    service: "test",
    id: "test_download",
    method: Method::Get,
    path: "/v3/bills",
    retry_safe: true,
    main_host: "https://apihk.mch.weixin.qq.com",
    backup_host: None,
};

/// The global statements' check: a signed digest header.
fn check() -> DownloadCheck {
    DownloadCheck {
        integrity: DownloadIntegrity::SignedDigest {
            digest_header: "Wechatpay-Statement-Sha1",
            signed_body: r#"{"sha1":"{digest}"}"#,
        },
        gzip: false,
        gzip_file: false,
    }
}

fn request() -> ApiRequest {
    ApiRequest {
        operation: &BILL,
        path_and_query: "/v3/bills?date=20180130".to_owned(),
        body: None,
        wechatpay_serial: None,
        upload: None,
    }
}

fn statement() -> Vec<u8> {
    let mut content = "交易时间,公众账号ID,商户号,微信订单号,商户订单号
"
    .as_bytes()
    .to_vec();
    for row in 0..5000 {
        content.extend_from_slice(
            format!(
                "`2018-01-30 10:00:{:02},`wx1,`1900000109,`42000{row:010},`order{row}\n",
                row % 60
            )
            .as_bytes(),
        );
    }
    content
}

#[tokio::test]
async fn a_statement_streams_and_its_digest_is_checked() {
    let server = FakeWechatPay::start(recharge_handler).await;
    let content = statement();
    server.script([file_answer(content.clone(), sha1_hex(&content), false)]);
    let client = client_builder(&server.url())
        .max_body_bytes(1024)
        .build()
        .expect("client");
    let mut file = Vec::new();
    let downloaded = client
        .download_file(&request(), check(), &mut file)
        .await
        .expect("a good download");
    assert_eq!(
        file, content,
        "every byte, although larger than the JSON body limit: streamed, not buffered"
    );
    assert_eq!(downloaded.bytes, content.len() as u64);
    assert_eq!(downloaded.sha1, sha1_hex(&content));
    assert!(server.received()[0].signature_valid);
}

#[tokio::test]
async fn a_wrong_digest_fails_at_the_end() {
    let server = FakeWechatPay::start(recharge_handler).await;
    let content = statement();
    server.script([file_answer(content, "0".repeat(40), false)]);
    let client = client_builder(&server.url()).build().expect("client");
    let mut file = Vec::new();
    let error = client
        .download_file(&request(), check(), &mut file)
        .await
        .expect_err("digest mismatch");
    assert!(
        matches!(&error, Error::Verification { reason, .. } if reason.contains("does not match Wechatpay-Statement-Sha1")),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_forged_download_signature_is_refused_before_any_byte_is_written() {
    let server = FakeWechatPay::start(|_: &crate::support::Received| (200, "x".to_owned())).await;
    server.script([Fault::BadSignature]);
    let client = client_builder(&server.url()).build().expect("client");
    let mut file = Vec::new();
    let error = client
        .download_file(&request(), check(), &mut file)
        .await
        .expect_err("refused");
    assert!(matches!(error, Error::Verification { .. }), "{error:?}");
    assert!(file.is_empty());
}

#[tokio::test]
async fn an_error_answer_to_a_download_is_an_api_error() {
    let server = FakeWechatPay::start(recharge_handler).await;
    server.script([respond(
        400,
        r#"{"code":"PARAM_ERROR","message":"日期不能超过180天"}"#.to_owned(),
    )]);
    let client = client_builder(&server.url()).build().expect("client");
    let error = client
        .download_file(&request(), check(), &mut Vec::new())
        .await
        .expect_err("400");
    assert!(
        matches!(&error, Error::Api(api) if api.status == 400 && api.message == "日期不能超过180天"),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_gzip_statement_is_decoded_while_streaming_and_its_digest_checked() {
    use std::io::Write;
    let server = FakeWechatPay::start(recharge_handler).await;
    let content = statement();
    // The sandbox compresses; the statement shrinks well, so decoding is really exercised.
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(&content).expect("compress");
    assert!(encoder.finish().expect("compress").len() < content.len() / 4);
    server.script([file_answer(content.clone(), sha1_hex(&content), true)]);
    let client = client_builder(&server.url()).build().expect("client");
    let check = DownloadCheck {
        gzip: true,
        ..check()
    };
    let mut file = Vec::new();
    let downloaded = client
        .download_file(&request(), check, &mut file)
        .await
        .expect("decoded");
    assert_eq!(file, content, "the caller gets the decoded file");
    assert_eq!(downloaded.bytes, content.len() as u64);
}

fn too_large(error: &Error) -> bool {
    matches!(
        error,
        Error::Transport {
            kind: wechatpay_apiv3::runtime::TransportErrorKind::TooLarge,
            ..
        }
    )
}

/// A gzip answer to an operation that does not ask for gzip is refused, not decoded.
#[tokio::test]
async fn gzip_is_decoded_only_when_the_operation_asks_for_it() {
    let server = FakeWechatPay::start(recharge_handler).await;
    let content = statement();
    server.script([file_answer(content.clone(), sha1_hex(&content), true)]);
    let client = client_builder(&server.url()).build().expect("client");
    let mut file = Vec::new();
    let error = client
        .download_file(&request(), check(), &mut file)
        .await
        .expect_err("not asked for");
    assert!(too_large(&error), "{error:?}");
    assert!(file.is_empty());
}

/// A file over the configured cap stops there.
#[tokio::test]
async fn a_download_over_its_cap_is_stopped() {
    let server = FakeWechatPay::start(recharge_handler).await;
    let content = statement();
    server.script([file_answer(content.clone(), sha1_hex(&content), false)]);
    let client = client_builder(&server.url())
        .max_download_bytes(64)
        .build()
        .expect("client");
    let mut file = Vec::new();
    let error = client
        .download_file(&request(), check(), &mut file)
        .await
        .expect_err("over the cap");
    assert!(too_large(&error), "{error:?}");
    assert!(file.len() <= 64, "{}", file.len());
}

/// A gzip bomb (here 16 MiB of zeros, about 16 KiB on the wire) is refused by the expansion
/// bound long before it is written out.
#[tokio::test]
async fn a_gzip_bomb_is_refused() {
    let server = FakeWechatPay::start(recharge_handler).await;
    let content = vec![0u8; 16 * 1024 * 1024];
    server.script([file_answer(content.clone(), sha1_hex(&content), true)]);
    let client = client_builder(&server.url()).build().expect("client");
    let check = DownloadCheck {
        gzip: true,
        ..check()
    };
    let mut file = Vec::new();
    let error = client
        .download_file(&request(), check, &mut file)
        .await
        .expect_err("a bomb");
    assert!(too_large(&error), "{error:?}");
    assert!(file.len() < 4 * 1024 * 1024, "{}", file.len());
}

/// Serves one signed statement download on a raw socket: the headers, then `pieces` of the
/// file with `pause` before each, so the test controls how the body arrives.
async fn trickling_server(pieces: Vec<Vec<u8>>, pause: std::time::Duration) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let content: Vec<u8> = pieces.concat();
    let digest = sha1_hex(&content);
    let signed = format!(r#"{{"sha1":"{digest}"}}"#);
    let timestamp = crate::support::now();
    let signature = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        crate::support::sign_answer(
            crate::support::WECHATPAY_PRIVATE,
            timestamp,
            "trickle",
            signed.as_bytes(),
        ),
    );
    tokio::spawn(async move {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        let mut buffer = [0u8; 8192];
        let _ = socket.read(&mut buffer).await;
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\
             Wechatpay-Statement-Sha1: {digest}\r\nWechatpay-Timestamp: {timestamp}\r\n\
             Wechatpay-Nonce: trickle\r\nWechatpay-Signature: {signature}\r\n\
             Wechatpay-Serial: {}\r\nRequest-ID: trickle-1\r\n\r\n",
            content.len(),
            crate::support::PUBLIC_KEY_ID
        );
        let _ = socket.write_all(head.as_bytes()).await;
        for piece in pieces {
            tokio::time::sleep(pause).await;
            if socket.write_all(&piece).await.is_err() {
                return;
            }
            let _ = socket.flush().await;
        }
    });
    url
}

/// A long statement that keeps arriving is not cut off by the per-attempt timeout; a stalled
/// one fails once nothing arrives for that long.
#[tokio::test]
async fn a_download_is_bounded_by_its_idle_time_not_its_total_time() {
    let pieces: Vec<Vec<u8>> = (0..5).map(|i| format!("row {i}\n").into_bytes()).collect();
    let steady = trickling_server(pieces.clone(), Duration::from_millis(300)).await;
    let client = client_builder(&steady)
        .timeout(Duration::from_secs(1))
        .retry_policy(FAST)
        .build()
        .expect("client");
    let mut file = Vec::new();
    client
        .download_file(&request(), check(), &mut file)
        .await
        .expect("1.5 s in all, never 1 s without a byte");
    assert_eq!(file, pieces.concat());

    let stalled = trickling_server(pieces, Duration::from_millis(2500)).await;
    let client = client_builder(&stalled)
        .timeout(Duration::from_secs(1))
        .retry_policy(FAST)
        .build()
        .expect("client");
    let error = client
        .download_file(&request(), check(), &mut Vec::new())
        .await
        .expect_err("stalled");
    assert!(
        matches!(
            &error,
            Error::Transport {
                kind: wechatpay_apiv3::runtime::TransportErrorKind::Timeout,
                ..
            }
        ),
        "{error:?}"
    );
}

/// 下载账单 as a downstream team calls it: 申请交易账单 announces the file's URL and SHA-1, the
/// request is read from the URL, and the unsigned file is checked against the SHA-1.
mod bills {
    use wechatpay_apiv3::Error;
    use wechatpay_apiv3::Services;
    use wechatpay_apiv3::api::bill::operations::{APPLY_TRADE_BILL, DOWNLOAD_BILL_FILE};
    use wechatpay_apiv3::api::bill::{
        ApplyTradeBillRequest, DownloadBillFileRequest, QueryBillEntity, TarType,
    };
    use wechatpay_apiv3::runtime::Client;
    use wechatpay_apiv3::testkit::{Answer, Sandbox, sha1_hex};

    /// A sandbox whose 申请交易账单 answers a URL on itself and the SHA-1 of `announced`, and
    /// whose 下载账单 serves `content`.
    async fn sandbox(content: &[u8], announced: &[u8]) -> Sandbox {
        let sandbox = Sandbox::start().await.expect("the sandbox starts");
        let application = serde_json::json!({
            "hash_type": "SHA1",
            "hash_value": sha1_hex(announced),
            "download_url": format!("{}/v3/billdownload/file?token=6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA_Cv_isgaUtBzp4QtiozLO", sandbox.url()),
        });
        sandbox.answer(&APPLY_TRADE_BILL, Answer::ok(application.to_string()));
        sandbox.answer(
            &DOWNLOAD_BILL_FILE,
            Answer::File {
                content: content.to_vec(),
                announced: None,
                gzip: false,
            },
        );
        sandbox
    }

    /// 申请交易账单 for 2026-12-01 (with `tar_type`, when given), and the download request read
    /// from the URL it answers; its `hash_value` is the SHA-1 to check.
    async fn apply(
        client: &Client,
        tar_type: Option<TarType>,
    ) -> (QueryBillEntity, DownloadBillFileRequest) {
        let mut application = ApplyTradeBillRequest::new("2026-12-01");
        application.tar_type = tar_type;
        let bill = client
            .bill()
            .apply_trade_bill(&application)
            .await
            .expect("the application");
        let request =
            DownloadBillFileRequest::from_download_url(&bill.download_url).expect("the URL");
        (bill, request)
    }

    #[tokio::test]
    async fn a_trade_bill_is_checked_against_the_sha1_its_application_announced() {
        let content = super::statement();
        let sandbox = sandbox(&content, &content).await;
        let client = sandbox.client().expect("client");
        let (bill, request) = apply(&client, None).await;
        assert_eq!(
            request.token,
            "6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA_Cv_isgaUtBzp4QtiozLO"
        );
        assert_eq!(request.tartype, None);
        let mut file = Vec::new();
        let downloaded = client
            .bill()
            .download_bill_file(&request, &bill.hash_value, &mut file)
            .await
            .expect("an unsigned file whose SHA-1 matches");
        assert_eq!(file, content);
        assert_eq!(downloaded.sha1, sha1_hex(&content));
        let recorded = sandbox.requests_to(&DOWNLOAD_BILL_FILE);
        assert_eq!(recorded.len(), 1);
        assert!(
            recorded[0].signature_valid,
            "the request is signed all the same"
        );
        assert!(
            recorded[0].path_and_query.ends_with(
                "?token=6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA_Cv_isgaUtBzp4QtiozLO"
            ),
            "{}",
            recorded[0].path_and_query
        );
    }

    #[tokio::test]
    async fn a_bill_with_another_sha1_than_announced_fails() {
        let content = super::statement();
        let sandbox = sandbox(&content, b"another file").await;
        let client = sandbox.client().expect("client");
        let (bill, request) = apply(&client, None).await;
        let error = client
            .bill()
            .download_bill_file(&request, &bill.hash_value, &mut Vec::new())
            .await
            .expect_err("the SHA-1 differs");
        let Error::Verification { reason, .. } = &error else {
            panic!("expected a verification failure, got {error:?}");
        };
        assert!(
            reason.contains(&sha1_hex(&content))
                && reason.contains(&format!(
                    "the announced SHA-1 {}",
                    sha1_hex(b"another file")
                )),
            "{reason}"
        );
    }

    #[tokio::test]
    async fn a_gzip_bill_is_decoded_on_the_way_and_its_sha1_is_of_the_decoded_file() {
        let content = super::statement();
        let sandbox = sandbox(&content, &content).await;
        let client = sandbox.client().expect("client");
        let (bill, mut request) = apply(&client, Some(TarType::Gzip)).await;
        request.tartype = Some("GZIP".to_owned());
        let mut file = Vec::new();
        let downloaded = client
            .bill()
            .download_bill_file(&request, &bill.hash_value, &mut file)
            .await
            .expect("a gzip archive, decoded");
        assert_eq!(file, content);
        assert_eq!(downloaded.bytes, content.len() as u64);
        let recorded = sandbox.requests_to(&DOWNLOAD_BILL_FILE);
        assert!(recorded[0].path_and_query.contains("tartype=GZIP"));
    }

    #[tokio::test]
    async fn the_sandbox_announces_a_bill_on_itself_that_downloads_and_checks_out() {
        let sandbox = Sandbox::start().await.expect("the sandbox starts");
        let client = sandbox.client().expect("client");
        let (bill, mut request) = apply(&client, None).await;
        assert!(
            bill.download_url
                .starts_with(&format!("{}/v3/billdownload/file?token=", sandbox.url())),
            "{}",
            bill.download_url
        );
        let mut plain = Vec::new();
        client
            .bill()
            .download_bill_file(&request, &bill.hash_value, &mut plain)
            .await
            .expect("the file the sandbox announced");
        assert!(!plain.is_empty());
        assert_eq!(sha1_hex(&plain), bill.hash_value);
        request.tartype = Some("GZIP".to_owned());
        let mut decoded = Vec::new();
        client
            .bill()
            .download_bill_file(&request, &bill.hash_value, &mut decoded)
            .await
            .expect("the same file as a gzip archive");
        assert_eq!(decoded, plain);
    }

    #[tokio::test]
    async fn a_download_url_of_another_operation_is_refused_naming_it() {
        let error = DownloadBillFileRequest::from_download_url(
            "https://api.mch.weixin.qq.com/v3/bill/downloadurl?token=xxx",
        )
        .expect_err("another path");
        let Error::Validation(validation) = &error else {
            panic!("expected a validation error, got {error:?}");
        };
        assert_eq!(validation.field, "download_url");
        assert!(
            validation.rule.contains("/v3/billdownload/file"),
            "{}",
            validation.rule
        );
        let error = DownloadBillFileRequest::from_download_url(
            "https://api.mch.weixin.qq.com/v3/billdownload/file",
        )
        .expect_err("no token");
        assert!(matches!(error, Error::Validation(_)), "{error:?}");
    }
}
