//! The instances of documented lifecycles (a recharge and its state), driven by the spec's
//! lifecycle table: which operation creates, moves or reads an instance, and which error row it
//! answers when the key is taken or unknown, and which notification an instance owes when it
//! enters a state.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::schema::{ErrorRow, Lifecycle, Operation, Parent, Step, StepAction};

/// What a step decided.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    /// Answer with this body, and send this notification when the step entered a state that
    /// has one.
    Answer(Value, Option<Notice>),
    /// Answer with this documented error row.
    Refuse(ErrorRow),
}

/// A notification an instance owes: its event type, where it goes, and the instance as it is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Notice {
    /// The service the lifecycle belongs to.
    pub(crate) service: String,
    /// The service's notification id.
    pub(crate) notification: String,
    pub(crate) event_type: String,
    /// The URL the creating request gave.
    pub(crate) url: String,
    /// The instance, its state under the resource's state field.
    pub(crate) record: Map<String, Value>,
}

/// Why an instance could not be moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum MoveError {
    /// No instance has this key.
    NoInstance,
    /// The lifecycle has no such state.
    NoState,
}

/// Every instance, by lifecycle id and key.
#[derive(Debug, Default)]
pub(crate) struct Instances {
    records: HashMap<(String, String), Map<String, Value>>,
    /// Each child's parent (a refund's order), both as (lifecycle id, key).
    parents: HashMap<(String, String), (String, String)>,
    issued: u64,
}

impl Instances {
    /// Runs the step `operation` plays in a lifecycle, if it plays one and the request names
    /// an instance.
    pub(crate) fn step(
        &mut self,
        lifecycles: &[(&str, &Lifecycle)],
        operation: &Operation,
        request: &Value,
    ) -> Option<Outcome> {
        let (service, lifecycle, step) = lifecycles
            .iter()
            .filter(|(service, _)| *service == operation.info.service)
            .find_map(|(service, lifecycle)| {
                lifecycle
                    .steps
                    .iter()
                    .find(|step| step.operation == operation.info.id)
                    .map(|step| (*service, *lifecycle, step))
            })?;
        let key = key_text(request.get(&lifecycle.key)?)?;
        let slot = (lifecycle.id.clone(), key);
        Some(match &step.action {
            StepAction::Create(state) => {
                if let Some(existing) = self.records.get(&slot) {
                    return Some(match &step.refusal {
                        Some(row)
                            if step.repeat_same.is_empty()
                                || !same_fields(&step.repeat_same, existing, request) =>
                        {
                            Outcome::Refuse(row.clone())
                        }
                        _ => Outcome::Answer(answer(operation, existing), None),
                    });
                }
                let parent = match &step.parent {
                    Some(parent) => match self.parent_of(lifecycles, lifecycle, parent, request) {
                        Ok(found) => Some((parent, found)),
                        Err(row) => return Some(Outcome::Refuse(row)),
                    },
                    None => None,
                };
                let mut record = request.as_object().cloned().unwrap_or_default();
                for field in &lifecycle.ids {
                    let id = self.fresh_id(operation, field);
                    record.insert(field.clone(), Value::String(id));
                }
                record.insert(lifecycle.state_field.clone(), state.as_str().into());
                let answer = answer(operation, &record);
                let notice = notice(service, lifecycle, &record);
                if let Some((parent, (parent_lifecycle, parent_slot))) = parent {
                    if let (Some(state), Some(record)) =
                        (&parent.moves_to, self.records.get_mut(&parent_slot))
                    {
                        record.insert(parent_lifecycle.state_field.clone(), state.as_str().into());
                    }
                    self.parents.insert(slot.clone(), parent_slot);
                }
                self.records.insert(slot, record);
                Outcome::Answer(answer, notice)
            }
            StepAction::Move(state) => match self.records.get_mut(&slot) {
                Some(record) => {
                    let current = record.get(&lifecycle.state_field).and_then(Value::as_str);
                    let allowed = step.from.is_empty()
                        || current.is_some_and(|current| step.from.iter().any(|s| s == current));
                    if let (false, Some(row)) = (allowed, &step.from_refusal) {
                        return Some(Outcome::Refuse(row.clone()));
                    }
                    record.insert(lifecycle.state_field.clone(), state.as_str().into());
                    Outcome::Answer(
                        answer(operation, record),
                        notice(service, lifecycle, record),
                    )
                }
                None => missing(lifecycle, step, &slot.1),
            },
            StepAction::Read => match self.records.get(&slot) {
                Some(record) => Outcome::Answer(answer(operation, record), None),
                None => missing(lifecycle, step, &slot.1),
            },
        })
    }

    /// The parent instance the request names, checked: it exists, is in a state that allows the
    /// step, and the children's sum stays within its limit. Its lifecycle and slot, or the row
    /// to refuse with.
    fn parent_of<'l>(
        &self,
        lifecycles: &[(&str, &'l Lifecycle)],
        lifecycle: &Lifecycle,
        parent: &Parent,
        request: &Value,
    ) -> Result<(&'l Lifecycle, (String, String)), ErrorRow> {
        let (parent_lifecycle, slot) = parent
            .lifecycles
            .iter()
            .filter_map(|id| {
                lifecycles
                    .iter()
                    .map(|(_, known)| *known)
                    .find(|known| known.id == *id)
            })
            .find_map(|candidate| Some((candidate, self.named_by(candidate, parent, request)?)))
            .ok_or_else(|| parent.missing.clone())?;
        let record = self
            .records
            .get(&slot)
            .ok_or_else(|| parent.missing.clone())?;
        let state = record
            .get(&parent_lifecycle.state_field)
            .and_then(Value::as_str);
        if !state.is_some_and(|state| parent.states.iter().any(|allowed| allowed == state)) {
            return Err(parent.refused.clone());
        }
        if let Some(within) = &parent.within {
            let children: f64 = self
                .parents
                .iter()
                .filter(|((id, _), owner)| *id == lifecycle.id && **owner == slot)
                .filter_map(|(child, _)| self.records.get(child))
                .filter_map(|child| {
                    number_at(child.get(first(&within.field))?, rest(&within.field))
                })
                .sum();
            let asked = request
                .get(first(&within.field))
                .and_then(|value| number_at(value, rest(&within.field)))
                .unwrap_or(0.0);
            let limit = record
                .get(first(&within.limit))
                .and_then(|value| number_at(value, rest(&within.limit)));
            if limit.is_some_and(|limit| children + asked > limit) {
                return Err(within.refused.clone());
            }
        }
        Ok((parent_lifecycle, slot))
    }

    /// The instance of `lifecycle` the request names through the parent's `by` fields.
    fn named_by(
        &self,
        lifecycle: &Lifecycle,
        parent: &Parent,
        request: &Value,
    ) -> Option<(String, String)> {
        let (field, value) = parent
            .by
            .iter()
            .find_map(|field| Some((field, key_text(request.get(field)?)?)))?;
        if *field == lifecycle.key {
            let slot = (lifecycle.id.clone(), value);
            return self.records.contains_key(&slot).then_some(slot);
        }
        self.records
            .iter()
            .find(|((id, _), record)| {
                *id == lifecycle.id && record.get(field).and_then(key_text).as_ref() == Some(&value)
            })
            .map(|(slot, _)| slot.clone())
    }

    /// The state of an instance, if there is one.
    pub(crate) fn state(&self, lifecycle: &Lifecycle, key: &str) -> Option<String> {
        let record = self.records.get(&(lifecycle.id.clone(), key.to_owned()))?;
        record
            .get(&lifecycle.state_field)
            .and_then(Value::as_str)
            .map(str::to_owned)
    }

    /// Sets an instance's state and further fields, as WeChat Pay would once money moved, and
    /// says which notification the new state owes.
    pub(crate) fn update(
        &mut self,
        service: &str,
        lifecycle: &Lifecycle,
        key: &str,
        state: &str,
        fields: Map<String, Value>,
    ) -> Result<Option<Notice>, MoveError> {
        // A lifecycle of an older spec table knows no states: any is taken.
        if !lifecycle.states.is_empty() && !lifecycle.states.iter().any(|known| known == state) {
            return Err(MoveError::NoState);
        }
        let Some(record) = self
            .records
            .get_mut(&(lifecycle.id.clone(), key.to_owned()))
        else {
            return Err(MoveError::NoInstance);
        };
        record.extend(fields);
        record.insert(lifecycle.state_field.clone(), state.into());
        Ok(notice(service, lifecycle, record))
    }

    /// A number as long as the documented example's, distinct for every instance.
    fn fresh_id(&mut self, operation: &Operation, field: &str) -> String {
        self.issued += 1;
        let width = operation
            .response
            .example
            .as_deref()
            .and_then(|example| serde_json::from_str::<Value>(example).ok())
            .and_then(|example| example.get(field).and_then(Value::as_str).map(str::len))
            .unwrap_or(20)
            .max(12);
        let serial = self.issued.to_string();
        let filler = "0".repeat(width.saturating_sub(serial.len() + 1));
        format!("4{filler}{serial}")
    }
}

/// The notification `record` owes in its current state, if its lifecycle sends one there and
/// the creating request gave a URL.
fn notice(service: &str, lifecycle: &Lifecycle, record: &Map<String, Value>) -> Option<Notice> {
    let notify = lifecycle.notify.as_ref()?;
    let state = record.get(&lifecycle.state_field)?.as_str()?;
    let (_, event_type) = notify.events.iter().find(|(known, _)| known == state)?;
    let url = record.get(&notify.url_field)?.as_str()?.to_owned();
    let mut record = record.clone();
    record.insert(notify.state_field.clone(), state.into());
    Some(Notice {
        service: service.to_owned(),
        notification: notify.notification.clone(),
        event_type: event_type.clone(),
        url,
        record,
    })
}

/// Whether a repeated creation changes none of `fields`.
fn same_fields(fields: &[String], existing: &Map<String, Value>, request: &Value) -> bool {
    fields
        .iter()
        .all(|field| existing.get(field) == request.get(field))
}

fn first(path: &str) -> &str {
    path.split('.').next().unwrap_or(path)
}

fn rest(path: &str) -> &str {
    path.split_once('.').map_or("", |(_, rest)| rest)
}

/// The number at a dotted path below `value` (`""` is `value` itself).
fn number_at(value: &Value, path: &str) -> Option<f64> {
    let mut value = value;
    for segment in path.split('.').filter(|segment| !segment.is_empty()) {
        value = value.get(segment)?;
    }
    value.as_f64()
}

fn missing(lifecycle: &Lifecycle, step: &Step, key: &str) -> Outcome {
    Outcome::Refuse(step.refusal.clone().unwrap_or_else(|| ErrorRow {
        status: 404,
        code: "NOT_FOUND".to_owned(),
        description: format!(
            "the sandbox has no {} instance with {} {key:?} (the operation documents no error row for an unknown one)",
            lifecycle.id, lifecycle.key
        ),
        solution: String::new(),
    }))
}

/// Keys are compared as text, whatever their JSON type.
fn key_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// The answer of `operation` for an instance: every field of the answer's type the instance
/// knows (over the documented example's value, so a nested object keeps the members only the
/// answer has), then the required ones it does not from the documented example.
fn answer(operation: &Operation, record: &Map<String, Value>) -> Value {
    let example: Map<String, Value> = operation
        .response
        .example
        .as_deref()
        .and_then(|example| serde_json::from_str(example).ok())
        .unwrap_or_default();
    let mut answer = Map::new();
    for field in &operation.response.fields {
        if let Some(value) = record.get(field) {
            let mut merged = example.get(field).cloned().unwrap_or(Value::Null);
            merge(&mut merged, value);
            answer.insert(field.clone(), merged);
        } else if operation.response.required.contains(field)
            && let Some(value) = example.get(field)
        {
            answer.insert(field.clone(), value.clone());
        }
    }
    Value::Object(answer)
}

/// Lays `from` over `into`: objects member by member, anything else replaced.
pub(crate) fn merge(into: &mut Value, from: &Value) {
    match (into, from) {
        (Value::Object(into), Value::Object(from)) => {
            for (name, value) in from {
                merge(into.entry(name.clone()).or_insert(Value::Null), value);
            }
        }
        (into, from) => *into = from.clone(),
    }
}
