//! `src/api/cli.rs` (cargo feature `cli`): what the `wxpay` tool knows of each operation (its
//! fields with type, requirement, limit, enum values and meaning) and the dispatch from an
//! operation id to the typed call. The tool itself is hand-written in `src/cli/`.

use proc_macro2::TokenStream;
use quote::quote;

use super::doc::module_doc;
use super::types::ident;
use crate::ir::{Api, Field, FieldType, Location, Operation, Service};

pub fn cli_module(api: &Api) -> TokenStream {
    let docs = module_doc(&[
        "The operation table of the `wxpay` tool, generated from the spec.".to_owned(),
    ]);
    let sections = api.services.iter().map(service_section);
    let extends = api.services.iter().map(|service| {
        let feature = &service.name;
        let table = ident(&format!("{}_OPERATIONS", service.name.to_uppercase()));
        quote! {
            #[cfg(feature = #feature)]
            all.extend(#table.iter());
        }
    });
    let arms = api.services.iter().flat_map(|service| {
        service
            .operations
            .iter()
            .map(move |op| call_arm(service, op))
    });
    quote! {
        #docs
        use crate::cli::{CliField, CliOperation, FieldLocation, Shape};

        #(#sections)*

        /// Every operation the enabled features provide, sorted by operation id.
        pub fn operations() -> Vec<&'static CliOperation> {
            let mut all: Vec<&'static CliOperation> = Vec::new();
            #(#extends)*
            all.sort_by_key(|operation| operation.info.id);
            all
        }

        /// Decodes `request` into the operation's typed request, calls it, and returns the typed
        /// response as JSON (`None` for a response with no body).
        pub async fn call(
            client: &crate::runtime::Client,
            id: &str,
            request: serde_json::Value,
        ) -> Result<Option<serde_json::Value>, crate::Error> {
            // Without any service feature the request is never read.
            let _ = (client, &request);
            match id {
                #(#arms)*
                _ => Err(crate::cli::unknown_operation(id)),
            }
        }
    }
}

fn service_section(service: &Service) -> TokenStream {
    let feature = &service.name;
    let prefix = service.name.to_uppercase();
    // Only the types requests carry have a table: the tool checks requests, not answers.
    let constructed = super::service::constructed_types(service);
    let models = service
        .structs
        .iter()
        .filter(|model| constructed.contains(&model.name))
        .map(|model| {
            let name = ident(&format!(
                "{prefix}_{}",
                heck::ToShoutySnakeCase::to_shouty_snake_case(model.name.as_str())
            ));
            let fields = model
                .fields
                .iter()
                .map(|field| field_entry(service, field, None));
            let doc = format!(" The fields of `{}`.", model.name);
            quote! {
                #[cfg(feature = #feature)]
                #[doc = #doc]
                const #name: &[CliField] = &[#(#fields),*];
            }
        });
    let table = ident(&format!("{prefix}_OPERATIONS"));
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
        quote! {
            CliOperation {
                info: &crate::api::#module::operations::#constant,
                service: #service_name,
                title: #title,
                fields: &[#(#fields),*],
            }
        }
    });
    let doc = format!(" The operations of `{}`.", service.name);
    quote! {
        #(#models)*
        #[cfg(feature = #feature)]
        #[doc = #doc]
        const #table: &[CliOperation] = &[#(#operations),*];
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
        CliField {
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
            let constant = ident(&format!(
                "{}_{}",
                service.name.to_uppercase(),
                heck::ToShoutySnakeCase::to_shouty_snake_case(name.as_str())
            ));
            quote!(Shape::Object(#constant))
        }
        FieldType::Array(items) => {
            let items = shape(service, items);
            quote!(Shape::Array(&#items))
        }
    }
}

fn call_arm(service: &Service, op: &Operation) -> TokenStream {
    let feature = &service.name;
    let id = &op.id;
    let module = ident(&service.name);
    let request = ident(&op.request.name);
    let method = ident(&op.method_name);
    if op.response.download.is_some() {
        // The file goes to stdout as it arrives.
        return quote! {
            #[cfg(feature = #feature)]
            #id => {
                let request: crate::api::#module::#request = crate::cli::decode(request)?;
                let mut sink = crate::cli::Progress::to_stdout();
                client.#module().#method(&request, &mut sink).await?;
                sink.finish();
                Ok(None)
            }
        };
    }
    let call = if op.response.body.is_some() {
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
    quote! {
        #[cfg(feature = #feature)]
        #id => {
            let request: crate::api::#module::#request = crate::cli::decode(request)?;
            #call
        }
    }
}
