//! Retries (every attempt signed afresh), their limits, and failover to the backup host.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use wechatpay_apiv3::Error;
use wechatpay_apiv3::api::platsolution::required;
use wechatpay_apiv3::api::platsolution::{PlatsolutionClient, QueryRechargeRequest};
use wechatpay_apiv3::runtime::{
    ApiRequest, Clock, Method, OperationInfo, Transport, TransportErrorKind,
};

use wechatpay_apiv3::testkit::Fault;

use crate::support::{
    FAST, FakeWechatPay, client_builder, closed_port_url, now, recharge_handler, respond,
};

fn system_error() -> Fault {
    respond(
        500,
        r#"{"code":"SYSTEM_ERROR","message":"系统异常,请稍后重试"}"#.to_owned(),
    )
}

fn query() -> QueryRechargeRequest {
    QueryRechargeRequest::new(required::QueryRechargeRequest {
        out_recharge_no: "cz202407181234",
        sub_mchid: "1900102208",
    })
}

/// Every attempt reached the server with a valid signature and its own nonce.
fn assert_resigned(server: &FakeWechatPay, attempts: usize) {
    let received = server.received();
    assert_eq!(received.len(), attempts);
    assert!(received.iter().all(|request| request.signature_valid));
    let mut nonces: Vec<&str> = received
        .iter()
        .map(|request| request.nonce.as_str())
        .collect();
    nonces.sort_unstable();
    nonces.dedup();
    assert_eq!(nonces.len(), attempts, "each attempt has a fresh nonce");
    let signatures: std::collections::BTreeSet<&str> =
        received.iter().map(|r| r.authorization.as_str()).collect();
    assert_eq!(
        signatures.len(),
        attempts,
        "each attempt has a fresh signature"
    );
}

#[tokio::test]
async fn dropped_connections_are_retried_with_fresh_signatures() {
    let server = FakeWechatPay::start(recharge_handler).await;
    server.script([Fault::Drop, Fault::Drop]);
    let client = client_builder(&server.url())
        .retry_policy(FAST)
        .build()
        .expect("client");
    PlatsolutionClient::new(&client)
        .query_recharge(&query())
        .await
        .expect("the third attempt");
    assert_resigned(&server, 3);
}

#[tokio::test]
async fn system_errors_are_retried_for_safe_operations() {
    let server = FakeWechatPay::start(recharge_handler).await;
    server.script([system_error(), system_error()]);
    let client = client_builder(&server.url())
        .retry_policy(FAST)
        .build()
        .expect("client");
    PlatsolutionClient::new(&client)
        .query_recharge(&query())
        .await
        .expect("the third attempt");
    assert_resigned(&server, 3);
}

#[tokio::test]
async fn frequency_limits_are_retried() {
    let server = FakeWechatPay::start(recharge_handler).await;
    server.script([respond(
        429,
        r#"{"code":"FREQUENCY_LIMITED","message":"频率超限"}"#.to_owned(),
    )]);
    let client = client_builder(&server.url())
        .retry_policy(FAST)
        .build()
        .expect("client");
    PlatsolutionClient::new(&client)
        .query_recharge(&query())
        .await
        .expect("the second attempt");
    assert_resigned(&server, 2);
}

#[tokio::test]
async fn retries_stop_at_the_limit_with_the_last_error() {
    let server = FakeWechatPay::start(recharge_handler).await;
    server.script([
        system_error(),
        system_error(),
        system_error(),
        system_error(),
    ]);
    let client = client_builder(&server.url())
        .retry_policy(FAST)
        .build()
        .expect("client");
    let error = PlatsolutionClient::new(&client)
        .query_recharge(&query())
        .await
        .expect_err("gives up");
    assert!(
        matches!(&error, Error::Api(api) if api.status == 500),
        "{error:?}"
    );
    assert!(error.is_retryable(), "the caller may still try later");
    assert_eq!(server.received().len(), 3);
}

static PAY: OperationInfo = OperationInfo {
    service: "test",
    id: "test_pay",
    method: Method::Post,
    path: "/v3/test/pay",
    retry_safe: false,
    main_host: "https://api.mch.weixin.qq.com",
    backup_host: Some("https://api2.mch.weixin.qq.com"),
};

fn pay() -> ApiRequest {
    ApiRequest {
        operation: &PAY,
        path_and_query: "/v3/test/pay".to_owned(),
        body: Some(br#"{"amount":1}"#.to_vec()),
        wechatpay_serial: None,
        upload: None,
    }
}

#[tokio::test]
async fn a_post_not_safe_to_repeat_is_not_retried_after_a_system_error_or_a_drop() {
    let server = FakeWechatPay::start(|_| (200, "{}".to_owned())).await;
    let client = client_builder(&server.url())
        .retry_policy(FAST)
        .build()
        .expect("client");

    server.script([system_error()]);
    let answer = client
        .send(pay())
        .await
        .expect("the 500 answer comes back as it is");
    assert_eq!(answer.status, 500);
    assert_eq!(server.received().len(), 1);

    server.script([Fault::Drop]);
    let error = client
        .send(pay())
        .await
        .expect_err("the connection dropped");
    assert!(
        matches!(
            error,
            Error::Transport {
                kind: TransportErrorKind::Other,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        server.received().len(),
        2,
        "no second attempt: the payment may have been taken"
    );
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_unsafe_posts() {
    let backup = FakeWechatPay::start(|_| (200, "{}".to_owned())).await;
    let client = client_builder(&closed_port_url().await)
        .backup_base_url(backup.url())
        .retry_policy(FAST)
        .build()
        .expect("client");
    let answer = client.send(pay()).await.expect("sent to the backup host");
    assert_eq!(answer.status, 200);
    assert_resigned(&backup, 1);
}

/// A clock tests move by hand, starting at the real time so signatures stay fresh.
#[derive(Debug)]
struct ManualClock(AtomicI64);

impl Clock for ManualClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

#[tokio::test]
async fn fails_over_to_the_backup_host_and_returns_to_the_main_one_when_it_answers() {
    let main_url = closed_port_url().await;
    let backup = FakeWechatPay::start(recharge_handler).await;
    let clock = Arc::new(ManualClock(AtomicI64::new(now())));
    let client = client_builder(&main_url)
        .backup_base_url(backup.url())
        .retry_policy(FAST)
        .clock(clock.clone())
        .failback_after(Duration::from_secs(30))
        .build()
        .expect("client");
    let api = PlatsolutionClient::new(&client);

    api.query_recharge(&query())
        .await
        .expect("answered by the backup host");
    assert_eq!(backup.received().len(), 1);

    // The main host comes back on its port; within the failback window the backup is still used.
    let main = FakeWechatPay::start_on(
        main_url.trim_start_matches("http://"),
        recharge_handler,
        true,
    )
    .await;
    clock.0.fetch_add(10, Ordering::SeqCst);
    api.query_recharge(&query())
        .await
        .expect("still the backup host");
    assert_eq!((main.received().len(), backup.received().len()), (0, 2));

    // After the window the main host is tried again, answers, and stays in use.
    clock.0.fetch_add(25, Ordering::SeqCst);
    api.query_recharge(&query())
        .await
        .expect("the main host again");
    api.query_recharge(&query())
        .await
        .expect("the main host again");
    assert_eq!((main.received().len(), backup.received().len()), (2, 2));
}

#[tokio::test]
async fn a_timeout_is_retried_for_safe_operations_only() {
    let server = FakeWechatPay::start(recharge_handler).await;
    let client = client_builder(&server.url())
        .timeout(Duration::from_millis(300))
        .retry_policy(FAST)
        .build()
        .expect("client");

    server.script([Fault::Delay(Duration::from_secs(2))]);
    PlatsolutionClient::new(&client)
        .query_recharge(&query())
        .await
        .expect("the second attempt");
    assert_resigned(&server, 2);

    server.script([Fault::Delay(Duration::from_secs(2))]);
    let error = client.send(pay()).await.expect_err("timed out");
    assert!(
        matches!(
            error,
            Error::Transport {
                kind: TransportErrorKind::Timeout,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        error.is_retryable(),
        "the caller decides: it may query the order first"
    );
    assert_eq!(server.received().len(), 3, "the unsafe POST was sent once");
}

#[tokio::test]
async fn a_main_host_that_times_out_fails_over_to_the_backup_host() {
    let main = FakeWechatPay::start(recharge_handler).await;
    let backup = FakeWechatPay::start(recharge_handler).await;
    main.script([Fault::Delay(Duration::from_secs(2))]);
    let client = client_builder(&main.url())
        .backup_base_url(backup.url())
        .timeout(Duration::from_millis(300))
        .retry_policy(FAST)
        .build()
        .expect("client");
    PlatsolutionClient::new(&client)
        .query_recharge(&query())
        .await
        .expect("answered by the backup host");
    assert_eq!((main.received().len(), backup.received().len()), (1, 1));
}

#[tokio::test]
async fn overriding_only_the_main_host_never_fails_over_to_the_real_backup_host() {
    let main = closed_port_url().await;
    let client = client_builder(&main)
        .retry_policy(FAST)
        .build()
        .expect("client");
    let error = PlatsolutionClient::new(&client)
        .query_recharge(&query())
        .await
        .expect_err("unreachable");
    let shown = error.to_string();
    assert!(
        matches!(
            error,
            Error::Transport {
                kind: TransportErrorKind::Connect,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        shown.contains("127.0.0.1") && !shown.contains("api2.mch.weixin.qq.com"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_json_array_is_not_a_retryable_error_body() {
    let server = FakeWechatPay::start(recharge_handler).await;
    server.script([respond(429, r#"["FREQUENCY_LIMITED"]"#.to_owned())]);
    let client = client_builder(&server.url())
        .retry_policy(FAST)
        .build()
        .expect("client");
    let error = PlatsolutionClient::new(&client)
        .query_recharge(&query())
        .await
        .expect_err("no error body");
    assert!(
        matches!(error, Error::Decode { status: 429, .. }),
        "{error:?}"
    );
    assert_eq!(server.received().len(), 1, "not retried");
}
