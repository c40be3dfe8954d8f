//! The example tests: every documented JSON example decoded into its typed model and encoded
//! back to an equal JSON value. They live inside the crate (`#[cfg(test)]`), next to the models.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::EmitError;
use super::doc::module_doc;
use super::types::ident;
use crate::ir::{Location, Operation, Service};
use crate::spec::ExampleKind;

/// `<service>/examples.rs` in the service's crate, or `None` when the service documents no example.
pub fn examples_module(service: &Service) -> Result<Option<TokenStream>, EmitError> {
    let mut tests = Vec::new();
    for op in &service.operations {
        tests.extend(operation_tests(service, op)?);
    }
    for notification in &service.notifications {
        for (index, (title, json)) in notification.examples.iter().enumerate() {
            let name = ident(&format!(
                "{}_notification_example_{}",
                crate::ir::naming::field_name(&notification.id).trim_end_matches('_'),
                index + 1
            ));
            let model = ident(&notification.resource.name);
            let json = raw_string(json);
            let doc = format!(" {} (notification): {title}", notification.id);
            tests.push(quote! {
                #[doc = #doc]
                #[test]
                fn #name() {
                    round_trip::<super::#model>(#json, &[]);
                }
            });
        }
    }
    if tests.is_empty() {
        return Ok(None);
    }
    let docs = module_doc(&[
        "Every JSON example of the spec, decoded into its typed model and encoded back.".to_owned(),
        "Responses must come back equal; requests must come back equal once the path and query \
         fields, which travel in the URL, are taken out."
            .to_owned(),
    ]);
    Ok(Some(quote! {
        #docs
        use crate::runtime::testing::round_trip;
        #(#tests)*
    }))
}

fn operation_tests(service: &Service, op: &Operation) -> Result<Vec<TokenStream>, EmitError> {
    let mut tests = Vec::new();
    let (mut requests, mut responses) = (0, 0);
    for example in &op.examples {
        let (kind, count) = match example.kind {
            ExampleKind::Request => ("request", &mut requests),
            ExampleKind::Response => ("response", &mut responses),
        };
        *count += 1;
        let name = ident(&format!(
            "{}_{kind}_example_{count}",
            op.method_name.trim_end_matches('_')
        ));
        let (model, url_fields) = match example.kind {
            ExampleKind::Request => {
                let url_fields: Vec<&str> = op
                    .request
                    .all_fields()
                    .filter(|field| field.location != Location::Body)
                    .map(|field| field.wire_name.as_str())
                    .collect();
                (op.request.name.clone(), url_fields)
            }
            ExampleKind::Response => match &op.response.body {
                Some(body) => (body.name.clone(), Vec::new()),
                None => {
                    return Err(EmitError(format!(
                        "{}: operations.{}: a response example but no response body",
                        service.source, op.id
                    )));
                }
            },
        };
        let model = ident(&model);
        let json = raw_string(&example.json);
        let doc = format!(" {}: {}", op.id, example.title);
        tests.push(quote! {
            #[doc = #doc]
            #[test]
            fn #name() {
                round_trip::<super::#model>(#json, &[#(#url_fields),*]);
            }
        });
    }
    Ok(tests)
}

/// A raw string literal with enough `#`s that the JSON cannot end it early.
fn raw_string(text: &str) -> Literal {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{text}\"{hashes}")
        .parse()
        .unwrap_or_else(|_| Literal::string(text))
}
