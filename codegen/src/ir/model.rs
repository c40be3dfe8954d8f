//! The IR: what the emitters need, with final Rust names and resolved types.

use super::Version;
pub use crate::spec::DigestAlgorithm;
use crate::spec::{ErrorRow, ExampleKind, Hosts, HttpMethod};

/// The whole API, ready to emit.
#[derive(Debug, Clone)]
pub struct Api {
    pub title: String,
    /// The generated crate's version.
    pub version: Version,
    pub hosts: Hosts,
    /// 公共错误码.
    pub common_errors: Vec<ErrorRow>,
    pub services: Vec<Service>,
    /// The services on by default, in spec order.
    pub default_features: Vec<String>,
    /// The crates the services compile in, by name; each service's [`Service::home`] is one.
    pub crates: Vec<ServiceCrate>,
    /// The spec files everything came from, for the header of generated files.
    pub sources: Vec<String>,
}

impl Api {
    /// Every error code of the spec, sorted, each with the rows that document it.
    pub fn error_codes(&self) -> Vec<ErrorCode> {
        let mut codes: Vec<ErrorCode> = Vec::new();
        let rows = self.common_errors.iter().chain(
            self.services
                .iter()
                .flat_map(|service| service.operations.iter().flat_map(|op| op.errors.iter())),
        );
        for row in rows {
            match codes.iter_mut().find(|code| code.code == row.code) {
                Some(code) => {
                    if !code.rows.contains(row) {
                        code.rows.push(row.clone());
                    }
                }
                None => codes.push(ErrorCode {
                    code: row.code.clone(),
                    variant: super::naming::variant_name(&row.code),
                    rows: vec![row.clone()],
                }),
            }
        }
        codes.sort_by(|a, b| a.code.cmp(&b.code));
        codes
    }

    pub fn operation_count(&self) -> usize {
        self.services
            .iter()
            .map(|service| service.operations.len())
            .sum()
    }

    pub fn type_count(&self) -> usize {
        self.services
            .iter()
            .map(|service| service.structs.len() + service.enums.len() + service.operations.len())
            .sum()
    }
}

/// A crate of services: `wechatpay-apiv3-<name>`, re-exported by `wechatpay-apiv3`.
#[derive(Debug, Clone)]
pub struct ServiceCrate {
    /// The short name, e.g. `payments`.
    pub name: String,
    pub title: String,
    /// Its services, in spec order.
    pub services: Vec<String>,
}

impl ServiceCrate {
    /// The name every crate of services is given when `api.crates` is left out.
    pub const DEFAULT: &str = "all";

    /// The package name, e.g. `wechatpay-apiv3-payments`.
    pub fn package(&self) -> String {
        format!("wechatpay-apiv3-{}", self.name.replace('_', "-"))
    }

    /// The name code uses for it, e.g. `wechatpay_apiv3_payments`.
    pub fn lib(&self) -> String {
        self.package().replace('-', "_")
    }

    /// Its folder, relative to the workspace root.
    pub fn dir(&self) -> String {
        format!("generated-sdk/services/{}", self.name)
    }
}

/// One error code and every distinct documented row for it.
#[derive(Debug, Clone)]
pub struct ErrorCode {
    pub code: String,
    pub variant: String,
    pub rows: Vec<ErrorRow>,
}

/// One spec group: a module and a cargo feature of the generated crate.
#[derive(Debug, Clone)]
pub struct Service {
    /// The feature and module name, e.g. `platsolution`.
    pub name: String,
    /// The facade type, e.g. `PlatsolutionClient`.
    pub client_name: String,
    /// The crate it compiles in (a [`ServiceCrate::name`]).
    pub home: String,
    pub title: String,
    pub description: String,
    /// The service's own hosts where it has them, else the API-wide ones.
    pub hosts: Hosts,
    pub structs: Vec<Struct>,
    pub enums: Vec<Enum>,
    pub operations: Vec<Operation>,
    pub notifications: Vec<Notification>,
    pub lifecycles: Vec<Lifecycle>,
    pub source: String,
    /// Types callers construct: reachable from a request's fields.
    pub constructed_types: std::collections::BTreeSet<String>,
    /// Types holding a sensitive field, directly or through nested types.
    pub sensitive_types: std::collections::BTreeSet<String>,
}

/// A documented lifecycle the sandbox keeps state for.
#[derive(Debug, Clone)]
pub struct Lifecycle {
    pub id: String,
    pub title: String,
    /// The request field naming an instance.
    pub key: String,
    /// The response field holding the state.
    pub state_field: String,
    /// Response fields given a fresh number when an instance is created.
    pub ids: Vec<String>,
    pub steps: Vec<Step>,
    /// Every state, in documented order (the state field's enum values).
    pub states: Vec<String>,
    pub notify: Option<LifecycleNotify>,
}

/// The notification an instance sends on entering some states.
#[derive(Debug, Clone)]
pub struct LifecycleNotify {
    /// The creating request's field holding the URL.
    pub url_field: String,
    /// The service's notification id.
    pub notification: String,
    /// State → event type.
    pub events: Vec<(String, String)>,
    /// The resource field holding the state.
    pub state_field: String,
}

/// One operation's part in a lifecycle.
#[derive(Debug, Clone)]
pub struct Step {
    pub operation: String,
    pub action: StepAction,
    /// The error row answered when a created key is taken (`Create`) or a key is unknown.
    pub refusal: Option<ErrorRow>,
    pub repeat_same: Vec<String>,
    pub from: Vec<String>,
    pub from_refusal: Option<ErrorRow>,
    pub parent: Option<Parent>,
}

/// The instance a created one belongs to; validation has resolved every row.
#[derive(Debug, Clone)]
pub struct Parent {
    pub lifecycles: Vec<String>,
    pub by: Vec<String>,
    pub missing: ErrorRow,
    pub states: Vec<String>,
    pub refused: ErrorRow,
    pub moves_to: Option<String>,
    pub within: Option<Within>,
}

#[derive(Debug, Clone)]
pub struct Within {
    pub field: String,
    pub limit: String,
    pub refused: ErrorRow,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepAction {
    /// Creates an instance in this state.
    Create(String),
    /// Moves an instance to this state.
    Move(String),
    /// Reads an instance.
    Read,
}

/// A notification: the variant of the service's `Event` enum its event types decode into.
#[derive(Debug, Clone)]
pub struct Notification {
    pub id: String,
    /// The `Event` variant, e.g. `Refund`.
    pub variant: String,
    pub title: String,
    pub description: String,
    /// Event types with their meanings.
    pub event_types: Vec<(String, Option<String>)>,
    /// The struct of the decrypted resource.
    pub resource: TypeRef,
    /// (title, JSON) of documented resources.
    pub examples: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct Struct {
    pub name: String,
    pub description: String,
    pub fields: Vec<Field>,
}

/// Where a request field travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    Body,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub wire_name: String,
    pub rust_name: String,
    pub ty: FieldType,
    pub required: bool,
    pub max_length: Option<u32>,
    pub sensitive: bool,
    pub description: String,
    pub location: Location,
}

/// A named type of the same service, resolved once: its position in the service's `structs`
/// or `enums` (the definition, read with [`Service::model`] or [`Service::enumeration`]) and
/// its Rust name (for the code). Built only from validated names, so it always points at a
/// definition; emitters never look a type up by name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeRef {
    pub index: usize,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldType {
    String,
    Integer,
    /// A JSON number that may have a fraction: `runtime::Decimal`, kept as written.
    Decimal,
    /// Free-form JSON (`serde_json::Value`): the docs describe no fields for it.
    Json,
    Boolean,
    DateTime,
    Struct(TypeRef),
    Enum(TypeRef),
    Array(Box<FieldType>),
}

impl FieldType {
    /// How the docs spell the type, e.g. `array[RechargeChannel]`.
    pub fn describe(&self) -> String {
        match self {
            FieldType::String => "string".to_owned(),
            FieldType::Integer => "integer".to_owned(),
            FieldType::Decimal => "number (decimal)".to_owned(),
            FieldType::Json => "JSON (any value)".to_owned(),
            FieldType::Boolean => "boolean".to_owned(),
            FieldType::DateTime => "datetime (RFC 3339)".to_owned(),
            FieldType::Struct(model) => format!("object {}", model.name),
            FieldType::Enum(item) => format!("enum {}", item.name),
            FieldType::Array(items) => format!("array[{}]", items.describe()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Enum {
    pub name: String,
    pub description: String,
    /// The values travel as JSON integers rather than strings.
    pub integer: bool,
    pub variants: Vec<Variant>,
}

#[derive(Debug, Clone)]
pub struct Variant {
    pub wire: String,
    pub rust_name: String,
    pub meaning: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub id: String,
    pub method_name: String,
    /// The constant holding the operation's metadata, e.g. `APPLY_RECHARGE`.
    pub const_name: String,
    pub title: String,
    pub description: String,
    pub merchants: Vec<String>,
    pub updated: String,
    pub method: HttpMethod,
    /// Where it is sent: its own hosts, its service's, or the API's.
    pub hosts: Hosts,
    pub path: String,
    pub retry_safe: bool,
    pub headers: Vec<Header>,
    pub request: Request,
    pub response: Response,
    pub paging: Option<Paging>,
    /// Set when this operation downloads the platform certificates: how to read its answer.
    pub certificates: Option<CertificateReader>,
    /// Set when the request is a multipart upload: its body fields are the meta's.
    pub upload: Option<Upload>,
    pub errors: Vec<ErrorRow>,
    pub examples: Vec<Example>,
}

impl Operation {
    pub fn has_body(&self) -> bool {
        self.request.has_body
    }
}

#[derive(Debug, Clone)]
pub struct Header {
    pub name: String,
    pub required: bool,
    pub description: String,
}

/// The request type: path, query and body fields together.
#[derive(Debug, Clone)]
pub struct Request {
    pub name: String,
    /// The enum of the merchant modes, when the operation has any.
    pub mode_enum: Option<String>,
    /// Fields every mode sends.
    pub fields: Vec<Field>,
    /// Whether a JSON body is sent (a body with no fields is still `{}`).
    pub has_body: bool,
    /// Mutually exclusive merchant modes; empty when the operation has none.
    pub modes: Vec<Mode>,
}

impl Request {
    /// The enum of the request's modes, e.g. `MicropayPayMode`, when it has modes.
    pub fn mode_enum(&self) -> Option<&str> {
        self.mode_enum.as_deref()
    }

    /// The fields at `location`, those of all modes included.
    pub fn all_fields_in(&self, location: Location) -> impl Iterator<Item = &Field> {
        self.all_fields()
            .filter(move |field| field.location == location)
    }

    /// Every field, those of all modes included.
    pub fn all_fields(&self) -> impl Iterator<Item = &Field> {
        self.fields
            .iter()
            .chain(self.modes.iter().flat_map(|mode| mode.fields.iter()))
    }
}

/// One merchant mode (直连 / 机构) and the fields only it sends.
#[derive(Debug, Clone)]
pub struct Mode {
    /// The spec's key, e.g. `direct`.
    pub key: String,
    /// The enum variant, e.g. `Direct`.
    pub variant: String,
    pub title: String,
    /// The struct holding the mode's fields, e.g. `MicropayPayDirect`.
    pub struct_name: String,
    pub fields: Vec<Field>,
}

/// How the answer of a certificate download reads into the runtime's `EncryptedCertificate`:
/// the validator proved the shape (`data[].serial_no`, `data[].encrypt_certificate.*`, all
/// required strings but `associated_data`).
#[derive(Debug, Clone)]
pub struct CertificateReader {
    /// The answer's type.
    pub list: TypeRef,
    /// Whether `associated_data` is required (a plain string) or optional.
    pub associated_data_required: bool,
}

/// Offset paging of a list operation.
#[derive(Debug, Clone)]
pub struct Paging {
    /// The pager struct's name, e.g. `ListRefundsPages`.
    pub pager: String,
    /// The offset query field.
    pub offset: Field,
    /// The page-size query field.
    pub limit: Field,
    pub max_limit: u32,
    /// The response's array field and its element type.
    pub items: Field,
    pub item_type: FieldType,
    /// The response's total-count field.
    pub total: Option<Field>,
}

/// A multipart upload: how its parts are framed and what the runtime computes into the meta.
#[derive(Debug, Clone)]
pub struct Upload {
    pub file_part: String,
    pub description: String,
    pub meta_part: String,
    /// The meta field holding the file's digest.
    pub digest: String,
    pub digest_algorithm: DigestAlgorithm,
    /// The meta field holding the file's name.
    pub file_name: Option<String>,
    pub max_bytes: Option<u64>,
    /// Extension to `Content-Type`, sorted by extension.
    pub types: Vec<(String, String)>,
    /// Body fields sent as parts of their own.
    pub form_fields: Vec<String>,
}

/// A file download's integrity check.
#[derive(Debug, Clone)]
pub struct Download {
    pub integrity: Integrity,
    /// Ask with `Accept-Encoding: gzip` and decode a gzip-encoded answer.
    pub gzip: bool,
    /// The query field (wire name) and value that ask for a gzip archive, decoded on the way.
    pub gzip_query: Option<(String, String)>,
    /// The operations whose answers announce the file's URL and SHA-1.
    pub announced_by: Option<AnnouncedBy>,
}

/// Operations announcing a download, and the answer fields with its URL and SHA-1.
#[derive(Debug, Clone)]
pub struct AnnouncedBy {
    /// Operation ids of the same service.
    pub operations: Vec<String>,
    pub url_field: String,
    pub digest_field: String,
}

/// How a downloaded file is proven to be the one WeChat Pay meant.
#[derive(Debug, Clone)]
pub enum Integrity {
    /// The answer is signed over `signed_body`, in which `{digest}` stands for the value of the
    /// header `digest_header`: the file's SHA-1.
    SignedDigest {
        digest_header: String,
        signed_body: String,
    },
    /// The answer is unsigned; the caller passes the SHA-1 an earlier signed answer announced.
    Announced,
}

impl Request {
    pub fn fields_in(&self, location: Location) -> impl Iterator<Item = &Field> {
        self.fields
            .iter()
            .filter(move |field| field.location == location)
    }
}

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// The struct the body decodes into; `None` for no body.
    pub body: Option<TypeRef>,
    /// The body is a file streamed to the caller.
    pub download: Option<Download>,
    /// Set when more than one success status is documented: the method answers this enum.
    pub outcomes: Option<Outcomes>,
}

/// The enum an operation with several documented success statuses answers.
#[derive(Debug, Clone)]
pub struct Outcomes {
    pub name: String,
    /// The main status first, then the alternatives in documented order.
    pub variants: Vec<Outcome>,
}

/// One documented success status.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub status: u16,
    pub variant: String,
    pub body: Option<TypeRef>,
}

#[derive(Debug, Clone)]
pub struct Example {
    pub title: String,
    pub kind: ExampleKind,
    pub json: String,
}
