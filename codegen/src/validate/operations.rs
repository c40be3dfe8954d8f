//! Facts about one operation as a whole: its response, who may call it, and its request body.

use super::error_rows;
use crate::diagnostic::Diagnostic;
use crate::spec::{OperationDef, Parsed, ServiceDoc};

pub(super) fn check(service: &Parsed<ServiceDoc>, out: &mut Vec<Diagnostic>) {
    for (id, op) in service.doc.operations.iter() {
        let base = format!("operations.{id}");
        check_response(service, &base, op, out);
        check_merchants(service, &base, op, out);
        check_hosts(service, &base, op, out);
        error_rows::check(service, &format!("{base}.errors"), &op.errors, out);
    }
}

/// The operation's own response is its success; errors are described by the error rows. Each
/// documented success status appears once, and a download or a certificate source has one.
fn check_response(
    service: &Parsed<ServiceDoc>,
    base: &str,
    op: &OperationDef,
    out: &mut Vec<Diagnostic>,
) {
    let response = &op.response;
    check_status(
        service,
        &format!("{base}.response"),
        response.status,
        response.body.is_some(),
        out,
    );
    let mut seen = vec![response.status];
    for (i, alternative) in response.alternatives.iter().enumerate() {
        let path = format!("{base}.response.alternatives[{i}]");
        check_status(
            service,
            &path,
            alternative.status,
            alternative.body.is_some(),
            out,
        );
        if seen.contains(&alternative.status) {
            out.push(service.error(
                format!("{path}.status"),
                format!(
                    "status {} is already documented for this operation",
                    alternative.status
                ),
            ));
        }
        seen.push(alternative.status);
    }
    if !response.alternatives.is_empty() {
        let single = if response.download.is_some() {
            Some("a download")
        } else if op.platform_certificates {
            Some("a platform certificate download")
        } else {
            None
        };
        if let Some(kind) = single {
            out.push(service.error(
                format!("{base}.response.alternatives"),
                format!("{kind} has exactly one success status; remove the alternatives"),
            ));
        }
    }
}

fn check_status(
    service: &Parsed<ServiceDoc>,
    path: &str,
    status: u16,
    has_body: bool,
    out: &mut Vec<Diagnostic>,
) {
    if !(200..=299).contains(&status) {
        out.push(service.error(
            format!("{path}.status"),
            format!("response status {status} must be a success status (2xx)"),
        ));
    }
    if status == 204 && has_body {
        out.push(service.error(
            format!("{path}.body"),
            "a 204 No Content response cannot have a body",
        ));
    }
}

fn check_merchants(
    service: &Parsed<ServiceDoc>,
    base: &str,
    op: &OperationDef,
    out: &mut Vec<Diagnostic>,
) {
    let path = format!("{base}.merchants");
    if op.merchants.is_empty() {
        out.push(service.error(
            path.as_str(),
            "merchants must list at least one kind of merchant",
        ));
    }
    for (i, merchant) in op.merchants.iter().enumerate() {
        if merchant.trim().is_empty() {
            out.push(service.error(format!("{path}[{i}]"), "merchant must not be empty"));
        }
    }
}

/// An operation's own hosts are checked like a service's.
fn check_hosts(
    service: &Parsed<ServiceDoc>,
    base: &str,
    op: &OperationDef,
    out: &mut Vec<Diagnostic>,
) {
    if let Some(hosts) = &op.hosts {
        super::settings::check_hosts(service, &format!("{base}.hosts"), hosts, out);
    }
}
