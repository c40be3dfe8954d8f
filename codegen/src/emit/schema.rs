//! The spec as data (cargo features `cli` and `testkit`): each service's tables as JSON in
//! `<service>/schema.json` in the service's crate — fields with type, requirement, limit, enum values and
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

use super::EmitError;
use super::doc::module_doc;
use super::types::ident;
use crate::ir::{Api, Field, FieldType, Integrity, Location, Notification, Operation, Service};
use crate::schema_data as data;
use crate::spec::{ErrorRow, ExampleKind};

/// `src/api/schema.rs`.
pub fn schema_module(api: &Api) -> Result<TokenStream, EmitError> {
    let docs = module_doc(&[
        "The spec as data, for the `wxpay` tool and the sandbox: the enabled services' tables \
         (`<service>::SCHEMA`, each service's `schema.json`) and the `OperationInfo` of each operation. \
         `crate::schema` reads them."
            .to_owned(),
    ]);
    let sources = api.services.iter().map(|service| {
        let feature = &service.name;
        let module = ident(&service.name);
        quote! {
            #[cfg(feature = #feature)]
            (#feature, crate::api::#module::SCHEMA)
        }
    });
    let arms = api.services.iter().map(|service| {
        let feature = &service.name;
        let module = ident(&service.name);
        quote! {
            #[cfg(feature = #feature)]
            #feature => crate::api::#module::operations::ALL,
        }
    });
    let upload_arms = api.services.iter().flat_map(|service| {
        let feature = &service.name;
        let module = ident(&service.name);
        service
            .operations
            .iter()
            .filter(|op| op.upload.is_some())
            .map(move |op| {
                let id = &op.id;
                let constant = ident(&op.const_name);
                quote! {
                    #[cfg(feature = #feature)]
                    (#feature, #id, &crate::api::#module::operations::uploads::#constant)
                }
            })
    });
    let rows: Vec<data::ErrorRow> = api.common_errors.iter().map(error_row).collect();
    let common = serde_json::to_string(&rows)
        .map_err(|error| EmitError(format!("src/api/schema.rs: 公共错误码: {error}")))?;
    Ok(quote! {
        #docs

        /// The tables of the enabled services, as JSON, each with its service's name.
        pub const SOURCES: &[(&str, &str)] = &[#(#sources),*];

        /// 公共错误码, as JSON: the rows every operation may answer.
        pub const COMMON_ERRORS: &str = #common;

        /// The method, path and hosts of the operation `id` of `service`, among the enabled
        /// services.
        pub fn info(service: &str, id: &str) -> Option<&'static crate::runtime::OperationInfo> {
            let operations: &[&crate::runtime::OperationInfo] = match service {
                #(#arms)*
                _ => &[],
            };
            operations.iter().copied().find(|operation| operation.id == id)
        }

        /// The upload operations of the enabled services: service, id and framing.
        const UPLOADS: &[(&str, &str, &crate::runtime::UploadRules)] = &[#(#upload_arms),*];

        /// How the operation `id` of `service` frames its multipart upload, when it is one.
        pub fn upload(service: &str, id: &str) -> Option<&'static crate::runtime::UploadRules> {
            UPLOADS
                .iter()
                .find(|(known_service, known_id, _)| *known_service == service && *known_id == id)
                .map(|(_, _, rules)| *rules)
        }
    })
}

/// `<service>/schema.json` in the service's crate: the service's tables, pretty-printed so changes diff well.
pub fn service_tables(api: &Api, service: &Service) -> Result<String, EmitError> {
    let name = format!("{}/schema.json", service.dir());
    let fail = |error: serde_json::Error| EmitError(format!("{name}: {error}"));
    let tables = tables(service);
    // Through a `Value` so keys come out sorted, as in every generated JSON file.
    let value = serde_json::to_value(&tables).map_err(fail)?;
    super::format::json_file(&name, "generated", &value, &api.sources_of(service))
}

fn tables(service: &Service) -> data::ServiceTables {
    // Only the types requests carry have a table: the tool checks requests, not answers.
    let constructed = &service.constructed_types;
    let types = service
        .structs
        .iter()
        .filter(|model| constructed.contains(&model.name))
        .map(|model| {
            let fields = model
                .fields
                .iter()
                .map(|field| field_data(service, field, None))
                .collect();
            (model.name.clone(), fields)
        })
        .collect();
    data::ServiceTables {
        service: service.name.clone(),
        types,
        operations: service
            .operations
            .iter()
            .map(|op| operation_data(service, op))
            .collect(),
        notifications: service
            .notifications
            .iter()
            .map(|notification| notification_data(service, notification))
            .collect(),
        lifecycles: service.lifecycles.iter().map(lifecycle_data).collect(),
    }
}

fn operation_data(service: &Service, op: &Operation) -> data::OperationData {
    let common = op
        .request
        .fields
        .iter()
        .map(|field| field_data(service, field, None));
    let by_mode = op.request.modes.iter().flat_map(|mode| {
        mode.fields
            .iter()
            .map(move |field| field_data(service, field, Some(&mode.key)))
    });
    let first = |kind: ExampleKind| {
        op.examples
            .iter()
            .find(|example| example.kind == kind)
            .map(|example| example.json.clone())
    };
    data::OperationData {
        id: op.id.clone(),
        title: op.title.clone(),
        fields: common.chain(by_mode).collect(),
        request_example: first(ExampleKind::Request),
        response: response(service, op, first(ExampleKind::Response)),
        errors: op.errors.iter().map(error_row).collect(),
        platform_certificates: op.certificates.is_some(),
    }
}

fn error_row(row: &ErrorRow) -> data::ErrorRow {
    data::ErrorRow {
        status: row.status,
        code: row.code.clone(),
        description: row.description.clone(),
        solution: row.solution.clone(),
    }
}

/// The answer: status, first documented example (or one built from the answer's type), top-level
/// fields (for the sandbox to build answers from its state) and the file check of downloads.
fn response(service: &Service, op: &Operation, example: Option<String>) -> data::Response {
    let model = op.response.body.as_ref().map(|body| service.model(body));
    let example = example.or_else(|| {
        let built = super::synthetic::answer(service, model?);
        Some(built.to_string())
    });
    let fields = model.iter().flat_map(|model| model.fields.iter());
    data::Response {
        status: op.response.status,
        example,
        fields: fields
            .clone()
            .map(|field| field.wire_name.clone())
            .collect(),
        required: fields
            .filter(|field| field.required)
            .map(|field| field.wire_name.clone())
            .collect(),
        download: op.response.download.as_ref().map(|download| {
            let (digest_header, signed_body) = match &download.integrity {
                Integrity::SignedDigest {
                    digest_header,
                    signed_body,
                } => (Some(digest_header.clone()), Some(signed_body.clone())),
                Integrity::Announced => (None, None),
            };
            data::Download {
                digest_header,
                signed_body,
                gzip: download.gzip,
                gzip_query: download
                    .gzip_query
                    .as_ref()
                    .map(|(field, value)| data::GzipQuery {
                        field: field.clone(),
                        value: value.clone(),
                    }),
            }
        }),
        announces: announcement(service, op),
    }
}

/// The download whose URL and SHA-1 this operation's answer gives (申请交易账单 gives 下载账单's),
/// so the sandbox can answer a URL on itself and the SHA-1 of the file it serves.
fn announcement(service: &Service, op: &Operation) -> Option<data::Announcement> {
    service.operations.iter().find_map(|download| {
        let announced_by = download.response.download.as_ref()?.announced_by.as_ref()?;
        announced_by
            .operations
            .contains(&op.id)
            .then(|| data::Announcement {
                download: download.id.clone(),
                url_field: announced_by.url_field.clone(),
                digest_field: announced_by.digest_field.clone(),
            })
    })
}

fn notification_data(service: &Service, notification: &Notification) -> data::NotificationData {
    data::NotificationData {
        id: notification.id.clone(),
        title: notification.title.clone(),
        event_types: notification
            .event_types
            .iter()
            .map(|(name, meaning)| data::EventType {
                name: name.clone(),
                meaning: meaning.clone(),
            })
            .collect(),
        example: notification.examples.first().map(|(_, json)| json.clone()),
        fields: service
            .model(&notification.resource)
            .fields
            .iter()
            .map(|field| field.wire_name.clone())
            .collect(),
    }
}

fn lifecycle_data(lifecycle: &crate::ir::Lifecycle) -> data::Lifecycle {
    data::Lifecycle {
        id: lifecycle.id.clone(),
        title: lifecycle.title.clone(),
        key: lifecycle.key.clone(),
        state_field: lifecycle.state_field.clone(),
        ids: lifecycle.ids.clone(),
        steps: lifecycle
            .steps
            .iter()
            .map(|step| data::Step {
                operation: step.operation.clone(),
                action: match &step.action {
                    crate::ir::StepAction::Create(state) => data::StepAction::Create(state.clone()),
                    crate::ir::StepAction::Move(state) => data::StepAction::Move(state.clone()),
                    crate::ir::StepAction::Read => data::StepAction::Read,
                },
                refusal: step.refusal.as_ref().map(error_row),
                repeat_same: step.repeat_same.clone(),
                from: step.from.clone(),
                from_refusal: step.from_refusal.as_ref().map(error_row),
                parent: step.parent.as_ref().map(|parent| data::Parent {
                    lifecycles: parent.lifecycles.clone(),
                    by: parent.by.clone(),
                    missing: error_row(&parent.missing),
                    states: parent.states.clone(),
                    refused: error_row(&parent.refused),
                    moves_to: parent.moves_to.clone(),
                    within: parent.within.as_ref().map(|within| data::Within {
                        field: within.field.clone(),
                        limit: within.limit.clone(),
                        refused: error_row(&within.refused),
                    }),
                }),
            })
            .collect(),
        states: lifecycle.states.clone(),
        notify: lifecycle
            .notify
            .as_ref()
            .map(|notify| data::LifecycleNotify {
                url_field: notify.url_field.clone(),
                notification: notify.notification.clone(),
                events: notify.events.clone(),
                state_field: notify.state_field.clone(),
            }),
    }
}

fn field_data(service: &Service, field: &Field, mode: Option<&str>) -> data::FieldData {
    data::FieldData {
        name: field.wire_name.clone(),
        shape: shape(service, &field.ty),
        required: field.required,
        max_length: field.max_length,
        location: match field.location {
            Location::Path => data::FieldLocation::Path,
            Location::Query => data::FieldLocation::Query,
            Location::Body => data::FieldLocation::Body,
        },
        mode: mode.map(str::to_owned),
        description: field.description.clone(),
    }
}

fn shape(service: &Service, ty: &FieldType) -> data::ShapeData {
    match ty {
        FieldType::String => data::ShapeData::String,
        FieldType::Integer => data::ShapeData::Integer,
        FieldType::Decimal => data::ShapeData::Number,
        FieldType::Json => data::ShapeData::Json,
        FieldType::Boolean => data::ShapeData::Boolean,
        FieldType::DateTime => data::ShapeData::DateTime,
        FieldType::Enum(item) => {
            let item = service.enumeration(item);
            let values = item.variants.iter().map(|v| v.wire.clone()).collect();
            if item.integer {
                data::ShapeData::IntegerEnum(values)
            } else {
                data::ShapeData::Enum(values)
            }
        }
        FieldType::Struct(model) => data::ShapeData::Object(model.name.clone()),
        FieldType::Array(items) => data::ShapeData::Array(Box::new(shape(service, items))),
    }
}
