//! The spec as data (cargo features `cli` and `testkit`): each service's tables as JSON in
//! `src/api/<service>/schema.json` — fields with type, requirement, limit, enum values and
//! meaning; the documented examples, answer and error rows; notifications and lifecycles — and
//! `src/api/schema.rs`, which embeds the enabled services' files and maps operation ids to their
//! `OperationInfo`. The `wxpay` tool checks requests against the tables and the sandbox routes,
//! checks and answers with them.
//!
//! Data rather than Rust constants: at the size of the whole API, tens of thousands of nested
//! struct literals cost rustc more than a gigabyte; a string literal costs nothing, and the
//! runtime reads it once, when the tool or the sandbox first asks.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{Map, Value, json};

use super::EmitError;
use super::doc::module_doc;
use super::types::ident;
use crate::ir::{
    Api, Field, FieldType, Lifecycle, Location, Notification, Operation, Service, StepAction,
};
use crate::spec::{ErrorRow, ExampleKind};

/// `src/api/schema.rs`.
pub fn schema_module(api: &Api) -> TokenStream {
    let docs = module_doc(&[
        "The spec as data, for the `wxpay` tool and the sandbox: the enabled services' tables \
         (`<service>/schema.json`) and the `OperationInfo` of each operation id. \
         `crate::schema` reads them."
            .to_owned(),
    ]);
    let sources = api.services.iter().map(|service| {
        let feature = &service.name;
        let path = format!("{}/schema.json", service.name);
        quote! {
            #[cfg(feature = #feature)]
            include_str!(#path)
        }
    });
    let arms = api.services.iter().flat_map(|service| {
        let feature = &service.name;
        let module = ident(&service.name);
        service.operations.iter().map(move |op| {
            let id = &op.id;
            let constant = ident(&op.const_name);
            quote! {
                #[cfg(feature = #feature)]
                #id => Some(&crate::api::#module::operations::#constant),
            }
        })
    });
    let common = serde_json::to_string(&Value::Array(
        api.common_errors.iter().map(error_row).collect(),
    ))
    .unwrap_or_default();
    quote! {
        #docs

        /// The tables of the enabled services, as JSON.
        pub const SOURCES: &[&str] = &[#(#sources),*];

        /// 公共错误码, as JSON: the rows every operation may answer.
        pub const COMMON_ERRORS: &str = #common;

        /// The method, path and hosts of the operation `id`, among the enabled services.
        pub fn info(id: &str) -> Option<&'static crate::runtime::OperationInfo> {
            match id {
                #(#arms)*
                _ => None,
            }
        }
    }
}

/// `src/api/<service>/schema.json`: the service's tables, pretty-printed so changes diff well.
pub fn service_tables(api: &Api, service: &Service) -> Result<String, EmitError> {
    // Only the types requests carry have a table: the tool checks requests, not answers.
    let constructed = super::service::constructed_types(service);
    let types: Map<String, Value> = service
        .structs
        .iter()
        .filter(|model| constructed.contains(&model.name))
        .map(|model| {
            let fields = model
                .fields
                .iter()
                .map(|field| field_entry(service, field, None))
                .collect();
            (model.name.clone(), Value::Array(fields))
        })
        .collect();
    let operations: Vec<Value> = service
        .operations
        .iter()
        .map(|op| operation_entry(service, op))
        .collect();
    let notifications: Vec<Value> = service
        .notifications
        .iter()
        .map(notification_entry)
        .collect();
    let lifecycles: Vec<Value> = service.lifecycles.iter().map(lifecycle_entry).collect();
    let tables = json!({
        "service": service.name,
        "types": types,
        "operations": operations,
        "notifications": notifications,
        "lifecycles": lifecycles,
    });
    let name = format!("src/api/{}/schema.json", service.name);
    super::format::json_file(&name, "generated", &tables, &api.sources)
}

fn operation_entry(service: &Service, op: &Operation) -> Value {
    let common = op
        .request
        .fields
        .iter()
        .map(|field| field_entry(service, field, None));
    let by_mode = op.request.modes.iter().flat_map(|mode| {
        mode.fields
            .iter()
            .map(move |field| field_entry(service, field, Some(&mode.key)))
    });
    let first = |kind: ExampleKind| {
        op.examples
            .iter()
            .find(|example| example.kind == kind)
            .map(|example| example.json.clone())
    };
    json!({
        "id": op.id,
        "title": op.title,
        "fields": common.chain(by_mode).collect::<Vec<_>>(),
        "request_example": first(ExampleKind::Request),
        "response": response(service, op, first(ExampleKind::Response)),
        "errors": op.errors.iter().map(error_row).collect::<Vec<_>>(),
    })
}

fn error_row(row: &ErrorRow) -> Value {
    json!({
        "status": row.status,
        "code": row.code,
        "description": row.description,
        "solution": row.solution,
    })
}

/// The answer: status, first documented example, top-level fields (for the sandbox to build
/// answers from its state) and the file check of downloads.
fn response(service: &Service, op: &Operation, example: Option<String>) -> Value {
    let model = op
        .response
        .body
        .as_ref()
        .and_then(|name| service.structs.iter().find(|model| &model.name == name));
    let fields: Vec<&str> = model
        .iter()
        .flat_map(|model| model.fields.iter())
        .map(|field| field.wire_name.as_str())
        .collect();
    let required: Vec<&str> = model
        .iter()
        .flat_map(|model| model.fields.iter())
        .filter(|field| field.required)
        .map(|field| field.wire_name.as_str())
        .collect();
    let download = op.response.download.as_ref().map(|download| {
        json!({
            "digest_header": download.digest_header,
            "signed_body": download.signed_body,
            "gzip": download.gzip,
        })
    });
    json!({
        "status": op.response.status,
        "example": example,
        "fields": fields,
        "required": required,
        "download": download,
    })
}

fn notification_entry(notification: &Notification) -> Value {
    let event_types: Vec<Value> = notification
        .event_types
        .iter()
        .map(|(name, meaning)| json!({"name": name, "meaning": meaning}))
        .collect();
    json!({
        "id": notification.id,
        "title": notification.title,
        "event_types": event_types,
        "example": notification.examples.first().map(|(_, json)| json),
    })
}

fn lifecycle_entry(lifecycle: &Lifecycle) -> Value {
    let steps: Vec<Value> = lifecycle
        .steps
        .iter()
        .map(|step| {
            let action = match &step.action {
                StepAction::Create(state) => json!({"create": state}),
                StepAction::Move(state) => json!({"move": state}),
                StepAction::Read => json!("read"),
            };
            json!({
                "operation": step.operation,
                "action": action,
                "refusal": error_row(&step.refusal),
            })
        })
        .collect();
    json!({
        "id": lifecycle.id,
        "title": lifecycle.title,
        "key": lifecycle.key,
        "state_field": lifecycle.state_field,
        "ids": lifecycle.ids,
        "steps": steps,
    })
}

fn field_entry(service: &Service, field: &Field, mode: Option<&str>) -> Value {
    let location = match field.location {
        Location::Path => "path",
        Location::Query => "query",
        Location::Body => "body",
    };
    json!({
        "name": field.wire_name,
        "shape": shape(service, &field.ty),
        "required": field.required,
        "max_length": field.max_length,
        "location": location,
        "mode": mode,
        "description": field.description,
    })
}

fn shape(service: &Service, ty: &FieldType) -> Value {
    match ty {
        FieldType::String => json!("string"),
        FieldType::Integer => json!("integer"),
        FieldType::Boolean => json!("boolean"),
        FieldType::DateTime => json!("datetime"),
        FieldType::Enum(name) => {
            let values: Vec<&str> = service
                .enums
                .iter()
                .find(|item| &item.name == name)
                .map(|item| {
                    item.variants
                        .iter()
                        .map(|variant| variant.wire.as_str())
                        .collect()
                })
                .unwrap_or_default();
            json!({"enum": values})
        }
        FieldType::Struct(name) => json!({"object": name}),
        FieldType::Array(items) => json!({"array": shape(service, items)}),
    }
}
