//! The instances of documented lifecycles (a recharge and its state), driven by the spec's
//! lifecycle table: which operation creates, moves or reads an instance, and which error row it
//! answers when the key is taken or unknown.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::schema::{ErrorRow, Lifecycle, Operation, Step, StepAction};

/// What a step decided.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    /// Answer with this body.
    Answer(Value),
    /// Answer with this documented error row.
    Refuse(ErrorRow),
}

/// Every instance, by lifecycle id and key.
#[derive(Debug, Default)]
pub(crate) struct Instances {
    records: HashMap<(String, String), Map<String, Value>>,
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
        let (lifecycle, step) = lifecycles
            .iter()
            .filter(|(service, _)| *service == operation.info.service)
            .find_map(|(_, lifecycle)| {
                lifecycle
                    .steps
                    .iter()
                    .find(|step| step.operation == operation.info.id)
                    .map(|step| (*lifecycle, step))
            })?;
        let key = key_text(request.get(&lifecycle.key)?)?;
        let slot = (lifecycle.id.clone(), key);
        Some(match &step.action {
            StepAction::Create(state) => {
                if self.records.contains_key(&slot) {
                    return Some(Outcome::Refuse(step.refusal.clone()));
                }
                let mut record = request.as_object().cloned().unwrap_or_default();
                for field in &lifecycle.ids {
                    let id = self.fresh_id(operation, field);
                    record.insert(field.clone(), Value::String(id));
                }
                record.insert(lifecycle.state_field.clone(), state.as_str().into());
                let answer = answer(operation, &record);
                self.records.insert(slot, record);
                Outcome::Answer(answer)
            }
            StepAction::Move(state) => match self.records.get_mut(&slot) {
                Some(record) => {
                    record.insert(lifecycle.state_field.clone(), state.as_str().into());
                    Outcome::Answer(answer(operation, record))
                }
                None => missing(step),
            },
            StepAction::Read => match self.records.get(&slot) {
                Some(record) => Outcome::Answer(answer(operation, record)),
                None => missing(step),
            },
        })
    }

    /// The state of an instance, if there is one.
    pub(crate) fn state(&self, lifecycle: &Lifecycle, key: &str) -> Option<String> {
        let record = self.records.get(&(lifecycle.id.clone(), key.to_owned()))?;
        record
            .get(&lifecycle.state_field)
            .and_then(Value::as_str)
            .map(str::to_owned)
    }

    /// Sets an instance's state and further fields, as WeChat Pay would once money moved.
    pub(crate) fn update(
        &mut self,
        lifecycle: &Lifecycle,
        key: &str,
        state: &str,
        fields: Map<String, Value>,
    ) -> bool {
        let Some(record) = self
            .records
            .get_mut(&(lifecycle.id.clone(), key.to_owned()))
        else {
            return false;
        };
        record.extend(fields);
        record.insert(lifecycle.state_field.clone(), state.into());
        true
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

fn missing(step: &Step) -> Outcome {
    Outcome::Refuse(step.refusal.clone())
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
/// knows, then the required ones it does not from the documented example.
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
            answer.insert(field.clone(), value.clone());
        } else if operation.response.required.contains(field)
            && let Some(value) = example.get(field)
        {
            answer.insert(field.clone(), value.clone());
        }
    }
    Value::Object(answer)
}
