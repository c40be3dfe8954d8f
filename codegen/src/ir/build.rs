//! Building the IR from a validated spec.

use heck::ToShoutySnakeCase;

use super::Version;
use super::model::*;
use super::naming;
use crate::diagnostic::{Diagnostic, Diagnostics};
use std::collections::HashMap;

use crate::spec::{self, FieldDef, Named, OperationDef, Parsed, ServiceDoc};

/// Resolves names and types. Validation has already run, so an unresolved reference here is a
/// bug in validation; it is still reported as a diagnostic rather than a panic.
pub fn build(spec: &spec::Spec) -> Result<Api, Diagnostics> {
    let mut errors = Vec::new();
    let api_doc = &spec.api.doc;
    let mut services: Vec<Service> = spec
        .services
        .iter()
        .map(|service| build_service(service, &api_doc.api.hosts, &mut errors))
        .collect();
    let crates = service_crates(api_doc.api.crates.as_ref(), &mut services);
    if !errors.is_empty() {
        return Err(Diagnostics(errors));
    }
    Ok(Api {
        title: api_doc.api.title.clone(),
        // Validation has read the version; a missing one is the initial version.
        version: api_doc
            .api
            .version
            .as_deref()
            .and_then(Version::parse)
            .unwrap_or(Version::INITIAL),
        hosts: api_doc.api.hosts.clone(),
        common_errors: api_doc.errors.clone(),
        default_features: services
            .iter()
            .map(|service| service.name.clone())
            .filter(|name| {
                api_doc
                    .api
                    .default_features
                    .as_ref()
                    .is_none_or(|defaults| defaults.contains(name))
            })
            .collect(),
        crates,
        services,
        sources: spec.file_names(),
    })
}

/// The crates of `api.crates` (validated: each service in one), or one crate of every service;
/// sets each service's home. Crates in name order, their services in spec order.
fn service_crates(
    declared: Option<&std::collections::BTreeMap<String, spec::CrateDef>>,
    services: &mut [Service],
) -> Vec<ServiceCrate> {
    let mut crates: Vec<ServiceCrate> = match declared {
        Some(declared) => declared
            .iter()
            .map(|(name, def)| ServiceCrate {
                name: name.clone(),
                title: def.title.clone(),
                services: Vec::new(),
            })
            .collect(),
        None => vec![ServiceCrate {
            name: ServiceCrate::DEFAULT.to_owned(),
            title: "every service".to_owned(),
            services: Vec::new(),
        }],
    };
    for service in services.iter_mut() {
        let home = declared
            .and_then(|declared| {
                declared
                    .iter()
                    .find(|(_, def)| def.services.contains(&service.name))
            })
            .map_or(ServiceCrate::DEFAULT, |(name, _)| name.as_str());
        service.home = home.to_owned();
        if let Some(home) = crates.iter_mut().find(|krate| krate.name == home) {
            home.services.push(service.name.clone());
        }
    }
    crates
}

/// Each name with its position in the list the IR builds from it, and its Rust name.
fn type_refs<'a>(names: impl Iterator<Item = &'a str>) -> HashMap<&'a str, TypeRef> {
    names
        .enumerate()
        .map(|(index, name)| {
            let resolved = TypeRef {
                index,
                name: naming::type_name(name),
            };
            (name, resolved)
        })
        .collect()
}

/// Resolves type names of one service file, each name once, into a [`TypeRef`].
struct Resolver<'a> {
    parsed: &'a Parsed<ServiceDoc>,
    errors: &'a mut Vec<Diagnostic>,
    structs: HashMap<&'a str, TypeRef>,
    enums: HashMap<&'a str, TypeRef>,
}

impl Resolver<'_> {
    fn field_type(&mut self, path: &str, field: &FieldDef) -> FieldType {
        match (&field.items, field.ty.as_str()) {
            (Some(items), "array") => FieldType::Array(Box::new(self.items_type(path, items))),
            _ => self.named_or_builtin(path, &field.ty),
        }
    }

    /// An array's element type; brackets are one more level of array.
    fn items_type(&mut self, path: &str, items: &spec::ItemsDef) -> FieldType {
        match (items.name(), items.inner()) {
            (Some(name), _) => self.named_or_builtin(path, name),
            (None, Some(inner)) => FieldType::Array(Box::new(self.items_type(path, inner))),
            (None, None) => {
                self.errors.push(
                    self.parsed
                        .error(path, format!("unresolved element type \"{items}\"")),
                );
                FieldType::String
            }
        }
    }

    fn named_or_builtin(&mut self, path: &str, name: &str) -> FieldType {
        match name {
            "string" => FieldType::String,
            "integer" => FieldType::Integer,
            "number" => FieldType::Decimal,
            "json" => FieldType::Json,
            "boolean" => FieldType::Boolean,
            "datetime" => FieldType::DateTime,
            _ if self.structs.contains_key(name) => FieldType::Struct(self.structs[name].clone()),
            _ if self.enums.contains_key(name) => FieldType::Enum(self.enums[name].clone()),
            _ => {
                self.errors.push(
                    self.parsed
                        .error(path, format!("unresolved type \"{name}\"")),
                );
                FieldType::String
            }
        }
    }

    /// A struct named by a response body or a notification resource. Validation proved it is
    /// one; were it not, the build fails with this error and nothing is emitted.
    fn struct_ref(&mut self, path: &str, name: &str) -> TypeRef {
        if let Some(found) = self.structs.get(name) {
            return found.clone();
        }
        self.errors.push(
            self.parsed
                .error(path, format!("unresolved type \"{name}\"")),
        );
        TypeRef {
            index: 0,
            name: naming::type_name(name),
        }
    }

    fn fields(&mut self, path: &str, fields: &Named<FieldDef>, location: Location) -> Vec<Field> {
        fields
            .iter()
            .map(|(wire, def)| Field {
                wire_name: wire.to_owned(),
                rust_name: naming::field_name(wire),
                ty: self.field_type(&format!("{path}.{wire}.type"), def),
                required: def.required,
                max_length: def.max_length,
                sensitive: def.sensitive,
                description: def.description.clone(),
                location,
            })
            .collect()
    }
}

fn build_service(
    parsed: &Parsed<ServiceDoc>,
    api_hosts: &spec::Hosts,
    errors: &mut Vec<Diagnostic>,
) -> Service {
    let doc = &parsed.doc;
    let mut resolver = Resolver {
        parsed,
        errors,
        structs: type_refs(doc.types.names()),
        enums: type_refs(doc.enums.names()),
    };
    let structs = doc
        .types
        .iter()
        .map(|(name, def)| Struct {
            name: naming::type_name(name),
            description: def.description.clone(),
            fields: resolver.fields(&format!("types.{name}.fields"), &def.fields, Location::Body),
        })
        .collect();
    let enums = doc
        .enums
        .iter()
        .map(|(name, def)| build_enum(name, def))
        .collect();
    let service_hosts = doc
        .service
        .hosts
        .clone()
        .unwrap_or_else(|| api_hosts.clone());
    let operations = doc
        .operations
        .iter()
        .map(|(id, def)| build_operation(&mut resolver, id, def, &service_hosts))
        .collect();
    let notifications = doc
        .notifications
        .iter()
        .map(|(id, def)| Notification {
            id: id.to_owned(),
            variant: naming::type_name(id),
            title: def.title.clone(),
            description: def.description.clone(),
            event_types: def
                .event_types
                .iter()
                .map(|(name, meaning)| (name.to_owned(), meaning.clone()))
                .collect(),
            resource: resolver.struct_ref(&format!("notifications.{id}.resource"), &def.resource),
            examples: def
                .examples
                .iter()
                .map(|example| (example.title.clone(), example.json.clone()))
                .collect(),
        })
        .collect();
    let lifecycles = doc
        .lifecycles
        .iter()
        .map(|(id, def)| build_lifecycle(doc, id, def))
        .collect();
    let mut service = Service {
        name: doc.service.name.clone(),
        client_name: naming::client_name(&doc.service.name),
        // Set once every service is built, from `api.crates`.
        home: String::new(),
        title: doc.service.title.clone(),
        description: doc.service.description.clone(),
        hosts: doc
            .service
            .hosts
            .clone()
            .unwrap_or_else(|| api_hosts.clone()),
        structs,
        enums,
        operations,
        notifications,
        lifecycles,
        source: parsed.file.clone(),
        constructed_types: Default::default(),
        sensitive_types: Default::default(),
    };
    service.constructed_types = super::derived::constructed_types(&service);
    service.sensitive_types = super::derived::sensitive_types(&service);
    service
}

/// Validation has checked that every step names an operation and an error row of it.
fn build_lifecycle(doc: &spec::ServiceDoc, id: &str, def: &spec::LifecycleDef) -> Lifecycle {
    let steps = def
        .steps
        .iter()
        .map(|(operation, step)| {
            let action = match (&step.create, &step.to) {
                (Some(state), _) => StepAction::Create(state.clone()),
                (None, Some(state)) => StepAction::Move(state.clone()),
                (None, None) => StepAction::Read,
            };
            let op = doc.operations.get(operation);
            let row = |description: Option<&String>| {
                description.and_then(|description| step_row(op, description))
            };
            Step {
                operation: operation.to_owned(),
                action,
                refusal: row(step.exists.as_ref().or(step.missing.as_ref())),
                repeat_same: step.repeat_same.clone(),
                from: step.from.clone(),
                from_refusal: row(step.refused.as_ref()),
                parent: step.parent.as_ref().map(|parent| Parent {
                    lifecycles: parent.lifecycles.clone(),
                    by: parent.by.clone(),
                    missing: required_row(op, &parent.missing),
                    states: parent.states.clone(),
                    refused: required_row(op, &parent.refused),
                    moves_to: parent.moves_to.clone(),
                    within: parent.within.as_ref().map(|within| Within {
                        field: within.field.clone(),
                        limit: within.limit.clone(),
                        refused: required_row(op, &within.refused),
                    }),
                }),
            }
        })
        .collect();
    Lifecycle {
        id: id.to_owned(),
        title: def.title.clone(),
        key: def.key.clone(),
        state_field: def.state.clone(),
        ids: def.ids.clone(),
        steps,
        states: def.states(doc),
        notify: def.notify.as_ref().map(|notify| LifecycleNotify {
            url_field: notify.url.clone(),
            notification: notify.notification.clone(),
            events: notify
                .events
                .iter()
                .map(|(state, event)| (state.to_owned(), event.clone()))
                .collect(),
            state_field: notify.state.clone().unwrap_or_else(|| def.state.clone()),
        }),
    }
}

/// The operation's error row with this description.
fn step_row(op: Option<&OperationDef>, description: &str) -> Option<spec::ErrorRow> {
    op?.errors
        .iter()
        .find(|row| row.description == description)
        .cloned()
}

/// A row validation has checked is there; the fallback only keeps the IR total.
fn required_row(op: Option<&OperationDef>, description: &str) -> spec::ErrorRow {
    step_row(op, description).unwrap_or_else(|| spec::ErrorRow {
        status: 400,
        code: "INVALID_REQUEST".to_owned(),
        description: description.to_owned(),
        solution: String::new(),
    })
}

fn build_enum(name: &str, def: &spec::EnumDef) -> Enum {
    Enum {
        name: naming::type_name(name),
        description: def.description.clone(),
        integer: def.wire == spec::EnumWire::Integer,
        variants: def
            .values
            .iter()
            .map(|(wire, meaning)| Variant {
                wire: wire.to_owned(),
                rust_name: naming::variant_name(wire),
                meaning: meaning.clone(),
            })
            .collect(),
    }
}

fn build_operation(
    resolver: &mut Resolver<'_>,
    id: &str,
    def: &OperationDef,
    service_hosts: &spec::Hosts,
) -> Operation {
    let base = format!("operations.{id}");
    let mut fields = resolver.fields(
        &format!("{base}.path_params"),
        &def.path_params,
        Location::Path,
    );
    fields.extend(resolver.fields(&format!("{base}.query"), &def.query, Location::Query));
    if let Some(body) = &def.body {
        fields.extend(resolver.fields(&format!("{base}.body"), body, Location::Body));
    }
    let request_name = naming::request_name(id);
    let response_body = def
        .response
        .body
        .as_deref()
        .map(|body| resolver.struct_ref(&format!("{base}.response.body"), body));
    // Fields named by a mode move into that mode's struct; the rest are sent in every mode.
    let modes: Vec<Mode> = def
        .modes
        .iter()
        .map(|(key, mode)| Mode {
            key: key.to_owned(),
            variant: naming::type_name(key),
            title: mode.title.clone(),
            struct_name: naming::mode_struct_name(id, key),
            fields: fields
                .iter()
                .filter(|field| mode.fields.contains(&field.wire_name))
                .cloned()
                .collect(),
        })
        .collect();
    fields.retain(|field| {
        !def.modes
            .iter()
            .any(|(_, mode)| mode.fields.contains(&field.wire_name))
    });
    let paging = def
        .paging
        .as_ref()
        .and_then(|paging| build_paging(resolver, id, &fields, def, paging));
    Operation {
        id: id.to_owned(),
        method_name: naming::field_name(id),
        const_name: id.to_shouty_snake_case(),
        title: def.title.clone(),
        description: def.description.clone(),
        merchants: def.merchants.clone(),
        updated: def.updated.clone(),
        method: def.method,
        // The operation's own hosts, else its service's, else the API's.
        hosts: def.hosts.clone().unwrap_or_else(|| service_hosts.clone()),
        path: def.path.clone(),
        retry_safe: def.retry_safe,
        headers: def
            .headers
            .iter()
            .map(|(name, header)| Header {
                name: name.to_owned(),
                required: header.required,
                description: header.description.clone(),
            })
            .collect(),
        request: Request {
            name: request_name,
            mode_enum: (!def.modes.is_empty()).then(|| naming::mode_enum_name(id)),
            fields,
            has_body: def.body.is_some(),
            modes,
        },
        response: Response {
            status: def.response.status,
            body: response_body.clone(),
            download: def.response.download.as_ref().map(download),
            outcomes: outcomes(resolver, &base, id, &def.response, response_body.as_ref()),
        },
        paging,
        certificates: def
            .platform_certificates
            .then(|| certificate_reader(resolver.parsed, response_body.as_ref()?))
            .flatten(),
        upload: def.upload.as_ref().map(|upload| Upload {
            file_part: upload.file_part.clone(),
            description: upload.description.clone(),
            meta_part: upload.meta_part.clone(),
            digest: upload.digest.clone(),
            digest_algorithm: upload.digest_algorithm,
            file_name: upload.file_name.clone(),
            max_bytes: upload.max_bytes,
            types: upload
                .types
                .iter()
                .map(|(extension, content_type)| (extension.clone(), content_type.clone()))
                .collect(),
            form_fields: upload.form_fields.clone(),
        }),
        errors: def.errors.clone(),
        examples: def
            .examples
            .iter()
            .map(|example| Example {
                title: example.title.clone(),
                kind: example.kind,
                json: example.json.clone(),
            })
            .collect(),
    }
}

/// The outcome enum of an operation documenting more than one success status; `None` for one.
fn outcomes(
    resolver: &mut Resolver<'_>,
    base: &str,
    id: &str,
    def: &spec::ResponseDef,
    body: Option<&TypeRef>,
) -> Option<Outcomes> {
    if def.alternatives.is_empty() {
        return None;
    }
    let main = Outcome {
        status: def.status,
        variant: naming::status_variant(def.status),
        body: body.cloned(),
    };
    let alternatives = def.alternatives.iter().enumerate().map(|(i, alternative)| {
        let path = format!("{base}.response.alternatives[{i}].body");
        Outcome {
            status: alternative.status,
            variant: naming::status_variant(alternative.status),
            body: alternative
                .body
                .as_deref()
                .map(|name| resolver.struct_ref(&path, name)),
        }
    });
    let variants = std::iter::once(main).chain(alternatives).collect();
    Some(Outcomes {
        name: naming::outcome_name(id),
        variants,
    })
}

/// Validation proved the shape; a missing piece only means no reader (and the validator said so).
fn certificate_reader(parsed: &Parsed<ServiceDoc>, list: &TypeRef) -> Option<CertificateReader> {
    let types = &parsed.doc.types;
    let (_, list_def) = types.iter().nth(list.index)?;
    let entry = types.get(list_def.fields.get("data")?.items.as_ref()?.name()?)?;
    let encrypted = types.get(&entry.fields.get("encrypt_certificate")?.ty)?;
    Some(CertificateReader {
        list: list.clone(),
        associated_data_required: encrypted.fields.get("associated_data")?.required,
    })
}

/// The paging fields, resolved; validation has checked they exist with the right types.
fn build_paging(
    resolver: &mut Resolver<'_>,
    id: &str,
    request_fields: &[Field],
    def: &OperationDef,
    paging: &spec::PagingDef,
) -> Option<Paging> {
    let find = |name: &str| {
        request_fields
            .iter()
            .find(|field| field.wire_name == name)
            .cloned()
    };
    let body = def.response.body.as_deref()?;
    let model = resolver.parsed.doc.types.get(body)?;
    let response_fields = resolver.fields(
        &format!("types.{body}.fields"),
        &model.fields,
        Location::Body,
    );
    let response_field = |name: &str| {
        response_fields
            .iter()
            .find(|field| field.wire_name == name)
            .cloned()
    };
    let items = response_field(&paging.items)?;
    let FieldType::Array(item_type) = &items.ty else {
        return None;
    };
    Some(Paging {
        pager: naming::pager_name(id),
        offset: find(&paging.offset)?,
        limit: find(&paging.limit)?,
        max_limit: paging.max_limit,
        item_type: (**item_type).clone(),
        items,
        total: paging.total.as_deref().and_then(response_field),
    })
}

/// A validated download: a signed digest, or an announced one.
fn download(def: &spec::DownloadDef) -> Download {
    let integrity = match (&def.digest_header, &def.signed_body) {
        (Some(digest_header), Some(signed_body)) => Integrity::SignedDigest {
            digest_header: digest_header.clone(),
            signed_body: signed_body.clone(),
        },
        _ => Integrity::Announced,
    };
    Download {
        integrity,
        gzip: def.gzip,
        gzip_query: def
            .gzip_query
            .as_ref()
            .map(|query| (query.field.clone(), query.value.clone())),
        announced_by: def.announced_by.as_ref().map(|announced_by| AnnouncedBy {
            operations: announced_by.operations.clone(),
            url_field: announced_by.url_field.clone(),
            digest_field: announced_by.digest_field.clone(),
        }),
    }
}
