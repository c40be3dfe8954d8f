//! `cargo xtask import --openapi FILE --out DIR`: an OpenAPI 3.0 or 3.1 document (JSON or
//! YAML) into our spec format, `DIR/spec/api.yaml` and `DIR/spec/services/<service>.yaml`.
//!
//! Tags become services, `components.schemas` their types and enums, paths their operations,
//! webhooks their notifications. Kept: descriptions, required flags, `maxLength`, enums with
//! `x-enum-descriptions`, `x-sensitive`, `x-error-codes` (and `x-common-error-codes`),
//! examples, and the extensions our own export writes (`x-merchants`, `x-updated`,
//! `x-retry-safe`, `x-modes`, `x-wechatpay-upload`, `x-event-types`, `x-decrypted-resource`), so
//! importing `generated-sdk/openapi.json` gives back a spec that exports the same document.
//! What the format cannot hold is listed with its JSON pointer; a document that is not OpenAPI
//! is refused with the pointer of the first problem.

mod node;
mod operations;
mod schemas;
#[cfg(test)]
mod tests;
mod webhooks;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use heck::ToSnakeCase;
use serde_json::Value;

use codegen::spec::{
    ApiDoc, ApiSettings, ErrorRow, Hosts, Named, ServiceDoc, ServiceInfo, SourceFile, Sources,
};
pub use node::ImportError;
use node::Node;

/// An imported spec, in memory, and what could not be carried over.
#[derive(Debug)]
pub struct Imported {
    pub sources: Sources,
    /// One line each: a JSON pointer and what was not carried over there.
    pub losses: Vec<String>,
}

pub fn run(file: &Path, out: &Path) -> ExitCode {
    let imported = match read(file).and_then(|document| {
        import(&document, &file.display().to_string())
            .map_err(|error| format!("{}: {error}", file.display()))
    }) {
        Ok(imported) => imported,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    for file in std::iter::once(&imported.sources.api).chain(&imported.sources.services) {
        let path = out.join(&file.path);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, &file.text));
        if let Err(error) = written {
            eprintln!("cannot write {}: {error}", path.display());
            return ExitCode::FAILURE;
        }
    }
    for loss in &imported.losses {
        println!("not carried over: {loss}");
    }
    println!(
        "imported {} into {}: {} services, {} operations; {} thing(s) not carried over",
        file.display(),
        out.join("spec").display(),
        imported.sources.services.len(),
        imported
            .sources
            .services
            .iter()
            .map(|file| file.text.matches("\n    method: ").count())
            .sum::<usize>(),
        imported.losses.len()
    );
    ExitCode::SUCCESS
}

/// The document, as JSON or YAML (a `.json` file must be JSON; anything else may be either).
pub fn read(file: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(file)
        .map_err(|error| format!("cannot read {}: {error}", file.display()))?;
    let json = serde_json::from_str::<Value>(&text);
    match json {
        Ok(document) => Ok(document),
        Err(error) if file.extension().is_some_and(|ext| ext == "json") => {
            Err(format!("{}: not JSON: {error}", file.display()))
        }
        Err(_) => {
            let yaml: serde_yaml::Value = serde_yaml::from_str(&text)
                .map_err(|error| format!("{}: neither JSON nor YAML: {error}", file.display()))?;
            serde_json::to_value(yaml)
                .map_err(|error| format!("{}: YAML that JSON cannot hold: {error}", file.display()))
        }
    }
}

/// The whole import; `origin` names the document in the files' headers.
pub fn import(document: &Value, origin: &str) -> Result<Imported, ImportError> {
    let doc = Node::root(document);
    let version = doc.require("openapi")?;
    let version_text = version.str()?;
    if !(version_text.starts_with("3.0.") || version_text.starts_with("3.1.")) {
        return Err(version.error(format!(
            "OpenAPI {version_text} is not imported; 3.0 and 3.1 are"
        )));
    }
    let info = doc.require("info")?;
    let title = info.require("title")?.str()?.to_owned();
    let mut importer = Importer {
        doc: doc.clone(),
        components: BTreeMap::new(),
        services: BTreeMap::new(),
        losses: Vec::new(),
        api_hosts: Hosts {
            main: String::new(),
            backup: None,
        },
        common_errors: Vec::new(),
        tags: BTreeMap::new(),
    };
    importer.api_hosts = match doc.get("servers") {
        Some(servers) => importer.hosts(&servers)?,
        None => return Err(doc.error("no \"servers\": the spec needs the API's https host")),
    };
    if let Some(rows) = doc.get("x-common-error-codes") {
        importer.common_errors = operations::error_table(&rows)?;
    }
    importer.tags(&doc)?;
    if let Some(schemas) = doc.get("components").and_then(|c| c.get("schemas")) {
        for (key, schema) in schemas.entries()? {
            importer.components.insert(key, schema);
        }
    }
    importer.owned_components()?;
    importer.paths()?;
    importer.webhooks()?;
    let api = ApiDoc {
        api: ApiSettings {
            title,
            version: info.opt_str("x-crate-version")?.map(str::to_owned),
            hosts: importer.api_hosts.clone(),
            default_features: match doc.get("x-default-features") {
                Some(_) => Some(
                    doc.strings("x-default-features")?
                        .into_iter()
                        .map(str::to_owned)
                        .collect(),
                ),
                None => None,
            },
            crates: match doc.get("x-crates") {
                Some(crates) => Some(crate_defs(&crates)?),
                None => None,
            },
        },
        errors: importer.common_errors.clone(),
    };
    let header = format!(
        "# Imported by `cargo xtask import --openapi` from {origin} (OpenAPI {version_text}).\n"
    );
    let api_text = format!(
        "{}\n{header}{}",
        codegen::spec::format::API_MODELINE,
        to_yaml(&doc, &api, "spec/api.yaml")?
    );
    let mut services = Vec::new();
    for (name, service) in &importer.services {
        let path = format!("spec/services/{name}.yaml");
        services.push(SourceFile {
            text: format!(
                "{}\n{header}{}",
                codegen::spec::format::SERVICE_MODELINE,
                to_yaml(&doc, service, &path)?
            ),
            path,
        });
    }
    Ok(Imported {
        sources: Sources {
            api: SourceFile {
                path: "spec/api.yaml".to_owned(),
                text: api_text,
            },
            services,
        },
        losses: importer.losses,
    })
}

fn empty_service(name: &str, title: String, description: String) -> ServiceDoc {
    ServiceDoc {
        service: ServiceInfo {
            name: name.to_owned(),
            title,
            description,
            hosts: None,
        },
        types: Named::default(),
        enums: Named::default(),
        operations: Named::default(),
        notifications: Named::default(),
        lifecycles: Named::default(),
    }
}

fn to_yaml<T: serde::Serialize>(
    doc: &Node<'_>,
    value: &T,
    path: &str,
) -> Result<String, ImportError> {
    serde_yaml::to_string(value).map_err(|error| doc.error(format!("cannot write {path}: {error}")))
}

pub struct Importer<'a> {
    doc: Node<'a>,
    components: BTreeMap<&'a str, Node<'a>>,
    services: BTreeMap<String, ServiceDoc>,
    losses: Vec<String>,
    api_hosts: Hosts,
    common_errors: Vec<ErrorRow>,
    /// Tag name → service name.
    tags: BTreeMap<String, String>,
}

impl<'a> Importer<'a> {
    /// Each tag a service: its name when it is already a service name (our export), else a
    /// snake_case one; `x-displayName` (or the name) its title.
    fn tags(&mut self, doc: &Node<'a>) -> Result<(), ImportError> {
        let Some(tags) = doc.get("tags") else {
            return Ok(());
        };
        for tag in tags.items()? {
            let name = tag.require("name")?.str()?;
            let title = tag.opt_str("x-displayName")?.unwrap_or(name).to_owned();
            let description = tag.opt_str("description")?.unwrap_or_default();
            // Our export writes "title: description"; the title is said apart already.
            let description = description
                .strip_prefix(&format!("{title}: "))
                .or_else(|| (description == title).then_some(""))
                .unwrap_or(description)
                .to_owned();
            let service = self.service_name(name);
            self.tags.insert(name.to_owned(), service.clone());
            self.services
                .entry(service.clone())
                .or_insert_with(|| empty_service(&service, title, description));
        }
        Ok(())
    }

    /// A tag's service name: the tag itself when it is snake_case already.
    fn service_name(&self, tag: &str) -> String {
        let plain = tag.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && tag
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if plain {
            return tag.to_owned();
        }
        let snake = tag.to_snake_case();
        let ascii: String = snake
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        match ascii.chars().next() {
            Some(first) if first.is_ascii_lowercase() => ascii,
            _ => format!("service_{}", self.tags.len() + 1),
        }
    }

    /// The service of an operation or webhook tagged `tag` (the first tag), made on first use;
    /// untagged ones go to the service `api`.
    fn service_for_tag(&mut self, tag: Option<&str>) -> String {
        let tag = tag.unwrap_or("api");
        if let Some(service) = self.tags.get(tag) {
            return service.clone();
        }
        let service = self.service_name(tag);
        self.tags.insert(tag.to_owned(), service.clone());
        self.services
            .entry(service.clone())
            .or_insert_with(|| empty_service(&service, tag.to_owned(), String::new()));
        service
    }

    fn service_mut(&mut self, service: &str) -> &mut ServiceDoc {
        self.services
            .entry(service.to_owned())
            .or_insert_with(|| empty_service(service, service.to_owned(), String::new()))
    }

    /// Components named `<service>.<Type>` belong to that service, used or not.
    fn owned_components(&mut self) -> Result<(), ImportError> {
        let keys: Vec<&str> = self.components.keys().copied().collect();
        for key in keys {
            if let Some((service, _)) = key.split_once('.')
                && self.services.contains_key(service)
            {
                self.ensure_component(service, key)?;
            }
        }
        Ok(())
    }

    /// `servers`: the first is the main host, a second the backup.
    fn hosts(&self, servers: &Node<'a>) -> Result<Hosts, ImportError> {
        let servers = servers.items()?;
        let Some(main) = servers.first() else {
            return Err(self
                .doc
                .error("\"servers\" is empty: the spec needs an https host"));
        };
        Ok(Hosts {
            main: main.require("url")?.str()?.to_owned(),
            backup: servers
                .get(1)
                .map(|backup| {
                    backup
                        .require("url")
                        .and_then(|url| url.str().map(str::to_owned))
                })
                .transpose()?,
        })
    }
}

/// `x-crates`: each crate of services with its title and services.
fn crate_defs(
    crates: &Node<'_>,
) -> Result<std::collections::BTreeMap<String, codegen::spec::CrateDef>, ImportError> {
    let mut defs = std::collections::BTreeMap::new();
    for (name, def) in crates.entries()? {
        let title = def.require("title")?.str()?.to_owned();
        let services = def
            .strings("services")?
            .into_iter()
            .map(str::to_owned)
            .collect();
        defs.insert(name.to_owned(), codegen::spec::CrateDef { title, services });
    }
    Ok(defs)
}
