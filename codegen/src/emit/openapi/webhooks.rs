//! `webhooks`: each notification as WeChat Pay posts it, envelope and decrypted resource.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::components::{component_ref, insert_text, schema_ref};
use super::names::{ENVELOPE, ERROR_BODY, PATH, SIGNATURE_HEADERS};
use crate::emit::EmitError;
use crate::ir::{Api, Notification, Service};

/// One webhook per notification, keyed by its id; an id that two services use is qualified with
/// the service name in both, so no key depends on the order of the services.
pub(super) fn webhooks(api: &Api) -> Result<Map<String, Value>, EmitError> {
    let mut uses: BTreeMap<&str, usize> = BTreeMap::new();
    for notification in api.services.iter().flat_map(|s| &s.notifications) {
        *uses.entry(notification.id.as_str()).or_default() += 1;
    }
    let mut webhooks = Map::new();
    for service in &api.services {
        for notification in &service.notifications {
            let key = if uses.get(notification.id.as_str()).copied().unwrap_or(0) > 1 {
                format!("{}.{}", service.name, notification.id)
            } else {
                notification.id.clone()
            };
            webhooks.insert(key, webhook(service, notification)?);
        }
    }
    Ok(webhooks)
}

fn webhook(service: &Service, notification: &Notification) -> Result<Value, EmitError> {
    let event_types: Vec<&str> = notification
        .event_types
        .iter()
        .map(|(event_type, _)| event_type.as_str())
        .collect();
    let meanings: Map<String, Value> = notification
        .event_types
        .iter()
        .map(|(event_type, meaning)| (event_type.clone(), json!(meaning)))
        .collect();
    let mut decrypted = Map::new();
    decrypted.insert(
        "schema".into(),
        json!({"$ref": schema_ref(service, &notification.resource.name)}),
    );
    let mut examples = Map::new();
    for (i, (title, text)) in notification.examples.iter().enumerate() {
        let value: Value = serde_json::from_str(text).map_err(|error| {
            EmitError(format!(
                "{PATH}: example \"{title}\" of notification \"{}\" is not JSON: {error}",
                notification.id
            ))
        })?;
        examples.insert(
            format!("example_{}", i + 1),
            json!({"summary": title, "value": value}),
        );
    }
    if !examples.is_empty() {
        decrypted.insert("examples".into(), Value::Object(examples));
    }
    let parameters: Vec<Value> = SIGNATURE_HEADERS
        .iter()
        .map(|(name, description)| {
            json!({
                "name": name,
                "in": "header",
                "required": true,
                "description": description,
                "schema": {"type": "string"},
            })
        })
        .collect();
    let mut post = Map::new();
    post.insert("summary".into(), json!(notification.title));
    insert_text(&mut post, "description", &notification.description);
    post.insert("tags".into(), json!([service.name]));
    // WeChat Pay signs a notification itself; the merchant's Authorization scheme is not used.
    post.insert("security".into(), json!([]));
    post.insert("parameters".into(), Value::Array(parameters));
    post.insert(
        "requestBody".into(),
        json!({
            "required": true,
            "content": {"application/json": {"schema": {
                "$ref": component_ref(ENVELOPE),
                "properties": {"event_type": {"enum": event_types}},
            }}},
        }),
    );
    post.insert(
        "responses".into(),
        json!({
            "200": {"description": "接收成功"},
            "204": {"description": "接收成功"},
            "default": {
                "description": "接收失败: 微信支付会按策略重新发送通知",
                "content": {"application/json": {"schema": {"$ref": component_ref(ERROR_BODY)}}},
            },
        }),
    );
    post.insert("x-event-types".into(), Value::Object(meanings));
    post.insert("x-decrypted-resource".into(), Value::Object(decrypted));
    Ok(json!({ "post": post }))
}
