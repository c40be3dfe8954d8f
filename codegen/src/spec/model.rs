//! The spec as written in YAML: one struct per kind of YAML node, no interpretation yet.
//!
//! Every struct denies unknown keys, so a misspelt attribute (`max_lenght`) is an error with a line
//! number instead of a silently ignored fact.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::format as shape;

use super::named::Named;

/// `spec/api.yaml`: settings shared by every service.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiDoc {
    pub api: ApiSettings,
    /// 公共错误码: codes every operation can answer with.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ErrorRow>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiSettings {
    pub title: String,
    /// The generated crate's version (`MAJOR.MINOR.PATCH`); `cargo xtask changes` says when a
    /// spec change calls for a bump. `0.1.0` when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("pattern" = shape::VERSION))]
    pub version: Option<String>,
    pub hosts: Hosts,
    /// The services (cargo features) a dependency gets without naming features; every service
    /// when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_features: Option<Vec<String>>,
    /// The crates the services compile in, by short name (`payments` is the crate
    /// `wechatpay-apiv3-payments`): cargo builds crates side by side, so a few of them build the
    /// whole API faster than one. Every service is in exactly one; all in one crate, `services`,
    /// when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crates: Option<std::collections::BTreeMap<String, CrateDef>>,
}

/// One crate of services.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CrateDef {
    /// What its services have in common, for the crate's description.
    #[schemars(extend("pattern" = shape::NOT_BLANK))]
    pub title: String,
    /// Its services, by name.
    pub services: Vec<String>,
}

/// The main host and, where there is one, the backup host requests fail over to.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Hosts {
    #[schemars(extend("pattern" = shape::HTTPS_URL))]
    pub main: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("pattern" = shape::HTTPS_URL))]
    pub backup: Option<String>,
}

/// One row of an error table: 状态码 | 错误码 | 描述 | 解决方案.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorRow {
    #[schemars(range(min = 400, max = 599))]
    pub status: u16,
    #[schemars(extend("pattern" = shape::ERROR_CODE))]
    pub code: String,
    #[schemars(extend("pattern" = shape::NOT_BLANK))]
    pub description: String,
    pub solution: String,
}

/// `spec/services/<name>.yaml`: one service, which becomes one module and one cargo feature.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceDoc {
    pub service: ServiceInfo,
    #[serde(default, skip_serializing_if = "Named::is_empty")]
    #[schemars(extend("propertyNames" = shape::type_names()))]
    pub types: Named<TypeDef>,
    #[serde(default, skip_serializing_if = "Named::is_empty")]
    #[schemars(extend("propertyNames" = shape::type_names()))]
    pub enums: Named<EnumDef>,
    #[serde(default, skip_serializing_if = "Named::is_empty")]
    #[schemars(extend("propertyNames" = shape::operation_ids()))]
    pub operations: Named<OperationDef>,
    /// Notifications (回调通知) WeChat Pay sends, by id.
    #[serde(default, skip_serializing_if = "Named::is_empty")]
    pub notifications: Named<NotificationDef>,
    /// Documented lifecycles (an order's states) the sandbox of the `testkit` feature keeps.
    #[serde(default, skip_serializing_if = "Named::is_empty")]
    pub lifecycles: Named<LifecycleDef>,
}

/// A lifecycle: the operations that create, read and move one kind of instance (a recharge, an
/// order), keyed by a request field, its state held in a response field.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LifecycleDef {
    pub title: String,
    /// The request field naming the instance in every step (path, query or body).
    pub key: String,
    /// The response field holding the state; an enum field of every step's response.
    pub state: String,
    /// Response fields given a fresh number when an instance is created (WeChat Pay's own ids).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<String>,
    /// Operation id → what it does to the instance.
    #[schemars(extend("minProperties" = 1))]
    pub steps: Named<StepDef>,
    /// The notification WeChat Pay sends when an instance enters some states.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify: Option<LifecycleNotifyDef>,
}

/// Which notification a lifecycle's instance sends, where, and on entering which states.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LifecycleNotifyDef {
    /// The body field of every creating request that holds the URL to notify (`notify_url`).
    pub url: String,
    /// The id of one of the file's `notifications` (its resource type is what is sent).
    pub notification: String,
    /// State → the event type sent when an instance enters it.
    pub events: Named<String>,
    /// The resource field holding the state, where it is not named like the lifecycle's
    /// (the refund notification's `refund_status` for the refund's `status`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

/// One operation's part in a lifecycle. With neither `create` nor `to` it only reads.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = shape::step_attributes_go_together)]
pub struct StepDef {
    /// Creates the instance in this state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create: Option<String>,
    /// Moves an existing instance to this state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// For `create`: the description of the operation's error row answered when the key is
    /// taken; without it a repeat answers the instance as it is (the same prepay_id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exists: Option<String>,
    /// For the other steps: the description of the error row answered when the key is unknown;
    /// without it the sandbox answers its own 404 `NOT_FOUND`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<String>,
    /// For `create` with `exists`: request fields that, unchanged, make a repeat answer the
    /// instance as it is (the same prepay_id); a repeat that changes one is refused with `exists`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repeat_same: Vec<String>,
    /// For `to`: the states the move is allowed from; from any other it is refused with the
    /// row `refused` describes (关单 of a paid order).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub from: Vec<String>,
    /// The description of the operation's error row answered when `from` does not hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
    /// For `create`: the instance of another lifecycle this one belongs to (a refund's order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<ParentDef>,
}

/// The instance a created one belongs to, what it must be in, and what it becomes.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParentDef {
    /// The lifecycles the parent may be in (any service's), searched in order: a refund's order
    /// is a merchant's or a partner's.
    pub lifecycles: Vec<String>,
    /// Request fields naming the parent, each the name of the parent's field it must equal
    /// (its key, or an id such as `transaction_id`); the first one the request gives is used.
    pub by: Vec<String>,
    /// The description of this operation's error row when the request names no known parent.
    pub missing: String,
    /// The parent's states that allow the step.
    pub states: Vec<String>,
    /// The description of this operation's error row when the parent is in another state.
    pub refused: String,
    /// The parent's state after the step, if it changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moves_to: Option<String>,
    /// A sum the children may not exceed: the children's `field` (this one's included) against
    /// the parent's `limit` (refunds against the order's total).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<WithinDef>,
}

/// The children's `field` summed may not exceed the parent's `limit` (dotted paths).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WithinDef {
    pub field: String,
    pub limit: String,
    /// The description of this operation's error row when the sum would exceed the limit.
    pub refused: String,
}

/// A notification: the event types it comes with and the type of its decrypted resource.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationDef {
    pub title: String,
    pub description: String,
    /// Each `event_type` with its documented meaning.
    pub event_types: Named<Option<String>>,
    /// The type of the decrypted `resource`.
    pub resource: String,
    /// Decrypted resources as documented.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<NotificationExampleDef>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationExampleDef {
    pub title: String,
    /// The decrypted resource's JSON, kept verbatim.
    pub json: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceInfo {
    /// The module and cargo feature name.
    #[schemars(extend("pattern" = shape::SERVICE_NAME, "not" = shape::reserved_features()))]
    pub name: String,
    pub title: String,
    pub description: String,
    /// A regional host that replaces the API-wide hosts for this service's operations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosts: Option<Hosts>,
}

/// A named object type shared by operations.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TypeDef {
    pub description: String,
    pub fields: Named<FieldDef>,
}

/// One field of an object, or one path, query or body parameter.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = shape::items_only_with_arrays)]
#[schemars(transform = shape::max_length_only_on_text)]
pub struct FieldDef {
    /// `string`, `integer`, `boolean`, `datetime`, `array`, or the name of a type or enum.
    #[serde(rename = "type")]
    pub ty: String,
    /// The element type of an `array`: a type name, or `[name]` for arrays of arrays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<ItemsDef>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    /// The documented limit, `string(64)` in the docs; counted in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_length: Option<u32>,
    /// 敏感信息: encrypted with RSA-OAEP before sending, redacted in `Debug`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sensitive: bool,
    pub description: String,
}

/// The element type of an array: `items: string`, or, for an array of arrays, the inner array's
/// element type in brackets: `items: [number]` (coordinate pairs), `items: [[Thing]]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum ItemsDef {
    Type(String),
    /// One entry: the element type of the inner array.
    Array(Vec<ItemsDef>),
}

impl ItemsDef {
    /// The element type's name when the elements are not arrays themselves.
    pub fn name(&self) -> Option<&str> {
        match self {
            ItemsDef::Type(name) => Some(name),
            ItemsDef::Array(_) => None,
        }
    }

    /// The inner array's element type; `None` for a plain element or brackets not holding exactly
    /// one entry (which the validator reports).
    pub fn inner(&self) -> Option<&ItemsDef> {
        match self {
            ItemsDef::Array(inner) if inner.len() == 1 => inner.first(),
            _ => None,
        }
    }
}

impl std::fmt::Display for ItemsDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ItemsDef::Type(name) => f.write_str(name),
            ItemsDef::Array(inner) => {
                f.write_str("[")?;
                for (i, item) in inner.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
        }
    }
}

/// A string enum; each value maps to its documented meaning, or `null` where the docs give none.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnumDef {
    pub description: String,
    /// What the values are on the wire: strings (the default) or integers.
    #[serde(default, rename = "type", skip_serializing_if = "EnumWire::is_default")]
    pub wire: EnumWire,
    /// Each value with its documented meaning, or `null`.
    #[schemars(extend("minProperties" = 1, "propertyNames" = shape::not_blank()))]
    pub values: Named<Option<String>>,
}

/// How an enum's values travel.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum EnumWire {
    /// JSON strings, e.g. `"SUCCESS"`.
    #[default]
    String,
    /// JSON integers, e.g. `1`; the values are written as the digits.
    Integer,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl EnumWire {
    fn is_default(&self) -> bool {
        *self == EnumWire::default()
    }
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = shape::uploads_are_posts)]
#[schemars(transform = shape::certificate_downloads_are_gets)]
pub struct OperationDef {
    pub title: String,
    pub description: String,
    /// 支持商户, e.g. `[平台商户]`.
    #[schemars(length(min = 1), extend("items" = shape::not_blank()))]
    pub merchants: Vec<String>,
    /// 更新时间 as printed on the page, e.g. `"2025.07.29"`.
    pub updated: String,
    pub method: HttpMethod,
    /// Starts with `/`; `{name}` stands for a path parameter.
    #[schemars(extend("pattern" = shape::PATH))]
    pub path: String,
    /// Hosts for this operation alone, replacing the service's (and the API's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosts: Option<Hosts>,
    /// Whether resending after a timeout or `SYSTEM_ERROR` cannot do the work twice.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retry_safe: bool,
    /// Documented HTTP headers; the runtime sets them, so they are documentation only.
    #[serde(default, skip_serializing_if = "Named::is_empty")]
    pub headers: Named<HeaderDef>,
    #[serde(default, skip_serializing_if = "Named::is_empty")]
    pub path_params: Named<FieldDef>,
    #[serde(default, skip_serializing_if = "Named::is_empty")]
    pub query: Named<FieldDef>,
    /// The JSON body's fields; absent when the request has no body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Named<FieldDef>>,
    /// Mutually exclusive merchant modes (直连 / 机构): each names the request fields only it sends.
    #[serde(default, skip_serializing_if = "Named::is_empty")]
    pub modes: Named<ModeDef>,
    /// How a list operation pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paging: Option<PagingDef>,
    /// This operation downloads the platform certificates (平台证书): the client's certificate
    /// mode fetches through it. Its answer must list `data[]` with `serial_no` and an
    /// `encrypt_certificate` of `algorithm`, `nonce`, `associated_data` and `ciphertext`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub platform_certificates: bool,
    /// A multipart upload (`multipart/form-data`): a file part beside a meta JSON part that
    /// holds the `body` fields and is what the signature covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload: Option<UploadDef>,
    pub response: ResponseDef,
    /// 业务错误码: the operation's own error rows, all repeats kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ErrorRow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<ExampleDef>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HeaderDef {
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    pub description: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = shape::no_content_has_no_body)]
#[schemars(transform = shape::downloads_have_one_status)]
pub struct ResponseDef {
    #[schemars(range(min = 200, max = 299))]
    pub status: u16,
    /// The name of the type the body decodes into; absent for a response with no body (204).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The body is a file, streamed to the caller instead of decoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download: Option<DownloadDef>,
    /// Other documented success statuses (a 204 beside a 200 with a body): the method then
    /// answers an outcome enum saying which one arrived.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<AlternativeDef>,
}

/// One more documented success status and its body.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = shape::no_content_has_no_body)]
pub struct AlternativeDef {
    #[schemars(range(min = 200, max = 299))]
    pub status: u16,
    /// The name of the type the body decodes into; absent for a response with no body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

/// One merchant mode: its title and the request fields that belong to it alone.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModeDef {
    pub title: String,
    /// Wire names of fields declared in `path_params`, `query` or `body`; their `required`
    /// applies within this mode.
    pub fields: Vec<String>,
}

/// Offset paging: which query fields move through the list and where the items are.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PagingDef {
    /// The query field with the index of the first item.
    pub offset: String,
    /// The query field with the page size.
    pub limit: String,
    /// The documented largest page size.
    pub max_limit: u32,
    /// The response's array field holding one page of items.
    pub items: String,
    /// The response's field with the total number of items, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<String>,
}

/// A file download and how its integrity is proven: either the answer is signed over a small
/// JSON carrying the file's digest (`digest_header` and `signed_body`, the global statements),
/// or it is not signed at all and the caller passes the SHA-1 an earlier signed answer announced
/// (`digest: announced`, the domestic bills).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = shape::downloads_say_how_they_are_checked)]
pub struct DownloadDef {
    /// The header carrying the hex SHA-1 of the file as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("pattern" = shape::NOT_BLANK))]
    pub digest_header: Option<String>,
    /// What the response signature covers instead of the body, with `{digest}` standing for
    /// the header's value, e.g. `{"sha1":"{digest}"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("pattern" = shape::DIGEST_PLACEHOLDER))]
    pub signed_body: Option<String>,
    /// `announced`: the answer is unsigned and the file's SHA-1 is the caller's, from an
    /// earlier signed answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<DigestSourceDef>,
    /// Ask for the file gzip-compressed (`Accept-Encoding: gzip`) and decode it while
    /// streaming; the digest is of the decoded file.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub gzip: bool,
    /// A query value that asks for the file as a gzip archive: the body is then decoded while
    /// streaming, and the digest is of the decoded file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gzip_query: Option<GzipQueryDef>,
    /// With `digest: announced`: the operations whose answers announce this file's URL and
    /// SHA-1 (申请交易账单's `download_url` and `hash_value`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announced_by: Option<AnnouncedByDef>,
}

/// The operations that announce a download's URL and SHA-1, and the answer fields holding them.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnnouncedByDef {
    /// Operation ids of the same service.
    pub operations: Vec<String>,
    /// The top-level answer field with the download URL, e.g. `download_url`.
    pub url_field: String,
    /// The top-level answer field with the file's SHA-1, e.g. `hash_value`.
    pub digest_field: String,
}

/// Where the digest of a file comes from, besides a signed header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DigestSourceDef {
    /// From the caller: an earlier signed answer announced it (申请账单's `hash_value`).
    Announced,
}

/// The query field and value with which a request asks for a gzip archive.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GzipQueryDef {
    /// The query field, e.g. `tartype`.
    #[schemars(extend("pattern" = shape::NOT_BLANK))]
    pub field: String,
    /// Its value that asks for gzip, e.g. `GZIP`.
    #[schemars(extend("pattern" = shape::NOT_BLANK))]
    pub value: String,
}

/// How a multipart upload is framed and what the runtime computes for it.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadDef {
    /// The part holding the file, e.g. `file`.
    #[schemars(extend("pattern" = shape::PART_NAME))]
    pub file_part: String,
    /// What the documentation says of the file (formats, size).
    pub description: String,
    /// The part holding the meta JSON, e.g. `meta`: the `body` fields plus the digest and file
    /// name below. The request signature covers exactly these bytes.
    #[schemars(extend("pattern" = shape::PART_NAME))]
    pub meta_part: String,
    /// The meta field the runtime fills with the file's digest, lower-case hex, e.g. `sha256`.
    pub digest: String,
    /// How that digest is computed.
    #[serde(default, skip_serializing_if = "DigestAlgorithm::is_default")]
    pub digest_algorithm: DigestAlgorithm,
    /// The meta field the runtime fills with the file's name, e.g. `filename`, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// The documented size limit, in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_bytes: Option<u64>,
    /// The documented file types: extension (lower case, no dot) to the file part's
    /// `Content-Type`. Empty: any file, sent as `application/octet-stream`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(extend(
        "propertyNames" = { "pattern": shape::EXTENSION },
        "additionalProperties" = { "type": "string", "pattern": shape::MEDIA_TYPE },
    ))]
    pub types: BTreeMap<String, String>,
    /// `body` fields sent as parts of their own beside the meta, outside what is signed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub form_fields: Vec<String>,
}

/// A file digest the API asks for in an upload's meta.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DigestAlgorithm {
    /// SHA-256, the media uploads' digest.
    #[default]
    Sha256,
    /// SM3 (GB/T 32905), the 电子发票 uploads' digest.
    Sm3,
}

impl DigestAlgorithm {
    fn is_default(&self) -> bool {
        *self == DigestAlgorithm::default()
    }

    /// As the spec spells it: `sha256`, `sm3`.
    pub fn key(self) -> &'static str {
        match self {
            DigestAlgorithm::Sha256 => "sha256",
            DigestAlgorithm::Sm3 => "sm3",
        }
    }

    /// As documentation names it: `SHA-256`, `SM3`.
    pub fn label(self) -> &'static str {
        match self {
            DigestAlgorithm::Sha256 => "SHA-256",
            DigestAlgorithm::Sm3 => "SM3",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExampleKind {
    /// Path, query and body fields together, by wire name.
    Request,
    /// The response body.
    Response,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExampleDef {
    pub title: String,
    pub kind: ExampleKind,
    /// The JSON text as documented, kept verbatim.
    pub json: String,
}

impl LifecycleDef {
    /// Its states: the values of the state field's enum, read from the first step whose answer
    /// holds it (validation and the IR both read them here).
    pub fn states(&self, doc: &ServiceDoc) -> Vec<String> {
        self.steps
            .iter()
            .find_map(|(operation, _)| {
                let body = doc.operations.get(operation)?.response.body.as_deref()?;
                let field = doc.types.get(body)?.fields.get(&self.state)?;
                let states = doc.enums.get(&field.ty)?;
                Some(states.values.names().map(str::to_owned).collect())
            })
            .unwrap_or_default()
    }
}
