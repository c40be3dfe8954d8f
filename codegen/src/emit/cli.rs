//! The `wxpay` tool's dispatch: `src/api/cli.rs` of `wechatpay-apiv3` from a service to its
//! crate, and each service's `cli.rs` from an operation id to the typed call. The tool itself is
//! hand-written in `src/cli/`.

use proc_macro2::TokenStream;
use quote::quote;

use super::doc::module_doc;
use super::operation::{prepare_name, request_is_sensitive};
use super::types::ident;
use crate::ir::{Api, Integrity, Operation, Service};

/// `src/api/cli.rs` (cargo feature `cli`): the dispatch from a service to its crate's calls.
pub fn cli_module(api: &Api) -> TokenStream {
    let docs = module_doc(&[
        "The `wxpay` tool's dispatch from a service to the typed calls of its crate, generated \
         from the spec."
            .to_owned(),
        "Each service's calls are compiled in its own crate (`<service>::cli`), so cargo builds \
         them side by side."
            .to_owned(),
    ]);
    let arms = api.services.iter().map(|service| {
        let feature = &service.name;
        let module = ident(&service.name);
        quote! {
            #[cfg(feature = #feature)]
            #feature => Some(crate::api::#module::cli::call),
        }
    });
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
            let call: Option<fn(&'a crate::runtime::Client, &str, Input) -> Call<'a>> =
                match service {
                    #(#arms)*
                    _ => None,
                };
            match call {
                Some(call) => call(client, id, input),
                None => crate::runtime::dispatch::unknown_call(service, id),
            }
        }
    }
}

/// `<service>/cli.rs` (the service crate's feature `cli`): one small function per operation that
/// decodes the request and starts the call.
pub fn service_cli_module(service: &Service) -> TokenStream {
    let docs = module_doc(&[
        format!(
            "The `wxpay` tool's typed calls of {} (cargo feature `cli`), generated from the spec.",
            super::doc::escape_text(&service.title)
        ),
        "Each operation has its own small function: it decodes the request into its typed \
         request, prepares it as the client method does (`client::prepare_<operation>`) and sends \
         it through the runtime's one shared future (`dispatch::send`), which decodes the answer \
         into its typed response to show it."
            .to_owned(),
    ]);
    let name = &service.name;
    let arms = service.operations.iter().map(|op| {
        let id = &op.id;
        let function = ident(&op.method_name);
        quote!(#id => #function,)
    });
    let functions = service
        .operations
        .iter()
        .map(|op| call_function(service, op));
    quote! {
        #docs

        use crate::runtime::dispatch::{Call, Input};

        /// Decodes `input`'s request into the typed request of the operation `id`, calls it,
        /// and returns the typed response as JSON (`None` for a response with no body).
        pub fn call<'a>(client: &'a crate::runtime::Client, id: &str, input: Input) -> Call<'a> {
            let call: fn(&crate::runtime::Client, Input) -> Call<'_> = match id {
                #(#arms)*
                _ => return crate::runtime::dispatch::unknown_call(#name, id),
            };
            call(client, input)
        }

        #(#functions)*
    }
}

/// The typed call of one operation (feature `cli`): the request decoded into its typed request,
/// prepared by the function its client method uses, and sent through the one future the runtime
/// shares for every operation; the answer decoded into its typed response to be shown. Only a
/// download, which streams, is an `async` block over the client method.
fn call_function(service: &Service, op: &Operation) -> TokenStream {
    let client = ident(&service.client_name);
    let request = ident(&op.request.name);
    let method = ident(&op.method_name);
    let doc = format!(" `{}`: {}", op.id, super::doc::escape_text(&op.title));
    if let Some(download) = &op.response.download {
        let sha1 = match download.integrity {
            Integrity::Announced => quote!(&crate::runtime::dispatch::expected_sha1(
                input.expected_sha1
            )?,),
            Integrity::SignedDigest { .. } => TokenStream::new(),
        };
        // The file goes to stdout as it arrives.
        return quote! {
            #[doc = #doc]
            fn #method(client: &crate::runtime::Client, input: Input) -> Call<'_> {
                Box::pin(async move {
                    let request: super::#request = crate::runtime::dispatch::decode(input.request)?;
                    let mut sink = crate::runtime::dispatch::Progress::to_stdout();
                    super::#client::new(client).#method(&request, #sha1 &mut sink).await?;
                    sink.finish();
                    Ok(None)
                })
            }
        };
    }
    let (take_file, file) = if op.upload.is_some() {
        let take = quote! {
            let file = match crate::runtime::dispatch::upload_file(input.file) {
                Ok(file) => file,
                Err(error) => return crate::runtime::dispatch::failed(error),
            };
        };
        (take, quote!(file,))
    } else {
        (TokenStream::new(), TokenStream::new())
    };
    let encryptor = if request_is_sensitive(op, &service.sensitive_types) {
        quote!(crate::runtime::Transport::sensitive_encryptor(client))
    } else {
        TokenStream::new()
    };
    let prepare = prepare_name(op);
    let (show_fn, show) = if let Some(outcomes) = &op.response.outcomes {
        // Show the body of the status that arrived; a status without one shows nothing.
        let outcome = ident(&outcomes.name);
        let arms = outcomes.variants.iter().map(|variant| {
            let name = ident(&variant.variant);
            match variant.body {
                Some(_) => quote!(super::#outcome::#name(body) => crate::runtime::dispatch::encode(&body).map(Some),),
                None => quote!(super::#outcome::#name => Ok(None),),
            }
        });
        let show = quote! {
            fn show(
                response: crate::runtime::ApiResponse,
            ) -> Result<Option<serde_json::Value>, crate::runtime::Error> {
                match super::#outcome::decode(response)? {
                    #(#arms)*
                }
            }
        };
        (quote!(show), show)
    } else if let Some(body) = &op.response.body {
        let body = ident(&body.name);
        (
            quote!(crate::runtime::dispatch::show::<super::#body>),
            TokenStream::new(),
        )
    } else {
        // A 204: nothing to show.
        (
            quote!(crate::runtime::dispatch::show_empty),
            TokenStream::new(),
        )
    };
    let answer = quote! {
        crate::runtime::dispatch::send(
            client,
            super::client::#prepare(&request, #file #encryptor),
            #show_fn,
        )
    };
    quote! {
        #[doc = #doc]
        fn #method(client: &crate::runtime::Client, input: Input) -> Call<'_> {
            #show
            let request: super::#request = match crate::runtime::dispatch::decode(input.request) {
                Ok(request) => request,
                Err(error) => return crate::runtime::dispatch::failed(error),
            };
            #take_file
            #answer
        }
    }
}
