//! Notifications: a resource type that exists, event types that are unique, examples that fit.

use serde_json::Value;

use super::conform::Conform;
use super::schema::{self, Kind};
use crate::diagnostic::Diagnostic;
use crate::spec::{Parsed, ServiceDoc};

pub(super) fn check(service: &Parsed<ServiceDoc>, out: &mut Vec<Diagnostic>) {
    let doc = &service.doc;
    if !doc.notifications.is_empty() && (doc.types.contains("Event") || doc.enums.contains("Event"))
    {
        out.push(service.error(
            "notifications",
            "a service with notifications generates an `Event` enum; rename its type \"Event\"",
        ));
    }
    let mut seen: Vec<&str> = Vec::new();
    for (id, notification) in service.doc.notifications.iter() {
        let path = format!("notifications.{id}");
        let resource = schema::resolve(&service.doc, &notification.resource);
        let fields = match resource {
            Kind::Struct(def) => Some(def.fields.iter().collect::<Vec<_>>()),
            _ => {
                out.push(service.error(
                    format!("{path}.resource"),
                    format!(
                        "resource \"{}\" must name a type of this file",
                        notification.resource
                    ),
                ));
                None
            }
        };
        if notification.event_types.is_empty() {
            out.push(service.error(
                format!("{path}.event_types"),
                "a notification needs at least one event type",
            ));
        }
        for event_type in notification.event_types.names() {
            if seen.contains(&event_type) {
                out.push(service.error(
                    format!("{path}.event_types.{event_type}"),
                    format!(
                        "event type \"{event_type}\" belongs to two notifications of this service"
                    ),
                ));
            }
            seen.push(event_type);
        }
        for (i, example) in notification.examples.iter().enumerate() {
            let json_path = format!("{path}.examples[{i}].json");
            let value = match serde_json::from_str::<Value>(&example.json) {
                Ok(value) => value,
                Err(error) => {
                    out.push(service.error(json_path, format!("not JSON: {error}")));
                    continue;
                }
            };
            if let Some(fields) = &fields {
                let mut conform = Conform::new(&service.doc);
                conform.object("$", &value, fields);
                for problem in conform.problems {
                    out.push(service.error(json_path.as_str(), problem));
                }
            }
        }
    }
}
