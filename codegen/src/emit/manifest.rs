//! `generated-sdk/Cargo.toml`: its `[features]` list one feature per service, so it is generated.

use askama::Template;

use super::EmitError;
use super::format::header;
use crate::ir::Api;

#[derive(Template)]
#[template(path = "sdk_manifest.toml", escape = "none")]
struct Manifest {
    header: String,
    version: String,
    services: Vec<String>,
    default_features: Vec<String>,
}

pub fn manifest(api: &Api) -> Result<String, EmitError> {
    Manifest {
        header: header("#", &api.sources).trim_end().to_owned(),
        version: api.version.to_string(),
        services: api
            .services
            .iter()
            .map(|service| service.name.clone())
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
