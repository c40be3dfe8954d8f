//! `use` lists of generated modules: which named types a module mentions, from which sibling.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::types::ident;
use crate::ir::FieldType;

/// `use super::…` for the named types `types` mention, split by the module that defines them;
/// types of `current` (the module being written) need no import.
pub fn imports<'a>(current: &str, types: impl Iterator<Item = &'a FieldType>) -> TokenStream {
    let mut models = BTreeSet::new();
    let mut enums = BTreeSet::new();
    for ty in types {
        if let Some(item) = ty.enum_ref() {
            enums.insert(item.name.clone());
        } else if let Some(model) = ty.struct_ref() {
            models.insert(model.name.clone());
        }
    }
    let group = |module: &str, set: BTreeSet<String>| {
        if set.is_empty() || module == current {
            return TokenStream::new();
        }
        let module = ident(module);
        let list = set.iter().map(|name| ident(name));
        quote!(use super::#module::{#(#list),*};)
    };
    let models = group("models", models);
    let enums = group("enums", enums);
    quote!(#enums #models)
}
