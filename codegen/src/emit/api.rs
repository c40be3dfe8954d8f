//! `src/api/mod.rs` and the crate-wide error code enum.

use proc_macro2::TokenStream;
use quote::quote;

use super::doc::{doc_attrs, escape_text, module_doc};
use super::enums::{VariantSpec, Wire, emit_enum};
use super::types::ident;
use crate::ir::Api;

pub fn api_module(api: &Api) -> TokenStream {
    let docs = module_doc(&[
        format!(
            "The generated part of the SDK: {}.",
            escape_text(&api.title)
        ),
        "One module per service, each behind the cargo feature of the same name, plus the error \
         codes every operation can answer with."
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
        let doc = doc_attrs(&escape_text(&service.title));
        quote! {
            #doc
            #[cfg(feature = #feature)]
            pub mod #module;
        }
    });
    quote! {
        #docs
        mod error_code;
        pub use error_code::ErrorCode;

        /// The `wxpay` tool's dispatch from an operation id to the typed call.
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

        impl crate::runtime::ApiError {
            /// The error code as the spec knows it; a code the spec does not list is
            /// `ErrorCode::Unknown`, keeping the text.
            pub fn error_code(&self) -> ErrorCode {
                ErrorCode::from(self.code.as_str())
            }
        }
    }
}
