//! The converter from the community description: names, skipped constructs, enum dedupe, and
//! that what it writes passes the pipeline, for a small fixture and for the real description.

use std::path::Path;
use std::time::Instant;

use crate::convert::{self, Conversion};

fn fixture() -> Conversion {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/convert/community.json");
    let json = std::fs::read_to_string(path).expect("read the fixture");
    convert::convert_json(&json).expect("the fixture converts")
}

fn service<'a>(conversion: &'a Conversion, name: &str) -> &'a str {
    let path = format!("spec/services/{name}.yaml");
    let file = conversion
        .sources
        .services
        .iter()
        .find(|file| file.path == path);
    &file.unwrap_or_else(|| panic!("no {path}")).text
}

fn warned(conversion: &Conversion, text: &str) -> bool {
    conversion
        .warnings
        .iter()
        .any(|warning| warning.contains(text))
}

#[test]
fn nested_objects_are_named_after_their_parent_and_identical_shapes_are_shared() {
    let conversion = fixture();
    let pay = service(&conversion, "pay");
    assert!(
        pay.contains("  CreateTransactionsJsapiRequestAmount:\n"),
        "{pay}"
    );
    assert!(
        pay.contains("  CreateTransactionsJsapiRequestDetail:\n"),
        "{pay}"
    );
    assert!(
        pay.contains("  CreateTransactionsJsapiRequestDetailGoodsDetail:\n"),
        "{pay}"
    );
    assert!(
        pay.contains("  CreateTransactionsJsapiResponse:\n"),
        "{pay}"
    );
    assert!(
        !pay.contains("CreateTransactionsJsapiResponseAmount"),
        "the response's amount has the request's shape and reuses its type:\n{pay}"
    );
    assert!(
        pay.contains("  query_transactions_id_by_transaction_id:\n"),
        "{pay}"
    );
    assert!(
        pay.contains("type: datetime"),
        "rfc3339 strings are datetimes"
    );
    assert!(
        pay.contains("merchants:\n    - (converted)"),
        "no roles: the placeholder"
    );
}

#[test]
fn what_the_format_cannot_express_is_skipped_with_one_warning_each_the_rest_carried() {
    let conversion = fixture();
    for expected in [
        "POST /v3/merchant/media/upload: skipped operation: multipart upload: no jsonObjectLike property with the meta's fields",
        "POST /v3/refund/domestic/refunds/{out_refund_no}/close: path.out_refund_no: declared as a query parameter; moved to the path",
        "request.appid: skipped: another field of this object has the same (Rust) name",
        "query.filters: skipped: a URL parameter cannot be an array of objects or arrays",
    ] {
        assert!(
            warned(&conversion, expected),
            "{expected}\n{:#?}",
            conversion.warnings
        );
    }
    let pay = service(&conversion, "pay");
    assert!(
        pay.contains("matrix:\n        type: array\n        items:\n        - string\n"),
        "an array of arrays is carried, its inner element type in brackets:\n{pay}"
    );
    assert!(
        pay.contains("      ids:\n        type: array\n        items: string\n"),
        "an array of strings in the query is carried (repeated once per item):\n{pay}"
    );
    let summary = &conversion.summary;
    assert_eq!((summary.operations, summary.operations_carried), (6, 5));
    assert_eq!(summary.fields - summary.fields_carried, 4, "{summary}");
    assert_eq!(
        summary.free_form, 2,
        "tags (items) and extra (object): {summary}"
    );
    assert_eq!(summary.decimals, 1);
}

#[test]
fn a_multipart_operation_becomes_an_upload_its_meta_fields_the_body() {
    let conversion = fixture();
    let files = service(&conversion, "mch_manage");
    for expected in [
        "    upload:\n      file_part: submission_file\n      description: 资料文件\n      meta_part: meta\n      digest: file_digest\n      file_name: file_name\n      form_fields:\n      - item_id\n",
        "      remark:\n",
        "      item_id:\n",
    ] {
        assert!(files.contains(expected), "{expected}\n{files}");
    }
    // The digest and the file name are the runtime's: not body fields the caller sets.
    let body = &files[files.find("    body:").expect("a body")..];
    assert!(
        !body.contains("      file_digest:") && !body.contains("      file_name:"),
        "{body}"
    );
}

#[test]
fn enum_values_are_deduplicated_with_a_warning_and_identical_enums_shared() {
    let conversion = fixture();
    assert!(warned(
        &conversion,
        "request.scene: enum: duplicate value \"APP\" dropped"
    ));
    assert!(warned(
        &conversion,
        "request.scene: enum: blank value dropped"
    ));
    assert!(warned(
        &conversion,
        "request.scene: enum: value \"web\" dropped, its Rust variant is taken"
    ));
    let pay = service(&conversion, "pay");
    assert!(
        pay.contains("  CreateTransactionsJsapiRequestScene:\n    description: (converted) the values at request.scene\n    values:\n      APP: null\n      WEB: null\n"),
        "{pay}"
    );
    let refund = service(&conversion, "refund");
    assert_eq!(refund.matches("values:").count(), 1, "{refund}");
}

#[test]
fn the_converted_fixture_passes_the_whole_pipeline() {
    let conversion = fixture();
    let generated =
        codegen::generate(&conversion.sources).unwrap_or_else(|error| panic!("{error}"));
    // Five: one declares its path parameter as a query parameter, and is repaired; the upload
    // with its meta is carried, the one without a meta is not.
    assert_eq!(generated.operations, 5);
    let client = generated
        .output
        .get("generated-sdk/services/all/src/pay/client.rs")
        .expect("the pay client");
    assert!(client.contains("pub fn query_transactions_id_by_transaction_id("));
    let uploads = generated
        .output
        .get("generated-sdk/services/all/src/mch_manage/client.rs")
        .expect("the mch_manage client");
    assert!(
        uploads.contains("file: crate::runtime::UploadFile"),
        "{uploads}"
    );
}

/// The real description (1,019 operations) converts and its spec validates, in memory.
#[test]
fn the_real_community_description_converts_into_a_valid_spec() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference/community-api.json");
    let Ok(json) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: {} is not there", path.display());
        return;
    };
    let started = Instant::now();
    let conversion = convert::convert_json(&json).expect("converts");
    let spec = codegen::spec::parse(&conversion.sources).unwrap_or_else(|error| panic!("{error}"));
    codegen::validate::validate(&spec).unwrap_or_else(|error| panic!("{error}"));
    codegen::ir::build(&spec).unwrap_or_else(|error| panic!("{error}"));
    let summary = &conversion.summary;
    assert_eq!(summary.operations, 1019);
    assert_eq!(
        summary.operations_carried, 1019,
        "every operation is carried: {summary}"
    );
    assert!(
        summary.fields_carried * 100 >= summary.fields * 98,
        "{summary}"
    );
    eprintln!("{summary} in {:?}", started.elapsed());
}

#[test]
fn path_placeholders_declared_elsewhere_become_path_parameters() {
    let json = r#"{"operations": [
        {"method": "GET", "path": "/v3/things/{thing_no}",
         "query_params": [{"name": "thing_no", "type": "string"}, {"name": "mchid", "type": "string"}],
         "responses": {"204": null}},
        {"method": "POST", "path": "/v3/users/{user_id}/stop/{plan_id}",
         "path_params": [{"name": "use_id", "type": "string", "required": true}],
         "request_body": {"type": "object", "properties": [
            {"name": "plan_id", "type": "string", "required": true},
            {"name": "reason", "type": "string"}]},
         "responses": {"204": null}},
        {"method": "GET", "path": "/v3/orphans/{nobody}", "responses": {"204": null}}
    ]}"#;
    let conversion = convert::convert_json(json).expect("converts");
    for note in [
        "GET /v3/things/{thing_no}: path.thing_no: declared as a query parameter; moved to the path",
        "POST /v3/users/{user_id}/stop/{plan_id}: path.user_id: declared as path parameter `use_id`, which the path does not have; renamed",
        "POST /v3/users/{user_id}/stop/{plan_id}: path.plan_id: declared as a body property; moved to the path",
        "GET /v3/orphans/{nobody}: skipped operation: path placeholders",
    ] {
        assert!(
            warned(&conversion, note),
            "{note}\n{:#?}",
            conversion.warnings
        );
    }
    let things = service(&conversion, "things");
    assert!(
        things.contains("    path_params:\n      thing_no:"),
        "{things}"
    );
    assert!(things.contains("    query:\n      mchid:"), "{things}");
    let users = service(&conversion, "users");
    assert!(
        users.contains("      user_id:") && users.contains("      plan_id:"),
        "{users}"
    );
    assert!(!users.contains("use_id"), "{users}");
}
