//! `platform_certificates: true`: the one operation of a service that the client's certificate
//! mode downloads through. The generated reader maps its answer onto the runtime's
//! `EncryptedCertificate`, so the answer must have exactly the documented shape.

use crate::diagnostic::Diagnostic;
use crate::spec::{HttpMethod, ItemsDef, Named, Parsed, ServiceDoc, TypeDef};

/// The fields the runtime needs from each listed certificate, and from its encrypted part.
const ENTRY: [&str; 2] = ["serial_no", "encrypt_certificate"];
const ENCRYPTED: [&str; 4] = ["algorithm", "nonce", "associated_data", "ciphertext"];

pub(super) fn check(service: &Parsed<ServiceDoc>, out: &mut Vec<Diagnostic>) {
    let marked: Vec<_> = service
        .doc
        .operations
        .iter()
        .filter(|(_, op)| op.platform_certificates)
        .collect();
    for (i, (id, op)) in marked.iter().enumerate() {
        let path = format!("operations.{id}.platform_certificates");
        if i > 0 {
            out.push(service.error(
                path.as_str(),
                format!(
                    "only one operation of a service downloads the platform certificates; \"{}\" already does",
                    marked[0].0
                ),
            ));
        }
        if op.method != HttpMethod::Get {
            out.push(service.error(path.as_str(), "a certificate download is a GET"));
        }
        if let Some(problem) = shape_problem(&service.doc.types, op.response.body.as_deref()) {
            out.push(service.error(path, problem));
        }
    }
}

/// Why the answer type cannot be read as a certificate list, or `None`.
fn shape_problem(types: &Named<TypeDef>, body: Option<&str>) -> Option<String> {
    let Some(body) = body else {
        return Some("a certificate download answers with a body".to_owned());
    };
    let list = types.get(body)?;
    let data = list.fields.get("data").filter(|field| field.ty == "array");
    let Some(entry_name) = data.and_then(|field| field.items.as_ref().and_then(ItemsDef::name))
    else {
        return Some(format!(
            "the answer type \"{body}\" needs a field \"data\": array of a type"
        ));
    };
    let entry = types.get(entry_name)?;
    if let Some(problem) = string_fields(entry_name, entry, &ENTRY[..1]) {
        return Some(problem);
    }
    let encrypted_name = entry
        .fields
        .get(ENTRY[1])
        .map(|field| field.ty.as_str())
        .filter(|ty| types.contains(ty));
    let Some(encrypted_name) = encrypted_name else {
        return Some(format!(
            "\"{entry_name}\" needs a field \"encrypt_certificate\" of a type"
        ));
    };
    let encrypted = types.get(encrypted_name)?;
    string_fields(encrypted_name, encrypted, &ENCRYPTED)
}

/// `Some(problem)` when `def` lacks one of `names` as a string field; `None` when all are there.
fn string_fields(name: &str, def: &TypeDef, names: &[&str]) -> Option<String> {
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|field| def.fields.get(field).is_none_or(|f| f.ty != "string"))
        .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "\"{name}\" needs the string fields {} (the runtime reads them)",
            missing.join(", ")
        )
    })
}
