//! `<service>/events.rs` in the service's crate: the service's `Event` enum, one variant per documented
//! notification, decoded by `event_type`, with an untyped fallback for events the spec does
//! not describe yet.

use proc_macro2::TokenStream;
use quote::quote;

use super::doc::{doc_paragraphs, escape_text, module_doc};
use super::types::ident;
use crate::ir::Service;
use crate::ir::naming::EVENT_ENUM;

/// The module, or `None` when the service documents no notification.
pub fn events_module(service: &Service) -> Option<TokenStream> {
    if service.notifications.is_empty() {
        return None;
    }
    let docs = module_doc(&[format!("Notifications of {}.", escape_text(&service.title))]);
    let mut resources: Vec<_> = service
        .notifications
        .iter()
        .map(|n| ident(&n.resource.name))
        .collect();
    resources.sort_by_key(ToString::to_string);
    resources.dedup_by_key(|name| name.to_string());
    let variants = service.notifications.iter().map(|notification| {
        let types: Vec<String> = notification
            .event_types
            .iter()
            .map(|(event_type, meaning)| match meaning {
                Some(meaning) => format!("- `{event_type}`: {}", escape_text(meaning)),
                None => format!("- `{event_type}`"),
            })
            .collect();
        let doc = doc_paragraphs(&[
            escape_text(&notification.title),
            escape_text(&notification.description),
            types.join("\n"),
        ]);
        let variant = ident(&notification.variant);
        let resource = ident(&notification.resource.name);
        // Boxed: resources are large and differ in size, an event is moved around whole.
        quote!(#doc #variant(Box<#resource>),)
    });
    let arms = service.notifications.iter().map(|notification| {
        let variant = ident(&notification.variant);
        let types = notification
            .event_types
            .iter()
            .map(|(event_type, _)| event_type);
        quote!(#(#types)|* => serde_json::from_slice(resource).map(|resource| Self::#variant(Box::new(resource))),)
    });
    let event = ident(EVENT_ENUM);
    Some(quote! {
        #docs
        use super::models::{#(#resources),*};

        /// A decrypted notification resource, by the envelope's `event_type`.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #event {
            #(#variants)*
            /// An event type this version of the SDK does not describe, decoded untyped.
            Unknown(serde_json::Value),
        }

        impl crate::runtime::NotificationEvent for #event {
            fn decode(event_type: &str, resource: &[u8]) -> Result<Self, serde_json::Error> {
                match event_type {
                    #(#arms)*
                    _ => serde_json::from_slice(resource).map(Self::Unknown),
                }
            }
        }
    })
}
