//! The converted spec as our YAML format: a small model of what the converter produces, rendered
//! through `serde_yaml` so quoting is always right.

use serde_yaml::{Mapping, Value};

use codegen::spec::{ItemsDef, SourceFile, Sources};

/// One field, path, query or body parameter, as written under `fields:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldOut {
    pub ty: String,
    pub items: Option<ItemsDef>,
    pub required: bool,
    pub max_length: Option<u32>,
    pub sensitive: bool,
    pub description: String,
}

#[derive(Debug, Clone)]
pub struct TypeOut {
    pub name: String,
    pub description: String,
    pub fields: Vec<(String, FieldOut)>,
}

#[derive(Debug, Clone)]
pub struct EnumOut {
    pub name: String,
    pub description: String,
    /// The values are JSON integers (written as digits).
    pub integer: bool,
    /// Each value with its documented meaning, when known.
    pub values: Vec<(String, Option<String>)>,
}

/// One 业务错误码 row.
#[derive(Debug, Clone)]
pub struct ErrorOut {
    pub status: u16,
    pub code: String,
    pub description: String,
    pub solution: String,
}

#[derive(Debug, Clone)]
pub struct OperationOut {
    pub id: String,
    pub title: String,
    pub description: String,
    pub merchants: Vec<String>,
    pub updated: String,
    pub method: String,
    pub path: String,
    pub host: Option<String>,
    pub headers: Vec<(String, bool)>,
    pub path_params: Vec<(String, FieldOut)>,
    pub query: Vec<(String, FieldOut)>,
    pub body: Option<Vec<(String, FieldOut)>>,
    /// A multipart upload's framing; its meta fields (and form fields) are `body`.
    pub upload: Option<UploadOut>,
    pub status: u16,
    pub response_body: Option<String>,
    /// The answer is a file (`response.download`), from the facts.
    pub download: Option<codegen::spec::DownloadDef>,
    /// Other documented success statuses.
    pub alternatives: Vec<AlternativeOut>,
    pub errors: Vec<ErrorOut>,
    /// Where the operation's name and facts come from, one line each (a comment above it).
    pub provenance: Vec<String>,
}

/// One more documented success status and the type of its body.
#[derive(Debug, Clone)]
pub struct AlternativeOut {
    pub status: u16,
    pub body: Option<String>,
}

/// The `upload:` attribute of a multipart operation.
#[derive(Debug, Clone)]
pub struct UploadOut {
    pub file_part: String,
    pub description: String,
    pub meta_part: String,
    pub digest: String,
    /// `sm3` where the documentation asks for it; SHA-256 otherwise.
    pub sm3: bool,
    pub file_name: Option<String>,
    pub max_bytes: Option<u64>,
    pub types: Vec<(String, String)>,
    pub form_fields: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct ServiceOut {
    pub name: String,
    /// The file's first lines, each a comment: what it is and where its facts come from.
    pub header: Vec<String>,
    pub title: String,
    pub description: String,
    pub types: Vec<TypeOut>,
    pub enums: Vec<EnumOut>,
    pub operations: Vec<OperationOut>,
    /// Types and notifications the community description has no place for.
    pub overlay: Option<super::plan::ServiceOverlay>,
}

/// `spec/api.yaml` and one `spec/services/<name>.yaml` per service, sorted by file name like
/// [`codegen::spec::read_sources`] sorts them.
pub fn sources(title: &str, services: &[ServiceOut]) -> Result<Sources, serde_yaml::Error> {
    let api = SourceFile {
        path: "spec/api.yaml".to_owned(),
        text: render(&api_doc(title))?,
    };
    let mut files = services
        .iter()
        .map(|service| {
            Ok(SourceFile {
                path: format!("spec/services/{}.yaml", service.name),
                text: render_service(service)?,
            })
        })
        .collect::<Result<Vec<_>, serde_yaml::Error>>()?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Sources {
        api,
        services: files,
    })
}

const CONVERTED: &str = "# Converted by `cargo xtask convert` from the community description; a \
     benchmark input, not a reviewed spec.";

fn render(value: &Value) -> Result<String, serde_yaml::Error> {
    let text = serde_yaml::to_string(value)?;
    Ok(format!("{CONVERTED}\n{text}"))
}

/// A service file: its header, then the document with each operation's provenance as a
/// comment above it (comments are what YAML has for facts about facts).
fn render_service(service: &ServiceOut) -> Result<String, serde_yaml::Error> {
    let text = serde_yaml::to_string(&service_doc(service))?;
    let mut out = String::new();
    if service.header.is_empty() {
        out.push_str(CONVERTED);
        out.push('\n');
    }
    for line in &service.header {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    let mut in_operations = false;
    for line in text.lines() {
        if !line.starts_with(' ') {
            in_operations = line == "operations:";
        } else if in_operations && !line.starts_with("   ") {
            let id = line.trim().trim_end_matches(':');
            let op = service.operations.iter().find(|op| op.id == id);
            for comment in op.iter().flat_map(|op| &op.provenance) {
                out.push_str("  # ");
                out.push_str(comment);
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    Ok(out)
}

fn map<const N: usize>(entries: [(&str, Value); N]) -> Value {
    let mut mapping = Mapping::new();
    for (key, value) in entries {
        mapping.insert(Value::from(key), value);
    }
    Value::Mapping(mapping)
}

fn api_doc(title: &str) -> Value {
    map([
        (
            "api",
            map([
                ("title", Value::from(title)),
                (
                    "hosts",
                    map([
                        ("main", Value::from("https://api.mch.weixin.qq.com")),
                        ("backup", Value::from("https://api2.mch.weixin.qq.com")),
                    ]),
                ),
            ]),
        ),
        ("errors", Value::Sequence(Vec::new())),
    ])
}

fn service_doc(service: &ServiceOut) -> Value {
    let mut doc = Mapping::new();
    doc.insert(
        "service".into(),
        map([
            ("name", Value::from(service.name.as_str())),
            ("title", Value::from(service.title.as_str())),
            ("description", Value::from(service.description.as_str())),
        ]),
    );
    let types = service.types.iter().map(|def| {
        let value = map([
            ("description", Value::from(def.description.as_str())),
            ("fields", fields(&def.fields)),
        ]);
        (def.name.as_str(), value)
    });
    let mut types = named(types);
    if let (Value::Mapping(types), Some(overlay)) = (&mut types, &service.overlay) {
        types.extend(overlay.types.clone());
    }
    doc.insert("types".into(), types);
    let enums = service.enums.iter().map(|def| {
        let mut values = Mapping::new();
        for (value, meaning) in &def.values {
            let meaning = meaning.as_deref().map_or(Value::Null, Value::from);
            values.insert(Value::from(value.as_str()), meaning);
        }
        let mut value = Mapping::new();
        value.insert("description".into(), Value::from(def.description.as_str()));
        if def.integer {
            value.insert("type".into(), Value::from("integer"));
        }
        value.insert("values".into(), Value::Mapping(values));
        let value = Value::Mapping(value);
        (def.name.as_str(), value)
    });
    doc.insert("enums".into(), named(enums));
    let operations = service
        .operations
        .iter()
        .map(|op| (op.id.as_str(), operation(op)));
    doc.insert("operations".into(), named(operations));
    if let Some(overlay) = service
        .overlay
        .as_ref()
        .filter(|overlay| !overlay.notifications.is_empty())
    {
        doc.insert(
            "notifications".into(),
            Value::Mapping(overlay.notifications.clone()),
        );
    }
    if let Some(overlay) = service
        .overlay
        .as_ref()
        .filter(|overlay| !overlay.lifecycles.is_empty())
    {
        doc.insert(
            "lifecycles".into(),
            Value::Mapping(overlay.lifecycles.clone()),
        );
    }
    Value::Mapping(doc)
}

fn named<'a>(entries: impl Iterator<Item = (&'a str, Value)>) -> Value {
    let mut mapping = Mapping::new();
    for (name, value) in entries {
        mapping.insert(Value::from(name), value);
    }
    Value::Mapping(mapping)
}

fn fields(fields: &[(String, FieldOut)]) -> Value {
    named(
        fields
            .iter()
            .map(|(name, field)| (name.as_str(), field_value(field))),
    )
}

/// `string`, or `[string]` for an array of arrays, as the spec writes element types.
fn items_value(items: &ItemsDef) -> Value {
    match items {
        ItemsDef::Type(name) => Value::from(name.as_str()),
        ItemsDef::Array(inner) => Value::Sequence(inner.iter().map(items_value).collect()),
    }
}

fn field_value(field: &FieldOut) -> Value {
    let mut mapping = Mapping::new();
    mapping.insert("type".into(), Value::from(field.ty.as_str()));
    if let Some(items) = &field.items {
        mapping.insert("items".into(), items_value(items));
    }
    if let Some(max_length) = field.max_length {
        mapping.insert("max_length".into(), Value::from(max_length));
    }
    if field.required {
        mapping.insert("required".into(), Value::Bool(true));
    }
    if field.sensitive {
        mapping.insert("sensitive".into(), Value::Bool(true));
    }
    mapping.insert(
        "description".into(),
        Value::from(field.description.as_str()),
    );
    Value::Mapping(mapping)
}

fn upload_value(upload: &UploadOut) -> Value {
    let mut mapping = Mapping::new();
    let mut put = |key: &str, value: Value| {
        mapping.insert(Value::from(key), value);
    };
    put("file_part", Value::from(upload.file_part.as_str()));
    put("description", Value::from(upload.description.as_str()));
    put("meta_part", Value::from(upload.meta_part.as_str()));
    put("digest", Value::from(upload.digest.as_str()));
    if upload.sm3 {
        put("digest_algorithm", Value::from("sm3"));
    }
    if let Some(name) = &upload.file_name {
        put("file_name", Value::from(name.as_str()));
    }
    if let Some(max) = upload.max_bytes {
        put("max_bytes", Value::from(max));
    }
    if !upload.types.is_empty() {
        let types = upload.types.iter().map(|(extension, content_type)| {
            (extension.as_str(), Value::from(content_type.as_str()))
        });
        put("types", named(types));
    }
    if !upload.form_fields.is_empty() {
        let names = upload
            .form_fields
            .iter()
            .map(|name| Value::from(name.as_str()));
        put("form_fields", Value::Sequence(names.collect()));
    }
    Value::Mapping(mapping)
}

fn operation(op: &OperationOut) -> Value {
    let mut mapping = Mapping::new();
    let mut put = |key: &str, value: Value| {
        mapping.insert(Value::from(key), value);
    };
    put("title", Value::from(op.title.as_str()));
    put("description", Value::from(op.description.as_str()));
    let merchants = op.merchants.iter().map(|m| Value::from(m.as_str()));
    put("merchants", Value::Sequence(merchants.collect()));
    put("updated", Value::from(op.updated.as_str()));
    put("method", Value::from(op.method.as_str()));
    put("path", Value::from(op.path.as_str()));
    if let Some(host) = &op.host {
        put("hosts", map([("main", Value::from(host.as_str()))]));
    }
    put("retry_safe", Value::Bool(op.method == "GET"));
    if !op.headers.is_empty() {
        let headers = op.headers.iter().map(|(name, required)| {
            let value = map([
                ("required", Value::Bool(*required)),
                ("description", Value::from("(converted; undocumented)")),
            ]);
            (name.as_str(), value)
        });
        put("headers", named(headers));
    }
    if !op.path_params.is_empty() {
        put("path_params", fields(&op.path_params));
    }
    if !op.query.is_empty() {
        put("query", fields(&op.query));
    }
    if let Some(upload) = &op.upload {
        put("upload", upload_value(upload));
    }
    if let Some(body) = &op.body {
        put("body", fields(body));
    }
    let mut response = Mapping::new();
    response.insert("status".into(), Value::from(op.status));
    if let Some(body) = &op.response_body {
        response.insert("body".into(), Value::from(body.as_str()));
    }
    if let Some(download) = &op.download {
        response.insert("download".into(), download_value(download));
    }
    if !op.alternatives.is_empty() {
        let alternatives = op.alternatives.iter().map(|alternative| {
            let mut entry = Mapping::new();
            entry.insert("status".into(), Value::from(alternative.status));
            if let Some(body) = &alternative.body {
                entry.insert("body".into(), Value::from(body.as_str()));
            }
            Value::Mapping(entry)
        });
        response.insert(
            "alternatives".into(),
            Value::Sequence(alternatives.collect()),
        );
    }
    put("response", Value::Mapping(response));
    if !op.errors.is_empty() {
        let rows = op.errors.iter().map(|row| {
            map([
                ("status", Value::from(row.status)),
                ("code", Value::from(row.code.as_str())),
                ("description", Value::from(row.description.as_str())),
                ("solution", Value::from(row.solution.as_str())),
            ])
        });
        put("errors", Value::Sequence(rows.collect()));
    }
    Value::Mapping(mapping)
}

/// `response.download` as the spec writes it.
fn download_value(download: &codegen::spec::DownloadDef) -> Value {
    let mut out = Mapping::new();
    if let Some(header) = &download.digest_header {
        out.insert("digest_header".into(), Value::from(header.as_str()));
    }
    if let Some(signed_body) = &download.signed_body {
        out.insert("signed_body".into(), Value::from(signed_body.as_str()));
    }
    if let Some(codegen::spec::DigestSourceDef::Announced) = download.digest {
        out.insert("digest".into(), Value::from("announced"));
    }
    if download.gzip {
        out.insert("gzip".into(), Value::from(true));
    }
    if let Some(query) = &download.gzip_query {
        out.insert(
            "gzip_query".into(),
            map([
                ("field", Value::from(query.field.as_str())),
                ("value", Value::from(query.value.as_str())),
            ]),
        );
    }
    if let Some(announced_by) = &download.announced_by {
        let operations = announced_by
            .operations
            .iter()
            .map(|id| Value::from(id.as_str()));
        out.insert(
            "announced_by".into(),
            map([
                ("operations", Value::Sequence(operations.collect())),
                ("url_field", Value::from(announced_by.url_field.as_str())),
                (
                    "digest_field",
                    Value::from(announced_by.digest_field.as_str()),
                ),
            ]),
        );
    }
    Value::Mapping(out)
}
