//! The spec as data (cargo features `cli` and `testkit`): every operation's fields with their
//! JSON shape, requirement, limit and meaning, its documented examples, answer and error rows,
//! and the notifications and lifecycles of each service. The generator writes each service's
//! tables as JSON (`schema.json` in each service's folder, its `SCHEMA`, gathered by
//! `crate::api::schema`); this module reads them once, on first use, and holds the request check
//! both the `wxpay` tool and the sandbox apply.

mod check;
mod data;
mod load;

use std::fmt;
use std::sync::{Arc, OnceLock};

pub use check::{Violation, check, check_fields};
pub use data::{
    Announcement, Download, ErrorRow, EventType, FieldLocation, Lifecycle, Parent, Response, Step,
    StepAction, Within,
};

use crate::runtime::OperationInfo;

/// The JSON shape a field must have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// A string.
    String,
    /// An integer (i64).
    Integer,
    /// Any JSON number (a decimal, kept as written).
    Number,
    /// Any JSON value (free-form).
    Json,
    /// `true` or `false`.
    Boolean,
    /// An RFC 3339 time as a string.
    DateTime,
    /// One of these documented values.
    Enum(Vec<String>),
    /// A JSON integer, one of these documented values (written as digits).
    IntegerEnum(Vec<String>),
    /// An object with these fields (shared by every field of its type).
    Object(Arc<[Field]>),
    /// An array of this shape.
    Array(Box<Shape>),
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shape::String => f.write_str("string"),
            Shape::Integer => f.write_str("integer"),
            Shape::Number => f.write_str("number"),
            Shape::Json => f.write_str("json"),
            Shape::Boolean => f.write_str("boolean"),
            Shape::DateTime => f.write_str("datetime"),
            Shape::Enum(values) => write!(f, "enum({})", values.join("|")),
            Shape::IntegerEnum(values) => write!(f, "integer enum({})", values.join("|")),
            Shape::Object(_) => f.write_str("object"),
            Shape::Array(items) => write!(f, "array[{items}]"),
        }
    }
}

/// One field of a request, as the spec documents it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The wire name.
    pub name: String,
    /// The JSON shape.
    pub shape: Shape,
    /// Whether the field must be present.
    pub required: bool,
    /// The documented length limit, in characters.
    pub max_length: Option<u32>,
    /// Path, query or body.
    pub location: FieldLocation,
    /// The merchant mode the field belongs to, when only one mode sends it.
    pub mode: Option<String>,
    /// The documented meaning.
    pub description: String,
}

/// One operation, as the spec documents it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// Method, path, hosts.
    pub info: &'static OperationInfo,
    /// The documented title.
    pub title: String,
    /// Path, query and body fields together.
    pub fields: Vec<Field>,
    /// The first documented request: path, query and body fields together, by wire name.
    pub request_example: Option<String>,
    /// The documented answer.
    pub response: Response,
    /// The operation's own error rows (业务错误码).
    pub errors: Vec<ErrorRow>,
    /// Whether it downloads the platform certificates.
    pub platform_certificates: bool,
    /// How its multipart upload is framed, when it is one.
    pub upload: Option<&'static crate::runtime::UploadRules>,
}

/// A notification WeChat Pay sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// The service (cargo feature) it belongs to.
    pub service: String,
    /// The notification id, also the resource's `original_type`.
    pub id: String,
    /// The documented title.
    pub title: String,
    /// The event types it comes with.
    pub event_types: Vec<EventType>,
    /// The first documented decrypted resource.
    pub example: Option<String>,
    /// The top-level fields of the decrypted resource's type.
    pub fields: Vec<String>,
}

/// The enabled services' tables, read and linked once, on first use.
#[derive(Debug)]
pub struct Schema {
    services: Vec<load::Tables>,
    common_errors: Vec<ErrorRow>,
}

/// The spec tables of the enabled services. The JSON is the generator's own output, so a
/// failure is a defect of the build, not of the caller's input; it is reported naming the
/// service, never papered over by leaving that service out.
pub fn load() -> Result<&'static Schema, LoadError> {
    static SCHEMA: OnceLock<Result<Schema, LoadError>> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            load::read_all(
                crate::api::schema::SOURCES,
                crate::api::schema::COMMON_ERRORS,
            )
        })
        .as_ref()
        .map_err(Clone::clone)
}

impl Schema {
    /// Every operation the enabled features provide, sorted by service, then operation id.
    pub fn operations(&self) -> Vec<&Operation> {
        let mut all: Vec<&Operation> = self
            .services
            .iter()
            .flat_map(|tables| tables.operations.iter())
            .collect();
        all.sort_by_key(|operation| (operation.info.service, operation.info.id));
        all
    }

    /// The operation `id` of `service`, among the enabled features.
    pub fn operation(&self, service: &str, id: &str) -> Option<&Operation> {
        self.services
            .iter()
            .flat_map(|tables| tables.operations.iter())
            .find(|operation| operation.info.service == service && operation.info.id == id)
    }

    /// Every notification the enabled features describe.
    pub fn notifications(&self) -> Vec<&Notification> {
        self.services
            .iter()
            .flat_map(|tables| tables.notifications.iter())
            .collect()
    }

    /// Every lifecycle the enabled features describe, each with its service.
    pub fn lifecycles(&self) -> Vec<(&str, &Lifecycle)> {
        self.services
            .iter()
            .flat_map(|tables| {
                let service = tables.service.as_str();
                tables
                    .lifecycles
                    .iter()
                    .map(move |lifecycle| (service, lifecycle))
            })
            .collect()
    }

    /// 公共错误码: the rows every operation may answer.
    pub fn common_errors(&self) -> &[ErrorRow] {
        &self.common_errors
    }
}

/// Why the spec tables could not be read: which service (or the common error rows), and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The service whose `schema.json` failed, or `公共错误码`.
    pub service: String,
    /// What was wrong.
    pub reason: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the spec tables of `{}` do not read: {} (a defect of the generated crate; run `cargo xtask gen`)",
            self.service, self.reason
        )
    }
}

impl std::error::Error for LoadError {}
