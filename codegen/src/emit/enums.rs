//! String enums that keep unknown values: WeChat Pay adds values without notice, and a new value
//! must never break a payment flow. Serde goes through `as_str`, not derives, which keeps the
//! generated code small and the wire value in exactly one place.

use proc_macro2::TokenStream;
use quote::quote;

use super::doc::{doc_attrs, doc_paragraphs};
use super::types::ident;
use crate::ir::naming::UNKNOWN_VARIANT;

/// One variant: its wire value, Rust name and rustdoc text.
pub struct VariantSpec {
    pub wire: String,
    pub rust_name: String,
    pub doc: String,
}

/// How the enum travels: JSON strings, or JSON integers (whose digits are the wire values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    Text,
    Integer,
}

pub fn emit_enum(name: &str, docs: &[String], variants: &[VariantSpec], wire: Wire) -> TokenStream {
    let name = ident(name);
    let docs = doc_paragraphs(docs);
    let unknown = ident(UNKNOWN_VARIANT);
    let declarations = variants.iter().map(|variant| {
        let doc = doc_attrs(&variant.doc);
        let rust = ident(&variant.rust_name);
        quote!(#doc #rust,)
    });
    let to_wire = variants.iter().map(|variant| {
        let rust = ident(&variant.rust_name);
        let wire = &variant.wire;
        quote!(Self::#rust => #wire,)
    });
    let wires = variants.iter().map(|variant| &variant.wire);
    let from_wire: Vec<TokenStream> = variants
        .iter()
        .map(|variant| {
            let rust = ident(&variant.rust_name);
            let wire = &variant.wire;
            quote!(#wire => Self::#rust,)
        })
        .collect();
    // One table of values, in `From<&str>`; an unknown value keeps the caller's `String`. (The
    // error code enum of a spec without error rows has no values at all.)
    let from_string = if from_wire.is_empty() {
        quote!(Self::#unknown(value))
    } else {
        quote! {
            match Self::from(value.as_str()) {
                Self::#unknown(_) => Self::#unknown(value),
                known => known,
            }
        }
    };
    let serde = serde_impls(&name, wire);
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#declarations)*
            /// A value this version of the SDK does not know, kept exactly as received.
            #unknown(String),
        }

        impl #name {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_wire)*
                    Self::#unknown(value) => value,
                }
            }
        }

        impl crate::runtime::Documented for #name {
            const VALUES: &'static [&'static str] = &[#(#wires),*];

            fn as_wire(&self) -> &str {
                self.as_str()
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_wire)*
                    _ => Self::#unknown(value.to_owned()),
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                #from_string
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #serde
    }
}

/// Serialization: text as a JSON string; an integer enum as the JSON integer its digits spell
/// (an unknown value keeps the digits it arrived with).
fn serde_impls(name: &proc_macro2::Ident, wire: Wire) -> TokenStream {
    match wire {
        Wire::Text => quote! {
            impl serde::Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }

            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    <String as serde::Deserialize>::deserialize(deserializer).map(Self::from)
                }
            }
        },
        Wire::Integer => quote! {
            impl From<i64> for #name {
                fn from(value: i64) -> Self {
                    Self::from(value.to_string())
                }
            }

            impl serde::Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    match self.as_str().parse::<i64>() {
                        Ok(value) => serializer.serialize_i64(value),
                        Err(_) => Err(serde::ser::Error::custom(format!(
                            "{:?} is not an integer value",
                            self.as_str()
                        ))),
                    }
                }
            }

            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    <i64 as serde::Deserialize>::deserialize(deserializer).map(Self::from)
                }
            }
        },
    }
}
