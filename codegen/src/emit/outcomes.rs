//! The enum an operation answers when it documents more than one success status (a 200 with a
//! body beside a 204 without): the caller learns which status arrived, and each body decodes
//! into its own type.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::doc::{doc_paragraphs, escape_text};
use super::types::ident;
use crate::ir::{Operation, Outcome, Outcomes};

/// The outcome enums of a service's operations, in operation order; they live beside the models.
pub fn outcome_enums<'a>(operations: impl Iterator<Item = &'a Operation>) -> TokenStream {
    let enums = operations.filter_map(|op| {
        let outcomes = op.response.outcomes.as_ref()?;
        Some(outcome_enum(op, outcomes))
    });
    quote!(#(#enums)*)
}

fn outcome_enum(op: &Operation, outcomes: &Outcomes) -> TokenStream {
    let name = ident(&outcomes.name);
    let docs = doc_paragraphs(&[
        format!(
            "What {} answered: one variant per documented success status.",
            escape_text(&op.title)
        ),
        format!("`{} {}`", op.method.as_str(), op.path),
    ]);
    let variants = outcomes.variants.iter().map(|outcome| {
        let variant = ident(&outcome.variant);
        let doc = doc_paragraphs(&[outcome_doc(outcome)]);
        match &outcome.body {
            Some(body) => {
                let body = ident(&body.name);
                quote!(#doc #variant(#body),)
            }
            None => quote!(#doc #variant,),
        }
    });
    let statuses = outcomes.variants.iter().map(|outcome| {
        let variant = ident(&outcome.variant);
        let status = Literal::u16_unsuffixed(outcome.status);
        match outcome.body {
            Some(_) => quote!(Self::#variant(_) => #status,),
            None => quote!(Self::#variant => #status,),
        }
    });
    let main = &outcomes.variants[0];
    let arms = outcomes.variants[1..].iter().map(|outcome| {
        let status = Literal::u16_unsuffixed(outcome.status);
        let decode = decode_outcome(outcome);
        quote!(#status => #decode,)
    });
    let main_decode = decode_outcome(main);
    let decode_doc = format!(
        " Decodes a verified answer by its status; any other 2xx is read as the main status \
         ({}), an error status becomes [`crate::runtime::Error::Api`].",
        main.status
    );
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants)*
        }

        impl #name {
            /// The documented status this answer arrived with.
            pub fn status(&self) -> u16 {
                match self {
                    #(#statuses)*
                }
            }

            #[doc = #decode_doc]
            pub fn decode(
                response: crate::runtime::ApiResponse,
            ) -> Result<Self, crate::runtime::Error> {
                match response.status {
                    #(#arms)*
                    _ => #main_decode,
                }
            }
        }
    }
}

fn outcome_doc(outcome: &Outcome) -> String {
    match &outcome.body {
        Some(body) => format!("HTTP {} with a [`{}`].", outcome.status, body.name),
        None => format!("HTTP {} with no body.", outcome.status),
    }
}

fn decode_outcome(outcome: &Outcome) -> TokenStream {
    let variant = ident(&outcome.variant);
    match outcome.body {
        Some(_) => quote!(crate::runtime::decode_json_object(response).map(Self::#variant)),
        None => quote!(crate::runtime::decode_empty(response).map(|()| Self::#variant)),
    }
}
