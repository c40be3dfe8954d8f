//! The enum of a request's merchant modes (直连 / 机构): one variant per mode, each holding the
//! struct of that mode's fields, so a request can never carry half of each.

use proc_macro2::TokenStream;
use quote::quote;

use super::doc::{doc_attrs, escape_text};
use super::types::ident;
use crate::ir::Operation;

pub fn mode_enum(name: &str, op: &Operation) -> TokenStream {
    let enum_name = ident(name);
    let doc = doc_attrs(&format!(
        "The merchant modes of `{}`: exactly one, chosen by the variant.",
        op.method_name
    ));
    let variants = op.request.modes.iter().map(|mode| {
        let variant = ident(&mode.variant);
        let inner = ident(&mode.struct_name);
        let doc = doc_attrs(&format!("{} (`{}`).", escape_text(&mode.title), mode.key));
        quote!(#doc #variant(#inner),)
    });
    let validations = op.request.modes.iter().map(|mode| {
        let variant = ident(&mode.variant);
        quote!(Self::#variant(mode) => crate::runtime::Validate::validate_at(mode, at),)
    });
    let conversions = op.request.modes.iter().map(|mode| {
        let variant = ident(&mode.variant);
        let inner = ident(&mode.struct_name);
        quote! {
            impl From<#inner> for #enum_name {
                fn from(mode: #inner) -> Self {
                    Self::#variant(mode)
                }
            }
        }
    });
    let attempts = op.request.modes.iter().map(|mode| {
        let variant = ident(&mode.variant);
        quote!(|text| serde_json::from_str(text).map(Self::#variant),)
    });
    let label = name;
    // Untagged: the fields of the chosen mode sit beside the common ones on the wire. Decoded by
    // trying each mode's struct on the members' text, not by serde's untagged derive, which
    // buffers values and so cannot keep a number's text.
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[serde(untagged)]
        pub enum #enum_name {
            #(#variants)*
        }

        impl<'de> serde::Deserialize<'de> for #enum_name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::decode_mode(deserializer, #label, &[#(#attempts)*])
            }
        }

        impl crate::runtime::Validate for #enum_name {
            fn validate_at(&self, at: &str) -> Result<(), crate::runtime::ValidationError> {
                match self {
                    #(#validations)*
                }
            }
        }

        #(#conversions)*
    }
}
