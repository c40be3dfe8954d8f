//! Structs: named models and per-operation request types share this emitter.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::doc::{doc_attrs, doc_paragraphs, escape_text};
use super::types::{ident, rust_type};
use crate::ir::{Field, FieldType, Location};

/// What to emit for one struct.
pub struct StructSpec<'a> {
    pub name: &'a str,
    pub docs: Vec<String>,
    pub fields: &'a [Field],
    /// Whether callers build it (requests and the types inside them): adds `new`, setters and
    /// `Validate`.
    pub constructed: bool,
    /// Types of the service that hold sensitive fields, directly or nested.
    pub sensitive_types: &'a BTreeSet<String>,
    /// The enum of merchant modes a request holds in its `mode` field, if any.
    pub mode: Option<&'a str>,
}

impl StructSpec<'_> {
    /// Whether this struct holds a sensitive field, directly or in a nested type.
    pub fn holds_sensitive(&self) -> bool {
        self.fields
            .iter()
            .any(|field| field.sensitive || self.nested_sensitive(&field.ty))
    }

    fn nested_sensitive(&self, ty: &FieldType) -> bool {
        ty.struct_name()
            .is_some_and(|name| self.sensitive_types.contains(name))
    }
}

pub fn emit_struct(spec: &StructSpec<'_>) -> TokenStream {
    let name = ident(spec.name);
    let docs = doc_paragraphs(&spec.docs);
    let mode_field = spec.mode.map(|mode| {
        let mode = ident(mode);
        quote! {
            /// The merchant mode: exactly one mode's fields are sent, never a mix.
            pub mode: #mode,
        }
    });
    let fields = spec.fields.iter().map(field_decl);
    let methods = if spec.constructed {
        let constructor = constructor(spec);
        let setters = spec
            .fields
            .iter()
            .filter(|field| !field.required)
            .map(setter);
        let validate = validate_impl(spec);
        let encrypt = if spec.holds_sensitive() {
            encrypt_impl(spec)
        } else {
            TokenStream::new()
        };
        quote! {
            impl #name {
                #constructor
                #(#setters)*
            }
            #validate
            #encrypt
        }
    } else {
        TokenStream::new()
    };
    // Sensitive values never reach logs: such structs get a `Debug` that redacts them.
    let (debug_derive, debug_impl) = if spec.fields.iter().any(|field| field.sensitive) {
        (TokenStream::new(), redacting_debug(spec))
    } else {
        (quote!(Debug,), TokenStream::new())
    };
    // A type whose fields are all optional also gets `Default`, which `new()` then mirrors.
    let default = if spec.constructed
        && spec.mode.is_none()
        && spec.fields.iter().all(|field| !field.required)
    {
        quote!(Default,)
    } else {
        TokenStream::new()
    };
    let serde = serde_impls(spec);
    quote! {
        #docs
        #[derive(#debug_derive Clone, #default PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            #mode_field
            #(#fields)*
        }
        #debug_impl
        #methods
        #serde
    }
}

/// The struct as a runtime `Object` (one plain function each way: `build` takes its members
/// by wire name, `members` lists them), and its serde impls as one line each over those; see
/// `runtime/object.rs`. Members that are generated structs themselves go through their own
/// `Object` impl, so no code generic over serde's deserializers is compiled per type.
fn serde_impls(spec: &StructSpec<'_>) -> TokenStream {
    let name = ident(spec.name);
    let build = build_fn(spec);
    let members = members_fn(spec);
    quote! {
        impl crate::runtime::Object for #name {
            #build
            #members
        }
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                crate::runtime::encode_object(crate::runtime::Object::members(self), serializer)
            }
        }
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::decode_object(deserializer, <Self as crate::runtime::Object>::build)
            }
        }
    }
}

/// How a member is encoded and decoded: generated structs, alone or in an array, through
/// their `Object` impl; everything else through serde.
#[derive(Clone, Copy)]
enum Member {
    Serde,
    Object,
    Objects,
}

fn member(field: &Field) -> Member {
    match &field.ty {
        FieldType::Struct(_) => Member::Object,
        FieldType::Array(item) if matches!(**item, FieldType::Struct(_)) => Member::Objects,
        _ => Member::Serde,
    }
}

/// The `Fields` or `Members` method for a member: `required`, `optional_object`, ….
fn member_method(field: &Field) -> proc_macro2::Ident {
    let presence = if field.required {
        "required"
    } else {
        "optional"
    };
    let kind = match member(field) {
        Member::Serde => "",
        Member::Object => "_object",
        Member::Objects => "_objects",
    };
    format_ident!("{presence}{kind}")
}

/// `Object::members`: the body members by wire name; path and query fields travel in the
/// URL, and optional fields without a value are left out.
fn members_fn(spec: &StructSpec<'_>) -> TokenStream {
    let body: Vec<&Field> = spec
        .fields
        .iter()
        .filter(|field| field.location == Location::Body)
        .collect();
    // The mode's fields sit first on the wire, where its field is declared.
    let mode = spec.mode.map(|_| quote!(members.flatten(&self.mode);));
    let adds = body.iter().map(|field| {
        let rust = ident(&field.rust_name);
        let wire = &field.wire_name;
        let method = member_method(field);
        quote!(members.#method(#wire, &self.#rust);)
    });
    let capacity = proc_macro2::Literal::usize_unsuffixed(body.len());
    if body.is_empty() && spec.mode.is_none() {
        quote! {
            fn members(&self) -> crate::runtime::Members {
                crate::runtime::Members::default()
            }
        }
    } else {
        quote! {
            fn members(&self) -> crate::runtime::Members {
                let mut members = crate::runtime::Members::with_capacity(#capacity);
                #mode
                #(#adds)*
                members
            }
        }
    }
}

/// `Object::build`: decodes each member by wire name into a slot (a tuple of `Option`s),
/// checks once that all went well, and moves the slots into the struct. No `?` per field:
/// that was most of the crate's machine code (see `runtime/object.rs`).
fn build_fn(spec: &StructSpec<'_>) -> TokenStream {
    let name = ident(spec.name);
    let slot = |index: usize| syn::Index::from(index);
    let binding = |index: usize| ident(&format!("f{index}"));
    let takes = spec.fields.iter().enumerate().map(|(index, field)| {
        let wire = &field.wire_name;
        let slot = slot(index);
        let method = member_method(field);
        quote!(fields.#method(#wire, &mut slots.#slot);)
    });
    let nones = spec.fields.iter().map(|_| quote!(None));
    let patterns = spec.fields.iter().enumerate().map(|(index, field)| {
        let binding = binding(index);
        if field.required {
            quote!(Some(#binding))
        } else {
            quote!(#binding)
        }
    });
    let inits = spec.fields.iter().enumerate().map(|(index, field)| {
        let rust = ident(&field.rust_name);
        let binding = binding(index);
        quote!(#rust: #binding,)
    });
    // The mode takes what the struct's own fields left, so it comes last.
    let mode = spec.mode.map(|_| quote!(mode: fields.rest()?,));
    let construct = quote!(Ok(#name { #(#inits)* #mode }));
    let body = if spec.fields.is_empty() {
        construct
    } else if spec.fields.iter().any(|field| field.required) {
        quote! {
            let mut slots = (#(#nones,)*);
            #(#takes)*
            fields.finish()?;
            match slots {
                (#(#patterns,)*) => #construct,
                _ => Err(crate::runtime::Fields::incomplete()),
            }
        }
    } else {
        quote! {
            let mut slots = (#(#nones,)*);
            #(#takes)*
            fields.finish()?;
            let (#(#patterns,)*) = slots;
            #construct
        }
    };
    let fields = if spec.fields.is_empty() && spec.mode.is_none() {
        quote!(_fields)
    } else {
        quote!(fields)
    };
    quote! {
        fn build(#fields: &mut crate::runtime::Fields) -> Result<Self, serde_json::Error> {
            #body
        }
    }
}

fn field_doc(field: &Field) -> TokenStream {
    let mut facts = vec![
        format!("`{}`", field.wire_name),
        format!("`{}`", field.ty.describe()),
    ];
    if let Some(max) = field.max_length {
        facts.push(format!("at most {max} characters"));
    }
    if field.sensitive {
        facts.push("sensitive: encrypted before sending, redacted in `Debug`".to_owned());
    }
    facts.push(if field.required {
        "required".to_owned()
    } else {
        "optional".to_owned()
    });
    match field.location {
        Location::Path => facts.push("path parameter".to_owned()),
        Location::Query => facts.push("query parameter".to_owned()),
        Location::Body => {}
    }
    doc_paragraphs(&[
        escape_text(&field.description),
        format!("Wire: {}.", facts.join(", ")),
    ])
}

fn field_decl(field: &Field) -> TokenStream {
    let doc = field_doc(field);
    let name = ident(&field.rust_name);
    let ty = rust_type(&field.ty);
    // Wire names, skipped URL fields and absent options are the business of `serialize_impl`
    // and `deserialize_impl`, so fields carry no serde attributes.
    let ty = if field.required {
        ty
    } else {
        quote!(Option<#ty>)
    };
    quote! {
        #doc
        pub #name: #ty,
    }
}

/// `impl Into<String>` for strings so callers can pass `&str`; other types as they are.
fn parameter_type(ty: &FieldType) -> TokenStream {
    match ty {
        FieldType::String => quote!(impl Into<String>),
        other => rust_type(other),
    }
}

fn into_value(field: &Field, value: TokenStream) -> TokenStream {
    match field.ty {
        FieldType::String => quote!(#value.into()),
        _ => value,
    }
}

/// Whether `new` takes the required fields named, in a `required::<Type>` struct literal, rather
/// than positionally: from two required values on (the merchant mode counts), because two
/// positional strings (`out_trade_no`, `mchid`) swapped still compile.
pub fn takes_named_fields(spec: &StructSpec<'_>) -> bool {
    let required = spec.fields.iter().filter(|field| field.required).count();
    spec.constructed && required + usize::from(spec.mode.is_some()) >= 2
}

/// The struct of `spec`'s required fields in the service's `required` module: every field
/// public, no `#[non_exhaustive]`, so a struct literal must name each one and the compiler
/// refuses one left out. Strings are borrowed (`&'a str`) so literals need no `.into()`.
pub fn required_struct(spec: &StructSpec<'_>) -> Option<TokenStream> {
    if !takes_named_fields(spec) {
        return None;
    }
    let name = ident(spec.name);
    let lifetime = if borrows_strings(spec) {
        quote!(<'a>)
    } else {
        TokenStream::new()
    };
    let mode = spec.mode.map(|mode| {
        let mode = ident(mode);
        quote! {
            /// The merchant mode: exactly one mode's fields are sent, never a mix.
            pub mode: super::#mode,
        }
    });
    let fields = spec
        .fields
        .iter()
        .filter(|field| field.required)
        .map(|field| {
            let doc = field_doc(field);
            let name = ident(&field.rust_name);
            let ty = match field.ty {
                FieldType::String => quote!(&'a str),
                _ => qualified_type(&field.ty),
            };
            quote! {
                #doc
                pub #name: #ty,
            }
        });
    let doc = doc_attrs(&format!(
        "The required fields of [`{0}`](super::{0}), each named: `{0}::new(required::{0} {{ … }})`.",
        spec.name
    ));
    Some(quote! {
        #doc
        pub struct #name #lifetime {
            #mode
            #(#fields)*
        }
    })
}

/// `rust_type` with named types reached through `super::`: the `required` module declares
/// structs of the same names as the service's types, so it cannot import them.
fn qualified_type(ty: &FieldType) -> TokenStream {
    match ty {
        FieldType::Struct(name) | FieldType::Enum(name) => {
            let name = ident(&name.name);
            quote!(super::#name)
        }
        FieldType::Array(items) => {
            let items = qualified_type(items);
            quote!(Vec<#items>)
        }
        other => rust_type(other),
    }
}

/// Whether the required struct borrows its strings, and so has a lifetime parameter.
fn borrows_strings(spec: &StructSpec<'_>) -> bool {
    spec.fields
        .iter()
        .any(|field| field.required && field.ty == FieldType::String)
}

fn constructor(spec: &StructSpec<'_>) -> TokenStream {
    if takes_named_fields(spec) {
        return named_constructor(spec);
    }
    let required: Vec<&Field> = spec.fields.iter().filter(|field| field.required).collect();
    let mode_param = spec.mode.map(|mode| {
        let mode = ident(mode);
        quote!(mode: #mode,)
    });
    let mode_init = spec.mode.map(|_| quote!(mode,));
    let params = required.iter().map(|field| {
        let name = ident(&field.rust_name);
        let ty = parameter_type(&field.ty);
        quote!(#name: #ty)
    });
    let inits = spec.fields.iter().map(|field| {
        let name = ident(&field.rust_name);
        if field.required && field.ty == FieldType::String {
            quote!(#name: #name.into())
        } else if field.required {
            quote!(#name)
        } else {
            quote!(#name: None)
        }
    });
    let names: Vec<String> = required
        .iter()
        .map(|field| format!("`{}`", field.wire_name))
        .collect();
    let doc = if spec.mode.is_some() {
        format!(
            "Builds `{}` from its merchant mode and required fields ({}); optional fields start as `None`.",
            spec.name,
            names.join(", ")
        )
    } else if required.is_empty() {
        format!(
            "Builds `{}` with every field empty; all of them are optional.",
            spec.name
        )
    } else {
        format!(
            "Builds `{}` from its required fields ({}); optional fields start as `None`.",
            spec.name,
            names.join(", ")
        )
    };
    let doc = doc_attrs(&doc);
    quote! {
        #doc
        pub fn new(#mode_param #(#params),*) -> Self {
            Self { #mode_init #(#inits),* }
        }
    }
}

/// `new(required: required::Name)`: the required fields come named, the optional ones start
/// as `None`.
fn named_constructor(spec: &StructSpec<'_>) -> TokenStream {
    let name = ident(spec.name);
    let mode_init = spec.mode.map(|_| quote!(mode: required.mode,));
    let inits = spec.fields.iter().map(|field| {
        let name = ident(&field.rust_name);
        if field.required && field.ty == FieldType::String {
            quote!(#name: required.#name.to_owned())
        } else if field.required {
            quote!(#name: required.#name)
        } else {
            quote!(#name: None)
        }
    });
    let doc = doc_attrs(&format!(
        "Builds `{0}` from its required fields, each named in a \
         [`required::{0}`](super::required::{0}) literal (a field left out does not compile); \
         optional fields start as `None`.",
        spec.name
    ));
    let lifetime = if borrows_strings(spec) {
        quote!(<'_>)
    } else {
        TokenStream::new()
    };
    quote! {
        #doc
        pub fn new(required: super::required::#name #lifetime) -> Self {
            Self { #mode_init #(#inits),* }
        }
    }
}

fn setter(field: &Field) -> TokenStream {
    let name = ident(&field.rust_name);
    let setter = ident(&format!("with_{}", field.rust_name.trim_end_matches('_')));
    let ty = parameter_type(&field.ty);
    let value = into_value(field, quote!(value));
    let doc = doc_attrs(&format!("Sets the optional `{}`.", field.wire_name));
    quote! {
        #doc
        pub fn #setter(mut self, value: #ty) -> Self {
            self.#name = Some(#value);
            self
        }
    }
}

/// `Validate`: every documented length limit and enum value (`runtime::rules`), and those of
/// nested types.
fn validate_impl(spec: &StructSpec<'_>) -> TokenStream {
    let name = ident(spec.name);
    let mut checks: Vec<TokenStream> = spec.fields.iter().filter_map(field_check).collect();
    if spec.mode.is_some() {
        checks.insert(
            0,
            quote!(crate::runtime::Validate::validate_at(&self.mode, at)?;),
        );
    }
    // Nothing to check: the trait's default, which accepts.
    if checks.is_empty() {
        return quote!(impl crate::runtime::Validate for #name {});
    }
    quote! {
        impl crate::runtime::Validate for #name {
            fn validate_at(&self, at: &str) -> Result<(), crate::runtime::ValidationError> {
                #(#checks)*
                Ok(())
            }
        }
    }
}

fn field_check(field: &Field) -> Option<TokenStream> {
    let name = ident(&field.rust_name);
    let wire = &field.wire_name;
    let check = |value: TokenStream| -> Option<TokenStream> {
        match &field.ty {
            FieldType::String => {
                let max = proc_macro2::Literal::u32_unsuffixed(field.max_length?);
                Some(quote!(crate::runtime::check_length(at, #wire, #value, #max)?;))
            }
            FieldType::DateTime => {
                let max = proc_macro2::Literal::u32_unsuffixed(field.max_length?);
                Some(quote!(crate::runtime::check_time_length(at, #wire, #value, #max)?;))
            }
            FieldType::Enum(_) => Some(quote!(crate::runtime::check_enum(at, #wire, #value)?;)),
            FieldType::Struct(_) => Some(quote! {
                crate::runtime::Validate::validate_at(#value, &crate::runtime::field_path(at, #wire))?;
            }),
            FieldType::Array(items) => element_checks(items, value, wire, "{}", 0),
            _ => None,
        }
    };
    if field.required {
        check(quote!(&self.#name))
    } else {
        let inner = check(quote!(value))?;
        Some(quote! {
            if let Some(value) = &self.#name {
                #inner
            }
        })
    }
}

/// The checks of each element of an array `value` of `items`, named `wire[index]` (arrays of
/// arrays: `wire[index][index1]`); `None` when its elements need none.
fn element_checks(
    items: &FieldType,
    value: TokenStream,
    wire: &str,
    path: &str,
    depth: usize,
) -> Option<TokenStream> {
    let (index, item) = if depth == 0 {
        (format_ident!("index"), format_ident!("item"))
    } else {
        (format_ident!("index{depth}"), format_ident!("item{depth}"))
    };
    let path = format!("{path}[{{{index}}}]");
    let check = match items {
        FieldType::Enum(_) => {
            quote!(crate::runtime::check_enum(at, &format!(#path, #wire), #item)?;)
        }
        FieldType::Struct(_) => quote! {
            crate::runtime::Validate::validate_at(#item, &crate::runtime::field_path(at, &format!(#path, #wire)))?;
        },
        FieldType::Array(inner) => element_checks(inner, quote!(#item), wire, &path, depth + 1)?,
        _ => return None,
    };
    Some(quote! {
        // `#value` is `&self.field` or a reference bound by `if let`: either iterates.
        for (#index, #item) in IntoIterator::into_iter(#value).enumerate() {
            #check
        }
    })
}

/// `Debug` that prints `<redacted>` in place of every sensitive value.
fn redacting_debug(spec: &StructSpec<'_>) -> TokenStream {
    let name = ident(spec.name);
    let label = spec.name;
    let fields = spec.fields.iter().map(|field| {
        let rust = ident(&field.rust_name);
        let shown = &field.rust_name;
        match (field.sensitive, field.required) {
            (false, _) => quote!(.field(#shown, &self.#rust)),
            (true, true) => quote!(.field(#shown, &"<redacted>")),
            (true, false) => quote!(.field(#shown, &self.#rust.as_ref().map(|_| "<redacted>"))),
        }
    });
    quote! {
        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#label) #(#fields)* .finish()
            }
        }
    }
}

/// An expression giving `Result` of an encrypted copy of `value` of type `ty`: a struct's own
/// copy, or an array's elements copied one by one (arrays of arrays level by level).
fn encrypted_copy(ty: &FieldType, value: TokenStream, depth: usize) -> TokenStream {
    let FieldType::Array(items) = ty else {
        return quote!(crate::runtime::EncryptSensitive::encrypt_sensitive(#value, encryptor));
    };
    let item = if depth == 0 {
        format_ident!("item")
    } else {
        format_ident!("item{depth}")
    };
    let each = encrypted_copy(items, quote!(#item), depth + 1);
    // The outermost collection is the field's type; the inner ones are named.
    let target = if depth == 0 {
        quote!(Result<_, _>)
    } else {
        quote!(Result<Vec<_>, _>)
    };
    quote! {
        #value
            .iter()
            .map(|#item| #each)
            .collect::<#target>()
    }
}

/// `EncryptSensitive`: a copy with every sensitive value encrypted, nested types included.
fn encrypt_impl(spec: &StructSpec<'_>) -> TokenStream {
    let name = ident(spec.name);
    let steps = spec.fields.iter().filter_map(|field| {
        let rust = ident(&field.rust_name);
        let encrypt_value = if field.sensitive {
            quote!(encryptor.encrypt(value)?)
        } else if spec.nested_sensitive(&field.ty) {
            let encrypted = encrypted_copy(&field.ty, quote!(value), 0);
            quote!(#encrypted?)
        } else {
            return None;
        };
        Some(if field.required {
            quote! {
                let value = &self.#rust;
                copy.#rust = #encrypt_value;
            }
        } else {
            quote! {
                if let Some(value) = &self.#rust {
                    copy.#rust = Some(#encrypt_value);
                }
            }
        })
    });
    quote! {
        impl crate::runtime::EncryptSensitive for #name {
            fn encrypt_sensitive(
                &self,
                encryptor: &crate::runtime::SensitiveEncryptor,
            ) -> Result<Self, crate::runtime::Error> {
                let mut copy = self.clone();
                #(#steps)*
                Ok(copy)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A required array of structs is checked through `(&self.items).iter()`: without the
    /// parentheses `&self.items.iter().enumerate()` borrows the iterator, which does not compile
    /// (first seen when generating the whole converted API).
    #[test]
    fn required_arrays_of_structs_are_validated_item_by_item() {
        let field = Field {
            wire_name: "items".to_owned(),
            rust_name: "items".to_owned(),
            ty: FieldType::Array(Box::new(FieldType::Struct(crate::ir::TypeRef {
                index: 0,
                name: "Item".to_owned(),
            }))),
            required: true,
            max_length: None,
            sensitive: false,
            description: String::new(),
            location: Location::Body,
        };
        let check = field_check(&field).map(|tokens| tokens.to_string());
        let check = check.unwrap_or_default().replace(' ', "");
        assert!(
            check.contains("inIntoIterator::into_iter(&self.items).enumerate()"),
            "{check}"
        );
        let mut optional = field;
        optional.required = false;
        let check = field_check(&optional).map(|tokens| tokens.to_string());
        assert!(
            check
                .unwrap_or_default()
                .replace(' ', "")
                .contains("inIntoIterator::into_iter(value).enumerate()")
        );
    }
}
