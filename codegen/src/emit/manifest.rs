//! `generated-sdk/Cargo.toml` and the `Cargo.toml` of each crate of services: their `[features]`
//! list one feature per service, so they are generated.

use askama::Template;

use super::EmitError;
use super::format::header;
use crate::ir::{Api, ServiceCrate};

#[derive(Template)]
#[template(path = "sdk_manifest.toml", escape = "none")]
struct Manifest {
    header: String,
    version: String,
    /// Each service's feature and the package of the crate it turns on.
    services: Vec<Package>,
    /// The crates of services, optional dependencies.
    crates: Vec<Package>,
    default_features: Vec<String>,
}

/// A name (a service's or a crate's) and the package it stands for.
struct Package {
    name: String,
    package: String,
}

/// `Cargo.toml` of one crate of services.
#[derive(Template)]
#[template(path = "service_crate_manifest.toml", escape = "none")]
struct ServiceCrateManifest {
    header: String,
    package: String,
    title: String,
    version: String,
    services: Vec<String>,
}

pub fn manifest(api: &Api) -> Result<String, EmitError> {
    Manifest {
        header: header("#", &api.sources).trim_end().to_owned(),
        version: api.version.to_string(),
        services: api
            .services
            .iter()
            .map(|service| Package {
                name: service.name.clone(),
                package: api
                    .home_of(service)
                    .map(ServiceCrate::package)
                    .unwrap_or_default(),
            })
            .collect(),
        crates: api
            .crates
            .iter()
            .map(|krate| Package {
                name: krate.name.clone(),
                package: krate.package(),
            })
            .collect(),
        default_features: api.default_features.clone(),
    }
    .render()
    .map_err(|error| {
        EmitError(format!(
            "generated-sdk/Cargo.toml: template failed: {error}"
        ))
    })
}

pub fn service_crate_manifest(api: &Api, krate: &ServiceCrate) -> Result<String, EmitError> {
    ServiceCrateManifest {
        header: header("#", &api.sources_of_crate(krate))
            .trim_end()
            .to_owned(),
        package: krate.package(),
        // A TOML basic string: the title is spec text.
        title: krate.title.replace('\\', "\\\\").replace('"', "\\\""),
        version: api.version.to_string(),
        services: krate.services.clone(),
    }
    .render()
    .map_err(|error| {
        EmitError(format!(
            "{}/Cargo.toml: template failed: {error}",
            krate.dir()
        ))
    })
}
