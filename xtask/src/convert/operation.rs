//! One service's operations: which can be carried over, their ids, and their request and
//! response fields.

use std::collections::{BTreeMap, BTreeSet};

use super::community::{Operation, Schema};
use super::naming::path_words;
use super::plan::{self, Plan};
use super::schema::{At, Log, Place, Types};
use super::yaml::{AlternativeOut, ErrorOut, OperationOut, ServiceOut};
use codegen::ir::naming;

/// Why the format cannot express `op` at all, or `None` when it can.
pub fn unsupported(op: &Operation) -> Option<String> {
    if !matches!(
        op.method.as_str(),
        "GET" | "POST" | "PUT" | "PATCH" | "DELETE"
    ) {
        return Some(format!("method {:?} is not supported", op.method));
    }
    if is_upload(op)
        && let Err(reason) = upload_parts(op)
    {
        return Some(format!("multipart upload: {reason}"));
    }
    let Some(placeholders) = placeholders(&op.path) else {
        return Some("unbalanced or empty braces in the path".to_owned());
    };
    let declared: BTreeSet<&str> = op.path_params.iter().map(|p| p.name.as_str()).collect();
    if placeholders != declared {
        return Some(format!(
            "path placeholders {placeholders:?} do not match the declared path parameters \
             {declared:?} (declared as query or body parameters in the source)"
        ));
    }
    if success_status(op).is_none() {
        return Some("no success (2xx) response".to_owned());
    }
    None
}

/// The names between braces, or `None` when the braces do not pair up or one is empty.
fn placeholders(path: &str) -> Option<BTreeSet<&str>> {
    let mut names = BTreeSet::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}')? + open;
        let name = &rest[open + 1..close];
        if name.is_empty() || name.contains('{') {
            return None;
        }
        names.insert(name);
        rest = &rest[close + 1..];
    }
    (!rest.contains('}')).then_some(names)
}

/// The lowest 2xx status the operation documents.
fn success_status(op: &Operation) -> Option<u16> {
    op.responses
        .keys()
        .filter_map(|status| status.parse::<u16>().ok())
        .filter(|status| (200..300).contains(status))
        .min()
}

/// The operations of one service, with the ids given to them.
pub struct Operations<'a> {
    name: &'a str,
    ops: Vec<(&'a Operation, String)>,
    types: Types<'a>,
    plan: Option<&'a Plan>,
    pub log: Log,
}

impl<'a> Operations<'a> {
    /// Gives each operation its id: the plan's, or (benchmark) one unique across services
    /// (`ids` holds those already given): a verb for the method and the path's words, then
    /// with the service name, then with an ordinal.
    pub fn new(
        name: &'a str,
        ops: &[&'a Operation],
        ids: &mut BTreeSet<String>,
        plan: Option<&'a Plan>,
    ) -> Self {
        let mut types = Types::new(plan);
        types.reserve(&format!("{}Client", naming::type_name(name)));
        for taken in plan.into_iter().flat_map(|plan| plan.taken(name)) {
            types.reserve(taken);
        }
        // The overlay's types keep their names; converted types name themselves around them.
        for added in plan
            .into_iter()
            .flat_map(|plan| plan.overlays.type_names(name))
        {
            types.reserve(added);
        }
        let ops = ops
            .iter()
            .map(|op| {
                if let Some(names) = plan.and_then(|plan| plan.names.operation(op)) {
                    types.reserve(&format!("{}Request", naming::type_name(&names.id)));
                    return (*op, names.id.clone());
                }
                let verb = mechanical_verb(&op.method);
                let words = path_words(&op.path, 1);
                let join = |parts: &[&str]| {
                    let parts: Vec<&str> =
                        parts.iter().copied().filter(|p| !p.is_empty()).collect();
                    shorten(&parts.join("_"))
                };
                let mut candidates = vec![join(&[verb, &words]), join(&[verb, name, &words])];
                candidates.retain(|id| !ids.contains(id));
                let id = candidates.into_iter().next().unwrap_or_else(|| {
                    let base = join(&[verb, name, &words]);
                    ORDINALS
                        .iter()
                        .map(|ordinal| format!("{}_{ordinal}", shorten_to(&base, 56)))
                        .find(|id| !ids.contains(id))
                        .unwrap_or(base)
                });
                ids.insert(id.clone());
                types.reserve(&format!("{}Request", naming::type_name(&id)));
                (*op, id)
            })
            .collect();
        Operations {
            name,
            ops,
            types,
            plan,
            log: Log::default(),
        }
    }

    /// The service: its operations in input order, then the types they made.
    pub fn service(&mut self, warnings: &mut Vec<String>) -> ServiceOut {
        let ops = std::mem::take(&mut self.ops);
        let operations = ops.iter().map(|(op, id)| self.operation(op, id)).collect();
        let mut tags: BTreeMap<&str, usize> = BTreeMap::new();
        for (op, _) in &ops {
            if let Some(tag) = op.tags.first() {
                *tags.entry(tag.as_str()).or_default() += 1;
            }
        }
        let title = tags
            .iter()
            .max_by_key(|(tag, count)| (**count, std::cmp::Reverse(**tag)))
            .map_or_else(|| self.name.to_owned(), |(tag, _)| (*tag).to_owned());
        warnings.append(&mut self.log.warnings);
        let types = std::mem::replace(&mut self.types, Types::new(self.plan));
        let named = self
            .plan
            .and_then(|plan| plan.names.services.get(self.name));
        let description = named
            .and_then(|named| named.description.clone())
            .unwrap_or_else(|| operation_list(&ops));
        let overlay = self
            .plan
            .and_then(|plan| plan.overlays.services.get(self.name));
        let mut header = self
            .plan
            .map(|plan| plan.header.clone())
            .unwrap_or_default();
        if let (Some(plan), Some(_)) = (self.plan, overlay) {
            header.push(format!(
                "Notifications and their resource types: {} ({}).",
                plan.overlays.path,
                plan.overlays
                    .source
                    .as_deref()
                    .unwrap_or("source not stated")
            ));
        }
        ServiceOut {
            name: self.name.to_owned(),
            header,
            title: named.map_or(title, |named| named.title.clone()),
            description,
            types: types.types,
            enums: types.enums,
            operations,
            overlay: overlay.cloned(),
        }
    }

    fn operation(&mut self, op: &Operation, id: &str) -> OperationOut {
        let label = format!("{} {}", op.method, op.path);
        let camel = naming::type_name(id);
        let request = format!("{camel}Request");
        let at = |path: &str| At {
            operation: &label,
            path: path.to_owned(),
        };
        // Path, query and body fields make one request struct: one set of names for all three.
        let mut seen = BTreeSet::new();
        let mut params = |params: &[super::community::Parameter], path: &str, log: &mut Log| {
            let schemas: Vec<Schema> = params.iter().map(|p| p.as_schema()).collect();
            let place = if path == "query" {
                Place::Query
            } else {
                Place::Path
            };
            self.types
                .fields(&schemas, &request, place, &at(path), &mut seen, log)
        };
        let mut path_params = params(&op.path_params, "path", &mut self.log);
        for (_, field) in &mut path_params {
            field.required = true;
        }
        let query = params(&op.query_params, "query", &mut self.log);
        let key = plan::key(op);
        // An upload's body is its meta's fields (and the form fields beside the meta); the
        // file, the digest and the file name are the runtime's.
        let (properties, upload) = match upload_parts(op) {
            Ok(mut parts) if is_upload(op) => {
                let facts = self.plan.and_then(|plan| plan.upload(&key));
                if facts.is_none_or(|facts| facts.max_bytes.is_none() && facts.types.is_empty()) {
                    at("upload").warn(
                        &mut self.log,
                        "no documented size limit or file types: any file is sent",
                    );
                }
                let body = std::mem::take(&mut parts.body);
                // The file and meta parts, the digest and the file name: carried as `upload:`.
                self.log.carried += 3 + usize::from(parts.file_name.is_some());
                (Some(body), Some(parts.upload(facts)))
            }
            _ => (
                op.request_body
                    .as_ref()
                    .map(|body| body.properties.clone().unwrap_or_default()),
                None,
            ),
        };
        let body = properties.map(|properties| {
            self.types.fields(
                &properties,
                &request,
                Place::Json,
                &at("request"),
                &mut seen,
                &mut self.log,
            )
        });
        let status = success_status(op).unwrap_or(200);
        let response_body = self.response(
            op,
            status,
            &format!("{camel}Response"),
            &at(&format!("response {status}")),
        );
        let mut alternatives = Vec::new();
        for (other, schema) in op
            .responses
            .iter()
            .filter(|(s, _)| **s != status.to_string())
        {
            let place = at(&format!("response {other}"));
            match other.parse::<u16>() {
                Ok(code) if (200..300).contains(&code) => {
                    let name = format!("{camel}{}Response", naming::status_variant(code));
                    let body = self.response(op, code, &name, &place);
                    alternatives.push(AlternativeOut { status: code, body });
                }
                // WeChat Pay's error body: every operation's `Error::Api` carries it.
                Ok(code) if code >= 400 && schema.as_ref().is_none_or(is_error_body) => {
                    self.log.carried += schema.as_ref().map_or(0, |s| s.count_descendants());
                }
                _ => place.warn(
                    &mut self.log,
                    "skipped: neither a success status nor WeChat Pay's error body (code, message, detail)",
                ),
            }
        }
        let errors = self
            .plan
            .and_then(|plan| plan.errors(&key))
            .map(|(rows, _)| {
                rows.iter()
                    .map(|row| ErrorOut {
                        status: row.status,
                        code: row.code.clone(),
                        description: row.description.clone(),
                        solution: row.solution.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let provenance = self
            .plan
            .map(|plan| plan.provenance(&key))
            .unwrap_or_default();
        let download = self.plan.and_then(|plan| plan.download(&key)).cloned();
        let headers = op
            .header_params
            .iter()
            .map(|header| (header.name.clone(), header.required))
            .collect();
        OperationOut {
            id: id.to_owned(),
            title: op.summary.clone().unwrap_or_else(|| label.clone()),
            description: match self.plan {
                Some(_) => op.summary.clone().unwrap_or_else(|| label.clone()),
                None => format!(
                    "{} (converted from the community description; tags: {})",
                    op.summary.as_deref().unwrap_or(&label),
                    op.tags.join(", ")
                ),
            },
            merchants: if op.roles.is_empty() {
                vec!["(converted)".to_owned()]
            } else {
                op.roles.clone()
            },
            updated: op
                .last_updated
                .clone()
                .unwrap_or_else(|| "(unknown)".to_owned()),
            method: op.method.clone(),
            path: op.path.clone(),
            // A regional host of its own (`https://apihk.mch.weixin.qq.com/`), without the slash.
            host: op
                .host
                .as_deref()
                .map(|host| host.trim_end_matches('/').to_owned()),
            headers,
            path_params,
            query,
            body,
            upload,
            status,
            // A file has no body type: what the facts say of it replaces any.
            response_body: if download.is_some() {
                None
            } else {
                response_body
            },
            download,
            alternatives,
            errors,
            provenance,
        }
    }

    /// The type the success body decodes into; none for 204 or a body with no described fields.
    fn response(&mut self, op: &Operation, status: u16, name: &str, at: &At<'_>) -> Option<String> {
        let schema = op.responses.get(&status.to_string())?.as_ref()?;
        if status == 204 {
            return None;
        }
        let properties = schema.properties.as_deref().unwrap_or_default();
        if properties.is_empty() {
            at.warn(
                &mut self.log,
                "skipped: response object without described fields; not decoded",
            );
            return None;
        }
        let description = schema
            .description
            .clone()
            .unwrap_or_else(|| match self.plan {
                Some(_) => format!("{}的应答", op.summary.as_deref().unwrap_or(at.operation)),
                None => format!("(converted) the response of {}", at.operation),
            });
        let mut candidates = vec![name.to_owned()];
        // names.yaml names the main success body.
        let named = self
            .plan
            .and_then(|plan| plan.names.operation(op))
            .and_then(|names| names.response.clone())
            .filter(|_| Some(status) == success_status(op));
        if let Some(named) = named {
            candidates.insert(0, named);
        }
        Some(
            self.types
                .object_type(properties, &candidates, &description, at, &mut self.log),
        )
    }
}

/// An error status's body as WeChat Pay documents every error: `code`, `message`, `detail`.
fn is_error_body(schema: &Schema) -> bool {
    let properties = schema.properties.as_deref().unwrap_or_default();
    properties.iter().any(|p| p.name.as_deref() == Some("code"))
        && properties
            .iter()
            .all(|p| matches!(p.name.as_deref(), Some("code" | "message" | "detail")))
}

fn is_upload(op: &Operation) -> bool {
    op.consumes.as_deref() == Some("multipart/form-data")
}

/// A multipart operation read into its parts.
struct UploadParts {
    file_part: String,
    description: String,
    meta_part: String,
    digest: String,
    sm3: bool,
    file_name: Option<String>,
    form_fields: Vec<String>,
    /// The meta's fields but the digest and the file name, then the form fields.
    body: Vec<Schema>,
}

impl UploadParts {
    fn upload(self, facts: Option<&plan::UploadFacts>) -> super::yaml::UploadOut {
        let documented = facts.and_then(|facts| facts.description.clone());
        let algorithm = facts.and_then(|facts| facts.digest_algorithm);
        super::yaml::UploadOut {
            file_part: self.file_part,
            description: documented.unwrap_or(self.description),
            meta_part: self.meta_part,
            digest: self.digest,
            sm3: algorithm.map_or(self.sm3, |algorithm| {
                algorithm == codegen::spec::DigestAlgorithm::Sm3
            }),
            file_name: self.file_name,
            max_bytes: facts.and_then(|facts| facts.max_bytes),
            types: facts
                .map(|facts| {
                    facts
                        .types
                        .iter()
                        .map(|(extension, content_type)| (extension.clone(), content_type.clone()))
                        .collect()
                })
                .unwrap_or_default(),
            form_fields: self.form_fields,
        }
    }
}

/// The meta fields the runtime computes, as the community description names them.
const DIGEST_FIELDS: [&str; 3] = ["sha256", "file_digest", "digest"];
const FILE_NAME_FIELDS: [&str; 2] = ["filename", "file_name"];
/// A meta field naming the digest algorithm: the 电子发票 uploads, whose documentation asks for
/// SM3 (`digest_alogrithm` as the source spells it, or `digest_algorithm`).
const ALGORITHM_FIELDS: [&str; 2] = ["digest_alogrithm", "digest_algorithm"];

/// The parts of a multipart request body: one binary property (the file), one
/// `jsonObjectLike` property with the meta's fields (`x-json`), the rest form fields.
fn upload_parts(op: &Operation) -> Result<UploadParts, String> {
    let properties = op
        .request_body
        .as_ref()
        .and_then(|body| body.properties.as_deref())
        .unwrap_or_default();
    let name = |schema: &Schema| schema.name.clone().unwrap_or_default();
    let file = properties
        .iter()
        .find(|p| p.format.as_deref() == Some("binary"))
        .ok_or("no binary property for the file")?;
    let meta = properties
        .iter()
        .find(|p| p.format.as_deref() == Some("jsonObjectLike") && p.x_json.is_some())
        .ok_or("no jsonObjectLike property with the meta's fields")?;
    let meta_fields = meta
        .x_json
        .as_ref()
        .and_then(|meta| meta.properties.clone())
        .unwrap_or_default();
    let field_named = |names: &[&str]| {
        meta_fields
            .iter()
            .map(name)
            .find(|field| names.contains(&field.as_str()))
    };
    let digest = field_named(&DIGEST_FIELDS).ok_or("the meta names no digest field")?;
    let file_name = field_named(&FILE_NAME_FIELDS);
    let sm3 = field_named(&ALGORITHM_FIELDS).is_some();
    let computed = |schema: &Schema| {
        let field = name(schema);
        field == digest || file_name.as_deref() == Some(field.as_str())
    };
    let form: Vec<Schema> = properties
        .iter()
        .filter(|p| name(p) != name(file) && name(p) != name(meta))
        .cloned()
        .collect();
    let mut body: Vec<Schema> = meta_fields
        .iter()
        .filter(|f| !computed(f))
        .cloned()
        .collect();
    body.extend(form.iter().cloned());
    Ok(UploadParts {
        file_part: name(file),
        description: file.description.clone().unwrap_or_default(),
        meta_part: name(meta),
        digest,
        sm3,
        file_name,
        form_fields: form.iter().map(name).collect(),
        body,
    })
}

/// Words that set apart operations a mechanical name would give the same id; a number would
/// break the naming rules (`ir::naming::operation_id_problem`).
const ORDINALS: [&str; 9] = [
    "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
];

/// What an operation without a name in `spec/import/names.yaml` is called to do, from its
/// method: a stand-in until a person names it, but one the naming rules accept.
fn mechanical_verb(method: &str) -> &'static str {
    match method.to_ascii_uppercase().as_str() {
        "GET" => "query",
        "POST" => "create",
        "PUT" => "update",
        "PATCH" => "modify",
        // Not `delete`: followed by path words it would spell the path (`ir::naming::spells_path`).
        _ => "remove",
    }
}

/// `id` cut at a word boundary to the longest operation id the rules allow, without a
/// trailing number (a placeholder like `{openid_1}` gives one).
fn shorten(id: &str) -> String {
    let mut id = shorten_to(id, codegen::ir::naming::MAX_OPERATION_ID);
    while let Some((rest, last)) = id.rsplit_once('_') {
        if !last.chars().all(|c| c.is_ascii_digit()) {
            break;
        }
        id = rest.to_owned();
    }
    id
}

fn shorten_to(id: &str, max: usize) -> String {
    if id.len() <= max {
        return id.to_owned();
    }
    let mut cut = String::new();
    for word in id.split('_') {
        if cut.len() + 1 + word.len() > max {
            break;
        }
        if !cut.is_empty() {
            cut.push('_');
        }
        cut.push_str(word);
    }
    cut
}

/// A service's description where `names.yaml` gives none: what its operations do, in the
/// documentation's own titles.
fn operation_list(ops: &[(&Operation, String)]) -> String {
    const SHOWN: usize = 8;
    let titles: Vec<&str> = ops
        .iter()
        .filter_map(|(op, _)| op.summary.as_deref())
        .map(str::trim)
        .filter(|title| !title.is_empty())
        .collect();
    let mut text = format!(
        "{} 个接口: {}",
        ops.len(),
        titles[..titles.len().min(SHOWN)].join("、")
    );
    if titles.len() > SHOWN {
        text.push_str(" 等");
    }
    text.push('。');
    text
}
