//! Reads the generated JSON tables once and links them: a field's object shape becomes the
//! shared field list of its type, an operation id its `OperationInfo`.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use serde::Deserialize;

use super::{
    ErrorRow, EventType, Field, FieldLocation, Lifecycle, Notification, Operation, Response, Shape,
};

/// One service's tables, linked.
pub(super) struct Tables {
    pub operations: Vec<Operation>,
    pub notifications: Vec<Notification>,
    pub lifecycles: Vec<Lifecycle>,
}

/// The enabled services' tables. The JSON is the generator's own output, checked by its tests
/// and by this crate's; a file that failed to read would leave its service out rather than stop
/// the program.
pub(super) fn tables() -> &'static [Tables] {
    static TABLES: OnceLock<Vec<Tables>> = OnceLock::new();
    TABLES.get_or_init(|| {
        crate::api::schema::SOURCES
            .iter()
            .filter_map(|source| read(source).ok())
            .collect()
    })
}

pub(super) fn common_errors() -> &'static [ErrorRow] {
    static ROWS: OnceLock<Vec<ErrorRow>> = OnceLock::new();
    ROWS.get_or_init(|| serde_json::from_str(crate::api::schema::COMMON_ERRORS).unwrap_or_default())
}

/// One service's file, linked.
pub(super) fn read(source: &str) -> Result<Tables, serde_json::Error> {
    let file: ServiceFile = serde_json::from_str(source)?;
    let mut linker = Linker {
        types: &file.types,
        linked: HashMap::new(),
    };
    let operations = file
        .operations
        .into_iter()
        .filter_map(|operation| {
            // Every id of the file has an `OperationInfo`; one without would not be callable.
            let info = crate::api::schema::info(&operation.id)?;
            Some(Operation {
                info,
                service: file.service.clone(),
                title: operation.title,
                fields: linker.fields(&operation.fields),
                request_example: operation.request_example,
                response: operation.response,
                errors: operation.errors,
            })
        })
        .collect();
    let notifications = file
        .notifications
        .into_iter()
        .map(|notification| Notification {
            service: file.service.clone(),
            id: notification.id,
            title: notification.title,
            event_types: notification.event_types,
            example: notification.example,
        })
        .collect();
    Ok(Tables {
        operations,
        notifications,
        lifecycles: file.lifecycles,
    })
}

#[derive(Deserialize)]
struct ServiceFile {
    service: String,
    types: HashMap<String, Vec<FieldData>>,
    operations: Vec<OperationData>,
    notifications: Vec<NotificationData>,
    lifecycles: Vec<Lifecycle>,
}

#[derive(Deserialize)]
struct OperationData {
    id: String,
    title: String,
    fields: Vec<FieldData>,
    request_example: Option<String>,
    response: Response,
    errors: Vec<ErrorRow>,
}

#[derive(Deserialize)]
struct NotificationData {
    id: String,
    title: String,
    event_types: Vec<EventType>,
    example: Option<String>,
}

#[derive(Deserialize)]
struct FieldData {
    name: String,
    shape: ShapeData,
    required: bool,
    max_length: Option<u32>,
    location: FieldLocation,
    mode: Option<String>,
    description: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum ShapeData {
    String,
    Integer,
    Boolean,
    DateTime,
    Enum(Vec<String>),
    /// The name of a type of the file.
    Object(String),
    Array(Box<ShapeData>),
}

/// Turns field data into fields, each type's list built once and shared.
struct Linker<'a> {
    types: &'a HashMap<String, Vec<FieldData>>,
    linked: HashMap<String, Arc<[Field]>>,
}

impl Linker<'_> {
    fn fields(&mut self, data: &[FieldData]) -> Vec<Field> {
        data.iter()
            .map(|field| Field {
                name: field.name.clone(),
                shape: self.shape(&field.shape),
                required: field.required,
                max_length: field.max_length,
                location: field.location,
                mode: field.mode.clone(),
                description: field.description.clone(),
            })
            .collect()
    }

    fn shape(&mut self, data: &ShapeData) -> Shape {
        match data {
            ShapeData::String => Shape::String,
            ShapeData::Integer => Shape::Integer,
            ShapeData::Boolean => Shape::Boolean,
            ShapeData::DateTime => Shape::DateTime,
            ShapeData::Enum(values) => Shape::Enum(values.clone()),
            ShapeData::Object(name) => Shape::Object(self.object(name)),
            ShapeData::Array(items) => Shape::Array(Box::new(self.shape(items))),
        }
    }

    fn object(&mut self, name: &str) -> Arc<[Field]> {
        if let Some(fields) = self.linked.get(name) {
            return fields.clone();
        }
        // A type that contains itself sees itself, inside itself, as an object with no fields;
        // no type of the spec does, and the validator's example checks would show one.
        self.linked.insert(name.to_owned(), Arc::from(Vec::new()));
        let types = self.types;
        let fields: Arc<[Field]> = match types.get(name) {
            Some(data) => Arc::from(self.fields(data)),
            None => Arc::from(Vec::new()),
        };
        self.linked.insert(name.to_owned(), fields.clone());
        fields
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_generated_table_reads() {
        for source in crate::api::schema::SOURCES {
            let tables = super::read(source).expect("the generated JSON reads");
            assert!(!tables.operations.is_empty());
        }
        assert!(!super::common_errors().is_empty());
    }
}
