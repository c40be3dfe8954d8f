//! Markdown reference pages under `generated-sdk/docs/`, rendered with askama templates.

use std::collections::BTreeSet;

use askama::Template;

use super::EmitError;
use super::doc::table_cell;
use super::format::header;
use crate::ir::{
    Api, ErrorKind, Field, Integrity, Lifecycle, Location, Notification, Operation, Service,
    TypeRef,
};
use crate::output::Output;
use crate::spec::{ErrorRow, ExampleKind};

pub fn emit_docs(api: &Api, output: &mut Output) -> Result<(), EmitError> {
    let index = IndexPage {
        header: header("<!--", &api.sources),
        title: &api.title,
        main_host: &api.hosts.main,
        backup_host: api.hosts.backup.as_deref(),
        services: api.services.iter().map(service_summary).collect(),
        common_errors: api
            .common_errors
            .iter()
            .map(|row| error_view(row, ErrorKind::Common))
            .collect(),
    };
    output.add(
        "generated-sdk/docs/README.md",
        render(&index, "docs/README.md")?,
    );
    for service in &api.services {
        for op in &service.operations {
            let path = format!("generated-sdk/docs/{}/{}.md", service.name, op.id);
            let page = operation_page(api, service, op);
            output.add(path.clone(), render(&page, &path)?);
        }
        for lifecycle in &service.lifecycles {
            let path = format!(
                "generated-sdk/docs/{}/lifecycles/{}.md",
                service.name, lifecycle.id
            );
            let page = lifecycle_page(api, service, lifecycle);
            output.add(path.clone(), render(&page, &path)?);
        }
        for notification in &service.notifications {
            let path = format!(
                "generated-sdk/docs/{}/notifications/{}.md",
                service.name, notification.id
            );
            let page = notification_page(api, service, notification);
            output.add(path.clone(), render(&page, &path)?);
        }
    }
    Ok(())
}

#[derive(Template)]
#[template(path = "docs_lifecycle.md", escape = "none")]
struct LifecyclePage {
    header: String,
    id: String,
    title: String,
    key: String,
    state_field: String,
    diagram: String,
    steps: Vec<StepView>,
    notifications: Vec<(String, String)>,
}

struct StepView {
    id: String,
    title: String,
    role: String,
}

fn lifecycle_page(api: &Api, service: &Service, lifecycle: &Lifecycle) -> LifecyclePage {
    LifecyclePage {
        header: header("<!--", &api.sources_of(service)),
        id: lifecycle.id.clone(),
        title: lifecycle.title.clone(),
        key: lifecycle.key.clone(),
        state_field: lifecycle.state_field.clone(),
        diagram: lifecycle.mermaid(),
        steps: lifecycle
            .steps
            .iter()
            .map(|step| StepView {
                id: step.operation.clone(),
                title: service
                    .operations
                    .iter()
                    .find(|op| op.id == step.operation)
                    .map(|op| table_cell(&op.title))
                    .unwrap_or_default(),
                role: table_cell(&lifecycle.role(step)),
            })
            .collect(),
        notifications: lifecycle
            .notify
            .as_ref()
            .map(|notify| notify.events.clone())
            .unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "docs_notification.md", escape = "none")]
struct NotificationPage {
    header: String,
    title: String,
    description: String,
    event: String,
    variant: String,
    resource: String,
    event_types: Vec<(String, String)>,
    tables: Vec<FieldTable>,
    examples: Vec<(String, String)>,
}

fn notification_page(
    api: &Api,
    service: &Service,
    notification: &Notification,
) -> NotificationPage {
    let mut enums = BTreeSet::new();
    let mut tables = Vec::new();
    {
        let model = service.model(&notification.resource);
        let fields: Vec<&Field> = model.fields.iter().collect();
        tables.push(table(
            format!("{} (resource)", model.name),
            &fields,
            &mut enums,
        ));
        tables.extend(nested_tables(service, &fields, &mut enums));
    }
    NotificationPage {
        header: header("<!--", &api.sources_of(service)),
        title: notification.title.clone(),
        description: notification.description.clone(),
        event: format!("wechatpay_apiv3::api::{}::Event", service.name),
        variant: notification.variant.clone(),
        resource: notification.resource.name.clone(),
        event_types: notification
            .event_types
            .iter()
            .map(|(event_type, meaning)| {
                (
                    event_type.clone(),
                    meaning
                        .as_deref()
                        .map(table_cell)
                        .unwrap_or_else(|| "(文档未给出含义)".to_owned()),
                )
            })
            .collect(),
        tables,
        examples: notification.examples.clone(),
    }
}

fn render(template: &impl Template, name: &str) -> Result<String, EmitError> {
    template
        .render()
        .map_err(|error| EmitError(format!("{name}: template failed: {error}")))
}

#[derive(Template)]
#[template(path = "docs_index.md", escape = "none")]
struct IndexPage<'a> {
    header: String,
    title: &'a str,
    main_host: &'a str,
    backup_host: Option<&'a str>,
    services: Vec<ServiceSummary>,
    common_errors: Vec<ErrorView>,
}

struct ServiceSummary {
    name: String,
    title: String,
    description: String,
    host: String,
    operations: Vec<OperationSummary>,
    notifications: Vec<NotificationSummary>,
    /// (id, title) of each lifecycle.
    lifecycles: Vec<(String, String)>,
}

struct NotificationSummary {
    id: String,
    title: String,
    event_types: String,
}

struct OperationSummary {
    id: String,
    title: String,
    method: &'static str,
    path: String,
}

fn service_summary(service: &Service) -> ServiceSummary {
    ServiceSummary {
        name: service.name.clone(),
        title: table_cell(&service.title),
        description: service.description.clone(),
        host: service.hosts.main.clone(),
        operations: service
            .operations
            .iter()
            .map(|op| OperationSummary {
                id: op.id.clone(),
                title: table_cell(&op.title),
                method: op.method.as_str(),
                path: op.path.clone(),
            })
            .collect(),
        notifications: service
            .notifications
            .iter()
            .map(|notification| NotificationSummary {
                id: notification.id.clone(),
                title: table_cell(&notification.title),
                event_types: notification
                    .event_types
                    .iter()
                    .map(|(event_type, _)| format!("`{event_type}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
            })
            .collect(),
        lifecycles: service
            .lifecycles
            .iter()
            .map(|lifecycle| (lifecycle.id.clone(), table_cell(&lifecycle.title)))
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "docs_operation.md", escape = "none")]
struct OperationPage {
    header: String,
    id: String,
    title: String,
    description: String,
    method: &'static str,
    path: String,
    hosts: String,
    merchants: String,
    updated: String,
    client: String,
    method_name: String,
    request: String,
    output: String,
    retry: &'static str,
    /// (lifecycle id, title, what the operation does to it).
    lifecycles: Vec<(String, String, String)>,
    paging: Option<String>,
    download: Option<String>,
    upload: Option<String>,
    headers: Vec<HeaderView>,
    request_tables: Vec<FieldTable>,
    status: String,
    response_tables: Vec<FieldTable>,
    enums: Vec<EnumView>,
    errors: Vec<ErrorView>,
    examples: Vec<ExampleView>,
}

struct HeaderView {
    name: String,
    required: &'static str,
    description: String,
}

struct FieldTable {
    heading: String,
    rows: Vec<FieldRow>,
}

struct FieldRow {
    name: String,
    ty: String,
    required: &'static str,
    max_length: String,
    description: String,
}

struct EnumView {
    name: String,
    description: String,
    values: Vec<(String, String)>,
}

struct ErrorView {
    status: u16,
    code: String,
    description: String,
    solution: String,
    kind: &'static str,
}

struct ExampleView {
    title: String,
    kind: &'static str,
    json: String,
}

fn operation_page(api: &Api, service: &Service, op: &Operation) -> OperationPage {
    let mut enums = BTreeSet::new();
    let mut request_tables = Vec::new();
    for (location, heading) in [
        (Location::Path, "路径参数 (path)"),
        (Location::Query, "查询参数 (query)"),
        (Location::Body, "包体参数 (body)"),
    ] {
        let fields: Vec<&Field> = op.request.fields_in(location).collect();
        if !fields.is_empty() {
            request_tables.push(table(heading.to_owned(), &fields, &mut enums));
        }
    }
    // Each mode's fields: a request sends exactly one mode's set.
    for mode in &op.request.modes {
        let fields: Vec<&Field> = mode.fields.iter().collect();
        let heading = format!(
            "商户模式: {} (`{}`, Rust `{}`)",
            mode.title, mode.key, mode.struct_name
        );
        request_tables.push(table(heading, &fields, &mut enums));
    }
    let request_fields: Vec<&Field> = op.request.all_fields().collect();
    request_tables.extend(nested_tables(service, &request_fields, &mut enums));
    let mut response_tables = Vec::new();
    for (status, body) in response_bodies(op) {
        let model = service.model(body);
        let fields: Vec<&Field> = model.fields.iter().collect();
        let heading = match status {
            Some(status) => format!("{} (body, HTTP {status})", model.name),
            None => format!("{} (body)", model.name),
        };
        response_tables.push(table(heading, &fields, &mut enums));
        response_tables.extend(nested_tables(service, &fields, &mut enums));
    }
    let hosts = match &op.hosts.backup {
        Some(backup) => format!("`{}` (主域名), `{backup}` (备域名)", op.hosts.main),
        None => format!("`{}`", op.hosts.main),
    };
    OperationPage {
        header: header("<!--", &api.sources_of(service)),
        id: op.id.clone(),
        title: op.title.clone(),
        description: op.description.clone(),
        method: op.method.as_str(),
        path: op.path.clone(),
        hosts,
        merchants: table_cell(&op.merchants.join("、")),
        updated: table_cell(&op.updated),
        client: service.client_name.clone(),
        method_name: op.method_name.clone(),
        request: op.request.name.clone(),
        output: match (&op.response.outcomes, &op.response.body) {
            (Some(outcomes), _) => outcomes.name.clone(),
            (None, Some(body)) => body.name.clone(),
            (None, None) => "()".to_owned(),
        },
        paging: op.paging.as_ref().map(|paging| {
            format!(
                "`{}_pages` walks every item: `{}` from 0, `{}` up to {}, items in `{}`",
                op.method_name.trim_end_matches('_'),
                paging.offset.wire_name,
                paging.limit.wire_name,
                paging.max_limit,
                paging.items.wire_name
            )
        }),
        download: op.response.download.as_ref().map(|download| {
            let check = match &download.integrity {
                Integrity::SignedDigest {
                    digest_header,
                    signed_body,
                } => format!(
                    "signature over `{}`, SHA-1 from `{digest_header}` checked at the end",
                    table_cell(signed_body)
                ),
                Integrity::Announced => {
                    "unsigned answer; the SHA-1 an earlier answer announced (`hash_value`) checked at the end"
                        .to_owned()
                }
            };
            let gzip = match (&download.gzip_query, download.gzip) {
                (Some((field, value)), _) => format!(", a gzip archive with `{field}={value}`, decoded"),
                (None, true) => ", gzip decoded".to_owned(),
                (None, false) => String::new(),
            };
            format!("a file streamed into a writer; {check}{gzip}")
        }),
        upload: op.upload.as_ref().map(|upload| {
            let mut text = format!(
                "`multipart/form-data`: file in part `{}`, meta JSON (signed) in part `{}` with the file's {} in `{}`",
                upload.file_part,
                upload.meta_part,
                upload.digest_algorithm.label(),
                upload.digest
            );
            if let Some(name) = &upload.file_name {
                text.push_str(&format!(" and its name in `{name}`"));
            }
            if !upload.types.is_empty() {
                let extensions: Vec<&str> =
                    upload.types.iter().map(|(extension, _)| extension.as_str()).collect();
                text.push_str(&format!("; types {}", extensions.join(", ")));
            }
            if let Some(max) = upload.max_bytes {
                text.push_str(&format!("; at most {max} bytes"));
            }
            table_cell(&text)
        }),
        retry: if op.retry_safe {
            "safe to retry"
        } else {
            "not retried automatically"
        },
        lifecycles: service
            .lifecycle_steps(&op.id)
            .map(|(lifecycle, step)| {
                (
                    lifecycle.id.clone(),
                    table_cell(&lifecycle.title),
                    table_cell(&lifecycle.role(step)),
                )
            })
            .collect(),
        headers: op
            .headers
            .iter()
            .map(|header| HeaderView {
                name: header.name.clone(),
                required: yes_no(header.required),
                description: table_cell(&header.description),
            })
            .collect(),
        request_tables,
        status: statuses(op),
        response_tables,
        enums: service
            .enums
            .iter()
            .filter(|item| enums.contains(&item.name))
            .map(|item| EnumView {
                name: item.name.clone(),
                description: item.description.clone(),
                values: item
                    .variants
                    .iter()
                    .map(|variant| {
                        let meaning = variant.meaning.as_deref().map(table_cell);
                        (
                            variant.wire.clone(),
                            meaning.unwrap_or_else(|| "(文档未给出含义)".to_owned()),
                        )
                    })
                    .collect(),
            })
            .collect(),
        errors: api
            .error_table(op)
            .map(|(row, kind)| error_view(row, kind))
            .collect(),
        examples: op
            .examples
            .iter()
            .map(|example| ExampleView {
                title: example.title.clone(),
                kind: match example.kind {
                    ExampleKind::Request => "请求",
                    ExampleKind::Response => "应答",
                },
                json: example.json.clone(),
            })
            .collect(),
    }
}

fn table(heading: String, fields: &[&Field], enums: &mut BTreeSet<String>) -> FieldTable {
    for field in fields {
        if let Some(item) = field.ty.enum_ref() {
            enums.insert(item.name.clone());
        }
    }
    FieldTable {
        heading,
        rows: fields
            .iter()
            .map(|field| FieldRow {
                name: field.wire_name.clone(),
                ty: table_cell(&field.ty.describe()),
                required: yes_no(field.required),
                max_length: field
                    .max_length
                    .map(|max| max.to_string())
                    .unwrap_or_default(),
                description: table_cell(&field.description),
            })
            .collect(),
    }
}

/// Tables for every struct reachable from `fields`, in the order first met, each once.
fn nested_tables(
    service: &Service,
    fields: &[&Field],
    enums: &mut BTreeSet<String>,
) -> Vec<FieldTable> {
    let mut seen = BTreeSet::new();
    let mut pending: Vec<&TypeRef> = fields
        .iter()
        .filter_map(|field| field.ty.struct_ref())
        .collect();
    pending.reverse();
    let mut tables = Vec::new();
    while let Some(reference) = pending.pop() {
        if !seen.insert(reference.index) {
            continue;
        }
        let model = service.model(reference);
        let nested: Vec<&Field> = model.fields.iter().collect();
        tables.push(table(model.name.clone(), &nested, enums));
        let mut children: Vec<&TypeRef> = nested
            .iter()
            .filter_map(|field| field.ty.struct_ref())
            .collect();
        children.reverse();
        pending.extend(children);
    }
    tables
}

fn error_view(row: &ErrorRow, kind: ErrorKind) -> ErrorView {
    ErrorView {
        status: row.status,
        code: row.code.clone(),
        description: table_cell(&row.description),
        solution: table_cell(&row.solution),
        kind: kind.label(),
    }
}

fn yes_no(required: bool) -> &'static str {
    if required { "必填" } else { "选填" }
}

/// Each body the operation may answer, with its status when more than one status is documented.
fn response_bodies(op: &Operation) -> Vec<(Option<u16>, &TypeRef)> {
    match &op.response.outcomes {
        Some(outcomes) => outcomes
            .variants
            .iter()
            .filter_map(|outcome| Some((Some(outcome.status), outcome.body.as_ref()?)))
            .collect(),
        None => op.response.body.iter().map(|body| (None, body)).collect(),
    }
}

/// `200`, or every documented success status: `200 / 204`.
fn statuses(op: &Operation) -> String {
    match &op.response.outcomes {
        Some(outcomes) => outcomes
            .variants
            .iter()
            .map(|outcome| outcome.status.to_string())
            .collect::<Vec<_>>()
            .join(" / "),
        None => op.response.status.to_string(),
    }
}
