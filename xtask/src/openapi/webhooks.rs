//! `webhooks` into notifications: our export's `x-event-types` (each event type's meaning) and
//! `x-decrypted-resource` (the type of what the envelope's `resource` decrypts to).

use codegen::spec::{Named, NotificationDef, NotificationExampleDef};

use super::Importer;
use super::node::ImportError;

impl<'a> Importer<'a> {
    pub(super) fn webhooks(&mut self) -> Result<(), ImportError> {
        let Some(webhooks) = self.doc.get("webhooks") else {
            return Ok(());
        };
        for (key, item) in webhooks.entries()? {
            let Some(post) = item.get("post") else {
                self.losses
                    .push(item.loss("a webhook that is not a POST; skipped"));
                continue;
            };
            let Some(resource) = post.get("x-decrypted-resource") else {
                self.losses.push(post.loss(
                    "a webhook without x-decrypted-resource: the decrypted resource's type is unknown; skipped",
                ));
                continue;
            };
            let tag = post.strings("tags")?.first().map(|tag| (*tag).to_owned());
            let service = self.service_for_tag(tag.as_deref());
            // An id two services share is qualified with the service in our export.
            let id = key
                .strip_prefix(&format!("{service}."))
                .unwrap_or(key)
                .to_owned();
            let ty = self.field_type(
                &service,
                "NotificationResource",
                &resource.require("schema")?,
            )?;
            let mut event_types = Named::default();
            let meanings = post.get("x-event-types");
            let listed = post
                .get("requestBody")
                .and_then(|body| body.get("content"))
                .and_then(|content| content.get("application/json"))
                .and_then(|media| media.get("schema"))
                .and_then(|schema| schema.get("properties"))
                .and_then(|properties| properties.get("event_type"));
            let names: Vec<&str> = match &listed {
                Some(event_type) => event_type.strings("enum")?,
                None => meanings
                    .as_ref()
                    .map(|meanings| meanings.entries())
                    .transpose()?
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(name, _)| name)
                    .collect(),
            };
            for name in names {
                let meaning = match meanings.as_ref().and_then(|meanings| meanings.get(name)) {
                    Some(meaning) if !meaning.value.is_null() => Some(meaning.str()?.to_owned()),
                    _ => None,
                };
                event_types.0.push((name.to_owned(), meaning));
            }
            let mut examples = Vec::new();
            if let Some(values) = resource.get("examples") {
                for (key, example) in values.entries()? {
                    let value = example.require("value")?;
                    examples.push(NotificationExampleDef {
                        title: example.opt_str("summary")?.unwrap_or(key).to_owned(),
                        json: serde_json::to_string_pretty(value.value)
                            .map_err(|error| value.error(error.to_string()))?,
                    });
                }
            }
            let notification = NotificationDef {
                title: post.opt_str("summary")?.unwrap_or(&id).to_owned(),
                description: post.opt_str("description")?.unwrap_or_default().to_owned(),
                event_types,
                resource: ty.ty,
                examples,
            };
            self.service_mut(&service)
                .notifications
                .0
                .push((id, notification));
        }
        Ok(())
    }
}
