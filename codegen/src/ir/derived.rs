//! Facts derived from a built service, worked out once for every emitter: which types callers
//! construct (reachable from a request) and which hold a sensitive field.

use std::collections::BTreeSet;

use super::model::{
    Api, Enum, FieldType, Lifecycle, Operation, Service, Step, StepAction, Struct, TypeRef,
};
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

impl Service {
    /// The folder of its module in its crate, relative to the workspace root.
    pub fn dir(&self) -> String {
        format!("generated-sdk/services/{}/src/{}", self.home, self.name)
    }
}

impl Api {
    /// The crate of services `service` is compiled in.
    pub fn home_of(&self, service: &Service) -> Option<&super::model::ServiceCrate> {
        self.crates.iter().find(|krate| krate.name == service.home)
    }

    /// The spec files a crate of services' own files come from: `api.yaml` and its services'.
    pub fn sources_of_crate(&self, krate: &super::model::ServiceCrate) -> Vec<String> {
        let api = self.sources.first().cloned();
        let services = self
            .services
            .iter()
            .filter(|service| service.home == krate.name)
            .map(|service| service.source.clone());
        api.into_iter().chain(services).collect()
    }

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

impl Service {
    /// The lifecycles `operation` is a step of, with what it does there.
    pub fn lifecycle_steps<'a>(
        &'a self,
        operation: &'a str,
    ) -> impl Iterator<Item = (&'a Lifecycle, &'a Step)> + 'a {
        self.lifecycles.iter().filter_map(move |lifecycle| {
            lifecycle
                .steps
                .iter()
                .find(|step| step.operation == operation)
                .map(|step| (lifecycle, step))
        })
    }
}

impl Lifecycle {
    /// The lifecycle as a Mermaid `stateDiagram-v2` (GitHub and most docs sites render it):
    /// each creation from `[*]`, each move from the states it is allowed from (every state the
    /// steps reach, when it names none), labelled with its operations; a state that sends a
    /// notification carries a note naming the event type.
    pub fn mermaid(&self) -> String {
        let mut reached: Vec<&str> = Vec::new();
        for step in &self.steps {
            if let StepAction::Create(state) | StepAction::Move(state) = &step.action
                && !reached.contains(&state.as_str())
            {
                reached.push(state);
            }
        }
        // One arrow per pair of states, naming every operation that takes it.
        let mut arrows: Vec<(String, String, Vec<String>)> = Vec::new();
        let mut arrow = |from: &str, to: &str, operation: &str| match arrows
            .iter_mut()
            .find(|(f, t, _)| f == from && t == to)
        {
            Some((_, _, operations)) => operations.push(operation.to_owned()),
            None => arrows.push((from.to_owned(), to.to_owned(), vec![operation.to_owned()])),
        };
        for step in &self.steps {
            match &step.action {
                StepAction::Create(state) => arrow("[*]", state, &step.operation),
                StepAction::Move(state) => {
                    let from: Vec<&str> = if step.from.is_empty() {
                        reached.iter().copied().filter(|s| s != state).collect()
                    } else {
                        step.from.iter().map(String::as_str).collect()
                    };
                    for from in from {
                        arrow(from, state, &step.operation);
                    }
                }
                StepAction::Read => {}
            }
        }
        let mut lines = vec!["stateDiagram-v2".to_owned()];
        for (from, to, operations) in &arrows {
            lines.push(format!("    {from} --> {to} : {}", operations.join(", ")));
        }
        if let Some(notify) = &self.notify {
            for (state, event_type) in &notify.events {
                lines.push(format!("    note right of {state} : {event_type}"));
            }
        }
        lines.join("\n")
    }

    /// What `step` does to an instance, in a sentence's words.
    pub fn role(&self, step: &Step) -> String {
        match &step.action {
            StepAction::Create(state) => format!("creates a {} in `{state}`", self.title),
            StepAction::Move(state) if step.from.is_empty() => {
                format!("moves a {} to `{state}`", self.title)
            }
            StepAction::Move(state) => format!(
                "moves a {} from {} to `{state}`",
                self.title,
                step.from
                    .iter()
                    .map(|from| format!("`{from}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            StepAction::Read => format!("reads a {}", self.title),
        }
    }
}
