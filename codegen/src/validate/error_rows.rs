//! Rows of an error table (公共错误码 or 业务错误码) become variants of the SDK's error code enum.

use super::has_shape;
use crate::diagnostic::Diagnostic;
use crate::spec::{ErrorRow, Parsed};

/// Checks `rows`, found at logical path `base` of `file`.
pub(super) fn check<T>(file: &Parsed<T>, base: &str, rows: &[ErrorRow], out: &mut Vec<Diagnostic>) {
    for (i, row) in rows.iter().enumerate() {
        let path = format!("{base}[{i}]");
        // Only 4xx and 5xx answers carry an error body.
        if !(400..=599).contains(&row.status) {
            out.push(file.error(
                format!("{path}.status"),
                format!("error status {} must be between 400 and 599", row.status),
            ));
        }
        let upper = has_shape(
            &row.code,
            |c| c.is_ascii_uppercase(),
            |c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_',
        );
        if !upper {
            out.push(file.error(
                format!("{path}.code"),
                format!("error code \"{}\" must match ^[A-Z][A-Z0-9_]*$", row.code),
            ));
        }
        if row.description.trim().is_empty() {
            out.push(file.error(
                format!("{path}.description"),
                "error description must not be empty",
            ));
        }
    }
}
