//! Operation attributes that drive behaviour: merchant modes, paging and downloads must point at
//! fields that exist and have the right shape.

use super::schema::{self, Kind};
use crate::diagnostic::Diagnostic;
use crate::spec::{FieldDef, OperationDef, Parsed, ServiceDoc};

pub(super) fn check(service: &Parsed<ServiceDoc>, out: &mut Vec<Diagnostic>) {
    for (id, op) in service.doc.operations.iter() {
        let path = format!("operations.{id}");
        check_modes(service, &path, op, out);
        check_paging(service, &path, op, out);
        check_download(service, &path, op, out);
    }
}

/// The request field named `name`, and whether it is a path parameter.
fn request_field<'a>(op: &'a OperationDef, name: &str) -> Option<(&'a FieldDef, bool)> {
    if let Some(field) = op.path_params.get(name) {
        return Some((field, true));
    }
    op.query
        .get(name)
        .or_else(|| op.body.as_ref().and_then(|body| body.get(name)))
        .map(|field| (field, false))
}

fn check_modes(
    service: &Parsed<ServiceDoc>,
    path: &str,
    op: &OperationDef,
    out: &mut Vec<Diagnostic>,
) {
    if op.modes.is_empty() {
        return;
    }
    if op.modes.len() < 2 {
        out.push(service.error(
            format!("{path}.modes"),
            "modes need at least two alternatives",
        ));
    }
    let mut claimed: Vec<&str> = Vec::new();
    for (key, mode) in op.modes.iter() {
        let mode_path = format!("{path}.modes.{key}");
        if mode.fields.is_empty() {
            out.push(service.error(
                mode_path.as_str(),
                "a mode must name the fields only it sends",
            ));
        }
        for (i, name) in mode.fields.iter().enumerate() {
            let field_path = format!("{mode_path}.fields[{i}]");
            match request_field(op, name) {
                None => out.push(service.error(
                    field_path,
                    format!("no request field \"{name}\" in path_params, query or body"),
                )),
                Some((_, true)) => out.push(service.error(
                    field_path,
                    format!("path parameter \"{name}\" cannot belong to a mode"),
                )),
                Some((field, false)) if field.sensitive => out.push(service.error(
                    field_path,
                    format!("sensitive field \"{name}\" cannot belong to a mode"),
                )),
                Some(_) if claimed.contains(&name.as_str()) => out.push(
                    service.error(field_path, format!("field \"{name}\" belongs to two modes")),
                ),
                Some(_) => claimed.push(name),
            }
        }
    }
}

fn is_integer(field: &FieldDef) -> bool {
    field.ty == "integer"
}

fn check_paging(
    service: &Parsed<ServiceDoc>,
    path: &str,
    op: &OperationDef,
    out: &mut Vec<Diagnostic>,
) {
    let Some(paging) = &op.paging else { return };
    let paging_path = format!("{path}.paging");
    for (key, name) in [("offset", &paging.offset), ("limit", &paging.limit)] {
        match op.query.get(name) {
            Some(field) if is_integer(field) => {}
            Some(_) => out.push(service.error(
                format!("{paging_path}.{key}"),
                format!("query field \"{name}\" must be an integer"),
            )),
            None => out.push(service.error(
                format!("{paging_path}.{key}"),
                format!("no query field \"{name}\""),
            )),
        }
    }
    if paging.max_limit == 0 {
        out.push(service.error(
            format!("{paging_path}.max_limit"),
            "max_limit must be greater than 0",
        ));
    }
    let Some(body) = op.response.body.as_deref() else {
        out.push(service.error(
            paging_path.as_str(),
            "a paged operation needs a response body",
        ));
        return;
    };
    let Kind::Struct(model) = schema::resolve(&service.doc, body) else {
        return;
    };
    match model.fields.get(&paging.items) {
        Some(field)
            if field.ty == "array"
                && field.items.as_deref().is_some_and(|items| {
                    matches!(schema::resolve(&service.doc, items), Kind::Struct(_))
                }) => {}
        Some(_) => out.push(service.error(
            format!("{paging_path}.items"),
            format!("\"{}\" of {body} must be an array of a type", paging.items),
        )),
        None => out.push(service.error(
            format!("{paging_path}.items"),
            format!("{body} has no field \"{}\"", paging.items),
        )),
    }
    if let Some(total) = &paging.total {
        match model.fields.get(total) {
            Some(field) if is_integer(field) => {}
            _ => out.push(service.error(
                format!("{paging_path}.total"),
                format!("{body} has no integer field \"{total}\""),
            )),
        }
    }
}

fn check_download(
    service: &Parsed<ServiceDoc>,
    path: &str,
    op: &OperationDef,
    out: &mut Vec<Diagnostic>,
) {
    let Some(download) = &op.response.download else {
        return;
    };
    let download_path = format!("{path}.response.download");
    if op.response.body.is_some() {
        out.push(service.error(
            format!("{path}.response.body"),
            "a download streams a file: it has no body type",
        ));
    }
    if download.digest_header.trim().is_empty() {
        out.push(service.error(
            format!("{download_path}.digest_header"),
            "name the header that carries the file's SHA-1",
        ));
    }
    if !download.signed_body.contains("{digest}") {
        out.push(service.error(
            format!("{download_path}.signed_body"),
            "the signed body must contain {digest}, where the header's value goes",
        ));
    }
}
