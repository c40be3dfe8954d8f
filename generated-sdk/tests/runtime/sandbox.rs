//! The sandbox itself: the recharge lifecycle, per-operation faults, registered answers, the
//! recorder and the notification simulator (its request checks are in `sandbox_checks.rs`).

use serde_json::{Value, json};
use wechatpay_apiv3::Error;
use wechatpay_apiv3::Services;
use wechatpay_apiv3::api::ErrorCode;
use wechatpay_apiv3::api::global::Event;
use wechatpay_apiv3::api::platsolution::operations::{
    APPLY_RECHARGE, CLOSE_RECHARGE, QUERY_RECHARGE,
};
use wechatpay_apiv3::api::platsolution::required;
use wechatpay_apiv3::api::platsolution::{
    AccountType, ApplyRechargeRequest, CloseRechargeRequest, QueryRechargeRequest, RechargeAmount,
    RechargeScene, RechargeState,
};
use wechatpay_apiv3::runtime::ApiError;
use wechatpay_apiv3::testkit::{Answer, Fault, NotificationFault, Sandbox, keys};

/// The path of 申请二级商户充值.
pub(super) const APPLY: &str = "/v3/platsolution/ecommerce/recharges/apply";

pub(super) fn apply(out_recharge_no: &str) -> ApplyRechargeRequest {
    let mut amount = RechargeAmount::new();
    amount.amount = Some(500_000);
    amount.currency = Some("CNY".to_owned());
    ApplyRechargeRequest::new(required::ApplyRechargeRequest {
        sub_mchid: "1900001109",
        out_recharge_no,
        recharge_scene: RechargeScene::EcommerceDeposit,
        account_type: AccountType::Deposit,
        recharge_amount: amount,
    })
}

pub(super) fn api_error(error: Error) -> ApiError {
    match error {
        Error::Api(api) => *api,
        other => panic!("expected an API error, got {other:?}"),
    }
}

pub(super) async fn started() -> Sandbox {
    Sandbox::start().await.expect("the sandbox starts")
}

#[tokio::test]
async fn a_recharge_walks_its_documented_lifecycle() {
    let sandbox = started().await;
    let client = sandbox.client().expect("client");
    let recharges = client.platsolution();

    let applied = recharges
        .apply_recharge(&apply("cz202407181234"))
        .await
        .expect("applied");
    assert_eq!(applied.out_recharge_no, "cz202407181234");
    assert_eq!(applied.recharge_id.len(), "172207846292553701".len());
    assert_eq!(
        sandbox.state("recharge", "cz202407181234").as_deref(),
        Some("RECHARGING")
    );

    let query = QueryRechargeRequest::new(required::QueryRechargeRequest {
        out_recharge_no: "cz202407181234",
        sub_mchid: "1900001109",
    });
    let deposit = recharges.query_recharge(&query).await.expect("found");
    assert_eq!(deposit.recharge_state, RechargeState::Recharging);
    assert_eq!(deposit.recharge_id, applied.recharge_id);
    assert_eq!(deposit.recharge_amount.amount, Some(500_000));
    assert_eq!(deposit.sub_mchid, "1900001109");
    assert!(deposit.success_time.is_none(), "not paid yet");

    let closed = recharges
        .close_recharge(&CloseRechargeRequest::new(required::CloseRechargeRequest {
            out_recharge_no: "cz202407181234",
            sub_mchid: "1900001109",
        }))
        .await
        .expect("closed");
    assert_eq!(closed.recharge_state, RechargeState::Closed);
    let deposit = recharges.query_recharge(&query).await.expect("found");
    assert_eq!(deposit.recharge_state, RechargeState::Closed);

    // Another recharge gets another WeChat Pay id.
    let other = recharges
        .apply_recharge(&apply("cz202407181235"))
        .await
        .expect("applied");
    assert_ne!(other.recharge_id, applied.recharge_id);
}

#[tokio::test]
async fn lifecycle_refusals_are_the_documented_error_rows() {
    let sandbox = started().await;
    let client = sandbox.client().expect("client");
    let recharges = client.platsolution();
    recharges
        .apply_recharge(&apply("cz1"))
        .await
        .expect("applied");
    let again = api_error(
        recharges
            .apply_recharge(&apply("cz1"))
            .await
            .expect_err("a reused out_recharge_no"),
    );
    assert_eq!(
        (again.status, &ErrorCode::of(&again), again.message.as_str()),
        (400, &ErrorCode::InvalidRequest, "该业务充值单号已存在")
    );
    for error in [
        recharges
            .query_recharge(&QueryRechargeRequest::new(required::QueryRechargeRequest {
                out_recharge_no: "nobody",
                sub_mchid: "1900001109",
            }))
            .await
            .expect_err("unknown"),
        recharges
            .close_recharge(&CloseRechargeRequest::new(required::CloseRechargeRequest {
                out_recharge_no: "nobody",
                sub_mchid: "1900001109",
            }))
            .await
            .expect_err("unknown"),
    ] {
        let error = api_error(error);
        assert_eq!(
            (error.status, &ErrorCode::of(&error), error.message.as_str()),
            (404, &ErrorCode::NotFound, "充值单不存在")
        );
    }
}

#[tokio::test]
async fn a_test_can_move_an_instance_as_wechat_pay_would() {
    let sandbox = started().await;
    let client = sandbox.client().expect("client");
    client
        .platsolution()
        .apply_recharge(&apply("cz9"))
        .await
        .expect("applied");
    sandbox
        .set_state(
            "recharge",
            "cz9",
            "SUCCESS",
            json!({"success_time": "2026-11-23T10:00:00+08:00"}),
        )
        .expect("known");
    let deposit = client
        .platsolution()
        .query_recharge(&QueryRechargeRequest::new(required::QueryRechargeRequest {
            out_recharge_no: "cz9",
            sub_mchid: "1900001109",
        }))
        .await
        .expect("found");
    assert_eq!(deposit.recharge_state, RechargeState::Success);
    assert!(deposit.success_time.is_some());
    assert!(
        sandbox
            .set_state("recharge", "missing", "SUCCESS", Value::Null)
            .is_err()
    );
    let error = sandbox
        .set_state("payment", "x", "SUCCESS", Value::Null)
        .expect_err("no such lifecycle");
    assert!(
        error.to_string().contains("known: ") && error.to_string().contains("recharge"),
        "{error}"
    );
}

/// Sends `body` to apply_recharge, signed but unchecked by the client, and returns the
/// refusal's code and detail.
#[tokio::test]
async fn the_legacy_statement_path_downloads_with_its_signed_digest() {
    use wechatpay_apiv3::api::global::LegacyDownloadStatementRequest;
    use wechatpay_apiv3::api::global::operations::LEGACY_DOWNLOAD_STATEMENT;
    let sandbox = started().await;
    let client = sandbox.client().expect("client");
    let request = LegacyDownloadStatementRequest::new("20180130").with_mchid("1900000109");
    let mut file = Vec::new();
    let downloaded = client
        .global()
        .legacy_download_statement(&request, &mut file)
        .await
        .expect("a file whose signed SHA-1 checks out");
    assert_eq!(downloaded.bytes, file.len() as u64);
    assert!(!file.is_empty());

    sandbox.answer(
        &LEGACY_DOWNLOAD_STATEMENT,
        Answer::File {
            content: b"a,b\n".to_vec(),
            announced: Some("0".repeat(40)),
            gzip: false,
        },
    );
    let error = client
        .global()
        .legacy_download_statement(&request, &mut Vec::new())
        .await
        .expect_err("the file is not the one the signed header announces");
    assert!(
        matches!(&error, Error::Verification { reason, .. } if reason.contains("Wechatpay-Statement-Sha1")),
        "{error:?}"
    );
}

#[tokio::test]
async fn the_statement_download_is_served_with_a_digest_that_checks_out() {
    use wechatpay_apiv3::api::global::{
        DownloadStatementDirect, DownloadStatementMode, DownloadStatementRequest,
    };
    let sandbox = started().await;
    let client = sandbox.client().expect("client");
    let request = DownloadStatementRequest::new(
        wechatpay_apiv3::api::global::required::DownloadStatementRequest {
            mode: DownloadStatementMode::Direct(DownloadStatementDirect::new("1900000109")),
            date: "20180130",
        },
    );
    let mut file = Vec::new();
    let downloaded = client
        .global()
        .download_statement(&request, &mut file)
        .await
        .expect("a good file");
    assert_eq!(downloaded.bytes, file.len() as u64);
    assert!(
        String::from_utf8(file)
            .expect("text")
            .starts_with("交易时间")
    );

    sandbox.answer(
        &wechatpay_apiv3::api::global::operations::DOWNLOAD_STATEMENT,
        Answer::File {
            content: b"a,b\n".to_vec(),
            announced: Some("0".repeat(40)),
            gzip: false,
        },
    );
    let error = client
        .global()
        .download_statement(&request, &mut Vec::new())
        .await
        .expect_err("a wrong digest");
    assert!(matches!(error, Error::Verification { .. }), "{error:?}");
}

#[tokio::test]
async fn faults_hit_only_their_operation_and_only_so_many_times() {
    let sandbox = started().await;
    let client = sandbox
        .client_builder()
        .retry_policy(crate::support::FAST)
        .build()
        .expect("client");
    let recharges = client.platsolution();
    let query = QueryRechargeRequest::new(required::QueryRechargeRequest {
        out_recharge_no: "cz1",
        sub_mchid: "1900001109",
    });
    sandbox.inject(&QUERY_RECHARGE, Fault::system_error(), 2);
    // Applying is untouched by the query's faults.
    recharges
        .apply_recharge(&apply("cz1"))
        .await
        .expect("applied");
    // Two system errors, retried, then the real answer.
    let deposit = recharges.query_recharge(&query).await.expect("third try");
    assert_eq!(deposit.recharge_state, RechargeState::Recharging);
    let statuses: Vec<Option<u16>> = sandbox
        .requests_to(&QUERY_RECHARGE)
        .iter()
        .map(|request| request.status)
        .collect();
    assert_eq!(statuses, [Some(500), Some(500), Some(200)]);

    // Each answer-spoiling fault is caught by the client, for this operation only.
    for fault in [
        Fault::BadSignature,
        Fault::TamperBody,
        Fault::OmitHeader("Wechatpay-Signature"),
        Fault::StaleTimestamp,
        Fault::UnknownSerial,
        Fault::SigntestProbe,
        Fault::GarbledSignature,
    ] {
        sandbox.inject(&CLOSE_RECHARGE, fault.clone(), 1);
        recharges.query_recharge(&query).await.expect("untouched");
        let error = recharges
            .close_recharge(&CloseRechargeRequest::new(required::CloseRechargeRequest {
                out_recharge_no: "cz1",
                sub_mchid: "1900001109",
            }))
            .await
            .expect_err("spoiled");
        assert!(
            matches!(error, Error::Verification { .. }),
            "{fault:?}: {error:?}"
        );
    }
    sandbox.inject(&APPLY_RECHARGE, Fault::Drop, 3);
    let error = recharges
        .apply_recharge(&apply("cz2"))
        .await
        .expect_err("dropped every time");
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
}

#[tokio::test]
async fn a_registered_answer_replaces_the_example_and_the_lifecycle() {
    let sandbox = started().await;
    let client = sandbox.client().expect("client");
    sandbox.answer(
        &QUERY_RECHARGE,
        Answer::error(403, "NO_AUTH", "服务商未开通平台收付通"),
    );
    let error = api_error(
        client
            .platsolution()
            .query_recharge(&QueryRechargeRequest::new(required::QueryRechargeRequest {
                out_recharge_no: "cz1",
                sub_mchid: "1900001109",
            }))
            .await
            .expect_err("registered"),
    );
    assert_eq!(
        (error.status, &ErrorCode::of(&error)),
        (403, &ErrorCode::NoAuth)
    );
    sandbox.clear_answers();
    let error = api_error(
        client
            .platsolution()
            .query_recharge(&QueryRechargeRequest::new(required::QueryRechargeRequest {
                out_recharge_no: "cz1",
                sub_mchid: "1900001109",
            }))
            .await
            .expect_err("the lifecycle again"),
    );
    assert_eq!(ErrorCode::of(&error), ErrorCode::NotFound);
}

#[tokio::test]
async fn the_recorder_keeps_every_request_with_its_answer() {
    let sandbox = started().await;
    let client = sandbox.client().expect("client");
    client
        .platsolution()
        .apply_recharge(&apply("cz1"))
        .await
        .expect("applied");
    let recorded = sandbox.requests();
    assert_eq!(recorded.len(), 1);
    let request = &recorded[0];
    assert_eq!(
        request.operation.map(|info| info.id),
        Some("apply_recharge")
    );
    assert_eq!(request.method, "POST");
    assert_eq!(request.path_and_query, APPLY);
    assert_eq!(request.status, Some(200));
    assert!(request.request_id.is_some());
    assert!(request.signature_valid);
    assert_eq!(request.authorization("mchid").as_deref(), Some(keys::MCHID));
    assert_eq!(request.json().expect("JSON")["out_recharge_no"], "cz1");
    assert_eq!(request.header("Accept"), Some("application/json"));
}

#[tokio::test]
async fn notifications_of_the_spec_are_signed_encrypted_and_typed() {
    let sandbox = started().await;
    let client = sandbox.client().expect("client");
    let built = sandbox
        .notification("REFUND.SUCCESS")
        .expect("described by the spec")
        .build()
        .expect("built");
    let parsed = client
        .parse_event::<Event>(&built.headers, &built.body)
        .expect("verified and decrypted");
    assert_eq!(parsed.envelope.summary, "退款成功");
    let Event::Refund(refund) = parsed.resource else {
        panic!("a refund event, got {:?}", parsed.resource)
    };
    assert_eq!(refund.out_refund_no, "7752501201407033233368018");

    let probe = sandbox
        .notification("REFUND.SUCCESS")
        .expect("described")
        .signtest_probe()
        .build()
        .expect("built");
    assert!(
        client
            .parse_event::<Event>(&probe.headers, &probe.body)
            .is_err()
    );
    let spoiled = sandbox
        .notification("REFUND.SUCCESS")
        .expect("described")
        .fault(NotificationFault::WrongApiV3Key)
        .build()
        .expect("built");
    assert!(matches!(
        client.parse_event::<Event>(&spoiled.headers, &spoiled.body),
        Err(Error::Decryption { .. })
    ));
    let unknown = sandbox
        .notification("COUPON.USE")
        .expect_err("not in the spec");
    assert!(unknown.to_string().contains("REFUND.SUCCESS"), "{unknown}");
}

#[tokio::test]
async fn a_notification_is_posted_to_a_receiver() {
    let sandbox = started().await;
    // The receiver is another sandbox: it records what arrived and answers 204.
    let receiver = Sandbox::builder()
        .skip_signature_check()
        .handler(|_| Some(Answer::no_content()))
        .start()
        .await
        .expect("receiver");
    let built = sandbox
        .notification("REFUND.SUCCESS")
        .expect("described")
        .build()
        .expect("built");
    let (status, _) = built
        .post(&format!("{}/notify/refund", receiver.url()))
        .await
        .expect("delivered");
    assert_eq!(status, 204);
    let arrived = receiver.requests().pop().expect("arrived");
    assert_eq!(arrived.body, built.body);
    let client = sandbox.client().expect("client");
    client
        .parse_event::<Event>(&arrived.headers, &arrived.body)
        .expect("verified as received");
}

#[test]
fn a_signing_key_never_shows_in_debug_output() {
    let builder = wechatpay_apiv3::testkit::NotificationBuilder::for_event("REFUND.SUCCESS")
        .expect("the spec tables read")
        .signed_with(keys::MERCHANT_PRIVATE_KEY, "SERIAL");
    let shown = format!("{builder:?}");
    assert!(shown.contains("<redacted>"), "{shown}");
    assert!(!shown.contains("PRIVATE"), "{shown}");
    assert!(!shown.contains("MII"), "{shown}");
}

mod arbitrary_requests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

        /// Whatever a client sends, the sandbox answers with a WeChat Pay error body or a
        /// documented answer, and keeps serving.
        #[test]
        fn any_request_gets_a_coded_answer(
            body in proptest::collection::vec(any::<u8>(), 0..64),
            query in "[a-z_=&%0-9]{0,24}",
            segment in "[a-zA-Z0-9%-]{1,12}",
        ) {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            runtime.block_on(async {
                let sandbox = started().await;
                let targets = [
                    (APPLY.to_owned(), "POST"),
                    (format!("/v3/platsolution/ecommerce/recharges/out-recharge-no/{segment}?{query}"), "GET"),
                    (format!("/v3/global/refunds?{query}"), "GET"),
                ];
                for (target, method) in targets {
                    let answer = sandbox.send_raw(method, &target, &body).await.expect("answered");
                    let coded = answer.json()["code"].is_string();
                    prop_assert!(answer.status == 200 || (answer.status >= 400 && coded), "{} {}: {} {}", method, target, answer.status, answer.body);
                }
                Ok(())
            })?;
        }
    }
}

#[tokio::test]
async fn a_client_in_certificate_mode_downloads_the_sandbox_certificate() {
    let sandbox = started().await;
    sandbox.sign_as(keys::CERTIFICATE_SERIAL);
    let client = wechatpay_apiv3::runtime::Client::builder()
        .mchid(keys::MCHID)
        .serial_no(keys::SERIAL_NO)
        .merchant_key_pem(keys::MERCHANT_PRIVATE_KEY)
        .api_v3_key(keys::API_V3_KEY.to_vec())
        .platform_certificates(&wechatpay_apiv3::api::certificates::operations::CERTIFICATE_SOURCE)
        .main_base_url(sandbox.url())
        .build()
        .expect("client");
    client
        .platsolution()
        .apply_recharge(&apply("cz1"))
        .await
        .expect("verified with the downloaded certificate");
    let operations: Vec<Option<&str>> = sandbox
        .requests()
        .iter()
        .map(|request| request.operation.map(|info| info.id))
        .collect();
    assert_eq!(
        operations,
        [
            Some("apply_recharge"),
            Some("download_platform_certificates")
        ]
    );
}
