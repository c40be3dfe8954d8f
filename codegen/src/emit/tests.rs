//! `tests/examples.rs`: every documented JSON example decoded into its typed model and encoded back
//! to an equal JSON value.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::EmitError;
use super::doc::module_doc;
use super::types::ident;
use crate::ir::{Api, Location, Operation, Service};
use crate::spec::ExampleKind;

pub fn examples_test(api: &Api) -> Result<TokenStream, EmitError> {
    let docs = module_doc(&[
        "Every JSON example of the spec, decoded into its typed model and encoded back.".to_owned(),
        "Responses must come back equal; requests must come back equal once the path and query \
         fields, which travel in the URL, are taken out."
            .to_owned(),
    ]);
    let services = api
        .services
        .iter()
        .map(service_tests)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(quote! {
        #docs
        #(#services)*
    })
}

fn service_tests(service: &Service) -> Result<TokenStream, EmitError> {
    let module = ident(&service.name);
    let feature = &service.name;
    let mut tests = Vec::new();
    for op in &service.operations {
        tests.extend(operation_tests(service, op)?);
    }
    if tests.is_empty() {
        return Ok(TokenStream::new());
    }
    Ok(quote! {
        #[cfg(feature = #feature)]
        mod #module {
            use wechatpay_apiv3::api::#module as api;

            /// Decodes `json` as `T`, encodes it back and compares, leaving out `url_fields`.
            fn round_trip<T>(json: &str, url_fields: &[&str])
            where
                T: serde::Serialize + serde::de::DeserializeOwned,
            {
                let mut expected: serde_json::Value = serde_json::from_str(json).expect("the example is JSON");
                let decoded: T = serde_json::from_str(json).expect("the example decodes into its model");
                let encoded = serde_json::to_value(&decoded).expect("the model encodes");
                if let Some(object) = expected.as_object_mut() {
                    for field in url_fields {
                        object.remove(*field);
                    }
                }
                assert_eq!(encoded, expected);
            }

            #(#tests)*
        }
    })
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
        let name = ident(&format!("{}_{kind}_example_{count}", op.method_name));
        let (model, url_fields) = match example.kind {
            ExampleKind::Request => {
                let url_fields: Vec<&str> = op
                    .request
                    .fields
                    .iter()
                    .filter(|field| field.location != Location::Body)
                    .map(|field| field.wire_name.as_str())
                    .collect();
                (op.request.name.clone(), url_fields)
            }
            ExampleKind::Response => match &op.response.body {
                Some(body) => (body.clone(), Vec::new()),
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
                round_trip::<api::#model>(#json, &[#(#url_fields),*]);
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
