//! `src/api/schema.rs` (cargo features `cli` and `testkit`): what the spec says of each
//! operation, in a form programs can walk — fields with type, requirement, limit, enum values and
//! meaning; the documented examples, answer and error rows; notifications and lifecycles. The
//! `wxpay` tool checks requests against it and the sandbox routes, checks and answers with it.

use proc_macro2::TokenStream;
use quote::quote;

use super::doc::module_doc;
use super::types::ident;
use crate::ir::{
    Api, Field, FieldType, Lifecycle, Location, Notification, Operation, Service, StepAction,
};
use crate::spec::{ErrorRow, ExampleKind};

pub fn schema_module(api: &Api) -> TokenStream {
    let docs = module_doc(&[
        "The spec as data: the operation table of the `wxpay` tool and of the sandbox.".to_owned(),
    ]);
    let sections = api.services.iter().map(service_section);
    let collect = |table: &str| {
        let table = ident(table);
        let tables = api.services.iter().map(|service| {
            let feature = &service.name;
            let module = ident(&service.name);
            quote! {
                #[cfg(feature = #feature)]
                #module::#table
            }
        });
        quote!(#(#tables),*)
    };
    let operations = collect("OPERATIONS");
    let notifications = collect("NOTIFICATIONS");
    let lifecycles = collect("LIFECYCLES");
    let common = api.common_errors.iter().map(error_row);
    quote! {
        #docs
        use crate::schema::{ErrorRow, Lifecycle, Notification, Operation};

        /// 公共错误码: the rows every operation may answer.
        pub const COMMON_ERRORS: &[ErrorRow] = &[#(#common),*];

        #(#sections)*

        /// Every operation the enabled features provide, sorted by operation id.
        pub fn operations() -> Vec<&'static Operation> {
            let tables: &[&'static [Operation]] = &[#operations];
            let mut all: Vec<&'static Operation> = tables.iter().flat_map(|table| table.iter()).collect();
            all.sort_by_key(|operation| operation.info.id);
            all
        }

        /// Every notification the enabled features describe.
        pub fn notifications() -> Vec<&'static Notification> {
            let tables: &[&'static [Notification]] = &[#notifications];
            tables.iter().flat_map(|table| table.iter()).collect()
        }

        /// Every lifecycle the enabled features describe.
        pub fn lifecycles() -> Vec<&'static Lifecycle> {
            let tables: &[&'static [Lifecycle]] = &[#lifecycles];
            tables.iter().flat_map(|table| table.iter()).collect()
        }
    }
}

/// The types a service's tables use, leaving out the others (the crate denies unused imports).
fn imports(service: &Service) -> Vec<proc_macro2::Ident> {
    let has_fields = service
        .operations
        .iter()
        .any(|op| op.request.all_fields().next().is_some());
    let has_download = service
        .operations
        .iter()
        .any(|op| op.response.download.is_some());
    let has_errors =
        service.operations.iter().any(|op| !op.errors.is_empty()) || !service.lifecycles.is_empty();
    let mut names = Vec::new();
    if has_download {
        names.push("Download");
    }
    if has_errors {
        names.push("ErrorRow");
    }
    if !service.notifications.is_empty() {
        names.push("EventType");
    }
    if has_fields {
        names.extend(["Field", "FieldLocation"]);
    }
    names.extend(["Lifecycle", "Notification", "Operation", "Response"]);
    if has_fields {
        names.push("Shape");
    }
    if !service.lifecycles.is_empty() {
        names.extend(["Step", "StepAction"]);
    }
    names.into_iter().map(ident).collect()
}

/// `src/api/cli.rs` (cargo feature `cli`): the dispatch from an operation id to the typed call.
pub fn cli_module(api: &Api) -> TokenStream {
    let docs = module_doc(&[
        "The `wxpay` tool's dispatch from an operation id to the typed call, generated from the spec.".to_owned(),
        "Each operation has its own small function returning a boxed future, so no function holds \
         every operation's state machine (at the size of the whole API that one function would \
         dominate the crate's build)."
            .to_owned(),
    ]);
    let arms = api.services.iter().flat_map(|service| {
        let feature = &service.name;
        let module = ident(&service.name);
        service.operations.iter().map(move |op| {
            let id = &op.id;
            let function = ident(&op.method_name);
            quote! {
                #[cfg(feature = #feature)]
                #id => Some(#module::#function),
            }
        })
    });
    let modules = api.services.iter().map(call_module);
    quote! {
        #docs

        /// One typed call in progress; its answer as JSON.
        type Call<'a> = std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<Option<serde_json::Value>, crate::Error>> + 'a>,
        >;

        /// Decodes `request` into the operation's typed request, calls it, and returns the typed
        /// response as JSON (`None` for a response with no body).
        pub async fn call(
            client: &crate::runtime::Client,
            id: &str,
            request: serde_json::Value,
        ) -> Result<Option<serde_json::Value>, crate::Error> {
            let call: Option<fn(&crate::runtime::Client, serde_json::Value) -> Call<'_>> = match id {
                #(#arms)*
                _ => None,
            };
            match call {
                Some(call) => call(client, request).await,
                None => Err(crate::cli::unknown_operation(id)),
            }
        }

        #(#modules)*
    }
}

/// The call functions of one service's operations.
fn call_module(service: &Service) -> TokenStream {
    let feature = &service.name;
    let module = ident(&service.name);
    let functions = service
        .operations
        .iter()
        .map(|op| call_function(service, op));
    let doc = format!(" The calls of `{}`.", service.name);
    quote! {
        #[cfg(feature = #feature)]
        #[doc = #doc]
        mod #module {
            use super::Call;

            #(#functions)*
        }
    }
}

fn service_section(service: &Service) -> TokenStream {
    let feature = &service.name;
    // Only the types requests carry have a table: the tool checks requests, not answers.
    let constructed = super::service::constructed_types(service);
    let models = service
        .structs
        .iter()
        .filter(|model| constructed.contains(&model.name))
        .map(|model| {
            let name = fields_table(&model.name);
            let fields = model
                .fields
                .iter()
                .map(|field| field_entry(service, field, None));
            let doc = format!(" The fields of `{}`.", model.name);
            quote! {
                #[doc = #doc]
                const #name: &[Field] = &[#(#fields),*];
            }
        });
    let module = ident(&service.name);
    let operations = service.operations.iter().map(|op| {
        let constant = ident(&op.const_name);
        let title = &op.title;
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
        let fields = common.chain(by_mode);
        let service_name = &service.name;
        let request_example = optional_text(
            op.examples
                .iter()
                .find(|example| example.kind == ExampleKind::Request)
                .map(|example| example.json.as_str()),
        );
        let response = response(service, op);
        let errors = op.errors.iter().map(error_row);
        quote! {
            Operation {
                info: &crate::api::#module::operations::#constant,
                service: #service_name,
                title: #title,
                fields: &[#(#fields),*],
                request_example: #request_example,
                response: #response,
                errors: &[#(#errors),*],
            }
        }
    });
    let notifications = service
        .notifications
        .iter()
        .map(|notification| notification_entry(service, notification));
    let lifecycles = service.lifecycles.iter().map(lifecycle_entry);
    let imports = imports(service);
    let module_doc = format!(" The tables of `{}`.", service.name);
    quote! {
        #[cfg(feature = #feature)]
        #[doc = #module_doc]
        mod #module {
            use crate::schema::{#(#imports),*};

            #(#models)*
            /// Its operations.
            pub(super) const OPERATIONS: &[Operation] = &[#(#operations),*];
            /// Its notifications.
            pub(super) const NOTIFICATIONS: &[Notification] = &[#(#notifications),*];
            /// Its lifecycles.
            pub(super) const LIFECYCLES: &[Lifecycle] = &[#(#lifecycles),*];
        }
    }
}

fn optional_text(text: Option<&str>) -> TokenStream {
    match text {
        Some(text) => quote!(Some(#text)),
        None => quote!(None),
    }
}

fn error_row(row: &ErrorRow) -> TokenStream {
    let ErrorRow {
        status,
        code,
        description,
        solution,
    } = row;
    quote! {
        ErrorRow {
            status: #status,
            code: #code,
            description: #description,
            solution: #solution,
        }
    }
}

/// The answer: status, first documented example, top-level fields (for the sandbox to build
/// answers from its state) and the file check of downloads.
fn response(service: &Service, op: &Operation) -> TokenStream {
    let status = op.response.status;
    let example = optional_text(
        op.examples
            .iter()
            .find(|example| example.kind == ExampleKind::Response)
            .map(|example| example.json.as_str()),
    );
    let model = op
        .response
        .body
        .as_ref()
        .and_then(|name| service.structs.iter().find(|model| &model.name == name));
    let fields = model
        .iter()
        .flat_map(|model| model.fields.iter())
        .map(|field| field.wire_name.as_str());
    let required = model
        .iter()
        .flat_map(|model| model.fields.iter())
        .filter(|field| field.required)
        .map(|field| field.wire_name.as_str());
    let download = match &op.response.download {
        Some(download) => {
            let digest_header = &download.digest_header;
            let signed_body = &download.signed_body;
            let gzip = download.gzip;
            quote! {
                Some(Download {
                    digest_header: #digest_header,
                    signed_body: #signed_body,
                    gzip: #gzip,
                })
            }
        }
        None => quote!(None),
    };
    quote! {
        Response {
            status: #status,
            example: #example,
            fields: &[#(#fields),*],
            required: &[#(#required),*],
            download: #download,
        }
    }
}

fn notification_entry(service: &Service, notification: &Notification) -> TokenStream {
    let service_name = &service.name;
    let id = &notification.id;
    let title = &notification.title;
    let event_types = notification.event_types.iter().map(|(name, meaning)| {
        let meaning = optional_text(meaning.as_deref());
        quote!(EventType { name: #name, meaning: #meaning })
    });
    let example = optional_text(notification.examples.first().map(|(_, json)| json.as_str()));
    quote! {
        Notification {
            service: #service_name,
            id: #id,
            title: #title,
            event_types: &[#(#event_types),*],
            example: #example,
        }
    }
}

fn lifecycle_entry(lifecycle: &Lifecycle) -> TokenStream {
    let Lifecycle {
        id,
        title,
        key,
        state_field,
        ids,
        steps,
    } = lifecycle;
    let steps = steps.iter().map(|step| {
        let operation = &step.operation;
        let action = match &step.action {
            StepAction::Create(state) => quote!(StepAction::Create(#state)),
            StepAction::Move(state) => quote!(StepAction::Move(#state)),
            StepAction::Read => quote!(StepAction::Read),
        };
        let refusal = error_row(&step.refusal);
        quote! {
            Step {
                operation: #operation,
                action: #action,
                refusal: #refusal,
            }
        }
    });
    quote! {
        Lifecycle {
            id: #id,
            title: #title,
            key: #key,
            state_field: #state_field,
            ids: &[#(#ids),*],
            steps: &[#(#steps),*],
        }
    }
}

fn field_entry(service: &Service, field: &Field, mode: Option<&str>) -> TokenStream {
    let mode = match mode {
        Some(mode) => quote!(Some(#mode)),
        None => quote!(None),
    };
    let name = &field.wire_name;
    let shape = shape(service, &field.ty);
    let required = field.required;
    let max_length = match field.max_length {
        Some(max) => {
            let max = proc_macro2::Literal::usize_unsuffixed(max as usize);
            quote!(Some(#max))
        }
        None => quote!(None),
    };
    let location = match field.location {
        Location::Path => quote!(FieldLocation::Path),
        Location::Query => quote!(FieldLocation::Query),
        Location::Body => quote!(FieldLocation::Body),
    };
    let description = &field.description;
    quote! {
        Field {
            name: #name,
            shape: #shape,
            required: #required,
            max_length: #max_length,
            location: #location,
            mode: #mode,
            description: #description,
        }
    }
}

fn shape(service: &Service, ty: &FieldType) -> TokenStream {
    match ty {
        FieldType::String => quote!(Shape::String),
        FieldType::Integer => quote!(Shape::Integer),
        FieldType::Boolean => quote!(Shape::Boolean),
        FieldType::DateTime => quote!(Shape::DateTime),
        FieldType::Enum(name) => {
            let values = service
                .enums
                .iter()
                .find(|item| &item.name == name)
                .map(|item| {
                    item.variants
                        .iter()
                        .map(|variant| variant.wire.clone())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default();
            quote!(Shape::Enum(&[#(#values),*]))
        }
        FieldType::Struct(name) => {
            let constant = fields_table(name);
            quote!(Shape::Object(#constant))
        }
        FieldType::Array(items) => {
            let items = shape(service, items);
            quote!(Shape::Array(&#items))
        }
    }
}

/// The typed call of one operation (feature `cli`).
fn call_function(service: &Service, op: &Operation) -> TokenStream {
    let module = ident(&service.name);
    let request = ident(&op.request.name);
    let method = ident(&op.method_name);
    let body = if op.response.download.is_some() {
        // The file goes to stdout as it arrives.
        quote! {
            let mut sink = crate::cli::Progress::to_stdout();
            client.#module().#method(&request, &mut sink).await?;
            sink.finish();
            Ok(None)
        }
    } else if op.response.body.is_some() {
        quote! {
            let response = client.#module().#method(&request).await?;
            crate::cli::encode(&response).map(Some)
        }
    } else {
        // A 204: nothing to print.
        quote! {
            client.#module().#method(&request).await?;
            Ok(None)
        }
    };
    let doc = format!(" `{}`: {}", op.id, super::doc::escape_text(&op.title));
    quote! {
        #[doc = #doc]
        pub(super) fn #method(client: &crate::runtime::Client, request: serde_json::Value) -> Call<'_> {
            Box::pin(async move {
                let request: crate::api::#module::#request = crate::cli::decode(request)?;
                #body
            })
        }
    }
}

/// `RechargeAmount` → `RECHARGE_AMOUNT_FIELDS`: the suffix keeps a type called `Operations`
/// clear of the `OPERATIONS` table.
fn fields_table(type_name: &str) -> proc_macro2::Ident {
    ident(&format!(
        "{}_FIELDS",
        heck::ToShoutySnakeCase::to_shouty_snake_case(type_name)
    ))
}
