//! `src/api/cli.rs` (cargo feature `cli`): the `wxpay` tool's dispatch from an operation id to
//! the typed call. The tool itself is hand-written in `src/cli/`.

use proc_macro2::TokenStream;
use quote::quote;

use super::doc::module_doc;
use super::types::ident;
use crate::ir::{Api, Integrity, Operation, Service};

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
                (#feature, #id) => Some(#module::#function),
            }
        })
    });
    let modules = api.services.iter().map(call_module);
    let certificate_sources = api.services.iter().filter_map(|service| {
        service
            .operations
            .iter()
            .find(|op| op.certificates.is_some())?;
        let feature = &service.name;
        let module = ident(&service.name);
        Some(quote! {
            #[cfg(feature = #feature)]
            &crate::api::#module::operations::CERTIFICATE_SOURCE
        })
    });
    quote! {
        #docs

        use crate::cli::{Call, Input};

        /// What the tool is given (`crate::cli::main`): the dispatch below and the certificate
        /// downloads of the enabled services.
        pub static GENERATED: crate::cli::Generated = crate::cli::Generated {
            call,
            certificate_sources: &[#(#certificate_sources),*],
        };

        /// Decodes `request` into the operation's typed request, calls it, and returns the typed
        /// response as JSON (`None` for a response with no body).
        pub fn call<'a>(
            client: &'a crate::runtime::Client,
            service: &str,
            id: &str,
            input: Input,
        ) -> Call<'a> {
            let call: Option<fn(&crate::runtime::Client, Input) -> Call<'_>> = match (service, id) {
                #(#arms)*
                _ => None,
            };
            match call {
                Some(call) => call(client, input),
                None => Box::pin(std::future::ready(Err(crate::cli::unknown_operation(service, id)))),
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
            use crate::cli::{Call, Input};

            #(#functions)*
        }
    }
}

/// The typed call of one operation (feature `cli`).
fn call_function(service: &Service, op: &Operation) -> TokenStream {
    let module = ident(&service.name);
    let request = ident(&op.request.name);
    let method = ident(&op.method_name);
    let body = if let Some(download) = &op.response.download {
        let sha1 = match download.integrity {
            Integrity::Announced => quote!(&crate::cli::expected_sha1(input.expected_sha1)?,),
            Integrity::SignedDigest { .. } => TokenStream::new(),
        };
        // The file goes to stdout as it arrives.
        quote! {
            let mut sink = crate::cli::Progress::to_stdout();
            client.#module().#method(&request, #sha1 &mut sink).await?;
            sink.finish();
            Ok(None)
        }
    } else {
        let file = if op.upload.is_some() {
            quote!(crate::cli::upload_file(input.file)?)
        } else {
            TokenStream::new()
        };
        if let Some(outcomes) = &op.response.outcomes {
            // Print the body of the status that arrived; a status without one prints nothing.
            let outcome = ident(&outcomes.name);
            let arms = outcomes.variants.iter().map(|variant| {
                let name = ident(&variant.variant);
                match variant.body {
                    Some(_) => quote!(crate::api::#module::#outcome::#name(body) => crate::cli::encode(&body).map(Some),),
                    None => quote!(crate::api::#module::#outcome::#name => Ok(None),),
                }
            });
            quote! {
                match client.#module().#method(&request, #file).await? {
                    #(#arms)*
                }
            }
        } else if op.response.body.is_some() {
            quote! {
                let response = client.#module().#method(&request, #file).await?;
                crate::cli::encode(&response).map(Some)
            }
        } else {
            // A 204: nothing to print.
            quote! {
                client.#module().#method(&request, #file).await?;
                Ok(None)
            }
        }
    };
    let doc = format!(" `{}`: {}", op.id, super::doc::escape_text(&op.title));
    quote! {
        #[doc = #doc]
        pub(super) fn #method(client: &crate::runtime::Client, input: Input) -> Call<'_> {
            Box::pin(async move {
                let request: crate::api::#module::#request = crate::cli::decode(input.request)?;
                #body
            })
        }
    }
}
