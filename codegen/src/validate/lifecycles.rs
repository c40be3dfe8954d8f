//! Lifecycles: steps that name operations of the file, a key every step's request carries, a
//! state field every step's response holds as an enum with the named states, and error rows the
//! operation documents.

use super::schema::{self, Kind};
use crate::diagnostic::Diagnostic;
use crate::spec::{
    EnumDef, LifecycleDef, LifecycleNotifyDef, OperationDef, Parsed, ServiceDoc, Spec, StepDef,
};

pub(super) fn check(service: &Parsed<ServiceDoc>, out: &mut Vec<Diagnostic>) {
    for (id, lifecycle) in service.doc.lifecycles.iter() {
        let path = format!("lifecycles.{id}");
        if lifecycle.steps.is_empty() {
            out.push(service.error(format!("{path}.steps"), "a lifecycle needs steps"));
        }
        if !lifecycle
            .steps
            .iter()
            .any(|(_, step)| step.create.is_some())
        {
            out.push(service.error(
                format!("{path}.steps"),
                "no step creates an instance; give one step `create: <state>`",
            ));
        }
        for (i, field) in lifecycle.ids.iter().enumerate() {
            let in_some_response = lifecycle.steps.iter().any(|(op_id, _)| {
                response_fields(&service.doc, op_id)
                    .is_some_and(|fields| fields.contains(&field.as_str()))
            });
            if !in_some_response {
                out.push(service.error(
                    format!("{path}.ids[{i}]"),
                    format!("\"{field}\" is not a field of any step's response"),
                ));
            }
        }
        let mut all_states = None;
        for (op_id, step) in lifecycle.steps.iter() {
            let step_path = format!("{path}.steps.{op_id}");
            let Some(operation) = service.doc.operations.get(op_id) else {
                let known: Vec<&str> = service.doc.operations.names().collect();
                out.push(service.error(
                    step_path,
                    format!(
                        "no operation \"{op_id}\" in this file (known: {})",
                        known.join(", ")
                    ),
                ));
                continue;
            };
            if !has_request_field(operation, &lifecycle.key) {
                out.push(service.error(
                    step_path.as_str(),
                    format!(
                        "the request has no field \"{}\" (the lifecycle's key)",
                        lifecycle.key
                    ),
                ));
            }
            // A creating answer may leave the state out (the recharge application answers
            // only with its ids and URL); every other step reports it.
            let states = state_enum(
                service,
                operation,
                &lifecycle.state,
                step.create.is_none(),
                &step_path,
                out,
            );
            check_step(service, &step_path, step, operation, states, out);
            let known = lifecycle.states(&service.doc);
            check_conditions(service, &step_path, step, operation, &known, out);
            if all_states.is_none() {
                all_states = states;
            }
        }
        if let Some(notify) = &lifecycle.notify {
            check_notify(service, &path, lifecycle, notify, all_states, out);
        }
    }
}

/// The notification exists, sends only its own event types, on entering real states, to a URL
/// every creating request gives.
fn check_notify(
    service: &Parsed<ServiceDoc>,
    path: &str,
    lifecycle: &LifecycleDef,
    notify: &LifecycleNotifyDef,
    states: Option<&EnumDef>,
    out: &mut Vec<Diagnostic>,
) {
    let path = format!("{path}.notify");
    match service.doc.notifications.get(&notify.notification) {
        None => {
            let known: Vec<&str> = service.doc.notifications.names().collect();
            out.push(service.error(
                format!("{path}.notification"),
                format!(
                    "no notification \"{}\" in this file (known: {})",
                    notify.notification,
                    known.join(", ")
                ),
            ));
        }
        Some(notification) => {
            let state_field = notify.state.as_deref().unwrap_or(&lifecycle.state);
            if let Kind::Struct(resource) = schema::resolve(&service.doc, &notification.resource)
                && resource.fields.get(state_field).is_none()
            {
                out.push(service.error(
                    format!("{path}.state"),
                    format!(
                        "the resource type {} has no field \"{state_field}\" to hold the state",
                        notification.resource
                    ),
                ));
            }
            for (state, event_type) in notify.events.iter() {
                if notification.event_types.get(event_type).is_none() {
                    let known: Vec<&str> = notification.event_types.names().collect();
                    out.push(service.error(
                        format!("{path}.events.{state}"),
                        format!(
                            "\"{event_type}\" is not an event type of {} (known: {})",
                            notify.notification,
                            known.join(", ")
                        ),
                    ));
                }
            }
        }
    }
    if let Some(states) = states {
        for (state, _) in notify.events.iter() {
            if !states.values.contains(state) {
                let known: Vec<&str> = states.values.names().collect();
                out.push(service.error(
                    format!("{path}.events.{state}"),
                    format!("\"{state}\" is not a state (known: {})", known.join(", ")),
                ));
            }
        }
    }
    for (op_id, step) in lifecycle.steps.iter() {
        let Some(operation) = service.doc.operations.get(op_id) else {
            continue;
        };
        let gives_url = operation
            .body
            .as_ref()
            .is_some_and(|body| body.contains(&notify.url));
        if step.create.is_some() && !gives_url {
            out.push(service.error(
                format!("{path}.url"),
                format!(
                    "the creating step {op_id} has no body field \"{}\" to notify",
                    notify.url
                ),
            ));
        }
    }
}

/// The enum of the state field in the operation's response, reporting where it is missing.
fn state_enum<'a>(
    service: &'a Parsed<ServiceDoc>,
    operation: &OperationDef,
    state: &str,
    must_report: bool,
    step_path: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<&'a EnumDef> {
    let body = operation.response.body.as_deref()?;
    let Kind::Struct(def) = schema::resolve(&service.doc, body) else {
        return None;
    };
    let Some(field) = def.fields.get(state) else {
        if !must_report {
            return None;
        }
        out.push(service.error(
            step_path,
            format!("the response type {body} has no field \"{state}\" (the lifecycle's state)"),
        ));
        return None;
    };
    match schema::resolve(&service.doc, &field.ty) {
        Kind::Enum(_, def) => Some(def),
        _ => {
            out.push(service.error(
                step_path,
                format!("{body}.{state} must be an enum to hold the lifecycle's state"),
            ));
            None
        }
    }
}

fn check_step(
    service: &Parsed<ServiceDoc>,
    step_path: &str,
    step: &StepDef,
    operation: &OperationDef,
    states: Option<&EnumDef>,
    out: &mut Vec<Diagnostic>,
) {
    if step.create.is_some() && step.to.is_some() {
        out.push(service.error(step_path, "a step either creates or moves; not both"));
    }
    if operation.response.body.is_none() && step.create.is_some() {
        // Without a body there are no ids to answer. A move may answer without one (关闭订单
        // answers 204): the new state shows in the next read.
        out.push(service.error(
            step_path,
            "the operation answers without a body, so it cannot create an instance",
        ));
    }
    for (attribute, value) in [("create", &step.create), ("to", &step.to)] {
        let (Some(value), Some(states)) = (value, states) else {
            continue;
        };
        if !states.values.contains(value) {
            let known: Vec<&str> = states.values.names().collect();
            out.push(service.error(
                format!("{step_path}.{attribute}"),
                format!("\"{value}\" is not a state (known: {})", known.join(", ")),
            ));
        }
    }
    let (needed, other) = if step.create.is_some() {
        (("exists", &step.exists), ("missing", &step.missing))
    } else {
        (("missing", &step.missing), ("exists", &step.exists))
    };
    if other.1.is_some() {
        out.push(service.error(
            format!("{step_path}.{}", other.0),
            format!(
                "`{}` belongs to {} steps",
                other.0,
                if other.0 == "exists" {
                    "creating"
                } else {
                    "non-creating"
                }
            ),
        ));
    }
    // Without the attribute the sandbox answers a repeated creation with the instance as it
    // is, and an unknown key with its own 404 (the operation documents no row for it).
    if let Some(description) = needed.1
        && !operation
            .errors
            .iter()
            .any(|row| &row.description == description)
    {
        let known: Vec<&str> = operation
            .errors
            .iter()
            .map(|row| row.description.as_str())
            .collect();
        out.push(service.error(
            format!("{step_path}.{}", needed.0),
            format!(
                "\"{description}\" is not an error row of the operation (known: {})",
                known.join(", ")
            ),
        ));
    }
}

/// Whether the request has a top-level field of this name (path, query or body).
fn has_request_field(operation: &OperationDef, name: &str) -> bool {
    operation.path_params.contains(name)
        || operation.query.contains(name)
        || operation
            .body
            .as_ref()
            .is_some_and(|body| body.contains(name))
}

/// The error row attribute `attribute` names must be a row of the operation.
fn check_row(
    service: &Parsed<ServiceDoc>,
    path: String,
    operation: &OperationDef,
    description: &str,
    out: &mut Vec<Diagnostic>,
) {
    if operation
        .errors
        .iter()
        .any(|row| row.description == description)
    {
        return;
    }
    let known: Vec<&str> = operation
        .errors
        .iter()
        .map(|row| row.description.as_str())
        .collect();
    out.push(service.error(
        path,
        format!(
            "\"{description}\" is not an error row of the operation (known: {})",
            known.join(", ")
        ),
    ));
}

/// What a step may add to creating and moving: repeats, allowed states, a parent.
fn check_conditions(
    service: &Parsed<ServiceDoc>,
    step_path: &str,
    step: &StepDef,
    operation: &OperationDef,
    states: &[String],
    out: &mut Vec<Diagnostic>,
) {
    // A step answering without a body (关单's 204) has no enum of its own to check `to` against.
    if let Some(state) = &step.to
        && operation.response.body.is_none()
        && !states.is_empty()
        && !states.contains(state)
    {
        out.push(service.error(
            format!("{step_path}.to"),
            format!("\"{state}\" is not a state (known: {})", states.join(", ")),
        ));
    }
    if !step.repeat_same.is_empty() && (step.create.is_none() || step.exists.is_none()) {
        out.push(service.error(
            format!("{step_path}.repeat_same"),
            "`repeat_same` belongs to creating steps with `exists`",
        ));
    }
    for (i, field) in step.repeat_same.iter().enumerate() {
        if !has_request_field(operation, field) {
            out.push(service.error(
                format!("{step_path}.repeat_same[{i}]"),
                format!("the request has no field \"{field}\""),
            ));
        }
    }
    if !step.from.is_empty() && step.to.is_none() {
        out.push(service.error(
            format!("{step_path}.from"),
            "`from` belongs to moving steps (`to`)",
        ));
    }
    match (&step.refused, step.from.is_empty()) {
        (None, false) => out.push(service.error(
            format!("{step_path}.from"),
            "`from` needs `refused: <description of the row answered from other states>`",
        )),
        (Some(_), true) => {
            out.push(service.error(format!("{step_path}.refused"), "`refused` goes with `from`"))
        }
        (Some(description), false) => check_row(
            service,
            format!("{step_path}.refused"),
            operation,
            description,
            out,
        ),
        (None, true) => {}
    }
    for (i, state) in step.from.iter().enumerate() {
        if !states.is_empty() && !states.contains(state) {
            out.push(service.error(
                format!("{step_path}.from[{i}]"),
                format!("\"{state}\" is not a state (known: {})", states.join(", ")),
            ));
        }
    }
    let Some(parent) = &step.parent else {
        return;
    };
    let path = format!("{step_path}.parent");
    if step.create.is_none() {
        out.push(service.error(path.as_str(), "`parent` belongs to creating steps"));
    }
    for (i, field) in parent.by.iter().enumerate() {
        if !has_request_field(operation, field) {
            out.push(service.error(
                format!("{path}.by[{i}]"),
                format!("the request has no field \"{field}\""),
            ));
        }
    }
    if parent.by.is_empty() {
        out.push(service.error(
            format!("{path}.by"),
            "name the request fields that find the parent",
        ));
    }
    check_row(
        service,
        format!("{path}.missing"),
        operation,
        &parent.missing,
        out,
    );
    check_row(
        service,
        format!("{path}.refused"),
        operation,
        &parent.refused,
        out,
    );
    if let Some(within) = &parent.within {
        let top = within.field.split('.').next().unwrap_or_default();
        if !has_request_field(operation, top) {
            out.push(service.error(
                format!("{path}.within.field"),
                format!("the request has no field \"{top}\""),
            ));
        }
        check_row(
            service,
            format!("{path}.within.refused"),
            operation,
            &within.refused,
            out,
        );
    }
}

/// Across files: lifecycle ids are unique (the sandbox and its control API name lifecycles
/// without their service), and every parent is a lifecycle whose states the step names.
pub(super) fn check_across_files(spec: &Spec, out: &mut Vec<Diagnostic>) {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for service in &spec.services {
        for (id, _) in service.doc.lifecycles.iter() {
            if let Some((_, first)) = seen.iter().find(|(known, _)| *known == id) {
                out.push(service.error(
                    format!("lifecycles.{id}"),
                    format!("the lifecycle id \"{id}\" is taken by {first}"),
                ));
            }
            seen.push((id, service.file.as_str()));
        }
    }
    for service in &spec.services {
        for (id, lifecycle) in service.doc.lifecycles.iter() {
            for (op_id, step) in lifecycle.steps.iter() {
                let Some(parent) = &step.parent else {
                    continue;
                };
                let path = format!("lifecycles.{id}.steps.{op_id}.parent");
                if parent.lifecycles.is_empty() {
                    out.push(service.error(
                        format!("{path}.lifecycles"),
                        "name the lifecycles the parent may be in",
                    ));
                }
                for (i, name) in parent.lifecycles.iter().enumerate() {
                    let found = spec
                        .services
                        .iter()
                        .find_map(|other| other.doc.lifecycles.get(name).map(|def| (other, def)));
                    let Some((other, def)) = found else {
                        out.push(service.error(
                            format!("{path}.lifecycles[{i}]"),
                            format!("no lifecycle \"{name}\" in any file"),
                        ));
                        continue;
                    };
                    let states = def.states(&other.doc);
                    let named = parent
                        .states
                        .iter()
                        .enumerate()
                        .map(|(i, state)| (format!("{path}.states[{i}]"), state))
                        .chain(
                            parent
                                .moves_to
                                .iter()
                                .map(|state| (format!("{path}.moves_to"), state)),
                        );
                    for (at, state) in named {
                        if !states.contains(state) {
                            out.push(service.error(
                                at,
                                format!(
                                    "\"{state}\" is not a state of {name} (known: {})",
                                    states.join(", ")
                                ),
                            ));
                        }
                    }
                }
            }
        }
    }
}

/// The top-level field names of an operation's response type.
fn response_fields<'a>(doc: &'a ServiceDoc, op_id: &str) -> Option<Vec<&'a str>> {
    let body = doc.operations.get(op_id)?.response.body.as_deref()?;
    match schema::resolve(doc, body) {
        Kind::Struct(def) => Some(def.fields.iter().map(|(name, _)| name).collect()),
        _ => None,
    }
}
