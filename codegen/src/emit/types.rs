//! Rust types for spec field types, and identifiers.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::FieldType;

/// An identifier; names come from `ir::naming`, which already mapped keywords.
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust type of a field's value, without `Option`.
pub fn rust_type(ty: &FieldType) -> TokenStream {
    match ty {
        FieldType::String => quote!(String),
        FieldType::Integer => quote!(i64),
        FieldType::Decimal => quote!(crate::runtime::Decimal),
        FieldType::Json => quote!(serde_json::Value),
        FieldType::Boolean => quote!(bool),
        FieldType::DateTime => quote!(crate::runtime::DateTime),
        FieldType::Struct(name) | FieldType::Enum(name) => {
            let name = ident(&name.name);
            quote!(#name)
        }
        FieldType::Array(items) => {
            let items = rust_type(items);
            quote!(Vec<#items>)
        }
    }
}
