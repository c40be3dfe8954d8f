//! The generated crate's public API, flattened from the IR into what `changes` compares: every
//! service (a cargo feature), operation (a method), type, field, enum value and error code,
//! each under the Rust name a caller writes.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Api, Field, Service};

/// Service, then the item's Rust name within it.
pub type Key = (String, String);

#[derive(Debug, Default)]
pub struct Surface {
    pub services: BTreeSet<String>,
    /// The method's HTTP method and path, and its request and answer types.
    pub operations: BTreeMap<Key, Signature>,
    /// Structs (request types and their modes included) and enums, each with its shape.
    pub types: BTreeMap<Key, Shape>,
    /// `Type.field` → how it is declared.
    pub fields: BTreeMap<Key, FieldSig>,
    /// `Enum::Variant` → its wire value.
    pub variants: BTreeMap<Key, String>,
    pub error_codes: BTreeSet<String>,
    /// The services a dependency gets without naming features.
    pub default_features: BTreeSet<String>,
    /// Each service's whole IR, written out: anything but the public API that differs (a
    /// description, an example, an error row) still calls for a patch release.
    pub details: BTreeMap<String, String>,
    /// The API-wide settings (hosts, 公共错误码), written out likewise.
    pub settings: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// `POST /v3/pay/transactions/jsapi`: what the call does, kept across a rename.
    pub endpoint: String,
    pub request: String,
    pub answer: String,
}

/// What a type holds, for telling a rename (same shape, new name) from a removal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape(pub String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSig {
    /// The type as the docs spell it, e.g. `array[object GoodsDetail]`.
    pub ty: String,
    pub required: bool,
    pub max_length: Option<u32>,
    /// Callers build the type (it is reachable from a request), so the crate checks the
    /// field's limit before sending and its required fields are constructor arguments.
    pub constructed: bool,
}

impl Surface {
    pub fn of(api: &Api) -> Surface {
        let mut surface = Surface::default();
        for service in &api.services {
            surface.add_service(service);
        }
        surface.error_codes = api
            .error_codes()
            .into_iter()
            .map(|code| code.code)
            .collect();
        surface.default_features = api.default_features.iter().cloned().collect();
        surface.settings = format!("{:?} {:?} {:?}", api.title, api.hosts, api.common_errors);
        surface
    }

    fn add_service(&mut self, service: &Service) {
        let name = &service.name;
        self.services.insert(name.clone());
        self.details.insert(name.clone(), format!("{service:?}"));
        let constructed = |type_name: &str| service.constructed_types.contains(type_name);
        for model in &service.structs {
            self.add_struct(name, &model.name, &model.fields, constructed(&model.name));
        }
        for item in &service.enums {
            self.add_enum(
                name,
                &item.name,
                item.variants
                    .iter()
                    .map(|v| (v.rust_name.as_str(), v.wire.clone())),
            );
        }
        if !service.notifications.is_empty() {
            self.add_enum(
                name,
                crate::ir::naming::EVENT_ENUM,
                service
                    .notifications
                    .iter()
                    .map(|n| (n.variant.as_str(), n.id.clone())),
            );
        }
        for op in &service.operations {
            let request = &op.request;
            self.add_struct(name, &request.name, &request.fields, true);
            for mode in &request.modes {
                self.add_struct(name, &mode.struct_name, &mode.fields, true);
            }
            // The generated enums a caller matches on: merchant modes and success outcomes.
            if let Some(mode_enum) = request.mode_enum() {
                self.add_enum(
                    name,
                    mode_enum,
                    request
                        .modes
                        .iter()
                        .map(|m| (m.variant.as_str(), m.key.clone())),
                );
            }
            if let Some(outcomes) = &op.response.outcomes {
                self.add_enum(
                    name,
                    &outcomes.name,
                    outcomes
                        .variants
                        .iter()
                        .map(|v| (v.variant.as_str(), v.status.to_string())),
                );
            }
            let answer = match (&op.response.outcomes, &op.response.body) {
                (Some(outcomes), _) => outcomes.name.clone(),
                (None, Some(body)) => body.name.clone(),
                (None, None) if op.response.download.is_some() => "a file".to_owned(),
                (None, None) => "()".to_owned(),
            };
            self.operations.insert(
                (name.clone(), op.method_name.clone()),
                Signature {
                    endpoint: format!("{} {}", op.method.as_str(), op.path),
                    request: request.name.clone(),
                    answer,
                },
            );
        }
    }

    /// An enum and its variants, each with what it stands for (a wire value, a mode, a status).
    fn add_enum<'v>(
        &mut self,
        service: &str,
        enum_name: &str,
        variants: impl Iterator<Item = (&'v str, String)>,
    ) {
        let variants: Vec<(&str, String)> = variants.collect();
        let values: Vec<&str> = variants.iter().map(|(_, value)| value.as_str()).collect();
        self.types.insert(
            (service.to_owned(), enum_name.to_owned()),
            Shape(format!("enum [{}]", values.join(", "))),
        );
        for (variant, value) in variants {
            self.variants.insert(
                (service.to_owned(), format!("{enum_name}::{variant}")),
                value,
            );
        }
    }

    fn add_struct(&mut self, service: &str, type_name: &str, fields: &[Field], constructed: bool) {
        let mut shape: Vec<String> = Vec::new();
        for field in fields {
            let sig = FieldSig {
                ty: field.ty.describe(),
                required: field.required,
                max_length: field.max_length,
                constructed,
            };
            shape.push(format!(
                "{}: {}{}",
                field.rust_name,
                sig.ty,
                if sig.required { "" } else { "?" }
            ));
            self.fields.insert(
                (
                    service.to_owned(),
                    format!("{type_name}.{}", field.rust_name),
                ),
                sig,
            );
        }
        shape.sort();
        self.types.insert(
            (service.to_owned(), type_name.to_owned()),
            Shape(format!("struct {{{}}}", shape.join(", "))),
        );
    }
}
