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

/// Whether `name` is the name of a service file of the spec.
fn is_service(spec: &Spec, name: &str) -> bool {
    spec.services
        .iter()
        .any(|service| service.doc.service.name == name)
}

/// Each default feature names a service of the spec.
pub(super) fn check_default_features(spec: &Spec, out: &mut Vec<Diagnostic>) {
    let Some(defaults) = &spec.api.doc.api.default_features else {
        return;
    };
    for (index, name) in defaults.iter().enumerate() {
        if !is_service(spec, name) {
            out.push(spec.api.error(
                format!("api.default_features[{index}]"),
                format!("default feature \"{name}\" is not a service of spec/services/"),
            ));
        }
    }
}

/// Every service is in exactly one crate of `api.crates`, and each crate names services of the
/// spec under a name that can be a package name.
pub(super) fn check_crates(spec: &Spec, out: &mut Vec<Diagnostic>) {
    let Some(crates) = &spec.api.doc.api.crates else {
        return;
    };
    let mut homes: Vec<(&str, &str)> = Vec::new();
    for (name, def) in crates {
        let well_formed = name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !well_formed {
            out.push(spec.api.error(
                format!("api.crates.{name}"),
                format!("crate name \"{name}\" must be lower case letters, digits and `_`, starting with a letter"),
            ));
        }
        if name == "runtime" {
            out.push(spec.api.error(
                format!("api.crates.{name}"),
                "crate name \"runtime\" is taken: wechatpay-apiv3-runtime is the hand-written runtime".to_owned(),
            ));
        }
        if def.services.is_empty() {
            out.push(spec.api.error(
                format!("api.crates.{name}.services"),
                format!("crate \"{name}\" has no services"),
            ));
        }
        for (index, service) in def.services.iter().enumerate() {
            let at = format!("api.crates.{name}.services[{index}]");
            if !is_service(spec, service) {
                out.push(spec.api.error(
                    at,
                    format!("\"{service}\" is not a service of spec/services/"),
                ));
            } else if let Some((_, first)) = homes.iter().find(|(known, _)| known == service) {
                out.push(spec.api.error(
                    at,
                    format!("service \"{service}\" is already in crate \"{first}\"; a service is in one crate"),
                ));
            } else {
                homes.push((service, name));
            }
        }
    }
    for service in &spec.services {
        let name = &service.doc.service.name;
        if !homes.iter().any(|(known, _)| known == name) {
            out.push(spec.api.error(
                "api.crates".to_owned(),
                format!(
                    "service \"{name}\" ({}) is in no crate; add it to one of api.crates",
                    service.file
                ),
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
