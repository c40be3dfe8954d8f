//! API-wide and per-service settings: hosts, service names and the common error table.

use super::{error_rows, has_shape};
use crate::diagnostic::Diagnostic;
use crate::ir::Version;
use crate::spec::format::RESERVED_FEATURES;
use crate::spec::{ApiDoc, Hosts, Parsed, ServiceDoc, Spec};

pub(super) fn check_api(api: &Parsed<ApiDoc>, out: &mut Vec<Diagnostic>) {
    check_hosts(api, "api.hosts", &api.doc.api.hosts, out);
    error_rows::check(api, "errors", &api.doc.errors, out);
    if let Some(version) = &api.doc.api.version
        && Version::parse(version).is_none()
    {
        out.push(api.error(
            "api.version",
            format!("version \"{version}\" must be MAJOR.MINOR.PATCH, e.g. 0.1.0"),
        ));
    }
}

pub(super) fn check_service(service: &Parsed<ServiceDoc>, out: &mut Vec<Diagnostic>) {
    let info = &service.doc.service;
    // The name becomes a cargo feature and a module, so it must be a plain snake_case word.
    let snake = has_shape(
        &info.name,
        |c| c.is_ascii_lowercase(),
        |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_',
    );
    if !snake {
        out.push(service.error(
            "service.name",
            format!(
                "service name \"{}\" must match ^[a-z][a-z0-9_]*$",
                info.name
            ),
        ));
    }
    if RESERVED_FEATURES.contains(&info.name.as_str()) {
        out.push(service.error(
            "service.name",
            format!(
                "service name \"{}\" is a cargo feature of the crate already ({})",
                info.name,
                RESERVED_FEATURES.join(", ")
            ),
        ));
    }
    if let Some(hosts) = &info.hosts {
        check_hosts(service, "service.hosts", hosts, out);
    }
}

/// Each default feature names a service of the spec.
pub(super) fn check_default_features(spec: &Spec, out: &mut Vec<Diagnostic>) {
    let Some(defaults) = &spec.api.doc.api.default_features else {
        return;
    };
    for (index, name) in defaults.iter().enumerate() {
        let known = spec
            .services
            .iter()
            .any(|service| &service.doc.service.name == name);
        if !known {
            out.push(spec.api.error(
                format!("api.default_features[{index}]"),
                format!("default feature \"{name}\" is not a service of spec/services/"),
            ));
        }
    }
}

/// Requests are signed, and the answers carry payment data: plain HTTP is never right.
pub(super) fn check_hosts<T>(
    file: &Parsed<T>,
    base: &str,
    hosts: &Hosts,
    out: &mut Vec<Diagnostic>,
) {
    let backup = hosts.backup.as_ref().map(|backup| ("backup", backup));
    for (key, host) in std::iter::once(("main", &hosts.main)).chain(backup) {
        let named = host
            .strip_prefix("https://")
            .is_some_and(|rest| !rest.is_empty());
        if !named {
            out.push(file.error(
                format!("{base}.{key}"),
                format!("host \"{host}\" must start with \"https://\" and name a host"),
            ));
        }
    }
}
