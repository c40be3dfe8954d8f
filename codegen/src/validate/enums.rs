//! Enums list at least one value, and every value is a real string.
//!
//! Repeated values are duplicate keys of the `values` mapping and are reported by `names`.

use crate::diagnostic::Diagnostic;
use crate::spec::{EnumWire, Parsed, ServiceDoc};

pub(super) fn check(service: &Parsed<ServiceDoc>, out: &mut Vec<Diagnostic>) {
    for (name, def) in service.doc.enums.iter() {
        if def.values.is_empty() {
            out.push(service.error(
                format!("enums.{name}.values"),
                format!("enum \"{name}\" has no values; an enum needs at least one"),
            ));
        }
        for value in def.values.names() {
            // A blank value cannot be told apart from a missing one on the wire.
            if value.trim().is_empty() {
                out.push(service.error(
                    format!("enums.{name}.values.{value}"),
                    format!("enum value \"{value}\" is blank; values must be non-empty strings"),
                ));
            } else if def.wire == EnumWire::Integer && value.parse::<i64>().is_err() {
                out.push(service.error(
                    format!("enums.{name}.values.{value}"),
                    format!("enum value \"{value}\" of an integer enum is not an integer"),
                ));
            }
        }
    }
}
