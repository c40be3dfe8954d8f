//! The validation stage on small bad specs, one per kind of error, and on the real spec.
//!
//! Each fixture under `tests/fixtures/invalid/<kind>/spec/` is a minimal spec that parses but
//! breaks the rules of one kind; its test pins every message, with file, line:column and path.

use std::path::{Path, PathBuf};

use codegen::spec::{SourceFile, Sources, parse, read_sources};
use codegen::validate::validate;

fn fixture(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/invalid")
        .join(kind)
}

/// Every diagnostic of the spec under `root`, as printed; empty when it validates.
fn diagnostics(root: &Path) -> Vec<String> {
    let sources = read_sources(root).expect("the fixture's files can be read");
    let spec = parse(&sources).unwrap_or_else(|errors| panic!("the fixture must parse:\n{errors}"));
    match validate(&spec) {
        Ok(()) => Vec::new(),
        Err(errors) => errors.0.iter().map(ToString::to_string).collect(),
    }
}

fn assert_diagnostics(kind: &str, expected: &[&str]) {
    let actual = diagnostics(&fixture(kind));
    assert_eq!(
        actual,
        expected,
        "diagnostics of fixture {kind}:\n{}",
        actual.join("\n")
    );
}

#[test]
fn the_real_spec_is_valid() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    assert_eq!(diagnostics(&root), Vec::<String>::new());
}

#[test]
fn arrays_need_items_items_need_an_array_and_arrays_of_arrays_one_bracketed_type() {
    assert_diagnostics(
        "array_items",
        &[
            "spec/services/demo.yaml:11:9: types.Batch.fields.ids.type: type \"array\" needs \"items\" naming the element type",
            "spec/services/demo.yaml:15:9: types.Batch.fields.name.items: \"items\" is only allowed with type \"array\"",
            "spec/services/demo.yaml:19:9: types.Batch.fields.matrix.items: an array of arrays names its inner element type in brackets: items: [string]",
            "spec/services/demo.yaml:23:9: types.Batch.fields.pairs.items: an array of arrays names one element type in brackets, e.g. [string], not [string, integer]",
            "spec/services/demo.yaml:27:18: types.Batch.fields.cube.items[0][0]: unknown type \"Thang\"",
        ],
    );
}

#[test]
fn service_names_are_unique_across_files_operation_ids_within_their_service() {
    assert_diagnostics(
        "duplicates_across_files",
        &[
            "spec/services/second.yaml:3:3: service.name: duplicate service name \"demo\": spec/services/first.yaml already uses it",
        ],
    );
}

#[test]
fn enums_need_non_blank_values() {
    assert_diagnostics(
        "enums",
        &[
            "spec/services/demo.yaml:9:5: enums.Empty.values: enum \"Empty\" has no values; an enum needs at least one",
            "spec/services/demo.yaml:12:5: enums.EmptyMap.values: enum \"EmptyMap\" has no values; an enum needs at least one",
            "spec/services/demo.yaml:16:7: enums.Blank.values.: enum value \"\" is blank; values must be non-empty strings",
            "spec/services/demo.yaml:17:7: enums.Blank.values. : enum value \" \" is blank; values must be non-empty strings",
        ],
    );
}

#[test]
fn error_rows_have_error_statuses_codes_and_descriptions() {
    assert_diagnostics(
        "error_rows",
        &[
            "spec/services/demo.yaml:21:9: operations.touch_thing.errors[1].status: error status 200 must be between 400 and 599",
            "spec/services/demo.yaml:22:9: operations.touch_thing.errors[1].code: error code \"not_found\" must match ^[A-Z][A-Z0-9_]*$",
            "spec/services/demo.yaml:23:9: operations.touch_thing.errors[1].description: error description must not be empty",
            "spec/services/demo.yaml:25:9: operations.touch_thing.errors[2].status: error status 600 must be between 400 and 599",
            "spec/services/demo.yaml:26:9: operations.touch_thing.errors[2].code: error code \"9_LIVES\" must match ^[A-Z][A-Z0-9_]*$",
        ],
    );
}

#[test]
fn examples_must_be_json() {
    assert_diagnostics(
        "example_json",
        &[
            "spec/services/demo.yaml:27:9: operations.fetch_thing.examples[0].json: invalid JSON at line 3 column 3 of the example: expected `,` or `}`",
        ],
    );
}

#[test]
fn examples_must_fit_their_schema() {
    assert_diagnostics(
        "example_schema",
        &[
            "spec/services/demo.yaml:77:9: operations.query_recharge.examples[0].json: $: missing required field \"sub_mchid\"",
            "spec/services/demo.yaml:77:9: operations.query_recharge.examples[0].json: $.sub_mchd: unknown field; did you mean \"sub_mchid\"?",
            "spec/services/demo.yaml:84:9: operations.query_recharge.examples[1].json: $.recharge_id: at most 4 characters, got 5",
            "spec/services/demo.yaml:84:9: operations.query_recharge.examples[1].json: $.account_type: enum AccountType: \"DEPOSTI\" is not a documented value (DEPOSIT, OPERATION); did you mean \"DEPOSIT\"?",
            "spec/services/demo.yaml:84:9: operations.query_recharge.examples[1].json: $.recharge_amount.amount: expected integer, found string \"5\"",
            "spec/services/demo.yaml:84:9: operations.query_recharge.examples[1].json: $.recharge_amount.currency: expected string, found number 1.5",
            "spec/services/demo.yaml:84:9: operations.query_recharge.examples[1].json: $.recharge_amount.paid: expected boolean, found string \"yes\"",
            "spec/services/demo.yaml:84:9: operations.query_recharge.examples[1].json: $.recharge_amount.extra: unknown field",
            "spec/services/demo.yaml:84:9: operations.query_recharge.examples[1].json: $.accept_time: not an RFC 3339 time (e.g. 2015-05-20T13:29:35+08:00)",
            "spec/services/demo.yaml:84:9: operations.query_recharge.examples[1].json: $.channels[1]: expected string, found integer 7",
            "spec/services/demo.yaml:100:9: operations.query_recharge.examples[2].json: $: expected object, found array",
            "spec/services/demo.yaml:103:9: operations.query_recharge.examples[3].json: $.recharge_amount.amount: integer 9223372036854775808 does not fit in i64",
            "spec/services/demo.yaml:115:9: operations.close_recharge.examples[0].kind: a response example needs a response body, but this operation has none",
        ],
    );
}

#[test]
fn max_length_needs_text_and_url_params_need_scalars() {
    assert_diagnostics(
        "field_facts",
        &[
            "spec/services/demo.yaml:12:9: types.Amount.fields.total.max_length: max_length applies only to string and datetime fields, not to type \"integer\"",
            "spec/services/demo.yaml:16:9: types.Amount.fields.currency.max_length: max_length must be greater than 0",
            "spec/services/demo.yaml:32:9: operations.list_amounts.path_params.amount.type: a path parameter must be a string, integer, boolean, datetime or enum, not type \"Amount\"",
            "spec/services/demo.yaml:37:9: operations.list_amounts.query.ids.type: a query parameter must be a string, integer, boolean, datetime or enum, or an array of them, not type \"array of Amount\"",
        ],
    );
}

#[test]
fn operations_need_merchants_and_their_own_hosts_are_checked() {
    // Bodies on GET and DELETE are allowed: some operations document one (signed as sent).
    assert_diagnostics(
        "operation_facts",
        &[
            "spec/services/demo.yaml:10:5: operations.fetch_thing.merchants: merchants must list at least one kind of merchant",
            "spec/services/demo.yaml:23:23: operations.delete_thing.merchants[1]: merchant must not be empty",
            "spec/services/demo.yaml:32:7: operations.delete_thing.hosts.main: host \"http://api.example.test\" must start with \"https://\" and name a host",
        ],
    );
}

#[test]
fn path_placeholders_match_required_path_params() {
    assert_diagnostics(
        "path_params",
        &[
            "spec/services/demo.yaml:13:5: operations.close_recharge.path: placeholder \"{out_recharge_n}\" is not declared in path_params; did you mean \"out_recharge_no\"?",
            "spec/services/demo.yaml:13:5: operations.close_recharge.path: placeholder \"{out_recharge_n}\" appears twice in path",
            "spec/services/demo.yaml:15:7: operations.close_recharge.path_params.out_recharge_no: path parameter \"out_recharge_no\" must be required: true; a path cannot omit it",
            "spec/services/demo.yaml:15:7: operations.close_recharge.path_params.out_recharge_no: path parameter \"out_recharge_no\" does not appear in path \"/v3/recharges/{out_recharge_n}/close/{out_recharge_n}\"",
            "spec/services/demo.yaml:26:5: operations.fetch_recharge.path: path \"v3/recharges/{}\" must start with \"/\"",
            "spec/services/demo.yaml:26:5: operations.fetch_recharge.path: empty placeholder \"{}\" in path",
            "spec/services/demo.yaml:35:5: operations.list_recharges.path: unbalanced braces in path \"/v3/recharges/{id\": \"{\" at offset 14 is never closed",
        ],
    );
}

#[test]
fn request_fields_share_one_namespace_with_generated_types() {
    assert_diagnostics(
        "request_fields",
        &[
            "spec/services/demo.yaml:7:3: types.ApplyRechargeRequest: Rust name collision: the request type of operation \"apply_recharge\" and type \"ApplyRechargeRequest\" both become ApplyRechargeRequest",
            "spec/services/demo.yaml:10:3: types.DemoClient: Rust name collision: the client of service \"demo\" and type \"DemoClient\" both become DemoClient",
            "spec/services/demo.yaml:27:7: operations.apply_recharge.query.out_recharge_no: duplicate request field \"out_recharge_no\": it is both a path parameter and a query parameter; path, query and body fields make up one request type",
            "spec/services/demo.yaml:34:7: operations.apply_recharge.body.sub_mchid: Rust name collision: query parameter \"subMchid\" and body field \"sub_mchid\" both become sub_mchid",
        ],
    );
}

#[test]
fn mode_and_pager_names_clash_with_types_like_any_generated_name() {
    assert_diagnostics(
        "generated_name_clash",
        &[
            "spec/services/demo.yaml:8:3: types.ListDepositsMode: Rust name collision: the mode enum of operation \"list_deposits\" and type \"ListDepositsMode\" both become ListDepositsMode",
            "spec/services/demo.yaml:11:3: types.ListDepositsDirect: Rust name collision: the fields of mode \"direct\" of operation \"list_deposits\" and type \"ListDepositsDirect\" both become ListDepositsDirect",
            "spec/services/demo.yaml:14:3: types.ListDepositsPages: Rust name collision: the pager of operation \"list_deposits\" and type \"ListDepositsPages\" both become ListDepositsPages",
        ],
    );
}

#[test]
fn default_features_name_services_and_services_are_not_named_like_crate_features() {
    assert_diagnostics(
        "feature_names",
        &[
            "spec/api.yaml:6:22: api.default_features[0]: default feature \"pay\" is not a service of spec/services/",
            "spec/api.yaml:6:27: api.default_features[1]: default feature \"refunds\" is not a service of spec/services/",
            "spec/services/pay.yaml:3:3: service.name: service name \"cli\" is a cargo feature of the crate already (default, full, axum, cli, testkit)",
        ],
    );
}

#[test]
fn every_service_is_in_exactly_one_crate_named_like_a_package() {
    assert_diagnostics(
        "crates",
        &[
            "spec/api.yaml:7:3: api.crates: service \"left_out\" (spec/services/left_out.yaml) is in no crate; add it to one of api.crates",
            "spec/api.yaml:10:23: api.crates.payments.services[1]: \"refunds\" is not a service of spec/services/",
            "spec/api.yaml:10:32: api.crates.payments.services[2]: service \"pay\" is already in crate \"payments\"; a service is in one crate",
            "spec/api.yaml:11:5: api.crates.Bad-Name: crate name \"Bad-Name\" must be lower case letters, digits and `_`, starting with a letter",
            "spec/api.yaml:14:5: api.crates.runtime: crate name \"runtime\" is taken: wechatpay-apiv3-runtime is the hand-written runtime",
            "spec/api.yaml:16:7: api.crates.runtime.services: crate \"runtime\" has no services",
        ],
    );
}

#[test]
fn operation_ids_and_type_names_follow_the_naming_rules() {
    assert_diagnostics(
        "naming_rules",
        &[
            "spec/services/demo.yaml:8:3: types.PostThingsActivateAmount: type name \"PostThingsActivateAmount\" spells out the path POST /v3/things/activate; name what it holds (Amount, Payer, PrepayResponse)",
            "spec/services/demo.yaml:15:3: operations.get_things: operation id \"get_things\" starts with the HTTP verb `get_`; name what the operation does (query_…, create_…)",
            "spec/services/demo.yaml:25:3: operations.query_thing_2: operation id \"query_thing_2\" ends with a number; name what sets it apart from the others",
            "spec/services/demo.yaml:35:3: operations.query_the_thing_by_its_identifier_and_its_owner_and_the_date_it_was_made: operation id \"query_the_thing_by_its_identifier_and_its_owner_and_the_date_it_was_made\" is 72 characters long; at most 64",
        ],
    );
}

#[test]
fn one_certificate_download_per_service_a_get_with_the_documented_shape() {
    assert_diagnostics(
        "platform_certificates",
        &[
            "spec/services/demo.yaml:31:5: operations.fetch_certificates.platform_certificates: a certificate download is a GET",
            "spec/services/demo.yaml:31:5: operations.fetch_certificates.platform_certificates: the answer type \"Listing\" needs a field \"data\": array of a type",
            "spec/services/demo.yaml:43:5: operations.list_certificates.platform_certificates: only one operation of a service downloads the platform certificates; \"fetch_certificates\" already does",
            "spec/services/demo.yaml:43:5: operations.list_certificates.platform_certificates: \"Entry\" needs a field \"encrypt_certificate\" of a type",
        ],
    );
}

#[test]
fn a_response_body_must_name_a_type() {
    assert_diagnostics(
        "response_body_kind",
        &[
            "spec/services/demo.yaml:21:7: operations.fetch_state.response.body: response body must name a type, but \"State\" is an enum",
            "spec/services/demo.yaml:31:7: operations.fetch_name.response.body: response body must name a type, but \"string\" is a builtin",
        ],
    );
}

#[test]
fn responses_are_2xx_and_204_has_no_body_and_each_status_is_documented_once() {
    assert_diagnostics(
        "responses",
        &[
            "spec/services/demo.yaml:19:7: operations.fetch_thing.response.status: response status 404 must be a success status (2xx)",
            "spec/services/demo.yaml:30:7: operations.delete_thing.response.body: a 204 No Content response cannot have a body",
            "spec/services/demo.yaml:52:9: operations.notify_thing.response.alternatives[1].status: status 200 is already documented for this operation",
            "spec/services/demo.yaml:53:9: operations.notify_thing.response.alternatives[2].status: response status 302 must be a success status (2xx)",
            "spec/services/demo.yaml:54:9: operations.notify_thing.response.alternatives[3].status: status 204 is already documented for this operation",
            "spec/services/demo.yaml:55:9: operations.notify_thing.response.alternatives[3].body: a 204 No Content response cannot have a body",
            "spec/services/demo.yaml:57:9: operations.notify_thing.response.alternatives[4].body: unknown type \"Thang\"; did you mean \"Thing\"?",
            "spec/services/demo.yaml:70:7: operations.download_thing.response.alternatives: a download has exactly one success status; remove the alternatives",
        ],
    );
}

#[test]
fn a_download_says_once_how_its_file_is_checked() {
    assert_diagnostics(
        "downloads",
        &[
            "spec/services/demo.yaml:34:7: operations.unchecked_file.response.download: say how the file is checked: digest_header and signed_body (a signed digest), or digest: announced (an unsigned answer, the SHA-1 from an earlier answer)",
            "spec/services/demo.yaml:45:7: operations.twice_checked_file.response.download: an answer with an announced digest is not signed: drop digest_header and signed_body",
            "spec/services/demo.yaml:59:9: operations.badly_signed_file.response.download.digest_header: name the header that carries the file's SHA-1",
            "spec/services/demo.yaml:60:9: operations.badly_signed_file.response.download.signed_body: the signed body must contain {digest}, where the header's value goes",
            "spec/services/demo.yaml:78:11: operations.archive_file.response.download.gzip_query.field: \"tar_type\" is not a query field of this operation",
            "spec/services/demo.yaml:79:11: operations.archive_file.response.download.gzip_query.value: give the query value that asks for gzip",
            "spec/services/demo.yaml:81:36: operations.archive_file.response.download.announced_by.operations[1]: no operation \"apply_nothing\" in this service",
            "spec/services/demo.yaml:83:11: operations.archive_file.response.download.announced_by.digest_field: Application, the answer of \"apply_file\", has no string field \"hash_value\"",
        ],
    );
}

#[test]
fn names_that_become_one_rust_name_collide() {
    assert_diagnostics(
        "rust_name_collision",
        &[
            "spec/services/demo.yaml:13:7: types.MchDeposit.fields.outTradeNo: Rust name collision: field \"out_trade_no\" and field \"outTradeNo\" both become out_trade_no",
            "spec/services/demo.yaml:16:3: types.MCHDeposit: Rust name collision: type \"MchDeposit\" and type \"MCHDeposit\" both become MchDeposit",
            "spec/services/demo.yaml:24:7: enums.Channel.values.bank-transfer: Rust name collision: value \"BANK_TRANSFER\" and value \"bank-transfer\" both become BankTransfer",
            "spec/services/demo.yaml:25:7: enums.Channel.values.UNKNOWN: Rust name collision: the fallback variant for unlisted values and value \"UNKNOWN\" both become Unknown",
            "spec/services/demo.yaml:37:3: operations.fetchDeposit: operation id \"fetchDeposit\" must be snake_case (^[a-z][a-z0-9_]*$, no `__`, no trailing `_`)",
            "spec/services/demo.yaml:37:3: operations.fetchDeposit: Rust name collision: operation \"fetch_deposit\" and operation \"fetchDeposit\" both become fetch_deposit",
        ],
    );
}

#[test]
fn hosts_service_names_and_common_error_rows_are_checked() {
    assert_diagnostics(
        "settings",
        &[
            "spec/api.yaml:4:5: api.hosts.main: host \"http://api.mch.weixin.qq.com\" must start with \"https://\" and name a host",
            "spec/api.yaml:5:5: api.hosts.backup: host \"https://\" must start with \"https://\" and name a host",
            "spec/api.yaml:11:5: errors[1].status: error status 302 must be between 400 and 599",
            "spec/api.yaml:12:5: errors[1].code: error code \"Moved\" must match ^[A-Z][A-Z0-9_]*$",
            "spec/api.yaml:13:5: errors[1].description: error description must not be empty",
            "spec/services/demo.yaml:3:3: service.name: service name \"Plat-Solution\" must match ^[a-z][a-z0-9_]*$",
            "spec/services/demo.yaml:8:5: service.hosts.backup: host \"http://apihk2.mch.weixin.qq.com\" must start with \"https://\" and name a host",
        ],
    );
}

/// Mistakes of many kinds in two files: none hides another, and the order is file, then line.
#[test]
fn every_error_is_reported_at_once() {
    assert_diagnostics(
        "several_errors",
        &[
            "spec/api.yaml:4:5: api.hosts.main: host \"http://api.mch.weixin.qq.com\" must start with \"https://\" and name a host",
            "spec/services/demo.yaml:11:9: types.MchDeposit.fields.recharge_amount.type: unknown type \"RechargeAmout\"; did you mean \"RechargeAmount\"?",
            "spec/services/demo.yaml:21:9: types.RechargeAmount.fields.amount.max_length: max_length applies only to string and datetime fields, not to type \"integer\"",
            "spec/services/demo.yaml:26:5: enums.State.values: enum \"State\" has no values; an enum needs at least one",
            "spec/services/demo.yaml:34:5: operations.close_recharge.path: placeholder \"{out_recharge_no}\" is not declared in path_params",
            "spec/services/demo.yaml:45:9: operations.close_recharge.examples[0].json: $.extra: unknown field",
        ],
    );
}

#[test]
fn a_type_and_an_enum_cannot_share_a_name() {
    assert_diagnostics(
        "type_enum_clash",
        &[
            "spec/services/demo.yaml:14:3: enums.Channel: duplicate name \"Channel\": it is both a type and an enum, which share one namespace",
        ],
    );
}

#[test]
fn type_and_enum_names_are_pascal_case() {
    assert_diagnostics(
        "type_names",
        &[
            "spec/services/demo.yaml:7:3: types.mch_deposit: type name \"mch_deposit\" must be PascalCase (^[A-Z][A-Za-z0-9]*$)",
            "spec/services/demo.yaml:10:3: types.Mch_Deposit2: type name \"Mch_Deposit2\" must be PascalCase (^[A-Z][A-Za-z0-9]*$)",
            "spec/services/demo.yaml:17:3: enums.recharge-state: enum name \"recharge-state\" must be PascalCase (^[A-Z][A-Za-z0-9]*$)",
        ],
    );
}

#[test]
fn unknown_type_names_are_reported_with_the_closest_name() {
    assert_diagnostics(
        "unknown_type",
        &[
            "spec/services/demo.yaml:11:9: types.MchDeposit.fields.recharge_amount.type: unknown type \"RechargeAmout\"; did you mean \"RechargeAmount\"?",
            "spec/services/demo.yaml:14:9: types.MchDeposit.fields.memo.type: unknown type \"strng\"; did you mean \"string\"?",
            "spec/services/demo.yaml:18:9: types.MchDeposit.fields.channels.items: unknown type \"RechargeChanel\"; did you mean \"RechargeChannel\"?",
            "spec/services/demo.yaml:21:9: types.MchDeposit.fields.other.type: unknown type \"Zzz\"",
            "spec/services/demo.yaml:44:7: operations.query_deposit.response.body: unknown type \"MchDepost\"; did you mean \"MchDeposit\"?",
        ],
    );
}

/// Multibyte text where byte offsets are computed, odd keys and deep JSON: errors, never a panic.
#[test]
fn odd_input_is_reported_without_panicking() {
    let service = r#"
service: {name: 充值, title: T, description: D, hosts: {main: "https://充"}}
types:
  充值单:
    description: D
    fields:
      "a.b": {type: datetime, max_length: 1, description: D}
      "": {type: array, items: 充值单, description: D}
enums:
  E: {description: D, values: {"値": null, "V.1": null}}
operations:
  "x.y":
    title: T
    description: D
    merchants: [M]
    updated: "2025"
    method: GET
    path: "/v3/{充值}/{单"
    path_params: {充值: {type: E, required: true, description: D}}
    response: {status: 200, body: 充值单}
    examples:
      - {title: T, kind: response, json: '{"a.b": "２０１５-05-20T13:29:35Z", "": [[[[{}]]]]}'}
      - {title: T, kind: request, json: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[['}
"#;
    let sources = Sources {
        api: SourceFile {
            path: "spec/api.yaml".to_owned(),
            text: "api: {title: T, hosts: {main: 'https://a'}}".to_owned(),
        },
        services: vec![SourceFile {
            path: "spec/services/odd.yaml".to_owned(),
            text: service.to_owned(),
        }],
    };
    let spec = parse(&sources).unwrap_or_else(|errors| panic!("the spec must parse:\n{errors}"));
    let errors = validate(&spec).expect_err("the odd spec breaks several rules");
    assert!(errors.0.len() >= 5, "{errors}");
}

/// Parse-stage errors: the same file:line:column form, every file's errors together.
fn parse_errors(api: &str, service: &str) -> Vec<String> {
    let sources = Sources {
        api: SourceFile {
            path: "spec/api.yaml".to_owned(),
            text: api.to_owned(),
        },
        services: vec![SourceFile {
            path: "spec/services/demo.yaml".to_owned(),
            text: service.to_owned(),
        }],
    };
    match parse(&sources) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.0.iter().map(ToString::to_string).collect(),
    }
}

const API: &str = "api:\n  title: t\n  hosts:\n    main: https://api.example.test\n";

#[test]
fn duplicate_yaml_keys_are_reported_with_their_line() {
    let service = "service:\n  name: demo\n  title: t\n  description: d\nenums:\n  State:\n    description: s\n    values:\n      A: a\n      A: again\n";
    assert_eq!(
        parse_errors(API, service),
        vec![
            "spec/services/demo.yaml:10:7: enums.State.values.A: duplicate key; each name may appear once"
        ]
    );
}

#[test]
fn misspelt_attributes_and_bad_yaml_in_several_files_are_all_reported() {
    let api = "api:\n  title: t\n  hosts: [oops\n";
    let service = "service:\n  name: demo\n  title: t\n  description: d\ntypes:\n  A:\n    description: a\n    fields:\n      x:\n        type: string\n        max_lenght: 3\n        description: x\n";
    let errors = parse_errors(api, service);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].starts_with("spec/api.yaml:"), "{errors:?}");
    assert_eq!(
        errors[1],
        "spec/services/demo.yaml:11:9: types.A.fields.x: unknown field `max_lenght`, expected one of `type`, `items`, `required`, `max_length`, `sensitive`, `description`"
    );
}

#[test]
fn only_string_fields_can_be_sensitive() {
    let service = "service:\n  name: demo\n  title: t\n  description: d\ntypes:\n  A:\n    description: a\n    fields:\n      amount:\n        type: integer\n        sensitive: true\n        description: x\n      name:\n        type: string\n        sensitive: true\n        description: y\n";
    let sources = Sources {
        api: SourceFile {
            path: "spec/api.yaml".to_owned(),
            text: API.to_owned(),
        },
        services: vec![SourceFile {
            path: "spec/services/demo.yaml".to_owned(),
            text: service.to_owned(),
        }],
    };
    let spec = parse(&sources).expect("parses");
    let errors: Vec<String> = validate(&spec)
        .expect_err("integer marked sensitive")
        .0
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errors,
        vec![
            "spec/services/demo.yaml:11:9: types.A.fields.amount.sensitive: only string fields can be sensitive, not type \"integer\""
        ]
    );
}

#[test]
fn lifecycles_name_operations_keys_states_error_rows_and_notifications_of_the_file() {
    assert_diagnostics(
        "lifecycles",
        &[
            "spec/services/demo.yaml:28:21: lifecycles.thing.ids[1]: \"nothing_id\" is not a field of any step's response",
            "spec/services/demo.yaml:31:9: lifecycles.thing.steps.make_thing.create: \"OPENED\" is not a state (known: OPEN, SHUT)",
            "spec/services/demo.yaml:32:9: lifecycles.thing.steps.make_thing.missing: `missing` belongs to non-creating steps",
            "spec/services/demo.yaml:33:7: lifecycles.thing.steps.shut_thing: the request has no field \"thing_no\" (the lifecycle's key)",
            "spec/services/demo.yaml:35:9: lifecycles.thing.steps.shut_thing.exists: `exists` belongs to creating steps",
            "spec/services/demo.yaml:36:7: lifecycles.thing.steps.read_plain: Plain.state must be an enum to hold the lifecycle's state",
            "spec/services/demo.yaml:37:9: lifecycles.thing.steps.read_plain.missing: \"不存在\" is not an error row of the operation (known: 没有)",
            "spec/services/demo.yaml:38:7: lifecycles.thing.steps.vanish: no operation \"vanish\" in this file (known: make_thing, shut_thing, read_plain)",
            "spec/services/demo.yaml:41:7: lifecycles.thing.notify.url: the creating step make_thing has no body field \"notify_url\" to notify",
            "spec/services/demo.yaml:43:34: lifecycles.thing.notify.events.GONE: \"GONE\" is not a state (known: OPEN, SHUT)",
            "spec/services/demo.yaml:43:52: lifecycles.thing.notify.events.OPEN: \"THING.NOPE\" is not an event type of thing_changed (known: THING.SHUT)",
            "spec/services/demo.yaml:44:7: lifecycles.thing.notify.state: the resource type Thing has no field \"thing_status\" to hold the state",
            "spec/services/demo.yaml:49:5: lifecycles.empty.steps: a lifecycle needs steps",
            "spec/services/demo.yaml:49:5: lifecycles.empty.steps: no step creates an instance; give one step `create: <state>`",
            "spec/services/demo.yaml:50:31: lifecycles.empty.notify.notification: no notification \"nothing\" in this file (known: thing_changed)",
        ],
    );
}

#[test]
fn uploads_are_posts_with_plain_distinct_parts_and_fields_the_caller_may_set() {
    assert_diagnostics(
        "uploads",
        &[
            "spec/services/demo.yaml:24:5: operations.upload_by_get.upload: an upload is a POST, not a GET",
            "spec/services/demo.yaml:27:7: operations.upload_by_get.upload.meta_part: the file and the meta cannot share the part \"file\"",
            "spec/services/demo.yaml:29:7: operations.upload_by_get.upload.max_bytes: max_bytes must be greater than 0",
            "spec/services/demo.yaml:41:7: operations.upload_image.upload.file_part: part name \"the file\" must be letters, digits and _ only",
            "spec/services/demo.yaml:44:7: operations.upload_image.upload.digest: the runtime fills meta field \"sha256\"; remove it from body, the caller cannot set it",
            "spec/services/demo.yaml:46:15: operations.upload_image.upload.types..JPG: extension \".JPG\" must be lower-case letters and digits, without the dot",
            "spec/services/demo.yaml:46:33: operations.upload_image.upload.types.png: \"png\" is not a media type like image/jpeg",
            "spec/services/demo.yaml:47:21: operations.upload_image.upload.form_fields[0]: form field \"shop\" must be a scalar: a part holds one value",
            "spec/services/demo.yaml:47:27: operations.upload_image.upload.form_fields[1]: no body field \"missing\"",
        ],
    );
}

#[test]
fn lifecycle_conditions_name_request_fields_states_rows_and_parents() {
    assert_diagnostics(
        "lifecycle_conditions",
        &[
            "spec/services/orders.yaml:29:30: lifecycles.order.steps.make_order.repeat_same[1]: the request has no field \"colour\"",
            "spec/services/orders.yaml:31:9: lifecycles.order.steps.close_order.to: \"SHUT\" is not a state (known: NEW, PAID, CLOSED)",
            "spec/services/orders.yaml:32:9: lifecycles.order.steps.close_order.from: `from` needs `refused: <description of the row answered from other states>`",
            "spec/services/orders.yaml:32:21: lifecycles.order.steps.close_order.from[1]: \"GONE\" is not a state (known: NEW, PAID, CLOSED)",
            "spec/services/orders.yaml:34:9: lifecycles.order.steps.read_order.repeat_same: `repeat_same` belongs to creating steps with `exists`",
            "spec/services/orders.yaml:34:23: lifecycles.order.steps.read_order.repeat_same[0]: the request has no field \"total\"",
            "spec/services/orders.yaml:35:9: lifecycles.order.steps.read_order.refused: `refused` goes with `from`",
            "spec/services/refunds.yaml:19:3: lifecycles.order: the lifecycle id \"order\" is taken by spec/services/orders.yaml",
            "spec/services/refunds.yaml:35:26: lifecycles.refund.steps.make_refund.parent.by[1]: the request has no field \"transaction_id\"",
            "spec/services/refunds.yaml:37:26: lifecycles.refund.steps.make_refund.parent.states[1]: \"REFUNDED\" is not a state of order (known: NEW, PAID, CLOSED)",
            "spec/services/refunds.yaml:38:11: lifecycles.refund.steps.make_refund.parent.refused: \"订单状态不对\" is not an error row of the operation (known: 订单不存在, 超额)",
            "spec/services/refunds.yaml:39:11: lifecycles.refund.steps.make_refund.parent.moves_to: \"GONE\" is not a state of order (known: NEW, PAID, CLOSED)",
            "spec/services/refunds.yaml:40:20: lifecycles.refund.steps.make_refund.parent.within.field: the request has no field \"money\"",
            "spec/services/refunds.yaml:42:9: lifecycles.refund.steps.read_refund.parent: `parent` belongs to creating steps",
            "spec/services/refunds.yaml:43:24: lifecycles.refund.steps.read_refund.parent.lifecycles[0]: no lifecycle \"nowhere\" in any file",
            "spec/services/refunds.yaml:44:11: lifecycles.refund.steps.read_refund.parent.by: name the request fields that find the parent",
        ],
    );
}
