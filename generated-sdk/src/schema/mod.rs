//! The spec as data (cargo features `cli` and `testkit`): every operation's fields with their
//! JSON shape, requirement, limit and meaning, its documented examples, answer and error rows,
//! and the notifications and lifecycles of each service. The generator writes each service's
//! tables as JSON (`src/api/<service>/schema.json`, embedded by `crate::api::schema`); this
//! module reads them once, on first use, and holds the request check both the `wxpay` tool and
//! the sandbox apply.

mod check;
mod load;

use std::fmt;
use std::sync::Arc;

use serde::Deserialize;

pub use check::{Violation, check, check_fields};

use crate::runtime::OperationInfo;

/// Where a request field goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldLocation {
    /// A path parameter.
    Path,
    /// A query parameter.
    Query,
    /// A field of the JSON body.
    Body,
}

impl FieldLocation {
    /// The name WeChat Pay uses in an error's `detail.location`.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldLocation::Path => "path",
            FieldLocation::Query => "query",
            FieldLocation::Body => "body",
        }
    }
}

/// The JSON shape a field must have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// A string.
    String,
    /// An integer (i64).
    Integer,
    /// `true` or `false`.
    Boolean,
    /// An RFC 3339 time as a string.
    DateTime,
    /// One of these documented values.
    Enum(Vec<String>),
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
            Shape::Boolean => f.write_str("boolean"),
            Shape::DateTime => f.write_str("datetime"),
            Shape::Enum(values) => write!(f, "enum({})", values.join("|")),
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

/// One documented error row (业务错误码 or 公共错误码).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ErrorRow {
    /// The HTTP status.
    pub status: u16,
    /// The error code, e.g. `NOT_FOUND`.
    pub code: String,
    /// The documented description, used as the message.
    pub description: String,
    /// The documented solution.
    pub solution: String,
}

/// How a download's file is checked.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Download {
    /// The header announcing the file's digest, e.g. `Wechatpay-Statement-Sha1`.
    pub digest_header: String,
    /// What the signature covers instead of the body, `{digest}` standing for the digest.
    pub signed_body: String,
    /// Whether the file travels gzip-compressed.
    pub gzip: bool,
}

/// An operation's documented answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Response {
    /// The success status, e.g. 200 or 204.
    pub status: u16,
    /// The first documented answer body, as written in the docs.
    pub example: Option<String>,
    /// The top-level fields of the answer's type.
    pub fields: Vec<String>,
    /// Those of them that are always present.
    pub required: Vec<String>,
    /// For a file download: how the file is checked.
    pub download: Option<Download>,
}

/// One operation, as the spec documents it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// Method, path, hosts.
    pub info: &'static OperationInfo,
    /// The service (cargo feature) it belongs to.
    pub service: String,
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
}

/// One `event_type` of a notification.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct EventType {
    /// The wire value, e.g. `REFUND.SUCCESS`.
    pub name: String,
    /// The documented meaning, sent as the notification's `summary`.
    pub meaning: Option<String>,
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
}

/// A documented lifecycle: the operations that create, read and move one kind of instance.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Lifecycle {
    /// The lifecycle id, e.g. `recharge`.
    pub id: String,
    /// The documented title.
    pub title: String,
    /// The request field naming an instance.
    pub key: String,
    /// The response field holding the state.
    pub state_field: String,
    /// Response fields given a fresh number when an instance is created.
    pub ids: Vec<String>,
    /// What each operation does.
    pub steps: Vec<Step>,
}

/// One operation's part in a lifecycle.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Step {
    /// The operation id.
    pub operation: String,
    /// What it does.
    pub action: StepAction,
    /// The row answered when a created key is taken, or when the key is unknown.
    pub refusal: ErrorRow,
}

/// What a step does to an instance.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StepAction {
    /// Creates an instance in this state.
    Create(String),
    /// Moves an instance to this state.
    Move(String),
    /// Reads an instance.
    Read,
}

/// Every operation the enabled features provide, sorted by operation id.
pub fn operations() -> Vec<&'static Operation> {
    let mut all: Vec<&'static Operation> = load::tables()
        .iter()
        .flat_map(|tables| tables.operations.iter())
        .collect();
    all.sort_by_key(|operation| operation.info.id);
    all
}

/// The operation with this id, among the enabled features.
pub fn operation(id: &str) -> Option<&'static Operation> {
    load::tables()
        .iter()
        .flat_map(|tables| tables.operations.iter())
        .find(|operation| operation.info.id == id)
}

/// Every notification the enabled features describe.
pub fn notifications() -> Vec<&'static Notification> {
    load::tables()
        .iter()
        .flat_map(|tables| tables.notifications.iter())
        .collect()
}

/// Every lifecycle the enabled features describe.
pub fn lifecycles() -> Vec<&'static Lifecycle> {
    load::tables()
        .iter()
        .flat_map(|tables| tables.lifecycles.iter())
        .collect()
}

/// 公共错误码: the rows every operation may answer.
pub fn common_errors() -> &'static [ErrorRow] {
    load::common_errors()
}
