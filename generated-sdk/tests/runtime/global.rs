//! The global (cross-border) service end to end against the local verifying server: every
//! operation answered with its documented example, a paged walk over 45 refunds, a 204 reverse,
//! a statement download with a good and a bad digest, and the certificate download.

use std::time::Duration;
use wechatpay_apiv3::Services;

use serde_json::{Value, json};
use wechatpay_apiv3::Error;
use wechatpay_apiv3::api::global::required;
use wechatpay_apiv3::api::global::{
    self, CreateRefundDirect, CreateRefundRequest, DownloadCertificatesRequest,
    DownloadStatementDirect, DownloadStatementRequest, ListRefundsDirect, ListRefundsInstitution,
    ListRefundsRequest, ListSettlementsRequest, MicropayAmount, MicropayPayDirect,
    MicropayPayRequest, QueryOrderByIdDirect, QueryOrderByIdRequest,
    QueryOrderByOutTradeNoInstitution, QueryOrderByOutTradeNoRequest, QueryRefundByIdDirect,
    QueryRefundByIdRequest, QueryRefundByOutRefundNoDirect, QueryRefundByOutRefundNoRequest,
    ReverseByIdDirect, ReverseByIdRequest, ReverseByOutTradeNoDirect, ReverseByOutTradeNoRequest,
    SettleState,
};
use wechatpay_apiv3::runtime::{Client, RetryPolicy};

use wechatpay_apiv3::testkit::Fault;

use crate::support::{
    API_V3_KEY, CERTIFICATE, CERTIFICATE_SERIAL, FakeWechatPay, MCHID, MERCHANT_KEY_PKCS8,
    Received, SERIAL_NO, certificate_download, client_builder, file_answer, sha1_hex,
};

const OPENAPI: &str = include_str!("../../openapi.json");

/// Whether `path` (no query) fits the documented `template`, segment by segment.
fn fits(template: &str, path: &str) -> bool {
    let (template, path): (Vec<&str>, Vec<&str>) =
        (template.split('/').collect(), path.split('/').collect());
    template.len() == path.len()
        && template
            .iter()
            .zip(&path)
            .all(|(expected, actual)| expected.starts_with('{') || expected == actual)
}

/// The documented success answer of the operation a request is for: the first example of its
/// 2xx response in the generated OpenAPI document, or an empty body for a 204.
fn documented_answer(received: &Received) -> (u16, String) {
    let document: Value = serde_json::from_str(OPENAPI).expect("the export is JSON");
    let path = received.target.split('?').next().unwrap_or_default();
    let method = received.method.to_lowercase();
    let Some(paths) = document["paths"].as_object() else {
        return (500, String::new());
    };
    for (template, item) in paths {
        if !fits(template, path) {
            continue;
        }
        let Some(responses) = item[&method]["responses"].as_object() else {
            continue;
        };
        for (status, response) in responses {
            if !status.starts_with('2') {
                continue;
            }
            let status: u16 = status.parse().unwrap_or(200);
            let example = response["content"]["application/json"]["examples"]
                .as_object()
                .and_then(|examples| examples.values().next())
                .map(|example| example["value"].to_string())
                .unwrap_or_default();
            return (status, example);
        }
    }
    (
        404,
        r#"{"code":"NOT_FOUND","message":"no such route"}"#.to_owned(),
    )
}

fn global_client(server: &FakeWechatPay) -> Client {
    client_builder(&server.url())
        .api_v3_key(API_V3_KEY)
        .retry_policy(RetryPolicy {
            max_attempts: 2,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
        })
        .build()
        .expect("client")
}

#[tokio::test]
async fn every_global_operation_works_against_the_verifying_server() {
    let server = FakeWechatPay::start(documented_answer).await;
    let client = global_client(&server);
    let api = client.global();

    let pay = MicropayPayRequest::new(required::MicropayPayRequest {
        mode: MicropayPayDirect::new(required::MicropayPayDirect {
            mchid: "1900000100",
            appid: "wxdace645e0bc2c424",
        })
        .into(),
        description: "Image形象店-深圳腾大-QQ公仔",
        out_trade_no: "20150806125346",
        trade_type: "MICROPAY",
        merchant_category_code: "0742",
        amount: MicropayAmount::new(1).with_currency("HKD"),
    });
    let paid = api.micropay_pay(&pay).await.expect("micropay_pay");
    let _ = paid;
    api.query_order_by_id(&QueryOrderByIdRequest::new(
        required::QueryOrderByIdRequest {
            mode: QueryOrderByIdDirect::new("1900000100").into(),
            id: "4200000001",
        },
    ))
    .await
    .expect("query_order_by_id");
    let by_out = QueryOrderByOutTradeNoRequest::new(required::QueryOrderByOutTradeNoRequest {
        mode: QueryOrderByOutTradeNoInstitution::new(required::QueryOrderByOutTradeNoInstitution {
            sub_mchid: "1900000109",
            sp_mchid: "1900000100",
        })
        .into(),
        out_trade_no: "20150806125346",
    });
    api.query_order_by_out_trade_no(&by_out)
        .await
        .expect("query_order_by_out_trade_no");
    let refund = serde_json::from_value::<CreateRefundRequest>(json!({
        "mchid": "1900000100", "appid": "wxdace645e0bc2c424", "out_trade_no": "20150806125346",
        "out_refund_no": "1217752501201407033233368018", "amount": {"refund": 1, "total": 1, "currency": "HKD"}
    }))
    .expect("a direct-mode refund");
    assert!(matches!(
        refund.mode,
        global::CreateRefundMode::Direct(CreateRefundDirect { .. })
    ));
    api.create_refund(&refund).await.expect("create_refund");
    let one = QueryRefundByOutRefundNoRequest::new(required::QueryRefundByOutRefundNoRequest {
        mode: QueryRefundByOutRefundNoDirect::new("1900000100").into(),
        out_refund_no: "1217752501201407033233368018",
    });
    api.query_refund_by_out_refund_no(&one)
        .await
        .expect("query_refund_by_out_refund_no");
    let by_id = QueryRefundByIdRequest::new(required::QueryRefundByIdRequest {
        mode: QueryRefundByIdDirect::new("1900000100").into(),
        refund_id: "50000000382019052709732678859",
    });
    api.query_refund_by_id(&by_id)
        .await
        .expect("query_refund_by_id");
    let list = ListRefundsRequest::new(required::ListRefundsRequest {
        mode: ListRefundsDirect::new("1900000100").into(),
        offset: 0,
        count: 10,
    })
    .with_out_trade_no("20150806125346");
    api.list_refunds(&list).await.expect("list_refunds");
    api.download_certificates(&DownloadCertificatesRequest::new())
        .await
        .expect("download_certificates");
    api.list_settlements(&ListSettlementsRequest::new(
        required::ListSettlementsRequest {
            settle_state: SettleState::Settled,
            limit: 10,
            offset: 0,
        },
    ))
    .await
    .expect("list_settlements");
    let reverse = ReverseByIdRequest::new(required::ReverseByIdRequest {
        mode: ReverseByIdDirect::new("1900000100").into(),
        id: "4200000001",
    });
    api.reverse_by_id(&reverse).await.expect("reverse_by_id");

    let received = server.received();
    assert_eq!(received.len(), 10);
    assert!(received.iter().all(|request| request.signature_valid));
    assert_eq!(
        received[2].target,
        "/v3/global/transactions/out-trade-no/20150806125346?sub_mchid=1900000109&sp_mchid=1900000100",
        "the institution mode's fields go into the query"
    );
}

#[tokio::test]
async fn a_paged_walk_over_45_refunds_takes_3_pages() {
    let server = FakeWechatPay::start(|received: &Received| {
        let query = received.target.split_once('?').map(|(_, query)| query.to_owned()).unwrap_or_default();
        let number = |key: &str| {
            query.split('&').find_map(|pair| pair.strip_prefix(&format!("{key}="))).and_then(|v| v.parse::<i64>().ok())
        };
        let (offset, count) = (number("offset").unwrap_or(0), number("count").unwrap_or(20));
        let refunds: Vec<Value> = (offset..(offset + count).min(45))
            .map(|n| json!({
                "id": format!("5000{n:08}"), "out_refund_no": format!("R{n}"), "status": "SUCCESS",
                "create_time": "2018-06-08T10:34:56+08:00",
                "amount": {"refund": 1, "currency": "HKD", "payer_refund": 1, "payer_currency": "HKD",
                           "exchange_rate": {"type": "SETTLEMENT_RATE", "rate": 100000000}}
            }))
            .collect();
        let page = json!({
            "total_num": 45, "offset": offset, "count": count, "current_total_num": refunds.len(),
            "out_trade_no": "20150806125346", "id": "4200000001",
            "amount": {"total": 45, "currency": "HKD", "payer_total": 45, "payer_currency": "HKD"},
            "data": refunds
        });
        (200, page.to_string())
    })
    .await;
    let client = global_client(&server);
    let request = ListRefundsRequest::new(required::ListRefundsRequest {
        mode: ListRefundsInstitution::new(required::ListRefundsInstitution {
            sub_mchid: "1900000109",
            sp_mchid: "1900000100",
        })
        .into(),
        offset: 0,
        count: 20,
    })
    .with_out_trade_no("20150806125346");
    let all = client
        .global()
        .list_refunds_pages(&request)
        .collect()
        .await
        .expect("every page");
    assert_eq!(all.len(), 45);
    assert_eq!(
        all.first().map(|refund| refund.out_refund_no.as_str()),
        Some("R0")
    );
    assert_eq!(
        all.last().map(|refund| refund.out_refund_no.as_str()),
        Some("R44")
    );
    let offsets: Vec<String> = server.received().iter().map(|r| r.target.clone()).collect();
    assert_eq!(offsets.len(), 3, "{offsets:?}");
    assert!(offsets[2].contains("offset=40&count=20"), "{offsets:?}");
}

#[tokio::test]
async fn a_reverse_answers_204_verified_over_the_empty_body() {
    let server = FakeWechatPay::start(documented_answer).await;
    let client = global_client(&server);
    let reverse = ReverseByOutTradeNoRequest::new(required::ReverseByOutTradeNoRequest {
        mode: ReverseByOutTradeNoDirect::new("1900000100").into(),
        out_trade_no: "20150806125346",
    });
    client
        .global()
        .reverse_by_out_trade_no(&reverse)
        .await
        .expect("204");
    let received = server.received();
    assert_eq!(
        received[0].target,
        "/v3/global/micropay/transactions/out-trade-no/20150806125346/reverse"
    );
    assert_eq!(
        String::from_utf8_lossy(&received[0].body),
        r#"{"mchid":"1900000100"}"#
    );

    server.script([Fault::BadSignature]);
    let error = client
        .global()
        .reverse_by_out_trade_no(&reverse)
        .await
        .expect_err("a forged 204");
    assert!(matches!(error, Error::Verification { .. }), "{error:?}");
}

#[tokio::test]
async fn a_statement_downloads_with_a_good_digest_and_fails_with_a_bad_one() {
    let server = FakeWechatPay::start(documented_answer).await;
    let client = global_client(&server);
    let statement = "交易时间,公众账号ID,商户号\n`2018-01-30 10:00:00,`wx1,`1900000109\n"
        .repeat(100)
        .into_bytes();
    let request = DownloadStatementRequest::new(required::DownloadStatementRequest {
        mode: DownloadStatementDirect::new("1900000109").into(),
        date: "20180130",
    });

    server.script([file_answer(statement.clone(), sha1_hex(&statement), false)]);
    let mut file = Vec::new();
    let downloaded = client
        .global()
        .download_statement(&request, &mut file)
        .await
        .expect("a good digest");
    assert_eq!(file, statement);
    assert_eq!(downloaded.sha1, sha1_hex(&statement));
    assert_eq!(
        server.received()[0].target,
        "/v3/global/statements?date=20180130&mchid=1900000109"
    );

    server.script([file_answer(statement, sha1_hex(b"another file"), false)]);
    let error = client
        .global()
        .download_statement(&request, &mut Vec::new())
        .await
        .expect_err("a bad digest");
    assert!(
        matches!(&error, Error::Verification { reason, .. } if reason.contains("does not match")),
        "{error:?}"
    );
}

#[tokio::test]
async fn global_certificates_are_downloaded_and_decrypted_with_the_api_v3_key() {
    let server = FakeWechatPay::start(|received: &Received| {
        if received.target == "/v3/global/certificates" {
            (
                200,
                certificate_download(&[(CERTIFICATE_SERIAL, CERTIFICATE)]),
            )
        } else {
            documented_answer(received)
        }
    })
    .await;
    server.sign_as(CERTIFICATE_SERIAL);
    let client = Client::builder()
        .mchid(MCHID)
        .serial_no(SERIAL_NO)
        .merchant_key_pem(MERCHANT_KEY_PKCS8)
        .api_v3_key(API_V3_KEY)
        .platform_certificates(&global::operations::CERTIFICATE_SOURCE)
        .main_base_url(server.url())
        .build()
        .expect("a certificate-mode client for the global API");
    assert_eq!(
        client
            .refresh_platform_certificates()
            .await
            .expect("downloaded"),
        1
    );
    assert_eq!(client.keys().serials(), vec![CERTIFICATE_SERIAL.to_owned()]);
    let reverse = ReverseByIdRequest::new(required::ReverseByIdRequest {
        mode: ReverseByIdDirect::new("1900000100").into(),
        id: "4200000001",
    });
    client
        .global()
        .reverse_by_id(&reverse)
        .await
        .expect("verified with the downloaded certificate");
}
