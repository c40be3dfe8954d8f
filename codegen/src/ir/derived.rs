//! Facts derived from a built service, worked out once for every emitter: which types callers
//! construct (reachable from a request) and which hold a sensitive field.

use std::collections::BTreeSet;

use super::model::{Api, Enum, FieldType, Operation, Service, Struct, TypeRef};
use crate::spec::ErrorRow;

/// Where a documented error row comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// 公共错误码: every operation may answer it.
    Common,
    /// 业务错误码: the operation's own.
    Business,
}

impl ErrorKind {
    /// The label the documentation uses.
    pub fn label(self) -> &'static str {
        match self {
            ErrorKind::Common => "公共",
            ErrorKind::Business => "业务",
        }
    }
}

impl Api {
    /// The spec files a service's outputs come from: `api.yaml` (hosts, common errors) and
    /// the service's own file, so adding a service rewrites no other service's files.
    pub fn sources_of(&self, service: &Service) -> Vec<String> {
        let api = self.sources.first().cloned();
        api.into_iter().chain([service.source.clone()]).collect()
    }

    /// An operation's error table as documented: the common rows first, then its own, every
    /// row kept (repeats included) in documented order.
    pub fn error_table<'a>(
        &'a self,
        op: &'a Operation,
    ) -> impl Iterator<Item = (&'a ErrorRow, ErrorKind)> {
        let common = self
            .common_errors
            .iter()
            .map(|row| (row, ErrorKind::Common));
        common.chain(op.errors.iter().map(|row| (row, ErrorKind::Business)))
    }
}

impl FieldType {
    /// The Rust name of the named type (struct or enum) this field type mentions, through
    /// arrays.
    pub fn named(&self) -> Option<&str> {
        match self {
            FieldType::Struct(named) | FieldType::Enum(named) => Some(&named.name),
            FieldType::Array(items) => items.named(),
            _ => None,
        }
    }
}

impl Service {
    /// The definition of a struct this service's fields reference.
    pub fn model(&self, model: &TypeRef) -> &Struct {
        // A TypeRef is made by the IR build from the same list, so the index is in range.
        &self.structs[model.index]
    }

    /// The definition of an enum this service's fields reference.
    pub fn enumeration(&self, item: &TypeRef) -> &Enum {
        &self.enums[item.index]
    }
}

/// Types that hold a sensitive field, directly or through nested types (a fixed point).
pub fn sensitive_types(service: &Service) -> BTreeSet<String> {
    let mut found: BTreeSet<String> = BTreeSet::new();
    loop {
        let before = found.len();
        for model in &service.structs {
            let holds = model.fields.iter().any(|field| {
                field.sensitive
                    || matches!(field.ty.struct_name(), Some(name) if found.contains(name))
            });
            if holds {
                found.insert(model.name.clone());
            }
        }
        if found.len() == before {
            return found;
        }
    }
}

/// Types callers build: everything reachable from a request's fields.
pub fn constructed_types(service: &Service) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut pending: Vec<&FieldType> = service
        .operations
        .iter()
        .flat_map(|op| op.request.all_fields().map(|field| &field.ty))
        .collect();
    while let Some(ty) = pending.pop() {
        let Some(name) = ty.named() else {
            continue;
        };
        // Struct and enum names are one namespace (validated), so a name seen is a type done.
        if found.insert(name.to_owned())
            && let Some(model) = ty.struct_ref()
        {
            pending.extend(service.model(model).fields.iter().map(|field| &field.ty));
        }
    }
    found
}

impl FieldType {
    /// The struct this field type holds, through arrays.
    pub fn struct_ref(&self) -> Option<&TypeRef> {
        match self {
            FieldType::Struct(model) => Some(model),
            FieldType::Array(items) => items.struct_ref(),
            _ => None,
        }
    }

    /// The enum this field type holds, through arrays.
    pub fn enum_ref(&self) -> Option<&TypeRef> {
        match self {
            FieldType::Enum(item) => Some(item),
            FieldType::Array(items) => items.enum_ref(),
            _ => None,
        }
    }

    /// The Rust name of the struct this field type holds, through arrays.
    pub fn struct_name(&self) -> Option<&str> {
        self.struct_ref().map(|model| model.name.as_str())
    }
}
