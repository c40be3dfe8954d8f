//! The format of each service's `schema.json`, defined once: the generator (which compiles
//! this file too) writes these types and this crate reads them, so the two sides cannot drift.
//! Std and serde only, for that reason.
//!
//! Types are referenced by name within one service's file; `load` links them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One service's tables: what `schema.json` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceTables {
    /// The service (cargo feature).
    pub service: String,
    /// The fields of every type a request carries, by type name.
    pub types: BTreeMap<String, Vec<FieldData>>,
    /// The operations, in spec order.
    pub operations: Vec<OperationData>,
    /// The notifications WeChat Pay sends.
    pub notifications: Vec<NotificationData>,
    /// The documented lifecycles.
    pub lifecycles: Vec<Lifecycle>,
}

/// One operation, before linking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationData {
    /// The operation id.
    pub id: String,
    /// The documented title.
    pub title: String,
    /// Path, query and body fields together; fields of one merchant mode name it.
    pub fields: Vec<FieldData>,
    /// The first documented request, by wire name.
    pub request_example: Option<String>,
    /// The documented answer.
    pub response: Response,
    /// The operation's own error rows (业务错误码).
    pub errors: Vec<ErrorRow>,
    /// Whether it downloads the platform certificates (the sandbox answers with its own).
    pub platform_certificates: bool,
}

/// One notification, before linking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationData {
    /// The notification id, also the resource's `original_type`.
    pub id: String,
    /// The documented title.
    pub title: String,
    /// The event types it comes with.
    pub event_types: Vec<EventType>,
    /// The first documented decrypted resource.
    pub example: Option<String>,
    /// The top-level fields of the decrypted resource's type.
    #[serde(default)]
    pub fields: Vec<String>,
}

/// One request field, before linking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldData {
    /// The wire name.
    pub name: String,
    /// The JSON shape.
    pub shape: ShapeData,
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

/// A field's JSON shape, objects by type name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ShapeData {
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
    #[serde(rename = "integer_enum")]
    IntegerEnum(Vec<String>),
    /// An object of the named type of the same file.
    Object(String),
    /// An array of this shape.
    Array(Box<ShapeData>),
}

/// Where a request field goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

/// One documented error row (业务错误码 or 公共错误码).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Download {
    /// The header announcing the file's digest, e.g. `Wechatpay-Statement-Sha1`; `None` when
    /// the answer is unsigned and an earlier answer announced the digest (the bills).
    pub digest_header: Option<String>,
    /// What the signature covers instead of the body, `{digest}` standing for the digest.
    pub signed_body: Option<String>,
    /// Whether the file travels gzip-compressed.
    pub gzip: bool,
    /// The query field and value with which a request asks for a gzip archive.
    pub gzip_query: Option<GzipQuery>,
}

/// A query field and the value of it that asks for a gzip archive, e.g. `tartype=GZIP`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GzipQuery {
    /// The query field.
    pub field: String,
    /// The value asking for gzip.
    pub value: String,
}

/// An operation's documented answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    /// The success status, e.g. 200 or 204.
    pub status: u16,
    /// The first documented answer body, as written in the docs; where the docs give none, one
    /// built from the answer's type (every field, plain valid values).
    pub example: Option<String>,
    /// The top-level fields of the answer's type.
    pub fields: Vec<String>,
    /// Those of them that are always present.
    pub required: Vec<String>,
    /// For a file download: how the file is checked.
    pub download: Option<Download>,
    /// The download whose URL and SHA-1 this answer gives, if any.
    pub announces: Option<Announcement>,
}

/// A download an answer announces: its operation, and the answer fields with its URL and SHA-1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announcement {
    /// The download operation's id, in the same service.
    pub download: String,
    /// The answer field with the download URL.
    pub url_field: String,
    /// The answer field with the file's SHA-1.
    pub digest_field: String,
}

/// One `event_type` of a notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventType {
    /// The wire value, e.g. `REFUND.SUCCESS`.
    pub name: String,
    /// The documented meaning, sent as the notification's `summary`.
    pub meaning: Option<String>,
}

/// A documented lifecycle: the operations that create, read and move one kind of instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Every state, in documented order.
    #[serde(default)]
    pub states: Vec<String>,
    /// The notification an instance sends on entering some states.
    #[serde(default)]
    pub notify: Option<LifecycleNotify>,
}

/// Where and what an instance notifies when it enters some states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifecycleNotify {
    /// The creating request's field holding the URL (`notify_url`).
    pub url_field: String,
    /// The id of the service's notification whose resource is sent.
    pub notification: String,
    /// State → the event type sent on entering it.
    pub events: Vec<(String, String)>,
    /// The resource field holding the state.
    pub state_field: String,
}

/// One operation's part in a lifecycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// The operation id.
    pub operation: String,
    /// What it does.
    pub action: StepAction,
    /// The row answered when a created key is taken, or when the key is unknown; none when
    /// the operation documents none (a repeat then answers the instance, an unknown key the
    /// sandbox's own 404).
    #[serde(default)]
    pub refusal: Option<ErrorRow>,
    /// For a creating step with a refusal: request fields that, unchanged, make a repeat answer
    /// the instance as it is; a repeat that changes one is refused.
    #[serde(default)]
    pub repeat_same: Vec<String>,
    /// For a move: the states it is allowed from (any when empty).
    #[serde(default)]
    pub from: Vec<String>,
    /// The row answered when the instance is in none of `from`.
    #[serde(default)]
    pub from_refusal: Option<ErrorRow>,
    /// For a creating step: the instance of another lifecycle the new one belongs to.
    #[serde(default)]
    pub parent: Option<Parent>,
}

/// The instance a created one belongs to (a refund's order), what it must be in, what it becomes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parent {
    /// The lifecycles the parent may be in, searched in order.
    pub lifecycles: Vec<String>,
    /// Request fields naming the parent, each the name of the parent's field it must equal.
    pub by: Vec<String>,
    /// The row answered when the request names no known parent.
    pub missing: ErrorRow,
    /// The parent's states that allow the step.
    pub states: Vec<String>,
    /// The row answered when the parent is in another state.
    pub refused: ErrorRow,
    /// The parent's state after the step, if it changes.
    pub moves_to: Option<String>,
    /// A sum the children may not exceed.
    pub within: Option<Within>,
}

/// The children's `field` summed (the new one's included) may not exceed the parent's `limit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Within {
    /// A dotted path in the child's request, e.g. `amount.refund`.
    pub field: String,
    /// A dotted path in the parent, e.g. `amount.total`.
    pub limit: String,
    /// The row answered when the sum would exceed the limit.
    pub refused: ErrorRow,
}

/// What a step does to an instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StepAction {
    /// Creates an instance in this state.
    Create(String),
    /// Moves an instance to this state.
    Move(String),
    /// Reads an instance.
    Read,
}
