//! Operation metadata constants and the per-service client facade whose methods call them.

use proc_macro2::TokenStream;
use quote::quote;

use super::doc::table_cell;
use super::doc::{doc_attrs, doc_paragraphs, escape_text, module_doc};
use super::imports::imports;
use super::types::ident;
use crate::ir::{
    Api, DigestAlgorithm, Download, ErrorKind, Field, FieldType, Integrity, Location, Operation,
    Service,
};
use crate::spec::{ErrorRow, HttpMethod};

/// `operations.rs`: one `OperationInfo` constant per operation, and `ALL`.
pub fn metadata(service: &Service) -> TokenStream {
    let docs = module_doc(&[format!(
        "What the spec says about each operation of {}: method, path, hosts and whether a retry is safe.",
        escape_text(&service.title)
    )]);
    let constants = service.operations.iter().map(|op| {
        let main = &op.hosts.main;
        let backup = match &op.hosts.backup {
            Some(host) => quote!(Some(#host)),
            None => quote!(None),
        };
        let name = ident(&op.const_name);
        let doc = doc_attrs(&format!(
            "`{} {}`: {}",
            op.method.as_str(),
            op.path,
            escape_text(&op.title)
        ));
        let service_name = &service.name;
        let id = &op.id;
        let method = method_tokens(op.method);
        let path = &op.path;
        let retry_safe = op.retry_safe;
        quote! {
            #doc
            pub const #name: OperationInfo = OperationInfo {
                service: #service_name,
                id: #id,
                method: #method,
                path: #path,
                retry_safe: #retry_safe,
                main_host: #main,
                backup_host: #backup,
            };
        }
    });
    let all = service.operations.iter().map(|op| ident(&op.const_name));
    let certificates = service.operations.iter().find_map(certificate_source);
    let uploads = upload_rules(service);
    quote! {
        #docs
        use crate::runtime::{Method, OperationInfo};
        #(#constants)*
        /// Every operation of this service, in spec order.
        pub const ALL: &[&OperationInfo] = &[#(&#all),*];
        #certificates
        #uploads
    }
}

/// `uploads`: the framing and limits of each upload operation, named like its `OperationInfo`
/// (a module of its own, so no operation's constant can clash with them).
fn upload_rules(service: &Service) -> TokenStream {
    let rules: Vec<TokenStream> = service
        .operations
        .iter()
        .filter_map(|op| {
            let upload = op.upload.as_ref()?;
            let name = ident(&op.const_name);
            let doc = doc_attrs(&format!(
                "How `{}` frames its upload: {}",
                op.method_name,
                escape_text(&upload.description)
            ));
            let file_part = &upload.file_part;
            let meta_part = &upload.meta_part;
            let digest_field = &upload.digest;
            let digest = match upload.digest_algorithm {
                DigestAlgorithm::Sha256 => quote!(crate::runtime::DigestAlgorithm::Sha256),
                DigestAlgorithm::Sm3 => quote!(crate::runtime::DigestAlgorithm::Sm3),
            };
            let file_name = match &upload.file_name {
                Some(field) => quote!(Some(#field)),
                None => quote!(None),
            };
            let max_bytes = match upload.max_bytes {
                Some(max) => quote!(Some(#max)),
                None => quote!(None),
            };
            let types = upload
                .types
                .iter()
                .map(|(extension, content_type)| quote!((#extension, #content_type)));
            let form_fields = &upload.form_fields;
            Some(quote! {
                #doc
                pub const #name: crate::runtime::UploadRules = crate::runtime::UploadRules {
                    file_part: #file_part,
                    meta_part: #meta_part,
                    digest_field: #digest_field,
                    digest: #digest,
                    file_name_field: #file_name,
                    max_bytes: #max_bytes,
                    types: &[#(#types),*],
                    form_fields: &[#(#form_fields),*],
                };
            })
        })
        .collect();
    if rules.is_empty() {
        return TokenStream::new();
    }
    quote! {
        /// How each upload operation frames its multipart body, and the file limits it checks.
        pub mod uploads {
            #(#rules)*
        }
    }
}

/// `CERTIFICATE_SOURCE` of the operation marked `platform_certificates`: what
/// `ClientBuilder::platform_certificates` takes, reading the answer with the generated models.
fn certificate_source(op: &Operation) -> Option<TokenStream> {
    let reader = op.certificates.as_ref()?;
    let operation = ident(&op.const_name);
    let list = ident(&reader.list.name);
    let associated_data = if reader.associated_data_required {
        quote!(Some(encrypted.associated_data))
    } else {
        quote!(encrypted.associated_data)
    };
    let doc = doc_attrs(&format!(
        "Where platform certificates are downloaded from (`{} {}`), for \
         `ClientBuilder::platform_certificates`.",
        op.method.as_str(),
        op.path
    ));
    Some(quote! {
        #doc
        pub static CERTIFICATE_SOURCE: crate::runtime::CertificateSource =
            crate::runtime::CertificateSource {
                operation: &#operation,
                read: read_certificates,
            };

        /// The listed certificates of a download's answer, still encrypted.
        fn read_certificates(
            body: &[u8],
        ) -> Result<Vec<crate::runtime::EncryptedCertificate>, serde_json::Error> {
            let list: super::#list = serde_json::from_slice(body)?;
            Ok(list
                .data
                .into_iter()
                .map(|entry| {
                    let encrypted = entry.encrypt_certificate;
                    crate::runtime::EncryptedCertificate {
                        serial_no: entry.serial_no,
                        algorithm: encrypted.algorithm,
                        nonce: encrypted.nonce,
                        associated_data: #associated_data,
                        ciphertext: encrypted.ciphertext,
                    }
                })
                .collect())
        }
    })
}

fn method_tokens(method: HttpMethod) -> TokenStream {
    match method {
        HttpMethod::Get => quote!(Method::Get),
        HttpMethod::Post => quote!(Method::Post),
        HttpMethod::Put => quote!(Method::Put),
        HttpMethod::Patch => quote!(Method::Patch),
        HttpMethod::Delete => quote!(Method::Delete),
    }
}

/// `client.rs`: the facade with one method per operation, each returning a `Call` to await.
pub fn client(api: &Api, service: &Service) -> TokenStream {
    let docs = module_doc(&[format!("The client facade of {}.", service.title)]);
    let name = ident(&service.client_name);
    let requests = service.operations.iter().flat_map(|op| {
        let mode_enum = op
            .request
            .modes
            .iter()
            .any(|mode| {
                mode.fields
                    .iter()
                    .any(|field| field.location == Location::Query)
            })
            .then(|| op.request.mode_enum())
            .flatten();
        std::iter::once(ident(&op.request.name)).chain(mode_enum.map(ident))
    });
    let response_types = imports(
        "client",
        service
            .operations
            .iter()
            .filter(|op| op.response.outcomes.is_none())
            .filter_map(|op| op.response.body.clone().map(FieldType::Struct))
            .chain(
                service
                    .operations
                    .iter()
                    .filter_map(|op| op.paging.as_ref().map(|paging| paging.item_type.clone())),
            )
            .collect::<Vec<_>>()
            .iter(),
    );
    // Operations with several success statuses answer their outcome enum, not a body.
    let outcomes: Vec<_> = service
        .operations
        .iter()
        .filter_map(|op| op.response.outcomes.as_ref().map(|o| ident(&o.name)))
        .collect();
    let outcome_imports = if outcomes.is_empty() {
        TokenStream::new()
    } else {
        quote!(use super::models::{#(#outcomes),*};)
    };
    let pagers = service
        .operations
        .iter()
        .map(|op| super::paging::pager(&service.client_name, op));
    let from_urls = service
        .operations
        .iter()
        .map(|op| from_download_url(&service.client_name, op));
    let (methods, prepares): (Vec<_>, Vec<_>) = service
        .operations
        .iter()
        .map(|op| {
            let Method { method, prepare } = method(api, service, op);
            (method, prepare)
        })
        .unzip();
    let struct_doc = doc_paragraphs(&[
        format!("The operations of {}.", escape_text(&service.title)),
        format!(
            "Create one with [`{}::new`] over any [`Transport`]; it borrows the transport and is cheap to make per call.",
            service.client_name
        ),
    ]);
    quote! {
        #docs
        use super::operations;
        use super::requests::{#(#requests),*};
        #response_types
        #outcome_imports
        use crate::runtime::{ApiRequest, Error, PathAndQuery, Transport};

        #struct_doc
        pub struct #name<'a, T> {
            transport: &'a T,
        }

        impl<'a, T: Transport> #name<'a, T> {
            /// Wraps a transport.
            pub fn new(transport: &'a T) -> Self {
                Self { transport }
            }

            #(#methods)*
        }

        #(#prepares)*

        #(#pagers)*

        #(#from_urls)*
    }
}

/// For a download whose URL and SHA-1 an earlier answer announces (the bills): the request
/// read from that URL, so the caller never takes it apart by hand.
fn from_download_url(client: &str, op: &Operation) -> TokenStream {
    let Some(download) = op
        .response
        .download
        .as_ref()
        .filter(|download| matches!(download.integrity, Integrity::Announced))
    else {
        return TokenStream::new();
    };
    let request = ident(&op.request.name);
    let constant = ident(&op.const_name);
    let (url_field, digest_field) = match &download.announced_by {
        Some(announced_by) => (
            announced_by.url_field.as_str(),
            announced_by.digest_field.as_str(),
        ),
        None => ("download_url", "hash_value"),
    };
    let doc = doc_paragraphs(&[format!(
        "The request of a download URL as an earlier answer gives it (its `{url_field}`): \
         the URL's path must be `{}`, and its query parameters become the fields. Pass the \
         same answer's `{digest_field}` to [`{client}::{}`] as the expected SHA-1.",
        op.path, op.method_name
    )]);
    quote! {
        impl #request {
            #doc
            pub fn from_download_url(url: &str) -> Result<Self, Error> {
                crate::runtime::request_from_download_url(url, operations::#constant.path)
            }
        }
    }
}

/// Whether the request holds a sensitive field, directly or in a nested type.
pub(super) fn request_is_sensitive(
    op: &Operation,
    sensitive: &std::collections::BTreeSet<String>,
) -> bool {
    fn nested(ty: &FieldType, sensitive: &std::collections::BTreeSet<String>) -> bool {
        ty.struct_name()
            .is_some_and(|name| sensitive.contains(name))
    }
    op.request
        .fields
        .iter()
        .any(|field| field.sensitive || nested(&field.ty, sensitive))
}

fn method(api: &Api, service: &Service, op: &Operation) -> Method {
    let sensitive = &service.sensitive_types;
    let docs = method_docs(api, service, op);
    let name = ident(&op.method_name);
    let request = ident(&op.request.name);
    let constant = ident(&op.const_name);
    let target = target_building(op);
    let body = if op.has_body() {
        quote!(Some(crate::runtime::encode_json_object(request)?))
    } else {
        quote!(None)
    };
    let (output, decode) = match (&op.response.outcomes, &op.response.body) {
        (Some(outcomes), _) => {
            let outcome = ident(&outcomes.name);
            (quote!(#outcome), quote!(#outcome::decode))
        }
        (None, Some(body)) => {
            let body = ident(&body.name);
            (quote!(#body), quote!(crate::runtime::decode_json_object))
        }
        (None, None) => (quote!(()), quote!(crate::runtime::decode_empty)),
    };
    // Limits apply to the plaintext; the request is then encrypted with the key whose serial it names.
    let sensitive = request_is_sensitive(op, sensitive);
    let (encrypt, serial) = if sensitive {
        (
            quote! {
                let encryptor = encryptor?;
                let encrypted = crate::runtime::EncryptSensitive::encrypt_sensitive(request, &encryptor)?;
                let request = &encrypted;
            },
            quote!(Some(encryptor.serial().to_owned())),
        )
    } else {
        (TokenStream::new(), quote!(None))
    };
    // An upload's body is its meta; the file travels beside it in the multipart body.
    let (body, upload, prepare_upload) = match &op.upload {
        Some(_) => (
            quote!(Some(meta)),
            quote!(Some(upload)),
            quote! {
                let (meta, upload) = crate::runtime::prepare_upload(
                    request,
                    file,
                    &operations::uploads::#constant,
                )?;
            },
        ),
        None => (body, quote!(None), TokenStream::new()),
    };
    let api_request = quote! {
        ApiRequest {
            operation: &operations::#constant,
            path_and_query: target.finish(),
            body: #body,
            upload: #upload,
            wechatpay_serial: #serial,
        }
    };
    if let Some(download) = &op.response.download {
        // A file: streamed into the caller's writer and checked as the spec says.
        let gzip = download.gzip;
        let encryptor = if sensitive {
            quote!(let encryptor = self.transport.sensitive_encryptor();)
        } else {
            TokenStream::new()
        };
        let (sha1_param, integrity) = match &download.integrity {
            Integrity::SignedDigest {
                digest_header,
                signed_body,
            } => (
                TokenStream::new(),
                quote!(crate::runtime::DownloadIntegrity::SignedDigest {
                    digest_header: #digest_header,
                    signed_body: #signed_body,
                }),
            ),
            Integrity::Announced => (
                quote!(expected_sha1: &str,),
                quote!(crate::runtime::DownloadIntegrity::Announced {
                    sha1: expected_sha1.to_owned(),
                }),
            ),
        };
        let gzip_file = match &download.gzip_query {
            Some((field, value)) => {
                quote!(crate::runtime::query_asks(&api_request.path_and_query, #field, #value))
            }
            None => quote!(false),
        };
        let method = quote! {
            #docs
            pub async fn #name(
                &self,
                request: &#request,
                #sha1_param
                sink: &mut (dyn std::io::Write + Send),
            ) -> Result<crate::runtime::Downloaded, Error> {
                crate::runtime::Validate::validate(request)?;
                #encryptor
                #encrypt
                #target
                let api_request = #api_request;
                let check = crate::runtime::DownloadCheck {
                    integrity: #integrity,
                    gzip: #gzip,
                    gzip_file: #gzip_file,
                };
                self.transport.download(api_request, check, sink).await
            }
        };
        return Method {
            method,
            prepare: TokenStream::new(),
        };
    }
    let pages = super::paging::pages_method(op);
    // The request is prepared by a plain function, not generic over the transport, and the
    // answer awaited through the one `Call` type shared by every operation (see runtime/call.rs).
    let (encryptor_param, encryptor_arg) = if sensitive {
        (
            quote!(encryptor: Result<crate::runtime::SensitiveEncryptor, Error>,),
            quote!(self.transport.sensitive_encryptor()),
        )
    } else {
        (TokenStream::new(), TokenStream::new())
    };
    let (file_param, file_arg) = if op.upload.is_some() {
        (quote!(file: crate::runtime::UploadFile,), quote!(file,))
    } else {
        (TokenStream::new(), TokenStream::new())
    };
    let prepare = prepare_name(op);
    let prepare_doc = format!(
        " The request of [`{client}::{method}`], checked and ready to send; the `wxpay` tool \
         prepares it with this function too.",
        client = service.client_name,
        method = op.method_name,
    );
    Method {
        method: quote! {
            #docs
            pub fn #name(&self, request: &#request, #file_param) -> crate::runtime::Call<'a, #output> {
                crate::runtime::Call::new(self.transport, #prepare(request, #file_arg #encryptor_arg), #decode)
            }
            #pages
        },
        prepare: quote! {
            #[doc = #prepare_doc]
            pub(super) fn #prepare(request: &#request, #file_param #encryptor_param) -> Result<ApiRequest, Error> {
                crate::runtime::Validate::validate(request)?;
                #encrypt
                #target
                #prepare_upload
                Ok(#api_request)
            }
        },
    }
}

/// A client method and, unless it streams a download, the plain function that prepares its
/// request (module level, so the `wxpay` tool's call of the operation shares it).
struct Method {
    method: TokenStream,
    prepare: TokenStream,
}

/// The name of the function that prepares `op`'s request, in the service's `client` module.
pub(super) fn prepare_name(op: &Operation) -> proc_macro2::Ident {
    ident(&format!("prepare_{}", op.method_name))
}

/// Statements that build `target` from the documented path, path parameters and query.
fn target_building(op: &Operation) -> TokenStream {
    let mut statements = vec![quote!(let mut target = PathAndQuery::new();)];
    let mut rest = op.path.as_str();
    while let Some(open) = rest.find('{') {
        let literal = &rest[..open];
        if !literal.is_empty() {
            statements.push(quote!(target.literal(#literal);));
        }
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let param = &rest[open + 1..open + close];
        if let Some(field) = op
            .request
            .fields_in(Location::Path)
            .find(|field| field.wire_name == param)
        {
            let value = string_value(field, quote!(request.));
            let wire = &field.wire_name;
            statements.push(quote!(target.segment(#wire, #value)?;));
        }
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        statements.push(quote!(target.literal(#rest);));
    }
    statements.extend(
        op.request
            .fields_in(Location::Query)
            .map(|field| query_statement(field, quote!(request.))),
    );
    // The chosen merchant mode adds its own query fields.
    if let Some(mode_enum) = op.request.mode_enum() {
        let mode_enum = ident(mode_enum);
        let arms: Vec<TokenStream> = op
            .request
            .modes
            .iter()
            .map(|mode| {
                let variant = ident(&mode.variant);
                let pushes: Vec<TokenStream> = mode
                    .fields
                    .iter()
                    .filter(|field| field.location == Location::Query)
                    .map(|field| query_statement(field, quote!(mode.)))
                    .collect();
                if pushes.is_empty() {
                    quote!(#mode_enum::#variant(_) => {})
                } else {
                    quote!(#mode_enum::#variant(mode) => { #(#pushes)* })
                }
            })
            .collect();
        let any_query = op
            .request
            .modes
            .iter()
            .flat_map(|mode| &mode.fields)
            .any(|field| field.location == Location::Query);
        if any_query {
            statements.push(quote! {
                match &request.mode {
                    #(#arms)*
                }
            });
        }
    }
    quote!(#(#statements)*)
}

/// `target.query(…)` for one query field of `owner` (`request.` or `mode.`); an array repeats
/// the parameter once per item, in order (`a=X&a=Y`).
fn query_statement(field: &Field, owner: TokenStream) -> TokenStream {
    let wire = &field.wire_name;
    if let FieldType::Array(items) = &field.ty {
        let name = ident(&field.rust_name);
        let value = match **items {
            FieldType::String => quote!(value),
            _ => scalar_as_str(items, quote!(value)),
        };
        let each = quote! {
            for value in values {
                target.query(#wire, #value);
            }
        };
        return if field.required {
            quote! {
                let values = &#owner #name;
                #each
            }
        } else {
            quote! {
                if let Some(values) = &#owner #name {
                    #each
                }
            }
        };
    }
    if field.required {
        let value = string_value(field, owner);
        quote!(target.query(#wire, #value);)
    } else {
        let name = ident(&field.rust_name);
        // `value` is already a reference here: a string needs no further borrow.
        let value = match field.ty {
            FieldType::String => quote!(value),
            _ => scalar_as_str(&field.ty, quote!(value)),
        };
        quote! {
            if let Some(value) = &#owner #name {
                target.query(#wire, #value);
            }
        }
    }
}

fn string_value(field: &Field, owner: TokenStream) -> TokenStream {
    let name = ident(&field.rust_name);
    scalar_as_str(&field.ty, quote!(#owner #name))
}

/// A `&str` for a scalar value of the given type, as it goes into a URL.
fn scalar_as_str(ty: &FieldType, value: TokenStream) -> TokenStream {
    match ty {
        FieldType::String => quote!(&#value),
        FieldType::Enum(_) => quote!(#value.as_str()),
        FieldType::DateTime => quote!(&#value.to_rfc3339()),
        _ => quote!(&#value.to_string()),
    }
}

/// The documented statuses, the main one first, and the enum saying which arrived.
fn answers_several(op: &Operation) -> String {
    let Some(outcomes) = &op.response.outcomes else {
        return String::new();
    };
    let statuses: Vec<String> = outcomes
        .variants
        .iter()
        .map(|outcome| match &outcome.body {
            Some(body) => format!("HTTP {} with a `{}`", outcome.status, body.name),
            None => format!("HTTP {} with no body", outcome.status),
        })
        .collect();
    format!(
        "Answers {}; the [`{}`] says which arrived.",
        statuses.join(" or "),
        outcomes.name
    )
}

/// Who announces an unsigned download's SHA-1, for its docs.
fn announcers(download: &Download) -> String {
    match &download.announced_by {
        Some(announced_by) => format!(
            "announced as `{}` by {}",
            announced_by.digest_field,
            announced_by
                .operations
                .iter()
                .map(|id| format!("`{id}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => "an earlier signed answer announced".to_owned(),
    }
}

/// What a download method's caller gets, and how the file is checked.
fn download_doc(status: u16, download: &Download) -> String {
    let mut text = match &download.integrity {
        Integrity::SignedDigest {
            digest_header,
            signed_body,
        } => format!(
            "Answers HTTP {status} with a file, streamed into `sink`: the signature over `{signed_body}` \
             is checked before the first byte is written, the SHA-1 announced in `{digest_header}` after the last."
        ),
        Integrity::Announced => format!(
            "Answers HTTP {status} with a file, streamed into `sink`. WeChat Pay does not sign this \
             answer: the file is checked against `expected_sha1`, the SHA-1 {}, after the last \
             byte; on a mismatch the call fails, and what was written should be thrown away.",
            announcers(download)
        ),
    };
    if let Some((field, value)) = &download.gzip_query {
        text.push_str(&format!(
            " With `{field}={value}` the file comes as a gzip archive, decoded on the way: \
             `sink` receives the decoded file, and the SHA-1 is of it."
        ));
    }
    text
}

fn method_docs(api: &Api, service: &Service, op: &Operation) -> TokenStream {
    let mut paragraphs = vec![escape_text(&op.title), escape_text(&op.description)];
    paragraphs.push(format!("`{} {}`", op.method.as_str(), op.path));
    paragraphs.push(format!(
        "支持商户: {} · 更新时间: {} · operation id `{}`",
        escape_text(&op.merchants.join("、")),
        escape_text(&op.updated),
        op.id
    ));
    paragraphs.push(match (&op.response.body, &op.response.download) {
        _ if op.response.outcomes.is_some() => answers_several(op),
        (_, Some(download)) => download_doc(op.response.status, download),
        (Some(body), None) => format!(
            "Answers HTTP {} with a [`{}`].",
            op.response.status, body.name
        ),
        (None, None) => format!("Answers HTTP {} with no body.", op.response.status),
    });
    if let Some(upload) = &op.upload {
        paragraphs.push(upload_doc(upload));
    }
    paragraphs.push(if op.retry_safe {
        "Safe to retry: sending it again cannot do the work twice.".to_owned()
    } else {
        "Not safe to retry automatically.".to_owned()
    });
    for (lifecycle, step) in service.lifecycle_steps(&op.id) {
        paragraphs.push(format!(
            "Lifecycle `{}` (kept by the sandbox of the `testkit` feature): this operation {}.",
            lifecycle.id,
            escape_text(&lifecycle.role(step))
        ));
        paragraphs.push(format!("```mermaid\n{}\n```", lifecycle.mermaid()));
    }
    let mut doc = doc_paragraphs(&paragraphs);
    let errors = error_table(api.error_table(op));
    let errors = doc_attrs(&errors);
    doc.extend(errors);
    doc
}

/// What an upload method does with its `file`, and what it refuses before sending.
fn upload_doc(upload: &crate::ir::Upload) -> String {
    let mut checks = Vec::new();
    if let Some(max) = upload.max_bytes {
        checks.push(format!("over {max} bytes"));
    }
    if !upload.types.is_empty() {
        let extensions: Vec<String> = upload
            .types
            .iter()
            .map(|(extension, _)| format!("`.{extension}`"))
            .collect();
        checks.push(format!(
            "whose name does not end in {}",
            extensions.join(", ")
        ));
    }
    let digest = upload.digest_algorithm.label();
    let name = match &upload.file_name {
        Some(field) => format!(" and its name into `{field}`"),
        None => String::new(),
    };
    let refused = if checks.is_empty() {
        String::new()
    } else {
        format!(
            " A file {} is refused with [`Error::Validation`] before any network I/O.",
            checks.join(" or ")
        )
    };
    format!(
        "Uploads `file` as the multipart part `{}` ({}). The runtime writes its {digest} into \
         the meta's `{}`{name}, signs the meta part `{}` and sends both.{refused}",
        upload.file_part,
        escape_text(&upload.description),
        upload.digest,
        upload.meta_part,
    )
}

/// The `# Errors` section: the local checks, then the documented table, common rows first.
fn error_table<'a>(rows: impl Iterator<Item = (&'a ErrorRow, ErrorKind)>) -> String {
    let mut lines = vec![
        String::new(),
        "# Errors".to_owned(),
        String::new(),
        "[`Error::Validation`] before any network I/O when a field is over its documented length;"
            .to_owned(),
        "otherwise [`Error::Api`] with one of these codes:".to_owned(),
        String::new(),
        "| 状态码 | 错误码 | 描述 | 解决方案 | |".to_owned(),
        "|---|---|---|---|---|".to_owned(),
    ];
    for (row, kind) in rows {
        lines.push(format!(
            "| {} | `{}` | {} | {} | {} |",
            row.status,
            row.code,
            table_cell(&escape_text(&row.description)),
            table_cell(&escape_text(&row.solution)),
            kind.label()
        ));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_tables_keep_every_row_and_escape_pipes() {
        let row = |status, code: &str, description: &str| ErrorRow {
            status,
            code: code.to_owned(),
            description: description.to_owned(),
            solution: "s".to_owned(),
        };
        let rows = [
            (row(500, "SYSTEM_ERROR", "系统异常"), ErrorKind::Common),
            (row(400, "INVALID_REQUEST", "a|b"), ErrorKind::Business),
            (row(400, "INVALID_REQUEST", "c\n[d]"), ErrorKind::Business),
        ];
        let table = error_table(rows.iter().map(|(row, kind)| (row, *kind)));
        assert!(table.contains("| 500 | `SYSTEM_ERROR` | 系统异常 | s | 公共 |"));
        assert!(table.contains("| 400 | `INVALID_REQUEST` | a\\|b | s | 业务 |"));
        assert!(table.contains("| 400 | `INVALID_REQUEST` | c<br>\\[d\\] | s | 业务 |"));
    }
}
