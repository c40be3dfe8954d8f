//! `src/api/mod.rs` and the crate-wide error code enum.

use proc_macro2::TokenStream;
use quote::quote;

use super::doc::{doc_attrs, escape_text, module_doc};
use super::enums::{VariantSpec, Wire, emit_enum};
use super::types::ident;
use crate::ir::{Api, ServiceCrate};

pub fn api_module(api: &Api) -> TokenStream {
    let docs = module_doc(&[
        format!(
            "The generated part of the SDK: {}.",
            escape_text(&api.title)
        ),
        "One module per service, each behind the cargo feature of the same name and compiled in \
         the crate of services `api.crates` puts it in; [`Services`] gives the client one \
         accessor per enabled service. Plus the error codes every operation can answer with."
            .to_owned(),
    ]);
    let main = &api.hosts.main;
    let backup = match &api.hosts.backup {
        Some(host) => quote!(Some(#host)),
        None => quote!(None),
    };
    let services = api.services.iter().map(|service| {
        let module = ident(&service.name);
        let feature = &service.name;
        let home = api.home_of(service).map(|krate| ident(&krate.lib()));
        let doc = doc_attrs(&escape_text(&service.title));
        quote! {
            #doc
            #[cfg(feature = #feature)]
            pub use #home::#module;
        }
    });
    let accessors: Vec<(TokenStream, TokenStream)> = api
        .services
        .iter()
        .map(|service| {
            let module = ident(&service.name);
            let feature = &service.name;
            let client = ident(&service.client_name);
            let doc = doc_attrs(&format!(
                "The operations of {} (cargo feature `{}`), over this client's signing and \
                 verifying transport.",
                escape_text(&service.title),
                service.name
            ));
            let declaration = quote! {
                #doc
                #[cfg(feature = #feature)]
                fn #module(&self) -> #module::#client<'_, crate::runtime::Client>;
            };
            let definition = quote! {
                #[cfg(feature = #feature)]
                fn #module(&self) -> #module::#client<'_, crate::runtime::Client> {
                    #module::#client::new(self)
                }
            };
            (declaration, definition)
        })
        .collect();
    let declarations = accessors.iter().map(|(declaration, _)| declaration);
    let definitions = accessors.iter().map(|(_, definition)| definition);
    quote! {
        #docs
        mod error_code;
        pub use error_code::ErrorCode;

        /// The `wxpay` tool's dispatch from a service to the typed calls of its crate.
        #[cfg(feature = "cli")]
        pub mod cli;
        /// The spec as data, for the `wxpay` tool and the sandbox.
        #[cfg(any(feature = "cli", feature = "testkit"))]
        pub mod schema;

        /// 主域名: the host requests go to first.
        pub const MAIN_HOST: &str = #main;
        /// 备域名: the host requests fail over to when the main host cannot be reached.
        pub const BACKUP_HOST: Option<&str> = #backup;

        #(#services)*

        /// The services of a [`Client`](crate::runtime::Client), one accessor per enabled
        /// service: `client.basic_payment().jsapi_prepay(&request)`. Bring it into scope with
        /// `use wechatpay_apiv3::Services;`.
        pub trait Services {
            #(#declarations)*
        }

        impl Services for crate::runtime::Client {
            #(#definitions)*
        }
    }
}

/// `src/lib.rs` of a crate of services: its service modules, each behind its feature.
pub fn service_crate_root(api: &Api, krate: &ServiceCrate) -> TokenStream {
    let names: Vec<String> = krate
        .services
        .iter()
        .map(|name| format!("`{name}`"))
        .collect();
    let docs = module_doc(&[
        format!(
            "{}: the services {} of the {} client `wechatpay-apiv3`, generated from its spec.",
            escape_text(&krate.title),
            names.join(", "),
            escape_text(&api.title)
        ),
        "Each service is behind the cargo feature of the same name. Applications depend on \
         `wechatpay-apiv3`, which re-exports every enabled service under `wechatpay_apiv3::api` \
         and gives the client an accessor for each; the services are compiled in a few crates \
         so that cargo builds them side by side."
            .to_owned(),
    ]);
    let runtime = ident("wechatpay_apiv3_runtime");
    let modules = api
        .services
        .iter()
        .filter(|service| service.home == krate.name)
        .map(|service| {
            let module = ident(&service.name);
            let feature = &service.name;
            let doc = doc_attrs(&escape_text(&service.title));
            // Skipped by rustfmt: prettyplease formatted it, and `gen --check` compares bytes.
            quote! {
                #doc
                #[cfg(feature = #feature)]
                #[rustfmt::skip]
                pub mod #module;
            }
        });
    quote! {
        #docs
        #![deny(missing_docs, warnings)]

        // The generated services reach the runtime as `crate::runtime`, whichever crate they are
        // compiled in.
        extern crate #runtime as runtime;

        #(#modules)*
    }
}

pub fn error_code_module(api: &Api) -> TokenStream {
    let docs =
        module_doc(&["Every error code the spec documents, common and per operation.".to_owned()]);
    let variants: Vec<VariantSpec> = api
        .error_codes()
        .into_iter()
        .map(|code| {
            let rows: Vec<String> = code
                .rows
                .iter()
                .map(|row| {
                    format!(
                        "- HTTP {}: {} ({})",
                        row.status,
                        escape_text(&row.description),
                        escape_text(&row.solution)
                    )
                })
                .collect();
            VariantSpec {
                wire: code.code.clone(),
                rust_name: code.variant.clone(),
                doc: format!("`{}`\n\n{}", code.code, rows.join("\n")),
            }
        })
        .collect();
    let error_code = emit_enum(
        "ErrorCode",
        &["An error code from the `code` field of a WeChat Pay error answer.".to_owned()],
        &variants,
        Wire::Text,
    );
    quote! {
        #docs
        #error_code

        impl ErrorCode {
            /// The error code of a WeChat Pay error answer as the spec knows it; a code the spec
            /// does not list is `ErrorCode::Unknown`, keeping the text.
            pub fn of(error: &crate::runtime::ApiError) -> ErrorCode {
                ErrorCode::from(error.code.as_str())
            }
        }
    }
}
