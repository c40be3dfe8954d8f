//! Reads the generated JSON tables and links them: a field's object shape becomes the shared
//! field list of its type, an operation id its `OperationInfo`. Anything that does not link is
//! an error naming the service and the place.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::data::{FieldData, NotificationData, OperationData, ServiceTables, ShapeData};
use super::{ErrorRow, Field, Lifecycle, LoadError, Notification, Operation, Schema, Shape};

/// One service's tables, linked.
#[derive(Debug)]
pub(super) struct Tables {
    pub service: String,
    pub operations: Vec<Operation>,
    pub notifications: Vec<Notification>,
    pub lifecycles: Vec<Lifecycle>,
}

/// Every service's file (`(service, JSON)`) and the common error rows, linked.
pub(super) fn read_all(sources: &[(&str, &str)], common_errors: &str) -> Result<Schema, LoadError> {
    let services = sources
        .iter()
        .map(|(service, json)| read(service, json))
        .collect::<Result<Vec<_>, _>>()?;
    let common_errors: Vec<ErrorRow> =
        serde_json::from_str(common_errors).map_err(|error| LoadError {
            service: "公共错误码".to_owned(),
            reason: error.to_string(),
        })?;
    Ok(Schema {
        services,
        common_errors,
    })
}

/// One service's file, linked.
pub(super) fn read(service: &str, json: &str) -> Result<Tables, LoadError> {
    let fail = |reason: String| LoadError {
        service: service.to_owned(),
        reason,
    };
    let file: ServiceTables =
        serde_json::from_str(json).map_err(|error| fail(error.to_string()))?;
    if file.service != service {
        return Err(fail(format!("the file says it is `{}`", file.service)));
    }
    let mut linker = Linker {
        types: &file.types,
        linked: HashMap::new(),
    };
    let operations = file
        .operations
        .into_iter()
        .map(|operation| link_operation(&mut linker, service, operation))
        .collect::<Result<Vec<_>, _>>()
        .map_err(fail)?;
    let notifications = file
        .notifications
        .into_iter()
        .map(|notification| link_notification(service, notification))
        .collect();
    Ok(Tables {
        service: service.to_owned(),
        operations,
        notifications,
        lifecycles: file.lifecycles,
    })
}

fn link_operation(
    linker: &mut Linker<'_>,
    service: &str,
    operation: OperationData,
) -> Result<Operation, String> {
    let info = crate::api::schema::info(service, &operation.id)
        .ok_or_else(|| format!("operation `{}` has no OperationInfo", operation.id))?;
    let fields = linker
        .fields(&operation.fields)
        .map_err(|reason| format!("operation `{}`: {reason}", operation.id))?;
    Ok(Operation {
        info,
        title: operation.title,
        fields,
        request_example: operation.request_example,
        response: operation.response,
        errors: operation.errors,
        platform_certificates: operation.platform_certificates,
        upload: crate::api::schema::upload(service, &operation.id),
    })
}

fn link_notification(service: &str, notification: NotificationData) -> Notification {
    Notification {
        service: service.to_owned(),
        id: notification.id,
        title: notification.title,
        event_types: notification.event_types,
        example: notification.example,
        fields: notification.fields,
    }
}

/// Turns field data into fields, each type's list built once and shared.
struct Linker<'a> {
    types: &'a BTreeMap<String, Vec<FieldData>>,
    linked: HashMap<String, Arc<[Field]>>,
}

impl Linker<'_> {
    fn fields(&mut self, data: &[FieldData]) -> Result<Vec<Field>, String> {
        data.iter()
            .map(|field| {
                let shape = self
                    .shape(&field.shape)
                    .map_err(|reason| format!("field `{}`: {reason}", field.name))?;
                Ok(Field {
                    name: field.name.clone(),
                    shape,
                    required: field.required,
                    max_length: field.max_length,
                    location: field.location,
                    mode: field.mode.clone(),
                    description: field.description.clone(),
                })
            })
            .collect()
    }

    fn shape(&mut self, data: &ShapeData) -> Result<Shape, String> {
        Ok(match data {
            ShapeData::String => Shape::String,
            ShapeData::Integer => Shape::Integer,
            ShapeData::Number => Shape::Number,
            ShapeData::Json => Shape::Json,
            ShapeData::Boolean => Shape::Boolean,
            ShapeData::DateTime => Shape::DateTime,
            ShapeData::Enum(values) => Shape::Enum(values.clone()),
            ShapeData::IntegerEnum(values) => Shape::IntegerEnum(values.clone()),
            ShapeData::Object(name) => Shape::Object(self.object(name)?),
            ShapeData::Array(items) => Shape::Array(Box::new(self.shape(items)?)),
        })
    }

    fn object(&mut self, name: &str) -> Result<Arc<[Field]>, String> {
        if let Some(fields) = self.linked.get(name) {
            return Ok(fields.clone());
        }
        let types = self.types;
        let data = types
            .get(name)
            .ok_or_else(|| format!("type `{name}` is not in the file's types"))?;
        // A type that contains itself sees itself, inside itself, as an object with no fields;
        // the validator refuses such specs, so this only keeps a broken file from looping.
        self.linked.insert(name.to_owned(), Arc::from(Vec::new()));
        let fields: Arc<[Field]> = Arc::from(self.fields(data)?);
        self.linked.insert(name.to_owned(), fields.clone());
        Ok(fields)
    }
}

#[cfg(test)]
mod tests {
    use super::read;

    #[test]
    fn every_generated_table_reads() {
        for (service, json) in crate::api::schema::SOURCES {
            let tables = read(service, json).unwrap_or_else(|error| panic!("{error}"));
            assert!(!tables.operations.is_empty());
        }
        assert!(
            !crate::schema::load()
                .expect("loads")
                .common_errors()
                .is_empty()
        );
    }

    #[test]
    fn a_broken_service_is_an_error_that_names_it() {
        let error = read("billing", "{\"service\": \"billing\", \"types\": {}").unwrap_err();
        assert_eq!(error.service, "billing");
        assert!(error.to_string().contains("`billing`"), "{error}");

        let wrong_name = read(
            "billing",
            r#"{"service": "refunds", "types": {}, "operations": [], "notifications": [], "lifecycles": []}"#,
        )
        .unwrap_err();
        assert!(wrong_name.reason.contains("refunds"), "{wrong_name}");
    }

    #[test]
    fn a_field_of_a_type_the_file_lacks_is_an_error_naming_the_place() {
        let Some((service, json)) = crate::api::schema::SOURCES.first() else {
            return;
        };
        let mut file: serde_json::Value = serde_json::from_str(json).expect("generated JSON");
        let operation = &mut file["operations"][0];
        let id = operation["id"].as_str().expect("an id").to_owned();
        operation["fields"] = serde_json::json!([{
            "name": "payer", "shape": {"object": "Missing"}, "required": true,
            "max_length": null, "location": "body", "mode": null, "description": "付款人"
        }]);
        let error = read(service, &file.to_string()).unwrap_err();
        assert_eq!(&error.service, service);
        assert!(
            error.reason.contains(&format!("operation `{id}`")),
            "{error}"
        );
        assert!(error.reason.contains("field `payer`"), "{error}");
        assert!(error.reason.contains("`Missing`"), "{error}");
    }

    #[test]
    fn an_operation_without_operation_info_is_an_error() {
        let Some((service, json)) = crate::api::schema::SOURCES.first() else {
            return;
        };
        let mut file: serde_json::Value = serde_json::from_str(json).expect("generated JSON");
        file["operations"][0]["id"] = serde_json::json!("no_such_operation");
        let error = read(service, &file.to_string()).unwrap_err();
        assert!(error.reason.contains("`no_such_operation`"), "{error}");
    }
}
