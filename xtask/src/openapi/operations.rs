//! Paths into operations: parameters, the JSON or multipart body, the success answers, the
//! error rows, the merchant modes and the examples.

use std::collections::BTreeMap;

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::{Map, Value};

use codegen::spec::{
    AlternativeDef, AnnouncedByDef, DigestAlgorithm, DigestSourceDef, DownloadDef, ErrorRow,
    ExampleDef, ExampleKind, FieldDef, GzipQueryDef, HeaderDef, Hosts, HttpMethod, ModeDef, Named,
    OperationDef, PagingDef, ResponseDef, UploadDef,
};

use super::Importer;
use super::node::{ImportError, Node};

const METHODS: [(&str, HttpMethod); 5] = [
    ("get", HttpMethod::Get),
    ("post", HttpMethod::Post),
    ("put", HttpMethod::Put),
    ("patch", HttpMethod::Patch),
    ("delete", HttpMethod::Delete),
];

/// Example key → (title, the request's fields by wire name).
type RequestExamples = BTreeMap<ExampleKey, (String, Map<String, Value>)>;

/// `example_10` after `example_9`: the keys our export numbers in documented order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct ExampleKey(Option<u64>, String);

impl ExampleKey {
    fn new(key: &str) -> ExampleKey {
        let number = key.strip_prefix("example_").and_then(|n| n.parse().ok());
        ExampleKey(number, key.to_owned())
    }
}

impl<'a> Importer<'a> {
    pub(super) fn paths(&mut self) -> Result<(), ImportError> {
        let Some(paths) = self.doc.get("paths") else {
            return Ok(());
        };
        for (path, item) in paths.entries()? {
            for (key, node) in item.entries()? {
                match METHODS.iter().find(|(name, _)| *name == key) {
                    Some((_, method)) => self.operation(path, *method, &node, &item)?,
                    None if matches!(key, "parameters" | "summary" | "description" | "servers") => {
                    }
                    None if key.starts_with("x-") => {}
                    None => self.losses.push(node.loss(format!(
                        "{} operations have no counterpart in the format; skipped",
                        key.to_uppercase()
                    ))),
                }
            }
        }
        Ok(())
    }

    fn operation(
        &mut self,
        path: &str,
        method: HttpMethod,
        node: &Node<'a>,
        item: &Node<'a>,
    ) -> Result<(), ImportError> {
        let (service, id) = self.operation_name(path, method, node)?;
        let request_name = format!("{}Request", id.to_upper_camel_case());
        let mut operation = OperationDef {
            title: node
                .opt_str("summary")?
                .map_or_else(|| id.clone(), str::to_owned),
            description: node.opt_str("description")?.unwrap_or_default().to_owned(),
            merchants: match node.strings("x-merchants")? {
                merchants if merchants.is_empty() => vec!["(imported)".to_owned()],
                merchants => merchants.into_iter().map(str::to_owned).collect(),
            },
            updated: node.opt_str("x-updated")?.unwrap_or_default().to_owned(),
            method,
            path: path.to_owned(),
            hosts: self.operation_hosts(node)?,
            retry_safe: node
                .opt_bool("x-retry-safe")?
                .unwrap_or(method == HttpMethod::Get),
            headers: Named::default(),
            path_params: Named::default(),
            query: Named::default(),
            body: None,
            modes: Named::default(),
            paging: None,
            platform_certificates: false,
            upload: None,
            response: ResponseDef {
                status: 200,
                body: None,
                download: None,
                alternatives: Vec::new(),
            },
            errors: Vec::new(),
            examples: Vec::new(),
        };
        let mut examples = RequestExamples::new();
        let parameters = item
            .get("parameters")
            .map(|p| p.items())
            .transpose()?
            .unwrap_or_default()
            .into_iter()
            .chain(
                node.get("parameters")
                    .map(|p| p.items())
                    .transpose()?
                    .unwrap_or_default(),
            );
        for parameter in parameters {
            self.parameter(
                &service,
                &request_name,
                &parameter,
                &mut operation,
                &mut examples,
            )?;
        }
        if let Some(body) = node.get("requestBody") {
            self.request_body(
                &service,
                &request_name,
                &body,
                &mut operation,
                &mut examples,
            )?;
        }
        for (key, (title, fields)) in examples {
            let json = serde_json::to_string_pretty(&Value::Object(fields))
                .map_err(|error| node.error(format!("example {}: {error}", key.1)))?;
            operation.examples.push(ExampleDef {
                title,
                kind: ExampleKind::Request,
                json,
            });
        }
        let downloads = node.get("x-wechatpay-download").is_some();
        self.responses(
            &service,
            &id,
            &node.require("responses")?,
            downloads,
            &mut operation,
        )?;
        operation.errors = self.error_rows(node)?;
        if let Some(modes) = node.get("x-modes") {
            self.modes(&modes, &mut operation)?;
        }
        if let Some(paging) = node.get("x-paging") {
            operation.paging = Some(PagingDef {
                offset: paging.require("offset")?.str()?.to_owned(),
                limit: paging.require("limit")?.str()?.to_owned(),
                max_limit: u32::try_from(
                    paging
                        .opt_u64("max_limit")?
                        .ok_or_else(|| paging.error("missing \"max_limit\""))?,
                )
                .map_err(|_| paging.error("max_limit does not fit 32 bits"))?,
                items: paging.require("items")?.str()?.to_owned(),
                total: paging.opt_str("total")?.map(str::to_owned),
            });
        }
        operation.platform_certificates =
            node.opt_bool("x-platform-certificates")?.unwrap_or(false);
        if let Some(download) = node.get("x-wechatpay-download") {
            operation.response.download = Some(download_def(&download)?);
        }
        let doc = self.service_mut(&service);
        if doc.operations.contains(&id) {
            return Err(node.error(format!(
                "operation id \"{id}\" is used twice in service \"{service}\""
            )));
        }
        doc.operations.0.push((id, operation));
        Ok(())
    }

    /// The service and id: `<service>.<id>` as our export writes them, else the first tag's
    /// service and the operationId in snake_case, else words of the path.
    fn operation_name(
        &mut self,
        path: &str,
        method: HttpMethod,
        node: &Node<'a>,
    ) -> Result<(String, String), ImportError> {
        let operation_id = node.opt_str("operationId")?;
        if let Some((service, id)) = operation_id.and_then(|id| id.split_once('.'))
            && self.services.contains_key(service)
        {
            return Ok((service.to_owned(), id.to_owned()));
        }
        let tag = node.strings("tags")?.first().map(|tag| (*tag).to_owned());
        let service = self.service_for_tag(tag.as_deref());
        let id = match operation_id {
            Some(id) => id.to_snake_case(),
            None => {
                let words: Vec<&str> = path
                    .split('/')
                    .filter(|segment| {
                        !segment.is_empty() && !segment.starts_with('{') && *segment != "v3"
                    })
                    .collect();
                let id = format!(
                    "{}_{}",
                    words.join("_"),
                    method.as_str().to_ascii_lowercase()
                )
                .to_snake_case();
                self.losses
                    .push(node.loss(format!("no operationId; named \"{id}\" from the path")));
                id
            }
        };
        Ok((service, id))
    }

    /// The operation's own servers when they differ from the document's.
    fn operation_hosts(&mut self, node: &Node<'a>) -> Result<Option<Hosts>, ImportError> {
        let Some(servers) = node.get("servers") else {
            return Ok(None);
        };
        let hosts = self.hosts(&servers)?;
        Ok((hosts != self.api_hosts).then_some(hosts))
    }

    fn parameter(
        &mut self,
        service: &str,
        request_name: &str,
        parameter: &Node<'a>,
        operation: &mut OperationDef,
        examples: &mut RequestExamples,
    ) -> Result<(), ImportError> {
        let parameter = self.parameter_definition(parameter)?;
        let name = parameter.require("name")?.str()?;
        let place = parameter.require("in")?.str()?;
        let required = parameter.opt_bool("required")?.unwrap_or(false);
        let description = parameter.opt_str("description")?.unwrap_or_default();
        if place == "header" {
            operation.headers.0.push((
                name.to_owned(),
                HeaderDef {
                    required,
                    description: description.to_owned(),
                },
            ));
            return Ok(());
        }
        if !matches!(place, "path" | "query") {
            self.losses.push(parameter.loss(format!(
                "{place} parameters have no counterpart in the format; \"{name}\" skipped"
            )));
            return Ok(());
        }
        let suggested = format!("{request_name}{}", name.to_upper_camel_case());
        let schema = match parameter.get("schema") {
            Some(schema) => schema,
            None => {
                self.losses.push(
                    parameter.loss("a parameter without a schema (content) is carried as a string"),
                );
                Node::root(&STRING_SCHEMA)
            }
        };
        let mut field: FieldDef = self.field(service, &suggested, &schema, required)?;
        field.description = description.to_owned();
        let target = if place == "path" {
            &mut operation.path_params
        } else {
            &mut operation.query
        };
        target.0.push((name.to_owned(), field));
        if let Some(values) = parameter.get("examples") {
            for (key, example) in values.entries()? {
                let (title, fields) = examples
                    .entry(ExampleKey::new(key))
                    .or_insert_with(|| (example_title(&example, key), Map::new()));
                if title.is_empty() {
                    *title = example_title(&example, key);
                }
                if let Some(value) = example.get("value") {
                    fields.insert(name.to_owned(), value.value.clone());
                }
            }
        }
        Ok(())
    }

    /// A parameter, its `$ref` to `components/parameters` followed.
    fn parameter_definition(&self, node: &Node<'a>) -> Result<Node<'a>, ImportError> {
        let Some(reference) = node.opt_str("$ref")? else {
            return Ok(node.clone());
        };
        let name = reference
            .strip_prefix("#/components/parameters/")
            .ok_or_else(|| {
                node.error(format!(
                    "$ref \"{reference}\": a parameter refers to #/components/parameters/…"
                ))
            })?;
        self.doc
            .get("components")
            .and_then(|components| components.get("parameters"))
            .and_then(|parameters| parameters.get(name))
            .ok_or_else(|| node.error(format!("$ref \"{reference}\" names no parameter")))
    }

    fn request_body(
        &mut self,
        service: &str,
        request_name: &str,
        body: &Node<'a>,
        operation: &mut OperationDef,
        examples: &mut RequestExamples,
    ) -> Result<(), ImportError> {
        let content = body.require("content")?;
        if let Some(json) = content.get("application/json") {
            let schema = self.resolve_body_schema(&json.require("schema")?)?;
            operation.body = Some(self.object_fields(service, request_name, &schema)?);
            if let Some(values) = json.get("examples") {
                for (key, example) in values.entries()? {
                    let value = example.require("value")?;
                    let Value::Object(fields) = value.value else {
                        return Err(value.error("a request example must be an object"));
                    };
                    let (title, all) = examples
                        .entry(ExampleKey::new(key))
                        .or_insert_with(|| (example_title(&example, key), Map::new()));
                    if title.is_empty() {
                        *title = example_title(&example, key);
                    }
                    all.extend(fields.clone());
                }
            }
            return Ok(());
        }
        if let Some(multipart) = content.get("multipart/form-data") {
            return self.upload(service, request_name, body, &multipart, operation);
        }
        for (media, _) in content.entries()? {
            self.losses.push(content.loss(format!(
                "a {media} request body has no counterpart in the format; skipped"
            )));
        }
        Ok(())
    }

    /// A body schema: an object, its `$ref` followed.
    fn resolve_body_schema(&self, schema: &Node<'a>) -> Result<Node<'a>, ImportError> {
        match schema.opt_str("$ref")? {
            Some(reference) => {
                let key = reference
                    .strip_prefix("#/components/schemas/")
                    .ok_or_else(|| {
                        schema.error(format!(
                            "$ref \"{reference}\": a body refers to #/components/schemas/…"
                        ))
                    })?;
                self.components.get(key).cloned().ok_or_else(|| {
                    schema.error(format!("$ref \"{reference}\" names no component schema"))
                })
            }
            None => Ok(schema.clone()),
        }
    }

    /// A multipart upload as our export writes it: `x-wechatpay-upload` says which part is the
    /// file and which the signed meta; the meta's fields (less what the runtime computes) and
    /// the form fields are the body.
    fn upload(
        &mut self,
        service: &str,
        request_name: &str,
        body: &Node<'a>,
        multipart: &Node<'a>,
        operation: &mut OperationDef,
    ) -> Result<(), ImportError> {
        let Some(framing) = body.get("x-wechatpay-upload") else {
            self.losses.push(multipart.loss(
                "a multipart body without x-wechatpay-upload: which part is signed, and the digest, are unknown; skipped",
            ));
            return Ok(());
        };
        let file_part = framing.require("file_part")?.str()?.to_owned();
        let meta_part = framing.require("meta_part")?.str()?.to_owned();
        let digest = framing.require("digest")?.str()?.to_owned();
        let file_name = framing.opt_str("file_name")?.map(str::to_owned);
        let form_fields: Vec<String> = framing
            .strings("form_fields")?
            .into_iter()
            .map(str::to_owned)
            .collect();
        let schema = multipart.require("schema")?;
        let properties = schema.require("properties")?;
        let meta = properties.require(&meta_part)?;
        let mut fields = self.object_fields(service, request_name, &meta)?;
        fields
            .0
            .retain(|(name, _)| *name != digest && Some(name) != file_name.as_ref());
        let top_required = schema.strings("required")?;
        for form_field in &form_fields {
            let node = properties.require(form_field)?;
            let suggested = format!("{request_name}{}", form_field.to_upper_camel_case());
            let required = top_required.contains(&form_field.as_str());
            let field = self.field(service, &suggested, &node, required)?;
            fields.0.push((form_field.clone(), field));
        }
        let description = properties
            .require(&file_part)?
            .opt_str("description")?
            .unwrap_or_default()
            .to_owned();
        let types = match framing.get("types") {
            Some(types) => types
                .entries()?
                .into_iter()
                .map(|(extension, content_type)| {
                    Ok((extension.to_owned(), content_type.str()?.to_owned()))
                })
                .collect::<Result<_, ImportError>>()?,
            None => Default::default(),
        };
        let digest_algorithm = match framing.opt_str("digest_algorithm")? {
            None | Some("sha256") => DigestAlgorithm::Sha256,
            Some("sm3") => DigestAlgorithm::Sm3,
            Some(other) => {
                return Err(framing.require("digest_algorithm")?.error(format!(
                    "unknown digest algorithm \"{other}\" (sha256, sm3)"
                )));
            }
        };
        operation.body = Some(fields);
        operation.upload = Some(UploadDef {
            file_part,
            description,
            meta_part,
            digest,
            digest_algorithm,
            file_name,
            max_bytes: framing.opt_u64("max_bytes")?,
            types,
            form_fields,
        });
        Ok(())
    }

    fn responses(
        &mut self,
        service: &str,
        id: &str,
        responses: &Node<'a>,
        downloads: bool,
        operation: &mut OperationDef,
    ) -> Result<(), ImportError> {
        let mut successes = Vec::new();
        for (status, response) in responses.entries()? {
            match status.parse::<u16>() {
                Ok(code) if (200..300).contains(&code) => successes.push((code, response)),
                Ok(_) => {}
                Err(_) if status == "default" || status.ends_with("XX") => {}
                Err(_) => return Err(response.error(format!("\"{status}\" is not an HTTP status"))),
            }
        }
        successes.sort_by_key(|(code, _)| *code);
        // The documented examples go with the main status's body; without any, the lowest
        // status is the main one.
        let main = successes
            .iter()
            .position(|(_, response)| {
                json_media(response).is_some_and(|media| media.get("examples").is_some())
            })
            .unwrap_or(0);
        if successes.is_empty() {
            self.losses
                .push(responses.loss("no success status (2xx); carried as 200 without a body"));
        }
        let answer_name = format!("{}Response", id.to_upper_camel_case());
        let mut alternatives = Vec::new();
        for (index, (status, response)) in successes.iter().enumerate() {
            let body = self.answer_body(service, &answer_name, response, downloads)?;
            if index == main {
                operation.response.status = *status;
                operation.response.body = body;
                if let Some(values) = json_media(response).and_then(|media| media.get("examples")) {
                    let mut ordered = values.entries()?;
                    ordered.sort_by_key(|(key, _)| ExampleKey::new(key));
                    for (key, example) in ordered {
                        let value = example.require("value")?;
                        let json = serde_json::to_string_pretty(value.value)
                            .map_err(|error| value.error(error.to_string()))?;
                        operation.examples.push(ExampleDef {
                            title: example_title(&example, key),
                            kind: ExampleKind::Response,
                            json,
                        });
                    }
                }
            } else {
                alternatives.push(AlternativeDef {
                    status: *status,
                    body,
                });
            }
        }
        operation.response.alternatives = alternatives;
        Ok(())
    }

    /// The type a success answer's JSON decodes into, if it has a body.
    fn answer_body(
        &mut self,
        service: &str,
        answer_name: &str,
        response: &Node<'a>,
        downloads: bool,
    ) -> Result<Option<String>, ImportError> {
        if let Some(media) = json_media(response) {
            let schema = media.require("schema")?;
            let ty = self.field_type(service, answer_name, &schema)?;
            if ty.items.is_some() || is_builtin(&ty.ty) {
                self.losses.push(schema.loss(format!(
                    "an answer of type {} (not an object) has no counterpart in the format; carried as no body",
                    ty.ty
                )));
                return Ok(None);
            }
            return Ok(Some(ty.ty));
        }
        if let Some(content) = response.get("content").filter(|_| !downloads) {
            for (media, _) in content.entries()? {
                self.losses.push(content.loss(format!(
                    "a {media} answer is carried as no body (a file download needs response.download in the spec)"
                )));
            }
        }
        Ok(None)
    }

    /// `x-error-codes` without the document's 公共错误码, which our export puts first.
    fn error_rows(&mut self, node: &Node<'a>) -> Result<Vec<ErrorRow>, ImportError> {
        let Some(codes) = node.get("x-error-codes") else {
            return Ok(Vec::new());
        };
        let mut rows = error_table(&codes)?;
        if rows.starts_with(&self.common_errors) {
            rows.drain(..self.common_errors.len());
        }
        Ok(rows)
    }

    /// `x-modes`: each mode's fields, and which of them it requires.
    fn modes(&mut self, modes: &Node<'a>, operation: &mut OperationDef) -> Result<(), ImportError> {
        let mut order: Vec<String> = Vec::new();
        for (key, mode) in modes.entries()? {
            let fields: Vec<String> = mode
                .strings("fields")?
                .into_iter()
                .map(str::to_owned)
                .collect();
            let required = mode.strings("required")?;
            for name in &fields {
                let declared = operation
                    .path_params
                    .0
                    .iter_mut()
                    .chain(operation.query.0.iter_mut())
                    .chain(operation.body.iter_mut().flat_map(|body| body.0.iter_mut()))
                    .find(|(field, _)| field == name);
                match declared {
                    Some((_, field)) => field.required = required.contains(&name.as_str()),
                    None => {
                        return Err(mode.error(format!(
                            "mode field \"{name}\" is not a field of the request"
                        )));
                    }
                }
            }
            order.extend(
                fields
                    .iter()
                    .filter(|name| !order.contains(name))
                    .cloned()
                    .collect::<Vec<_>>(),
            );
            operation.modes.0.push((
                key.to_owned(),
                ModeDef {
                    title: mode.opt_str("title")?.unwrap_or(key).to_owned(),
                    fields,
                },
            ));
        }
        // A mode's fields in the order `x-modes` lists them (the request's order), after the
        // fields every mode sends.
        let rank = |name: &String| {
            order
                .iter()
                .position(|n| n == name)
                .map_or((0, 0), |p| (1, p))
        };
        for named in [&mut operation.path_params, &mut operation.query] {
            named.0.sort_by_key(|(name, _)| rank(name));
        }
        if let Some(body) = &mut operation.body {
            body.0.sort_by_key(|(name, _)| rank(name));
        }
        Ok(())
    }
}

/// `x-wechatpay-download`: a signed digest header, or a digest announced by other operations.
fn download_def(node: &Node<'_>) -> Result<DownloadDef, ImportError> {
    let digest = match node.opt_str("digest")? {
        None => None,
        Some("announced") => Some(DigestSourceDef::Announced),
        Some(other) => {
            return Err(node
                .require("digest")?
                .error(format!("unknown digest source \"{other}\" (announced)")));
        }
    };
    let gzip_query = node
        .get("gzip_query")
        .map(|query| -> Result<GzipQueryDef, ImportError> {
            Ok(GzipQueryDef {
                field: query.require("field")?.str()?.to_owned(),
                value: query.require("value")?.str()?.to_owned(),
            })
        })
        .transpose()?;
    let announced_by = node
        .get("announced_by")
        .map(|announced| -> Result<AnnouncedByDef, ImportError> {
            Ok(AnnouncedByDef {
                operations: announced
                    .strings("operations")?
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
                url_field: announced.require("url_field")?.str()?.to_owned(),
                digest_field: announced.require("digest_field")?.str()?.to_owned(),
            })
        })
        .transpose()?;
    Ok(DownloadDef {
        digest_header: node.opt_str("digest_header")?.map(str::to_owned),
        signed_body: node.opt_str("signed_body")?.map(str::to_owned),
        digest,
        gzip: node.opt_bool("gzip")?.unwrap_or(false),
        gzip_query,
        announced_by,
    })
}

/// An array of error rows: status, code, description, solution.
pub(super) fn error_table(codes: &Node<'_>) -> Result<Vec<ErrorRow>, ImportError> {
    let mut rows = Vec::new();
    for row in codes.items()? {
        let status = row
            .opt_u64("status")?
            .ok_or_else(|| row.error("missing \"status\""))?;
        rows.push(ErrorRow {
            status: u16::try_from(status).map_err(|_| row.error("status out of range"))?,
            code: row.require("code")?.str()?.to_owned(),
            description: row.opt_str("description")?.unwrap_or_default().to_owned(),
            solution: row.opt_str("solution")?.unwrap_or_default().to_owned(),
        });
    }
    Ok(rows)
}

static STRING_SCHEMA: std::sync::LazyLock<Value> =
    std::sync::LazyLock::new(|| serde_json::json!({"type": "string"}));

fn json_media<'a>(response: &Node<'a>) -> Option<Node<'a>> {
    response.get("content")?.get("application/json")
}

fn example_title(example: &Node<'_>, key: &str) -> String {
    example
        .value
        .get("summary")
        .and_then(Value::as_str)
        .map_or_else(|| key.to_owned(), str::to_owned)
}

fn is_builtin(ty: &str) -> bool {
    matches!(
        ty,
        "string" | "integer" | "number" | "boolean" | "datetime" | "json" | "array"
    )
}
