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
    // Untagged: the fields of the chosen mode sit beside the common ones on the wire.
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(untagged)]
        pub enum #enum_name {
            #(#variants)*
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
