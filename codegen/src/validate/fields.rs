//! Facts about single fields: where `max_length` makes sense, and what fits in a URL.

use super::schema::{self, FieldGroup, Kind, Role};
use crate::diagnostic::Diagnostic;
use crate::spec::{FieldDef, Parsed, ServiceDoc};

pub(super) fn check(service: &Parsed<ServiceDoc>, out: &mut Vec<Diagnostic>) {
    for group in schema::all_groups(&service.doc) {
        for (name, field) in group.fields.iter() {
            let path = group.field_path(name);
            let kind = schema::resolve(&service.doc, &field.ty);
            check_max_length(service, &path, field, kind, out);
            check_sensitive(service, &path, field, kind, out);
            check_url_param(service, &group, &path, field, kind, out);
        }
    }
}

/// `max_length` counts characters, so it means something only for text.
fn check_max_length(
    service: &Parsed<ServiceDoc>,
    path: &str,
    field: &FieldDef,
    kind: Kind,
    out: &mut Vec<Diagnostic>,
) {
    let Some(max_length) = field.max_length else {
        return;
    };
    let path = format!("{path}.max_length");
    match kind {
        Kind::String | Kind::Datetime if max_length == 0 => {
            out.push(service.error(path, "max_length must be greater than 0"));
        }
        Kind::String | Kind::Datetime | Kind::Unknown => {}
        _ => out.push(service.error(
            path,
            format!(
                "max_length applies only to string and datetime fields, not to type \"{}\"",
                field.ty
            ),
        )),
    }
}

/// Only text can be encrypted with RSA-OAEP and sent as its base64 ciphertext.
fn check_sensitive(
    service: &Parsed<ServiceDoc>,
    path: &str,
    field: &FieldDef,
    kind: Kind,
    out: &mut Vec<Diagnostic>,
) {
    if field.sensitive && !matches!(kind, Kind::String | Kind::Unknown) {
        out.push(service.error(
            format!("{path}.sensitive"),
            format!(
                "only string fields can be sensitive, not type \"{}\"",
                field.ty
            ),
        ));
    }
}

/// Path and query values are written into the URL as one piece of text each; a query array
/// repeats its parameter once per item (`a=X&a=Y`).
fn check_url_param(
    service: &Parsed<ServiceDoc>,
    group: &FieldGroup,
    path: &str,
    field: &FieldDef,
    kind: Kind,
    out: &mut Vec<Diagnostic>,
) {
    let scalar = kind.is_scalar() || matches!(kind, Kind::Unknown);
    match group.role {
        Role::PathParam if !scalar => out.push(service.error(
            format!("{path}.type"),
            format!(
                "a path parameter must be a string, integer, boolean, datetime or enum, not type \"{}\"",
                field.ty
            ),
        )),
        Role::Query if !scalar => {
            // An element that is an array itself (`[string]`) cannot be one query value.
            let items = field.items.as_ref().map(|items| {
                items
                    .name()
                    .map_or(Kind::Array, |name| schema::resolve(&service.doc, name))
            });
            let scalar_items = matches!(kind, Kind::Array)
                && items.is_none_or(|items| items.is_scalar() || matches!(items, Kind::Unknown));
            if !scalar_items {
                let ty = match &field.items {
                    Some(items) => format!("{} of {items}", field.ty),
                    None => field.ty.clone(),
                };
                out.push(service.error(
                    format!("{path}.type"),
                    format!(
                        "a query parameter must be a string, integer, boolean, datetime or enum, or an array of them, not type \"{ty}\""
                    ),
                ));
            }
        }
        _ => {}
    }
}
