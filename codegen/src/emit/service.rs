//! One service: its module, models, enums, request types, operation metadata and client facade.

use proc_macro2::TokenStream;
use quote::quote;

use super::doc::{escape_text, module_doc};
use super::enums::{VariantSpec, Wire, emit_enum};
use super::format::rust_file;
use super::imports::imports;
use super::outcomes::outcome_enums;
use super::structs::{StructSpec, emit_struct, required_struct};
use super::tests::examples_module;
use super::types::ident;
use super::{EmitError, operation};
use crate::ir::{Api, Operation, Service};
use crate::output::Output;

pub fn emit_service(api: &Api, service: &Service, output: &mut Output) -> Result<(), EmitError> {
    let dir = service.dir();
    // Built once: the models, the requests and the required-field structs all read them.
    let model_specs = model_specs(service);
    let request_specs = request_specs(service);
    let required = required(service, &model_specs, &request_specs);
    let files = [
        ("mod.rs", module(service, required.is_some())),
        ("models.rs", models(service, &model_specs)),
        ("enums.rs", enums(service)),
        ("requests.rs", requests(service, &request_specs)),
        ("operations.rs", operation::metadata(service)),
        ("client.rs", operation::client(api, service)),
    ];
    let sources = api.sources_of(service);
    for (name, tokens) in files {
        let path = format!("{dir}/{name}");
        output.add(path.clone(), rust_file(&path, tokens, &sources)?);
    }
    if let Some(tokens) = required {
        let path = format!("{dir}/required.rs");
        output.add(path.clone(), rust_file(&path, tokens, &sources)?);
    }
    if let Some(tokens) = super::events::events_module(service) {
        let path = format!("{dir}/events.rs");
        output.add(path.clone(), rust_file(&path, tokens, &sources)?);
    }
    let path = format!("{dir}/cli.rs");
    output.add(
        path.clone(),
        rust_file(&path, super::cli::service_cli_module(service), &sources)?,
    );
    if let Some(tokens) = examples_module(service)? {
        let path = format!("{dir}/examples.rs");
        output.add(path.clone(), rust_file(&path, tokens, &sources)?);
    }
    Ok(())
}

fn module(service: &Service, has_required: bool) -> TokenStream {
    let docs = module_doc(&[
        escape_text(&service.title),
        escape_text(&service.description),
        format!(
            "Enabled by the `{}` cargo feature. Host: `{}`.",
            service.name, service.hosts.main
        ),
    ]);
    let models = names(
        service.structs.iter().map(|s| s.name.as_str()).chain(
            service
                .operations
                .iter()
                .filter_map(|op| op.response.outcomes.as_ref().map(|o| o.name.as_str())),
        ),
    );
    let enums = names(service.enums.iter().map(|e| e.name.as_str()));
    let mode_names: Vec<String> = service
        .operations
        .iter()
        .flat_map(|op| {
            op.request
                .mode_enum()
                .map(str::to_owned)
                .into_iter()
                .chain(op.request.modes.iter().map(|mode| mode.struct_name.clone()))
        })
        .collect();
    let requests = names(
        service
            .operations
            .iter()
            .map(|op| op.request.name.as_str())
            .chain(mode_names.iter().map(String::as_str)),
    );
    // The client and the pagers its list methods return, so callers can name them.
    let client = names(
        std::iter::once(service.client_name.as_str()).chain(
            service
                .operations
                .iter()
                .filter_map(|op| op.paging.as_ref().map(|paging| paging.pager.as_str())),
        ),
    );
    let reexport = |module: &str, list: &[proc_macro2::Ident]| {
        let module = ident(module);
        if list.is_empty() {
            TokenStream::new()
        } else {
            quote!(pub use #module::{#(#list),*};)
        }
    };
    let events = if service.notifications.is_empty() {
        TokenStream::new()
    } else {
        let event = ident(crate::ir::naming::EVENT_ENUM);
        quote! {
            mod events;
            pub use events::#event;
        }
    };
    let examples = if service.operations.iter().any(|op| !op.examples.is_empty())
        || service.notifications.iter().any(|n| !n.examples.is_empty())
    {
        quote! {
            #[cfg(test)]
            mod examples;
        }
    } else {
        TokenStream::new()
    };
    let required = if has_required {
        quote! {
            pub mod required;
        }
    } else {
        TokenStream::new()
    };
    let client = reexport("client", &client);
    let models = reexport("models", &models);
    let enums = reexport("enums", &enums);
    let requests = reexport("requests", &requests);
    quote! {
        #docs
        mod client;
        mod enums;
        mod models;
        pub mod operations;
        mod requests;
        #required

        /// The `wxpay` tool's typed calls of this service.
        #[cfg(feature = "cli")]
        pub mod cli;

        /// This service's tables as JSON (fields, examples, answers, error rows, notifications,
        /// lifecycles), read by the sandbox and the `wxpay` tool of `wechatpay-apiv3`.
        pub const SCHEMA: &str = include_str!("schema.json");

        #examples
        #events

        #client
        #enums
        #models
        #requests
    }
}

/// Sorted, so a `use` list reads like an index and a new name lands in one place.
fn names<'a>(names: impl Iterator<Item = &'a str>) -> Vec<proc_macro2::Ident> {
    let mut names: Vec<&str> = names.collect();
    names.sort_unstable();
    names.dedup();
    names.into_iter().map(ident).collect()
}

/// How each model of the service is emitted; read by `models.rs` and `required.rs` alike.
fn model_specs(service: &Service) -> Vec<StructSpec<'_>> {
    service
        .structs
        .iter()
        .map(|model| {
            let built = service.constructed_types.contains(&model.name);
            let usage = if built {
                "Sent in requests (and possibly returned in responses)."
            } else {
                "Returned by WeChat Pay; decode it from a response, there is no constructor."
            };
            StructSpec {
                name: &model.name,
                docs: vec![escape_text(&model.description), usage.to_owned()],
                fields: &model.fields,
                constructed: built,
                sensitive_types: &service.sensitive_types,
                mode: None,
            }
        })
        .collect()
}

type RequestSpecs<'a> = Vec<(&'a Operation, StructSpec<'a>, Vec<StructSpec<'a>>)>;

/// How each request type and mode struct is emitted, by operation; read by `requests.rs` and
/// `required.rs` alike.
fn request_specs(service: &Service) -> RequestSpecs<'_> {
    let sensitive = &service.sensitive_types;
    service
        .operations
        .iter()
        .map(|op| {
            let request = StructSpec {
                name: &op.request.name,
                docs: vec![
                    format!(
                        "The request of `{}` ({}): `{} {}`.",
                        op.method_name,
                        escape_text(&op.title),
                        op.method.as_str(),
                        op.path
                    ),
                    "Path and query fields go into the URL; the other fields make up the JSON body."
                        .to_owned(),
                ],
                fields: &op.request.fields,
                constructed: true,
                sensitive_types: sensitive,
                mode: op.request.mode_enum(),
            };
            let modes = op
                .request
                .modes
                .iter()
                .map(|mode| StructSpec {
                    name: &mode.struct_name,
                    docs: vec![format!(
                        "{} (`{}`) of `{}`: the fields only this merchant mode sends.",
                        escape_text(&mode.title),
                        mode.key,
                        op.method_name
                    )],
                    fields: &mode.fields,
                    constructed: true,
                    sensitive_types: sensitive,
                    mode: None,
                })
                .collect();
            (op, request, modes)
        })
        .collect()
}

/// `required.rs`: the required fields of every type `new` takes named, or `None` when no
/// type of the service does.
fn required(
    service: &Service,
    model_specs: &[StructSpec],
    request_specs: &RequestSpecs,
) -> Option<TokenStream> {
    let specs = model_specs.iter().chain(
        request_specs
            .iter()
            .flat_map(|(_, request, modes)| std::iter::once(request).chain(modes)),
    );
    let structs: Vec<TokenStream> = specs.filter_map(required_struct).collect();
    if structs.is_empty() {
        return None;
    }
    let docs = module_doc(&[
        format!(
            "The required fields of the {} types that have two or more, each named at the call \
             site: `Type::new(required::Type {{ … }})`.",
            escape_text(&service.title)
        ),
        "A struct literal must name every field, so a required field left out, or two of them \
         swapped, does not compile; strings are borrowed, so literals need no `.into()`."
            .to_owned(),
    ]);
    Some(quote! {
        #docs
        #(#structs)*
    })
}

fn models(service: &Service, specs: &[StructSpec]) -> TokenStream {
    let docs = module_doc(&[format!(
        "Models of {}: the objects its requests and responses carry.",
        escape_text(&service.title)
    )]);
    let uses = imports(
        "models",
        service
            .structs
            .iter()
            .flat_map(|s| s.fields.iter().map(|f| &f.ty)),
    );
    let structs = specs.iter().map(emit_struct);
    let outcomes = outcome_enums(service.operations.iter());
    quote! {
        #docs
        #uses
        #(#structs)*
        #outcomes
    }
}

fn enums(service: &Service) -> TokenStream {
    let docs = module_doc(&[format!(
        "Enums of {}, each with every documented value.",
        escape_text(&service.title)
    )]);
    let enums = service.enums.iter().map(|item| {
        let variants: Vec<VariantSpec> = item
            .variants
            .iter()
            .map(|variant| VariantSpec {
                wire: variant.wire.clone(),
                rust_name: variant.rust_name.clone(),
                doc: match &variant.meaning {
                    Some(meaning) => format!("`{}`: {}", variant.wire, escape_text(meaning)),
                    None => format!(
                        "`{}` (the documentation gives no meaning for this value).",
                        variant.wire
                    ),
                },
            })
            .collect();
        let wire = if item.integer {
            Wire::Integer
        } else {
            Wire::Text
        };
        emit_enum(
            &item.name,
            &[escape_text(&item.description)],
            &variants,
            wire,
        )
    });
    quote! {
        #docs
        #(#enums)*
    }
}

fn requests(service: &Service, specs: &RequestSpecs) -> TokenStream {
    let docs = module_doc(&[format!(
        "Request types of {}: one per operation, holding its path, query and body fields by wire name.",
        escape_text(&service.title)
    )]);
    let uses = imports(
        "requests",
        service
            .operations
            .iter()
            .flat_map(|op| op.request.all_fields().map(|f| &f.ty)),
    );
    let structs = specs.iter().map(|(op, request, modes)| {
        let mode_enum = match request.mode {
            Some(name) => super::modes::mode_enum(name, op),
            None => TokenStream::new(),
        };
        let request = emit_struct(request);
        let modes = modes.iter().map(emit_struct);
        quote! {
            #request
            #mode_enum
            #(#modes)*
        }
    });
    quote! {
        #docs
        #uses
        #(#structs)*
    }
}
