//! Every type name a field, an array or a response mentions is defined in the same service file.

use super::schema::{self, BUILTINS, Kind};
use super::suggest;
use crate::diagnostic::Diagnostic;
use crate::spec::{FieldDef, ItemsDef, Parsed, ServiceDoc};

pub(super) fn check(service: &Parsed<ServiceDoc>, out: &mut Vec<Diagnostic>) {
    for group in schema::all_groups(&service.doc) {
        for (name, field) in group.fields.iter() {
            check_field(service, &group.field_path(name), field, out);
        }
    }
    for (id, op) in service.doc.operations.iter() {
        if let Some(body) = &op.response.body {
            check_response_body(
                service,
                &format!("operations.{id}.response.body"),
                body,
                out,
            );
        }
        for (i, alternative) in op.response.alternatives.iter().enumerate() {
            if let Some(body) = &alternative.body {
                check_response_body(
                    service,
                    &format!("operations.{id}.response.alternatives[{i}].body"),
                    body,
                    out,
                );
            }
        }
    }
}

fn check_field(
    service: &Parsed<ServiceDoc>,
    path: &str,
    field: &FieldDef,
    out: &mut Vec<Diagnostic>,
) {
    let doc = &service.doc;
    let type_path = format!("{path}.type");
    let items_path = format!("{path}.items");
    match (schema::resolve(doc, &field.ty), &field.items) {
        (Kind::Unknown, _) => {
            let candidates = BUILTINS.into_iter().chain(defined_names(doc));
            out.push(service.error(type_path, unknown_type(&field.ty, candidates)));
        }
        (Kind::Array, Some(items)) => check_items(service, &items_path, items, out),
        (Kind::Array, None) => out.push(service.error(
            type_path,
            "type \"array\" needs \"items\" naming the element type",
        )),
        (_, Some(_)) => {
            out.push(service.error(items_path, "\"items\" is only allowed with type \"array\""))
        }
        (_, None) => {}
    }
}

/// An element type names a type; an array of arrays writes its inner element in brackets.
fn check_items(
    service: &Parsed<ServiceDoc>,
    path: &str,
    items: &ItemsDef,
    out: &mut Vec<Diagnostic>,
) {
    let doc = &service.doc;
    let name = match items {
        ItemsDef::Type(name) => name,
        ItemsDef::Array(inner) => {
            match inner.as_slice() {
                [inner] => check_items(service, &format!("{path}[0]"), inner, out),
                _ => out.push(service.error(
                    path,
                    format!(
                        "an array of arrays names one element type in brackets, e.g. [string], not {items}"
                    ),
                )),
            }
            return;
        }
    };
    match schema::resolve(doc, name) {
        Kind::Array => out.push(service.error(
            path,
            "an array of arrays names its inner element type in brackets: items: [string]",
        )),
        Kind::Unknown => {
            let scalars = BUILTINS.into_iter().filter(|name| *name != "array");
            out.push(service.error(path, unknown_type(name, scalars.chain(defined_names(doc)))));
        }
        _ => {}
    }
}

/// A response body decodes into a generated struct, so it must name a type, not an enum or builtin.
fn check_response_body(
    service: &Parsed<ServiceDoc>,
    path: &str,
    body: &str,
    out: &mut Vec<Diagnostic>,
) {
    let doc = &service.doc;
    let problem = match schema::resolve(doc, body) {
        Kind::Struct(..) => return,
        Kind::Enum(..) => format!("response body must name a type, but \"{body}\" is an enum"),
        Kind::Unknown => unknown_type(body, doc.types.names()),
        _ => format!("response body must name a type, but \"{body}\" is a builtin"),
    };
    out.push(service.error(path, problem));
}

fn defined_names(doc: &ServiceDoc) -> impl Iterator<Item = &str> {
    doc.types.names().chain(doc.enums.names())
}

fn unknown_type<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    format!("unknown type \"{name}\"{}", suggest::hint(name, candidates))
}
