//! The import on a scratch workspace: names and facts applied, transcribed text kept, left-out
//! operations reported, a second import identical, and the result valid for the generator.

use std::path::{Path, PathBuf};

use super::{IMPORTED, import, splice, write};

const TRANSCRIBED: &str = r#"# Transcribed from the official docs (fixture).
service:
  name: basic_payment
  title: 基础支付
  description: 下单、查询和关单。

types:
  Transaction:
    description: 订单
    fields:
      trade_state: {type: string, max_length: 32, required: true, description: 【交易状态】}

operations:
  query_order_by_id:
    title: 微信支付订单号查询订单
    description: 查询订单。
    merchants: [普通商户]
    updated: "2024.12.27"
    method: GET
    path: /v3/pay/transactions/id/{transaction_id}
    retry_safe: true
    path_params:
      transaction_id: {type: string, max_length: 32, required: true, description: 【微信支付订单号】}
    query:
      mchid: {type: string, max_length: 32, required: true, description: 【商户号】}
    response:
      status: 200
      body: Transaction
"#;

const COMMUNITY: &str = r#"{"source": "fixture@0000000", "operations": [
 {"method": "GET", "path": "/v3/pay/transactions/id/{id}", "tags": ["基础支付"], "summary": "查询订单",
  "path_params": [{"name": "id", "type": "string", "required": true}],
  "query_params": [{"name": "mchid", "type": "string", "required": true}],
  "responses": {"200": {"type": "object", "properties": [{"name": "trade_state", "type": "string", "required": true}]}}},
 {"method": "POST", "path": "/v3/pay/transactions/out-trade-no/{out_trade_no}/close", "tags": ["基础支付"], "summary": "关闭订单",
  "roles": ["普通商户"], "last_updated": "2024.12.27", "consumes": "application/json",
  "path_params": [{"name": "out_trade_no", "type": "string", "required": true}],
  "request_body": {"type": "object", "properties": [{"name": "mchid", "type": "string", "required": true, "description": "直连商户号"}]},
  "responses": {"204": null}},
 {"method": "POST", "path": "/v3/refund/domestic/refunds", "tags": ["退款"], "summary": "退款申请",
  "roles": ["普通商户"], "last_updated": "2025.01.02", "consumes": "application/json",
  "request_body": {"type": "object", "properties": [
    {"name": "out_refund_no", "type": "string", "required": true, "description": "商户退款单号"},
    {"name": "reason", "type": "string", "required": false, "description": "退款原因"},
    {"name": "amount", "type": "object", "required": true, "description": "金额信息", "properties": [
      {"name": "refund", "type": "integer", "required": true, "description": "退款金额"},
      {"name": "total", "type": "integer", "required": true, "description": "原订单金额"}]}]},
  "responses": {"200": {"type": "object", "properties": [
    {"name": "refund_id", "type": "string", "required": true, "description": "微信支付退款单号"},
    {"name": "status", "type": "string", "required": true, "description": "退款状态", "enum": ["SUCCESS", "CLOSED", "PROCESSING", "ABNORMAL", "NEW_STATE"]},
    {"name": "amount", "type": "object", "required": true, "description": "金额信息", "properties": [
      {"name": "refund", "type": "integer", "required": true, "description": "退款金额"},
      {"name": "total", "type": "integer", "required": true, "description": "原订单金额"}]}]}}},
 {"method": "POST", "path": "/v3/pay/transactions/native", "tags": ["基础支付"], "summary": "Native下单",
  "consumes": "application/json",
  "request_body": {"type": "object", "properties": [{"name": "amount", "type": "object", "required": true, "properties": [
      {"name": "rate", "type": "number", "required": false}]}]},
  "responses": {"200": {"type": "object", "properties": [{"name": "code_url", "type": "string", "required": true}]}}},
 {"method": "GET", "path": "/v3/unnamed", "summary": "无名", "responses": {"200": null}},
 {"method": "GET", "path": "/v3/bill/tradebill", "tags": ["账单"], "summary": "申请交易账单",
  "query_params": [{"name": "bill_date", "type": "string", "required": true}],
  "responses": {"200": {"type": "object", "properties": [
    {"name": "download_url", "type": "string", "required": true},
    {"name": "hash_type", "type": "string", "required": true},
    {"name": "hash_value", "type": "string", "required": true}]}}},
 {"method": "GET", "path": "/v3/billdownload/file", "tags": ["账单"], "summary": "下载账单",
  "query_params": [{"name": "token", "type": "string", "required": true}, {"name": "tartype", "type": "string", "required": false}],
  "responses": {"200": null}}
]}"#;

const NAMES: &str = r#"source: fixture names
services:
  basic_payment: {title: 基础支付}
  refunds: {title: 退款, description: 申请退款和查询退款。}
  bill: {title: 账单}
operations:
  "GET /v3/pay/transactions/id/{id}": {service: basic_payment, id: query_order_by_id}
  "POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close": {service: basic_payment, id: close_order, from: wechatpay-go jsapi CloseOrder}
  "POST /v3/refund/domestic/refunds": {service: refunds, id: create_refund, response: Refund, from: wechatpay-go refunddomestic Create}
  "POST /v3/pay/transactions/native": {service: basic_payment, id: native_prepay}
  "GET /v3/bill/tradebill": {service: bill, id: apply_trade_bill, response: QueryBillEntity}
  "GET /v3/billdownload/file": {service: bill, id: download_bill_file}
"#;

const DOCS: &str = r#"source: fixture docs (read 2026-12-03)
operations:
  "POST /v3/refund/domestic/refunds":
    from: https://pay.weixin.qq.com/doc/v3/merchant/4012791862 (退款申请)
    fields:
      body.out_refund_no: {max_length: 64}
      body.reason: {max_length: 80}
      response.status: {enum: {SUCCESS: 退款成功, CLOSED: 退款关闭, PROCESSING: 退款处理中, ABNORMAL: 退款异常}}
    errors:
      - {status: 403, code: NOT_ENOUGH, description: 余额不足, solution: 此状态代表退款申请失败}
  "GET /v3/billdownload/file":
    download:
      digest: announced
      gzip_query: {field: tartype, value: GZIP}
      announced_by: {operations: [apply_trade_bill], url_field: download_url, digest_field: hash_value}
"#;

const NOTIFICATIONS: &str = r#"source: fixture notifications
services:
  refunds:
    types:
      RefundNotificationResource:
        description: 退款结果通知解密后的资源
        fields:
          out_refund_no: {type: string, description: 商户退款单号}
          refund_status: {type: string, description: 退款状态}
    notifications:
      refund:
        title: 退款结果通知
        description: 退款状态改变后,微信支付把退款结果发送给商户。
        event_types:
          REFUND.SUCCESS: 退款成功
        resource: RefundNotificationResource
"#;

fn scratch(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/import-tests")
        .join(name);
    let _ = std::fs::remove_dir_all(&root);
    let put = |path: &str, text: &str| {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().expect("a parent")).expect("mkdir");
        std::fs::write(full, text).expect("write");
    };
    let api = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/api.yaml");
    let api = std::fs::read_to_string(api).expect("spec/api.yaml");
    // The real default features name services this small spec lacks.
    let api = codegen::spec::without_service_lists(&api);
    put("spec/api.yaml", &api);
    put("spec/services/basic_payment.yaml", TRANSCRIBED);
    put("spec/import/names.yaml", NAMES);
    put("spec/import/facts/official-docs.yaml", DOCS);
    put("spec/import/notifications.yaml", NOTIFICATIONS);
    put("community.json", COMMUNITY);
    root
}

#[test]
fn an_import_applies_names_and_facts_and_keeps_the_transcribed_text() {
    let root = scratch("applies");
    let imported = import(&root, &root.join("community.json")).unwrap_or_else(|e| panic!("{e}"));
    let refunds = &imported.files["spec/services/refunds.yaml"];
    assert!(refunds.starts_with(IMPORTED), "{refunds}");
    assert!(
        refunds.contains(
            "# Facts: spec/import/facts/official-docs.yaml (fixture docs (read 2026-12-03))"
        ),
        "{refunds}"
    );
    assert!(refunds.contains("  # name: wechatpay-go refunddomestic Create\n  # facts: https://pay.weixin.qq.com/doc/v3/merchant/4012791862 (退款申请)\n  create_refund:\n"), "{refunds}");
    assert!(
        refunds.contains("  Refund:\n"),
        "the response is named as the names file says:\n{refunds}"
    );
    assert!(
        refunds.contains("  Amount:\n"),
        "a nested object takes its field's name:\n{refunds}"
    );
    assert!(!refunds.contains("CreateRefundRequestAmount"), "{refunds}");
    assert!(refunds.contains("max_length: 64"), "{refunds}");
    assert!(
        refunds.contains("      SUCCESS: 退款成功\n      CLOSED: 退款关闭\n"),
        "meanings in documented order:\n{refunds}"
    );
    assert!(
        refunds.contains("      NEW_STATE: null\n"),
        "a value only the description lists is kept:\n{refunds}"
    );
    assert!(refunds.contains("code: NOT_ENOUGH"), "{refunds}");

    assert!(
        refunds.contains("# Notifications and their resource types: spec/import/notifications.yaml (fixture notifications).\n"),
        "{refunds}"
    );
    assert!(
        refunds.contains("\nnotifications:\n  refund:\n    title: 退款结果通知\n"),
        "the notification is spliced in:\n{refunds}"
    );
    assert!(
        refunds
            .contains("  RefundNotificationResource:\n    description: 退款结果通知解密后的资源\n"),
        "{refunds}"
    );
    let bill = &imported.files["spec/services/bill.yaml"];
    assert!(
        bill.contains(
            "    response:\n      status: 200\n      download:\n        digest: announced\n        gzip_query:\n          field: tartype\n          value: GZIP\n        announced_by:\n          operations:\n          - apply_trade_bill\n          url_field: download_url\n          digest_field: hash_value\n"
        ),
        "the download facts, as the spec writes them:\n{bill}"
    );

    let payment = &imported.files["spec/services/basic_payment.yaml"];
    assert_eq!(
        splice::strip(payment),
        TRANSCRIBED,
        "the transcribed text is untouched"
    );
    assert!(payment.contains("  close_order:\n"), "{payment}");
    assert_eq!(
        payment.matches("query_order_by_id:").count(),
        1,
        "{payment}"
    );

    let report = &imported.files["spec/import/REPORT.md"];
    assert!(
        report.contains("GET /v3/unnamed: skipped operation: no name in spec/import/names.yaml"),
        "{report}"
    );
    assert!(!report.contains("body.reason: fact dropped"), "{report}");
    assert!(
        !report.contains("/v3/pay/transactions/native"),
        "a decimal is carried:\n{report}"
    );
    assert!(payment.contains("  native_prepay:\n"), "{payment}");
    assert!(payment.contains("type: number"), "{payment}");
    assert!(
        report.contains("enum: value \"NEW_STATE\" is not in the facts"),
        "{report}"
    );
}

#[test]
fn the_import_is_valid_for_the_generator_and_a_second_import_changes_nothing() {
    let root = scratch("repeat");
    let first = import(&root, &root.join("community.json")).unwrap_or_else(|e| panic!("{e}"));
    write(&root, &first).unwrap_or_else(|e| panic!("{e}"));
    let sources = codegen::spec::read_sources(&root).unwrap_or_else(|e| panic!("{e}"));
    let generated = codegen::generate(&sources).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        generated.operations, 6,
        "query, close, refund, native prepay, and the bill with its download (announced_by valid)"
    );

    let second = import(&root, &root.join("community.json")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.files, second.files);
    assert!(second.stale.is_empty());
}

#[test]
fn an_id_that_takes_a_transcribed_operations_id_is_refused() {
    let root = scratch("clash");
    let names = NAMES
        .replace("id: close_order", "id: query_order_by_id")
        .replace("  \"GET /v3/pay/transactions/id/{id}\": {service: basic_payment, id: query_order_by_id}\n", "");
    std::fs::write(root.join("spec/import/names.yaml"), names).expect("write");
    let error = import(&root, &root.join("community.json")).unwrap_err();
    assert!(
        error.contains("POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close: id `query_order_by_id` is GET /v3/pay/transactions/id/{transaction_id} in spec/services/basic_payment.yaml"),
        "{error}"
    );
}

#[test]
fn notifications_of_an_undeclared_service_are_refused() {
    let root = scratch("overlay");
    std::fs::write(
        root.join("spec/import/notifications.yaml"),
        NOTIFICATIONS.replace("  refunds:", "  refundz:"),
    )
    .expect("write");
    let error = import(&root, &root.join("community.json")).expect_err("an undeclared service");
    assert!(
        error.contains("spec/import/notifications.yaml: services not declared in spec/import/names.yaml: [\"refundz\"]"),
        "{error}"
    );
}
