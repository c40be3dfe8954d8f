//! Names are unique, and stay unique once mapped to Rust.
//!
//! `ir::naming` never rejects a name, it maps it (`outTradeNo` → `out_trade_no`). Two spec names
//! that map to one Rust name are caught here rather than suffixed, because a suffix would make the
//! generated API depend on the order of the spec.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

use super::has_shape;
use super::schema::{self, FieldGroup, Role};
use crate::diagnostic::Diagnostic;
use crate::ir::naming;
use crate::spec::{Parsed, ServiceDoc, Spec};

pub(super) fn check(service: &Parsed<ServiceDoc>, out: &mut Vec<Diagnostic>) {
    exact_duplicates(service, out);
    type_and_enum_clashes(service, out);
    type_name_shapes(service, out);
    operation_id_shapes(service, out);
    type_collisions(service, out);
    field_collisions(service, out);
    request_collisions(service, out);
    variant_collisions(service, out);
    event_collisions(service, out);
    method_collisions(service, out);
}

/// Service names share one namespace across files (cargo features, modules); a repeat is
/// reported in the later file. Operation ids need only be unique within their service: the
/// SDK names an operation by both (`client.refund().query_refund()`, `wxpay call refund
/// query_refund`), as WeChat Pay's own documentation reuses titles across products.
pub(super) fn check_across_files(spec: &Spec, out: &mut Vec<Diagnostic>) {
    let mut services: BTreeMap<&str, &str> = BTreeMap::new();
    for service in &spec.services {
        let name = service.doc.service.name.as_str();
        if let Some(file) = first_seen(&mut services, name, &service.file) {
            out.push(service.error(
                "service.name",
                format!("duplicate service name \"{name}\": {file} already uses it"),
            ));
        }
    }
}

/// Records that `file` uses `name`, or returns the file that used it first.
fn first_seen<'a>(
    seen: &mut BTreeMap<&'a str, &'a str>,
    name: &'a str,
    file: &'a str,
) -> Option<&'a str> {
    match seen.entry(name) {
        Entry::Occupied(first) => Some(*first.get()),
        Entry::Vacant(slot) => {
            slot.insert(file);
            None
        }
    }
}

/// Keys repeated in one mapping. The loader reports those written twice in the YAML; this catches
/// the rest (a spec built in memory) without reporting the same key twice.
fn exact_duplicates(service: &Parsed<ServiceDoc>, out: &mut Vec<Diagnostic>) {
    for (base, names) in mappings(&service.doc) {
        let mut seen = BTreeSet::new();
        for name in names {
            if seen.insert(name) {
                continue;
            }
            let path = format!("{base}.{name}");
            let index = &service.index;
            if !index.duplicate_keys.iter().any(|(known, _)| *known == path) {
                out.push(service.error(path, "duplicate key; each name may appear once"));
            }
        }
    }
}

/// Every mapping of a service file whose keys are names, with its logical path.
fn mappings(doc: &ServiceDoc) -> Vec<(String, Vec<&str>)> {
    let mut maps = vec![
        ("types".to_owned(), doc.types.names().collect()),
        ("enums".to_owned(), doc.enums.names().collect()),
        ("operations".to_owned(), doc.operations.names().collect()),
    ];
    for (name, def) in doc.types.iter() {
        maps.push((format!("types.{name}.fields"), def.fields.names().collect()));
    }
    for (name, def) in doc.enums.iter() {
        maps.push((format!("enums.{name}.values"), def.values.names().collect()));
    }
    for (id, op) in doc.operations.iter() {
        maps.push((
            format!("operations.{id}.headers"),
            op.headers.names().collect(),
        ));
        for group in schema::request_groups(id, op) {
            maps.push((group.path, group.fields.names().collect()));
        }
    }
    maps
}

/// Types and enums become items of one Rust module, so one name cannot be both.
fn type_and_enum_clashes(service: &Parsed<ServiceDoc>, out: &mut Vec<Diagnostic>) {
    for name in service.doc.enums.names() {
        if service.doc.types.contains(name) {
            out.push(service.error(
                format!("enums.{name}"),
                format!(
                    "duplicate name \"{name}\": it is both a type and an enum, \
                     which share one namespace"
                ),
            ));
        }
    }
}

fn type_name_shapes(service: &Parsed<ServiceDoc>, out: &mut Vec<Diagnostic>) {
    let types = service
        .doc
        .types
        .names()
        .map(|name| ("types", "type", name));
    let enums = service
        .doc
        .enums
        .names()
        .map(|name| ("enums", "enum", name));
    for (section, what, name) in types.chain(enums) {
        let pascal = has_shape(
            name,
            |c| c.is_ascii_uppercase(),
            |c| c.is_ascii_alphanumeric(),
        );
        if !pascal {
            out.push(service.error(
                format!("{section}.{name}"),
                format!("{what} name \"{name}\" must be PascalCase (^[A-Z][A-Za-z0-9]*$)"),
            ));
            continue;
        }
        let spelt = service
            .doc
            .operations
            .iter()
            .find(|(_, op)| naming::spells_path(name, &op.path));
        if let Some((_, op)) = spelt {
            out.push(service.error(
                format!("{section}.{name}"),
                format!(
                    "{what} name \"{name}\" spells out the path {} {}; name what it holds \
                     (Amount, Payer, PrepayResponse)",
                    op.method.as_str(),
                    op.path
                ),
            ));
        }
    }
}

/// Operation ids say what the operation does (`ir::naming::operation_id_problem`).
fn operation_id_shapes(service: &Parsed<ServiceDoc>, out: &mut Vec<Diagnostic>) {
    for id in service.doc.operations.names() {
        if let Some(problem) = naming::operation_id_problem(id) {
            out.push(service.error(
                format!("operations.{id}"),
                format!("operation id \"{id}\" {problem}"),
            ));
        }
    }
}

/// Named types and enums against each other and against the types the generator adds: the
/// service's client, and per operation its request type, its mode enum and mode structs, its
/// outcome enum and its pager, all spelled by `ir::naming` exactly as the IR will spell them.
fn type_collisions(service: &Parsed<ServiceDoc>, out: &mut Vec<Diagnostic>) {
    let doc = &service.doc;
    let client = Mapped::generated(
        "service.name",
        format!("the client of service \"{}\"", doc.service.name),
        naming::client_name(&doc.service.name),
    );
    let generated = doc.operations.iter().flat_map(|(id, op)| {
        let request = Mapped::generated(
            format!("operations.{id}"),
            format!("the request type of operation \"{id}\""),
            naming::request_name(id),
        );
        let mode_enum = (!op.modes.is_empty()).then(|| {
            Mapped::generated(
                format!("operations.{id}.modes"),
                format!("the mode enum of operation \"{id}\""),
                naming::mode_enum_name(id),
            )
        });
        let mode_structs = op.modes.names().map(move |key| {
            Mapped::generated(
                format!("operations.{id}.modes.{key}"),
                format!("the fields of mode \"{key}\" of operation \"{id}\""),
                naming::mode_struct_name(id, key),
            )
        });
        let pager = op.paging.as_ref().map(|_| {
            Mapped::generated(
                format!("operations.{id}.paging"),
                format!("the pager of operation \"{id}\""),
                naming::pager_name(id),
            )
        });
        let outcome = (!op.response.alternatives.is_empty()).then(|| {
            Mapped::generated(
                format!("operations.{id}.response.alternatives"),
                format!("the outcome enum of operation \"{id}\""),
                naming::outcome_name(id),
            )
        });
        std::iter::once(request)
            .chain(mode_enum)
            .chain(outcome)
            .chain(mode_structs)
            .chain(pager)
    });
    let types = doc.types.names().map(|name| {
        Mapped::spec(
            format!("types.{name}"),
            "type",
            name,
            naming::type_name(name),
        )
    });
    let enums = doc.enums.names().map(|name| {
        Mapped::spec(
            format!("enums.{name}"),
            "enum",
            name,
            naming::type_name(name),
        )
    });
    let events = (!doc.notifications.is_empty()).then(|| {
        Mapped::generated(
            "notifications",
            format!("the notification enum of service \"{}\"", doc.service.name),
            naming::EVENT_ENUM.to_owned(),
        )
    });
    let entries: Vec<_> = std::iter::once(client)
        .chain(events)
        .chain(generated)
        .chain(types)
        .chain(enums)
        .collect();
    report_collisions(service, &entries, out);
}

fn field_collisions(service: &Parsed<ServiceDoc>, out: &mut Vec<Diagnostic>) {
    for (name, def) in service.doc.types.iter() {
        let entries: Vec<_> = def
            .fields
            .names()
            .map(|field| {
                let path = format!("types.{name}.fields.{field}");
                Mapped::spec(path, "field", field, naming::field_name(field))
            })
            .collect();
        report_collisions(service, &entries, out);
    }
}

/// Path, query and body fields become the fields of one request struct.
fn request_collisions(service: &Parsed<ServiceDoc>, out: &mut Vec<Diagnostic>) {
    for (id, op) in service.doc.operations.iter() {
        let groups = schema::request_groups(id, op);
        repeated_request_fields(service, &groups, out);
        let entries: Vec<_> = groups
            .iter()
            .flat_map(|group| {
                group.fields.names().map(|name| {
                    let rust = naming::field_name(name);
                    Mapped::spec(group.field_path(name), group.role.describe(), name, rust)
                })
            })
            .collect();
        report_collisions(service, &entries, out);
    }
}

/// One wire name in two of path, query and body would be two values for one request field.
fn repeated_request_fields(
    service: &Parsed<ServiceDoc>,
    groups: &[FieldGroup],
    out: &mut Vec<Diagnostic>,
) {
    let mut roles: BTreeMap<&str, Role> = BTreeMap::new();
    for group in groups {
        for name in group.fields.names() {
            match roles.entry(name) {
                Entry::Occupied(first) if *first.get() != group.role => {
                    let (first, second) = (first.get().describe(), group.role.describe());
                    out.push(service.error(
                        group.field_path(name),
                        format!(
                            "duplicate request field \"{name}\": it is both a {first} and a \
                             {second}; path, query and body fields make up one request type"
                        ),
                    ));
                }
                // The same name twice in one group is a duplicate key, reported on its own.
                Entry::Occupied(_) => {}
                Entry::Vacant(slot) => {
                    slot.insert(group.role);
                }
            }
        }
    }
}

/// Enum values become variants next to the fallback variant that keeps unlisted values.
fn variant_collisions(service: &Parsed<ServiceDoc>, out: &mut Vec<Diagnostic>) {
    for (name, def) in service.doc.enums.iter() {
        let fallback = Mapped::generated(
            format!("enums.{name}"),
            "the fallback variant for unlisted values".to_owned(),
            naming::UNKNOWN_VARIANT.to_owned(),
        );
        // Blank values are reported by `enums`; their made-up variant names would only add noise.
        let values = def
            .values
            .names()
            .filter(|value| !value.trim().is_empty())
            .map(|value| {
                let path = format!("enums.{name}.values.{value}");
                Mapped::spec(path, "value", value, naming::variant_name(value))
            });
        let entries: Vec<_> = std::iter::once(fallback).chain(values).collect();
        report_collisions(service, &entries, out);
    }
}

/// Notifications become variants of the service's `Event` enum, beside its fallback.
fn event_collisions(service: &Parsed<ServiceDoc>, out: &mut Vec<Diagnostic>) {
    let fallback = Mapped::generated(
        "notifications",
        "the fallback event for undescribed event types".to_owned(),
        naming::UNKNOWN_VARIANT.to_owned(),
    );
    let notifications = service.doc.notifications.names().map(|id| {
        let path = format!("notifications.{id}");
        Mapped::spec(path, "notification", id, naming::type_name(id))
    });
    let entries: Vec<_> = std::iter::once(fallback).chain(notifications).collect();
    report_collisions(service, &entries, out);
}

/// Operations become methods of the service's client.
fn method_collisions(service: &Parsed<ServiceDoc>, out: &mut Vec<Diagnostic>) {
    let entries: Vec<_> = service
        .doc
        .operations
        .names()
        .map(|id| {
            Mapped::spec(
                format!("operations.{id}"),
                "operation",
                id,
                naming::field_name(id),
            )
        })
        .collect();
    report_collisions(service, &entries, out);
}

/// A name and the Rust name it becomes.
struct Mapped {
    path: String,
    /// How messages call it: `field "outTradeNo"`.
    label: String,
    /// The spec name, or `None` for an item the generator adds.
    wire: Option<String>,
    rust: String,
}

impl Mapped {
    fn spec(path: String, what: &str, wire: &str, rust: String) -> Mapped {
        Mapped {
            path,
            label: format!("{what} \"{wire}\""),
            wire: Some(wire.to_owned()),
            rust,
        }
    }

    fn generated(path: impl Into<String>, label: String, rust: String) -> Mapped {
        Mapped {
            path: path.into(),
            label,
            wire: None,
            rust,
        }
    }
}

/// Reports each entry whose Rust name is no identifier, and each whose Rust name an earlier
/// entry already has, at the later entry.
fn report_collisions(service: &Parsed<ServiceDoc>, entries: &[Mapped], out: &mut Vec<Diagnostic>) {
    let mut first: BTreeMap<&str, &Mapped> = BTreeMap::new();
    for entry in entries {
        if !is_identifier(&entry.rust) {
            out.push(service.error(
                entry.path.as_str(),
                format!(
                    "{} becomes {:?}, which is no Rust identifier: use letters, digits and `_`",
                    entry.label, entry.rust
                ),
            ));
            continue;
        }
        let Some(earlier) = first.get(entry.rust.as_str()) else {
            first.insert(&entry.rust, entry);
            continue;
        };
        // The same spec name twice is a duplicate key, reported on its own; two generated items
        // colliding (two operations) is reported as a method collision.
        if earlier.wire == entry.wire {
            continue;
        }
        out.push(service.error(
            entry.path.as_str(),
            format!(
                "Rust name collision: {} and {} both become {}",
                earlier.label, entry.label, entry.rust
            ),
        ));
    }
}

/// Rust's rule (XID_Start or `_`, then XID_Continue): what `proc_macro2::Ident::new` accepts,
/// checked here so that a spec name no mapping makes valid is an error, not a panic.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || unicode_ident::is_xid_start(c))
        && chars.all(unicode_ident::is_xid_continue)
        && name != "_"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::LocationIndex;

    const REPEATED_FIELD: &str = "\
service: {name: demo, title: Demo, description: Demo.}
types:
  Thing:
    description: A thing.
    fields:
      id: {type: string, description: Id.}
      id: {type: integer, description: Id again.}
";

    fn service(index: LocationIndex) -> Parsed<ServiceDoc> {
        Parsed {
            file: "demo.yaml".to_owned(),
            doc: serde_yaml::from_str(REPEATED_FIELD).expect("the test spec parses"),
            index,
        }
    }

    fn messages(service: &Parsed<ServiceDoc>) -> Vec<String> {
        let mut out = Vec::new();
        check(service, &mut out);
        out.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn repeated_keys_of_a_spec_built_in_memory_are_reported() {
        let found = messages(&service(LocationIndex::default()));
        let expected = "demo.yaml: types.Thing.fields.id: duplicate key; each name may appear once";
        assert_eq!(found, vec![expected.to_owned()]);
    }

    #[test]
    fn a_name_that_makes_no_identifier_is_an_error_not_a_panic() {
        // What the mutation test found: a combining mark the snake-case mapping keeps in front.
        let text = "\
service: {name: demo, title: Demo, description: Demo.}
types:
  Thing:
    description: A thing.
    fields:
      \u{113c2}receiver: {type: string, description: Receiver.}
      \u{4e2d}\u{6587}: {type: string, description: A CJK name is an identifier.}
enums:
  Kind:
    description: A kind.
    values:
      \u{113c2}: null
";
        let service = Parsed {
            file: "demo.yaml".to_owned(),
            doc: serde_yaml::from_str(text).expect("the test spec parses"),
            index: LocationIndex::default(),
        };
        assert_eq!(
            messages(&service),
            vec![
                "demo.yaml: types.Thing.fields.\u{113c2}receiver: field \"\u{113c2}receiver\" becomes \"\\u{113c2}receiver\", which is no Rust identifier: use letters, digits and `_`".to_owned(),
                "demo.yaml: enums.Kind.values.\u{113c2}: value \"\u{113c2}\" becomes \"\\u{113c2}\", which is no Rust identifier: use letters, digits and `_`".to_owned(),
            ]
        );
    }

    #[test]
    fn repeated_keys_the_loader_reported_are_not_reported_again() {
        let index = LocationIndex::build(REPEATED_FIELD);
        assert_eq!(index.duplicate_keys.len(), 1);
        assert_eq!(messages(&service(index)), Vec::<String>::new());
    }
}
