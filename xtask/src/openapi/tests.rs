use std::path::Path;

use serde_json::{Value, json};

use super::import;

const EXPORT: &str = "generated-sdk/openapi.json";

fn export_of(sources: &codegen::spec::Sources) -> String {
    let generated =
        codegen::generate(sources).unwrap_or_else(|error| panic!("the spec generates:\n{error}"));
    generated.output.get(EXPORT).expect("an export").to_owned()
}

/// The first line where two texts differ, with a little context, for a readable failure.
fn first_difference(a: &str, b: &str) -> Option<String> {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let line = (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i))?;
    let around = |lines: &[&str]| {
        lines[line.saturating_sub(8).min(lines.len())..(line + 3).min(lines.len())].join("\n")
    };
    Some(format!(
        "line {}:\n--- original\n{}\n--- after the round trip\n{}",
        line + 1,
        around(&a),
        around(&b)
    ))
}

#[test]
fn importing_our_export_gives_back_a_spec_that_exports_the_same_document() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let sources = codegen::spec::read_sources(&root).expect("the spec reads");
    let original = export_of(&sources);
    let document: Value = serde_json::from_str(&original).expect("the export is JSON");
    let imported = import(&document, EXPORT).unwrap_or_else(|error| panic!("{error}"));
    let again = export_of(&imported.sources);
    if let Some(difference) = first_difference(&original, &again) {
        panic!("the round trip changed the export at {difference}");
    }
}

#[test]
fn importing_our_export_changes_nothing_in_the_generated_crates_public_api() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let sources = codegen::spec::read_sources(&root).expect("the spec reads");
    let original = codegen::resolve(&sources).unwrap_or_else(|error| panic!("{error}"));
    let document: Value = serde_json::from_str(&export_of(&sources)).expect("JSON");
    let imported = import(&document, EXPORT).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(imported.losses, Vec::<String>::new());
    let again = codegen::resolve(&imported.sources).unwrap_or_else(|error| panic!("{error}"));
    let changes = codegen::changes::Changes::between(&original, &again);
    let api_changes: Vec<String> = changes
        .changes
        .iter()
        .filter(|change| change.bump > codegen::ir::Bump::Patch)
        .map(ToString::to_string)
        .collect();
    assert_eq!(api_changes, Vec::<String>::new());
    assert_eq!(again.version, original.version);
    assert_eq!(again.default_features, original.default_features);
}

fn refused(document: Value) -> String {
    match import(&document, "test.json") {
        Ok(_) => panic!("imported: {document}"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn a_document_that_is_not_openapi_is_refused_with_the_pointer_of_the_problem() {
    assert_eq!(
        refused(json!({"swagger": "2.0"})),
        "at the document root: missing \"openapi\""
    );
    assert_eq!(
        refused(json!({"openapi": "2.0", "info": {"title": "t"}})),
        "at /openapi: OpenAPI 2.0 is not imported; 3.0 and 3.1 are"
    );
    let base = |paths: Value| {
        json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "servers": [{"url": "https://api.example.test"}],
            "paths": paths,
        })
    };
    assert_eq!(
        refused(base(
            json!({"/v3/things": {"get": {"operationId": "list_things"}}})
        )),
        "at /paths/~1v3~1things/get: missing \"responses\""
    );
    assert_eq!(
        refused(base(json!({"/v3/things/{id}": {"get": {
            "operationId": "query_thing",
            "parameters": [{"name": "id", "in": "path", "required": "yes", "schema": {"type": "string"}}],
            "responses": {"200": {"description": "ok"}},
        }}}))),
        "at /paths/~1v3~1things~1{id}/get/parameters/0/required: expected true or false, found the string \"yes\""
    );
    assert_eq!(
        refused(base(json!({"/v3/things": {"get": {
            "operationId": "list_things",
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Missing"}}}}},
        }}}))),
        "at /paths/~1v3~1things/get/responses/200/content/application~1json/schema: $ref \"#/components/schemas/Missing\" names no component schema"
    );
}

/// A document written by someone else, in YAML and OpenAPI 3.0: inline objects and enums get
/// names from where they are, `nullable` and `$ref` parameters are followed, and what the format
/// cannot hold is reported with its pointer; the result generates.
#[test]
fn a_foreign_yaml_document_is_imported_with_its_losses_listed() {
    let yaml = r##"
openapi: 3.0.3
info: {title: Shop API, version: "2"}
servers: [{url: "https://api.shop.example"}]
tags: [{name: Orders, description: 订单}]
components:
  parameters:
    Limit: {name: limit, in: query, schema: {type: integer}, description: 每页条数}
  schemas:
    Money:
      type: object
      required: [total]
      properties:
        total: {type: integer, description: 金额}
        currency: {type: string, maxLength: 16, nullable: true}
paths:
  /v3/orders:
    post:
      operationId: createOrder
      tags: [Orders]
      summary: 下单
      parameters:
        - {name: X-Trace, in: header, description: 追踪号}
        - {name: session, in: cookie, schema: {type: string}}
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [amount]
              properties:
                amount: {$ref: "#/components/schemas/Money"}
                channel: {type: string, enum: [APP, WEB]}
                shipping: {type: object, properties: {city: {type: string}}}
                extra: {oneOf: [{type: string}, {type: integer}]}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {id: {type: string}}}
    get:
      operationId: listOrders
      tags: [Orders]
      parameters: [{$ref: "#/components/parameters/Limit"}]
      responses:
        "200": {description: a CSV, content: {text/csv: {schema: {type: string}}}}
"##;
    let dir = std::env::temp_dir().join(format!("openapi-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("shop.yaml");
    std::fs::write(&file, yaml).expect("write");
    let document = super::read(&file).expect("YAML reads");
    let imported = import(&document, "shop.yaml").unwrap_or_else(|error| panic!("{error}"));
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        imported.losses,
        [
            "/paths/~1v3~1orders/get/responses/200/content: a text/csv answer is carried as no body (a file download needs response.download in the spec)",
            "/paths/~1v3~1orders/post/parameters/1: cookie parameters have no counterpart in the format; \"session\" skipped",
            "/paths/~1v3~1orders/post/requestBody/content/application~1json/schema/properties/extra: oneOf of 2 schemas has no counterpart in the format; carried as free-form JSON",
        ]
    );
    let service = &imported.sources.services[0];
    assert_eq!(service.path, "spec/services/orders.yaml");
    for expected in [
        "  Money:\n",
        "  CreateOrderRequestShipping:\n",
        "  CreateOrderResponse:\n",
        "  CreateOrderRequestChannel:\n",
        "  create_order:\n",
        "  list_orders:\n",
        "      X-Trace:\n",
        "      limit:\n        type: integer\n",
        "        max_length: 16\n",
    ] {
        assert!(
            service.text.contains(expected),
            "{expected:?} in\n{}",
            service.text
        );
    }
    let generated = codegen::generate(&imported.sources)
        .unwrap_or_else(|error| panic!("the imported spec generates:\n{error}\n{}", service.text));
    assert_eq!(generated.operations, 2);
}
