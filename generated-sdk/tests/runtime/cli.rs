//! `wxpay` as a subprocess against the local verifying server: every operation and every exit
//! status (0 success, 1 local error, 2 API error, 3 verification failure, 4 transport error).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use wechatpay_apiv3::testkit::Fault;

use crate::support::{
    API_V3_KEY, FakeWechatPay, MCHID, NotificationTamper, PUBLIC_KEY_ID, SERIAL_NO,
    WECHATPAY_PRIVATE, closed_port_url, file_answer, notification, recharge_handler, respond,
    sha1_hex,
};

fn keys() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/testkit/keys")
}

/// A scratch directory for files the tool reads.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/wxpay-tests")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn wxpay(base_url: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_wxpay"));
    command
        .args(args)
        .env_clear()
        .env("WECHATPAY_MCHID", MCHID)
        .env("WECHATPAY_SERIAL_NO", SERIAL_NO)
        .env("WECHATPAY_PRIVATE_KEY", keys().join("merchant_pkcs8.pem"))
        .env("WECHATPAY_PUBLIC_KEY", keys().join("wechatpay_public.pem"))
        .env("WECHATPAY_PUBLIC_KEY_ID", PUBLIC_KEY_ID)
        .env("WECHATPAY_BASE_URL", base_url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("run wxpay");
    if let Some(mut input) = child.stdin.take() {
        use std::io::Write;
        let _ = input.write_all(stdin.unwrap_or_default().as_bytes());
    }
    child.wait_with_output().expect("wxpay finishes")
}

/// Runs the tool off the async runtime, so the local server keeps answering meanwhile.
async fn run(base_url: &str, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let base_url = base_url.to_owned();
    let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    let stdin = stdin.map(str::to_owned);
    let output = tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        wxpay(&base_url, &args, stdin.as_deref())
    })
    .await
    .expect("joined");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

const APPLY: &str = r#"{"sub_mchid":"1900001109","out_recharge_no":"cz202407181234","recharge_scene":"ECOMMERCE_DEPOSIT","account_type":"DEPOSIT","recharge_amount":{"amount":500000,"currency":"CNY"},"remark":"充值备注"}"#;
const QUERY: &str = r#"{"out_recharge_no":"cz202407181234","sub_mchid":"1900102208"}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_prints_every_operation_sorted() {
    let (status, stdout, _) = run("http://127.0.0.1:1", &["list"], None).await;
    assert_eq!(status, 0);
    let lines: Vec<&str> = stdout.lines().collect();
    let mut sorted = lines.clone();
    sorted.sort_unstable();
    assert_eq!(lines, sorted, "sorted by service, then operation id");
    assert_eq!(
        lines.len(),
        wechatpay_apiv3::schema::load()
            .expect("the spec tables read")
            .operations()
            .len()
    );
    // With every service compiled in, the whole API: 1,019 operations of the community
    // description, none left out.
    if cfg!(feature = "full") {
        assert!(lines.len() >= 1010, "{} operations listed", lines.len());
    }
    for expected in [
        "platsolution\tapply_recharge\tPOST\t/v3/platsolution/ecommerce/recharges/apply\t申请二级商户充值",
        "platsolution\tquery_recharge\tGET\t/v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}\t查询二级商户充值结果",
        "global\tlist_refunds\tGET\t/v3/global/refunds\t",
        "global\treverse_by_out_trade_no\tPOST\t/v3/global/micropay/transactions/out-trade-no/{out_trade_no}/reverse\t",
    ] {
        assert!(
            lines.iter().any(|line| line.starts_with(expected)),
            "{expected}:\n{stdout}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_succeeds_signed_and_verified() {
    let server = FakeWechatPay::start(recharge_handler).await;
    let dir = scratch("every-operation");
    let request_file = dir.join("close.json");
    std::fs::write(
        &request_file,
        r#"{"out_recharge_no":"cz 中/1","sub_mchid":"1900102208"}"#,
    )
    .expect("write");
    let at_file = format!("@{}", request_file.display());

    let (status, stdout, stderr) = run(
        &server.url(),
        &["call", "platsolution", "apply_recharge", APPLY],
        None,
    )
    .await;
    assert_eq!(status, 0, "{stderr}");
    let answer: serde_json::Value = serde_json::from_str(&stdout).expect("JSON on stdout");
    assert_eq!(
        answer["recharge_url"],
        "https://www.payapp.qq.com/plat/recharge.html"
    );

    let (status, stdout, stderr) = run(
        &server.url(),
        &["call", "platsolution", "query_recharge"],
        Some(QUERY),
    )
    .await;
    assert_eq!(status, 0, "{stderr}");
    let answer: serde_json::Value = serde_json::from_str(&stdout).expect("JSON on stdout");
    assert_eq!(answer["recharge_state"], "SUCCESS");
    assert_eq!(answer["recharge_amount"]["amount"], 500000);

    let (status, _, stderr) = run(
        &server.url(),
        &["call", "platsolution", "close_recharge", &at_file],
        None,
    )
    .await;
    assert_eq!(status, 0, "{stderr}");

    let received = server.received();
    assert_eq!(received.len(), 3);
    assert!(received.iter().all(|request| request.signature_valid));
    assert!(received.iter().all(|request| {
        request
            .user_agent
            .as_deref()
            .is_some_and(|agent| agent.ends_with("wxpay-cli"))
    }));
    assert_eq!(
        received[2].target,
        "/v3/platsolution/ecommerce/recharges/out-recharge-no/cz%20%E4%B8%AD%2F1/close?sub_mchid=1900102208"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_errors_exit_1_before_any_network_io() {
    let server = FakeWechatPay::start(recharge_handler).await;
    let url = server.url();
    let cases: &[(&[&str], &str)] = &[
        (
            &["call", "platsolution", "query_recharge", "{not json"],
            "the request is not JSON",
        ),
        (
            &[
                "call",
                "platsolution",
                "query_recharge",
                r#"{"sub_mchid":"1900102208"}"#,
            ],
            "`out_recharge_no` refused before sending: required",
        ),
        (
            &[
                "call",
                "platsolution",
                "query_recharge",
                r#"{"out_recharge_no":1,"sub_mchid":"1"}"#,
            ],
            "expected string, found a number",
        ),
        (
            &[
                "call",
                "platsolution",
                "apply_recharge",
                r#"{"sub_mchid":"1","out_recharge_no":"2","recharge_scene":"OTHER","account_type":"DEPOSIT","recharge_amount":{}}"#,
            ],
            "\"OTHER\" is not a documented value",
        ),
        (
            &[
                "call",
                "platsolution",
                "query_recharge",
                r#"{"out_recharge_no":"1","sub_mchid":"1","extra":1}"#,
            ],
            "`extra` refused before sending: unknown field",
        ),
        (
            &["call", "platsolution", "no_such_operation", "{}"],
            "unrecognized subcommand",
        ),
        (
            &[
                "call",
                "platsolution",
                "query_recharge",
                "--private-key",
                "/nonexistent.pem",
                QUERY,
            ],
            "cannot read the merchant private key file /nonexistent.pem",
        ),
        (&["frobnicate"], "unrecognized subcommand"),
    ];
    for (args, expected) in cases {
        let (status, stdout, stderr) = run(&url, args, None).await;
        assert_eq!(status, 1, "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    }
    assert!(server.received().is_empty(), "nothing was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_error_exits_2_with_status_code_message_and_request_id() {
    let server = FakeWechatPay::start(recharge_handler).await;
    server.script([respond(
        404,
        r#"{"code":"NOT_FOUND","message":"充值单不存在"}"#.to_owned(),
    )]);
    let (status, stdout, stderr) = run(
        &server.url(),
        &["call", "platsolution", "query_recharge", QUERY],
        None,
    )
    .await;
    assert_eq!(status, 2);
    assert!(stdout.is_empty());
    let request_id = server.sandbox.requests()[0]
        .request_id
        .clone()
        .expect("answered");
    assert_eq!(
        stderr.trim_end(),
        format!("wxpay: HTTP 404 NOT_FOUND: 充值单不存在 (Request-ID {request_id})")
    );
}

/// A PARAM_ERROR names the field, its value, where it was and what is wrong with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_error_prints_its_detail() {
    let server = FakeWechatPay::start(recharge_handler).await;
    server.script([respond(
        400,
        r#"{"code":"PARAM_ERROR","message":"参数错误","detail":{"field":"sub_mchid","value":"19","issue":"商户号格式不正确","location":"query"}}"#.to_owned(),
    )]);
    let (status, _, stderr) = run(
        &server.url(),
        &["call", "platsolution", "query_recharge", QUERY],
        None,
    )
    .await;
    assert_eq!(status, 2);
    assert!(
        stderr.contains("HTTP 400 PARAM_ERROR: 参数错误; field sub_mchid = \"19\" in query: 商户号格式不正确 (Request-ID "),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_verification_failure_exits_3_printing_nothing() {
    for tamper in [
        Fault::BadSignature,
        Fault::StaleTimestamp,
        Fault::UnknownSerial,
        Fault::OmitHeader("Wechatpay-Signature"),
    ] {
        let server = FakeWechatPay::start(recharge_handler).await;
        server.script([tamper.clone()]);
        let (status, stdout, stderr) = run(
            &server.url(),
            &["call", "platsolution", "query_recharge", QUERY],
            None,
        )
        .await;
        assert_eq!(status, 3, "{tamper:?}: {stderr}");
        assert!(stdout.is_empty(), "{tamper:?}");
        assert!(stderr.contains("verification failed"), "{stderr}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transport_error_exits_4_after_retries() {
    let url = closed_port_url().await;
    let (status, stdout, stderr) = run(
        &url,
        &[
            "call",
            "platsolution",
            "query_recharge",
            QUERY,
            "--timeout",
            "2",
        ],
        None,
    )
    .await;
    assert_eq!(status, 4, "{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.starts_with("wxpay: transport error (Connect)"),
        "{stderr}"
    );
}

fn write_notification(dir: &Path, tamper: NotificationTamper) -> (String, String) {
    let resource = r#"{"out_trade_no":"20150806125346","refund_status":"SUCCESS"}"#;
    let (headers, body) = notification(
        "REFUND.SUCCESS",
        resource,
        WECHATPAY_PRIVATE,
        PUBLIC_KEY_ID,
        tamper,
    );
    let headers: Vec<String> = headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}"))
        .collect();
    let headers_file = dir.join("headers.txt");
    let body_file = dir.join("body.json");
    std::fs::write(&headers_file, headers.join("\n")).expect("write");
    std::fs::write(&body_file, body).expect("write");
    (
        headers_file.display().to_string(),
        body_file.display().to_string(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notify_prints_the_envelope_and_resource_or_exits_3() {
    let dir = scratch("notify");
    let key_file = dir.join("apiv3.key");
    std::fs::write(&key_file, [API_V3_KEY, b"\n"].concat()).expect("write");
    let key_arg = key_file.display().to_string();

    let (headers, body) = write_notification(&dir, NotificationTamper::None);
    let args = [
        "notify",
        "--headers",
        &headers,
        "--body",
        &body,
        "--api-v3-key-file",
        &key_arg,
    ];
    let (status, stdout, stderr) = run("http://127.0.0.1:1", &args, None).await;
    assert_eq!(status, 0, "{stderr}");
    let printed: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(printed["envelope"]["event_type"], "REFUND.SUCCESS");
    assert_eq!(printed["resource"]["out_trade_no"], "20150806125346");

    for tamper in [
        NotificationTamper::ChangeBody,
        NotificationTamper::WrongApiV3Key,
        NotificationTamper::SigntestProbe,
    ] {
        let (headers, body) = write_notification(&dir, tamper);
        let args = [
            "notify",
            "--headers",
            &headers,
            "--body",
            &body,
            "--api-v3-key-file",
            &key_arg,
        ];
        let (status, stdout, stderr) = run("http://127.0.0.1:1", &args, None).await;
        assert_eq!(status, 3, "{tamper:?}: {stderr}");
        assert!(stdout.is_empty(), "{tamper:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_lists_operations_and_each_operations_fields() {
    let (status, stdout, _) = run("http://127.0.0.1:1", &["--help"], None).await;
    assert_eq!(status, 0);
    assert!(
        stdout.contains("wxpay list") && stdout.contains("--public-key-id"),
        "{stdout}"
    );
    let (status, stdout, _) = run("http://127.0.0.1:1", &["call", "--help"], None).await;
    assert_eq!(status, 0);
    assert!(
        stdout.contains("platsolution") && stdout.contains("global"),
        "services: {stdout}"
    );
    let (status, stdout, _) = run(
        "http://127.0.0.1:1",
        &["call", "platsolution", "--help"],
        None,
    )
    .await;
    assert_eq!(status, 0);
    assert!(
        stdout.contains("apply_recharge") && stdout.contains("申请二级商户充值"),
        "{stdout}"
    );
    let (status, stdout, _) = run(
        "http://127.0.0.1:1",
        &["call", "platsolution", "apply_recharge", "--help"],
        None,
    )
    .await;
    assert_eq!(status, 0);
    assert!(
        stdout.contains("remark: string, optional, max 20, body: 【充值备注】"),
        "{stdout}"
    );
    assert!(
        stdout.contains("recharge_scene: enum(ECOMMERCE_DEPOSIT|ECOMMERCE_PAYMENT), required"),
        "{stdout}"
    );
    assert!(
        stdout.contains("    currency: string, optional, max 16"),
        "nested fields: {stdout}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_download_streams_to_stdout_or_exits_3_on_a_bad_digest() {
    let server = FakeWechatPay::start(recharge_handler).await;
    let statement = "交易时间,商户号\n`2018-01-30 10:00:00,`1900000109\n".repeat(50);
    let request = r#"{"date":"20180130","mchid":"1900000109"}"#;
    server.script([file_answer(
        statement.clone().into_bytes(),
        sha1_hex(statement.as_bytes()),
        false,
    )]);
    let (status, stdout, stderr) = run(
        &server.url(),
        &["call", "global", "download_statement", request],
        None,
    )
    .await;
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(stdout, statement, "the file, byte for byte");
    assert!(
        stderr.is_empty(),
        "no progress line when stderr is not a terminal: {stderr:?}"
    );

    server.script([file_answer(
        statement.into_bytes(),
        sha1_hex(b"other"),
        false,
    )]);
    let (status, _, stderr) = run(
        &server.url(),
        &["call", "global", "download_statement", request],
        None,
    )
    .await;
    assert_eq!(status, 3, "{stderr}");
    assert!(
        stderr.contains("does not match Wechatpay-Statement-Sha1"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bill_download_is_checked_against_sha1_given_or_exits_3() {
    let server = FakeWechatPay::start(recharge_handler).await;
    let bill = "交易时间,公众账号ID\n`2026-12-01 10:00:00,`wx8888888888888888\n".repeat(50);
    let request = r#"{"token":"6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA"}"#;
    // WeChat Pay neither signs this answer nor sends its digest: `announced` is not used.
    let download = |sha1: String| {
        server.script([file_answer(bill.clone().into_bytes(), String::new(), false)]);
        let url = server.url();
        async move {
            let args = [
                "call",
                "bill",
                "download_bill_file",
                request,
                "--sha1",
                &sha1,
            ];
            run(&url, &args, None).await
        }
    };
    let (status, stdout, stderr) = download(sha1_hex(bill.as_bytes())).await;
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(stdout, bill, "the file, byte for byte");

    let other = sha1_hex(b"other");
    let (status, _, stderr) = download(other.clone()).await;
    assert_eq!(status, 3, "{stderr}");
    assert!(
        stderr.contains(&format!("does not match the announced SHA-1 {other}")),
        "{stderr}"
    );

    let (status, _, stderr) = run(
        &server.url(),
        &["call", "bill", "download_bill_file", request],
        None,
    )
    .await;
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("--sha1"), "{stderr}");
}

/// Kills the sandbox process when the test ends, passed or not.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn wxpay_sandbox_prints_what_a_client_needs_and_serves_the_recharge_lifecycle() {
    use std::io::BufRead;
    let dir = scratch("sandbox-keys");
    let mut child = Command::new(env!("CARGO_BIN_EXE_wxpay"))
        .args(["sandbox", "--port", "0", "--keys-dir"])
        .arg(&dir)
        .env_clear()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run wxpay sandbox");
    let stdout = child.stdout.take().expect("stdout");
    let running = Running(child);
    // The exports, read until the last one; the process keeps serving.
    let mut settings: Vec<(String, String)> = Vec::new();
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line.expect("a line");
        if let Some((name, value)) = line
            .strip_prefix("export ")
            .and_then(|export| export.split_once('='))
        {
            settings.push((name.to_owned(), value.to_owned()));
            if name == "WECHATPAY_API_V3_KEY_FILE" {
                break;
            }
        }
    }
    let names: Vec<&str> = settings.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "WECHATPAY_BASE_URL",
            "WECHATPAY_MCHID",
            "WECHATPAY_SERIAL_NO",
            "WECHATPAY_PRIVATE_KEY",
            "WECHATPAY_PUBLIC_KEY_ID",
            "WECHATPAY_PUBLIC_KEY",
            "WECHATPAY_API_V3_KEY_FILE",
        ]
    );
    let call = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_wxpay"))
            .args(args)
            .env_clear()
            .envs(settings.iter().map(|(name, value)| (name, value)))
            .output()
            .expect("run wxpay call");
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (status, stdout, stderr) = call(&["call", "platsolution", "apply_recharge", APPLY]);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stdout.contains("\"out_recharge_no\": \"cz202407181234\""),
        "{stdout}"
    );
    let query = r#"{"out_recharge_no":"cz202407181234","sub_mchid":"1900001109"}"#;
    let (status, stdout, _) = call(&["call", "platsolution", "query_recharge", query]);
    assert_eq!(status, 0);
    assert!(
        stdout.contains("\"recharge_state\": \"RECHARGING\""),
        "{stdout}"
    );
    let (status, _, stderr) = call(&["call", "platsolution", "apply_recharge", APPLY]);
    assert_eq!(status, 2);
    assert!(
        stderr.contains("INVALID_REQUEST: 该业务充值单号已存在"),
        "{stderr}"
    );
    drop(running);
}

#[cfg(feature = "common")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_sends_the_file_given_with_file() {
    let sandbox = wechatpay_apiv3::testkit::Sandbox::start()
        .await
        .expect("sandbox");
    let dir = scratch("upload");
    let image = dir.join("shop.png");
    std::fs::write(&image, b"\x89PNG not really").expect("write");
    let image = image.to_string_lossy().into_owned();
    let args = ["call", "common", "upload_image", "{}", "--file", &image];
    let (status, stdout, stderr) = run(&sandbox.url(), &args, None).await;
    assert_eq!(status, 0, "{stderr}");
    let answer: serde_json::Value = serde_json::from_str(&stdout).expect("JSON on stdout");
    assert!(answer["media_id"].is_string(), "{answer}");
    let recorded = sandbox.requests().pop().expect("recorded");
    assert!(recorded.signature_valid);
    let body = String::from_utf8_lossy(&recorded.body);
    assert!(
        body.contains("filename=\"shop.png\"\r\nContent-Type: image/png"),
        "{body}"
    );

    // An upload without its file is refused before anything is sent.
    let (status, _, stderr) = run(
        &sandbox.url(),
        &["call", "common", "upload_image", "{}"],
        None,
    )
    .await;
    assert_ne!(status, 0);
    assert!(stderr.contains("--file"), "{stderr}");
    assert_eq!(sandbox.requests().len(), 1);
}

/// Issue 16's outside view: `wxpay sandbox` as a process, a merchant's notification listener
/// in this test, and only HTTP between them — prepay with the listener as `notify_url`, move
/// the order to SUCCESS through the control API, and check the notification that arrives with
/// nothing but the keys the sandbox printed.
#[cfg(feature = "basic_payment")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wxpay_sandbox_pays_through_its_control_api_and_notifies_a_listener() {
    use std::io::BufRead;
    use std::sync::{Arc, Mutex};
    use wechatpay_apiv3::api::basic_payment::{self, TradeState};

    type Received = Arc<Mutex<Vec<(axum::http::HeaderMap, axum::body::Bytes)>>>;
    let received: Received = Arc::default();
    let seen = received.clone();
    let listener = axum::Router::new().route(
        "/paid",
        axum::routing::post(
            move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                let seen = seen.clone();
                async move {
                    seen.lock().expect("not poisoned").push((headers, body));
                    axum::http::StatusCode::NO_CONTENT
                }
            },
        ),
    );
    let socket = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let notify_url = format!("http://{}/paid", socket.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(socket, listener).await });

    let dir = scratch("sandbox-control");
    let mut child = Command::new(env!("CARGO_BIN_EXE_wxpay"))
        .args(["sandbox", "--port", "0", "--keys-dir"])
        .arg(&dir)
        .env_clear()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run wxpay sandbox");
    let stdout = child.stdout.take().expect("stdout");
    let running = Running(child);
    let settings = tokio::task::spawn_blocking(move || {
        let mut settings: Vec<(String, String)> = Vec::new();
        for line in std::io::BufReader::new(stdout).lines() {
            let line = line.expect("a line");
            if let Some((name, value)) = line
                .strip_prefix("export ")
                .and_then(|export| export.split_once('='))
            {
                settings.push((name.to_owned(), value.to_owned()));
                if name == "WECHATPAY_API_V3_KEY_FILE" {
                    break;
                }
            }
        }
        settings
    })
    .await
    .expect("read the exports");
    let setting = |name: &str| {
        settings
            .iter()
            .find(|(known, _)| known == name)
            .map(|(_, value)| value.clone())
            .expect(name)
    };
    let base_url = setting("WECHATPAY_BASE_URL");

    let prepay = format!(
        r#"{{"appid":"wxd678efh567hg6787","mchid":"1230000109","description":"Image形象店-深圳腾大-QQ公仔","out_trade_no":"OUTSIDE-0001","amount":{{"total":100}},"notify_url":"{notify_url}","payer":{{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}}}}"#
    );
    let call_settings = settings.clone();
    let prepaid = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_wxpay"))
            .args(["call", "basic_payment", "jsapi_prepay", &prepay])
            .env_clear()
            .envs(call_settings.iter().map(|(name, value)| (name, value)))
            .output()
            .expect("run wxpay call")
    })
    .await
    .expect("wxpay call ran");
    assert_eq!(
        prepaid.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&prepaid.stderr)
    );
    assert!(String::from_utf8_lossy(&prepaid.stdout).contains("prepay_id"));

    let http = reqwest::Client::new();
    let moved = http
        .post(format!("{base_url}/sandbox/v1/state"))
        .body(r#"{"lifecycle":"transaction","key":"OUTSIDE-0001","state":"SUCCESS"}"#)
        .send()
        .await
        .expect("the control API answers");
    assert_eq!(moved.status(), 200);

    let mut delivered = false;
    for _ in 0..300 {
        let listed = http
            .get(format!("{base_url}/sandbox/v1/notifications"))
            .send()
            .await
            .expect("the control API answers")
            .text()
            .await
            .expect("a body");
        let listed: serde_json::Value = serde_json::from_str(&listed).expect("JSON");
        if listed[0]["delivered"] == true {
            assert_eq!(listed[0]["event_type"], "TRANSACTION.SUCCESS");
            assert_eq!(listed[0]["url"], notify_url.as_str());
            assert_eq!(listed[0]["attempts"], 1);
            delivered = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(delivered, "the notification was delivered");

    // Verified and decrypted with the printed keys alone.
    let read = |name: &str| std::fs::read(setting(name)).expect(name);
    let receiver = wechatpay_apiv3::runtime::Client::builder()
        .mchid(setting("WECHATPAY_MCHID"))
        .serial_no(setting("WECHATPAY_SERIAL_NO"))
        .merchant_key_pem(read("WECHATPAY_PRIVATE_KEY"))
        .wechatpay_public_key_pem(
            setting("WECHATPAY_PUBLIC_KEY_ID"),
            read("WECHATPAY_PUBLIC_KEY"),
        )
        .api_v3_key(read("WECHATPAY_API_V3_KEY_FILE"))
        .build()
        .expect("a client from the printed settings");
    let (headers, body) = received
        .lock()
        .expect("not poisoned")
        .first()
        .cloned()
        .expect("the listener got the notification");
    let parsed = receiver
        .parse_event::<basic_payment::Event>(&headers, &body)
        .expect("signature and decryption check out");
    let basic_payment::Event::Transaction(paid) = parsed.resource else {
        panic!("a payment, got {:?}", parsed.resource)
    };
    assert_eq!(paid.out_trade_no.as_deref(), Some("OUTSIDE-0001"));
    assert_eq!(paid.trade_state, Some(TradeState::Success));
    drop(running);
}
