//! Operation attributes that drive behaviour: merchant modes, paging, downloads and uploads must
//! point at fields that exist and have the right shape.

use super::schema::{self, Kind};
use crate::diagnostic::Diagnostic;
use crate::spec::{
    AnnouncedByDef, DigestSourceDef, DownloadDef, FieldDef, HttpMethod, ItemsDef, OperationDef,
    Parsed, ServiceDoc,
};

pub(super) fn check(service: &Parsed<ServiceDoc>, out: &mut Vec<Diagnostic>) {
    for (id, op) in service.doc.operations.iter() {
        let path = format!("operations.{id}");
        check_modes(service, &path, op, out);
        check_paging(service, &path, op, out);
        check_download(service, &path, op, out);
        check_upload(service, &path, op, out);
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
                && field
                    .items
                    .as_ref()
                    .and_then(ItemsDef::name)
                    .is_some_and(|items| {
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
    match (
        &download.digest_header,
        &download.signed_body,
        download.digest,
    ) {
        (Some(header), Some(signed_body), None) => {
            if header.trim().is_empty() {
                out.push(service.error(
                    format!("{download_path}.digest_header"),
                    "name the header that carries the file's SHA-1",
                ));
            }
            if !signed_body.contains("{digest}") {
                out.push(service.error(
                    format!("{download_path}.signed_body"),
                    "the signed body must contain {digest}, where the header's value goes",
                ));
            }
        }
        (None, None, Some(DigestSourceDef::Announced)) => {}
        (_, _, Some(_)) => out.push(service.error(
            download_path.as_str(),
            "an answer with an announced digest is not signed: drop digest_header and signed_body",
        )),
        (_, _, None) => out.push(service.error(
            download_path.as_str(),
            "say how the file is checked: digest_header and signed_body (a signed digest), \
             or digest: announced (an unsigned answer, the SHA-1 from an earlier answer)",
        )),
    }
    if let Some(announced_by) = &download.announced_by {
        check_announced_by(service, &download_path, download, announced_by, out);
    }
    if let Some(gzip_query) = &download.gzip_query {
        if !op.query.contains(&gzip_query.field) {
            out.push(service.error(
                format!("{download_path}.gzip_query.field"),
                format!(
                    "\"{}\" is not a query field of this operation",
                    gzip_query.field
                ),
            ));
        }
        if gzip_query.value.trim().is_empty() {
            out.push(service.error(
                format!("{download_path}.gzip_query.value"),
                "give the query value that asks for gzip",
            ));
        }
    }
}

/// The announcing operations exist and answer the URL and the SHA-1 as top-level strings.
fn check_announced_by(
    service: &Parsed<ServiceDoc>,
    download_path: &str,
    download: &DownloadDef,
    announced_by: &AnnouncedByDef,
    out: &mut Vec<Diagnostic>,
) {
    let path = format!("{download_path}.announced_by");
    if download.digest != Some(DigestSourceDef::Announced) {
        out.push(service.error(
            path.as_str(),
            "only a download with digest: announced has operations that announce it",
        ));
    }
    if announced_by.operations.is_empty() {
        out.push(service.error(
            format!("{path}.operations"),
            "name the operations whose answers give the URL and the SHA-1",
        ));
    }
    for (index, id) in announced_by.operations.iter().enumerate() {
        let at = format!("{path}.operations[{index}]");
        let Some(announcing) = service.doc.operations.get(id) else {
            out.push(service.error(at, format!("no operation \"{id}\" in this service")));
            continue;
        };
        let model = match announcing.response.body.as_deref() {
            Some(body) => match schema::resolve(&service.doc, body) {
                Kind::Struct(model) => Some((body, model)),
                _ => None,
            },
            None => None,
        };
        let Some((body, model)) = model else {
            out.push(service.error(
                at,
                format!("\"{id}\" answers no object to read the URL and SHA-1 from"),
            ));
            continue;
        };
        for (key, name) in [
            ("url_field", &announced_by.url_field),
            ("digest_field", &announced_by.digest_field),
        ] {
            if model
                .fields
                .get(name)
                .is_none_or(|field| field.ty != "string")
            {
                out.push(service.error(
                    format!("{path}.{key}"),
                    format!("{body}, the answer of \"{id}\", has no string field \"{name}\""),
                ));
            }
        }
    }
}

fn check_upload(
    service: &Parsed<ServiceDoc>,
    path: &str,
    op: &OperationDef,
    out: &mut Vec<Diagnostic>,
) {
    let Some(upload) = &op.upload else {
        return;
    };
    let upload_path = format!("{path}.upload");
    if op.method != HttpMethod::Post {
        out.push(service.error(
            upload_path.as_str(),
            format!("an upload is a POST, not a {}", op.method.as_str()),
        ));
    }
    if op.response.download.is_some() {
        out.push(service.error(
            format!("{path}.response.download"),
            "an operation cannot both upload and download a file",
        ));
    }
    for (key, part) in [
        ("file_part", &upload.file_part),
        ("meta_part", &upload.meta_part),
    ] {
        if !is_part_name(part) {
            out.push(service.error(
                format!("{upload_path}.{key}"),
                format!("part name \"{part}\" must be letters, digits and _ only"),
            ));
        }
    }
    if upload.file_part == upload.meta_part {
        out.push(service.error(
            format!("{upload_path}.meta_part"),
            format!(
                "the file and the meta cannot share the part \"{}\"",
                upload.meta_part
            ),
        ));
    }
    // The runtime fills these: a body field of the same name would be set twice.
    let body = op.body.as_ref();
    let computed = std::iter::once(("digest", &upload.digest))
        .chain(upload.file_name.iter().map(|name| ("file_name", name)));
    for (key, name) in computed {
        if name.trim().is_empty() {
            out.push(service.error(
                format!("{upload_path}.{key}"),
                "name the meta field the runtime fills",
            ));
        } else if body.is_some_and(|body| body.get(name).is_some()) {
            out.push(service.error(
                format!("{upload_path}.{key}"),
                format!(
                    "the runtime fills meta field \"{name}\"; remove it from body, the caller cannot set it"
                ),
            ));
        }
    }
    if upload.max_bytes == Some(0) {
        out.push(service.error(
            format!("{upload_path}.max_bytes"),
            "max_bytes must be greater than 0",
        ));
    }
    for (extension, content_type) in &upload.types {
        let plain = !extension.is_empty()
            && extension
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        if !plain {
            out.push(service.error(
                format!("{upload_path}.types.{extension}"),
                format!("extension \"{extension}\" must be lower-case letters and digits, without the dot"),
            ));
        }
        if !is_media_type(content_type) {
            out.push(service.error(
                format!("{upload_path}.types.{extension}"),
                format!("\"{content_type}\" is not a media type like image/jpeg"),
            ));
        }
    }
    for (i, name) in upload.form_fields.iter().enumerate() {
        let field_path = format!("{upload_path}.form_fields[{i}]");
        match body.and_then(|body| body.get(name)) {
            None => out.push(service.error(field_path, format!("no body field \"{name}\""))),
            Some(field) if !schema::resolve(&service.doc, &field.ty).is_scalar() => {
                out.push(service.error(
                    field_path,
                    format!("form field \"{name}\" must be a scalar: a part holds one value"),
                ))
            }
            Some(_) if name == &upload.file_part || name == &upload.meta_part => {
                out.push(service.error(field_path, format!("\"{name}\" is already a part")))
            }
            Some(_) => {}
        }
    }
}

/// A multipart part name goes into a quoted header parameter: keep it plain.
fn is_part_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `type/subtype`, both plain tokens, as a part's `Content-Type` needs.
fn is_media_type(value: &str) -> bool {
    let token = |part: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '+'))
    };
    value
        .split_once('/')
        .is_some_and(|(kind, subtype)| token(kind) && token(subtype))
}
