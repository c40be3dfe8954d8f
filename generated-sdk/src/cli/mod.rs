//! The `wxpay` command-line tool (cargo feature `cli`). Its operation table is generated from the
//! spec (`crate::api::cli`); this module reads arguments, checks request JSON against the table,
//! and maps outcomes to exit statuses.

mod app;
mod progress;
mod request;

use std::fmt;

pub use app::main;
pub use progress::Progress;
pub use request::{check, decode, encode};

use crate::runtime::OperationInfo;

/// Where a request field goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldLocation {
    /// A path parameter.
    Path,
    /// A query parameter.
    Query,
    /// A field of the JSON body.
    Body,
}

/// The JSON shape a field must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A string.
    String,
    /// An integer (i64).
    Integer,
    /// `true` or `false`.
    Boolean,
    /// An RFC 3339 time as a string.
    DateTime,
    /// One of these documented values.
    Enum(&'static [&'static str]),
    /// An object with these fields.
    Object(&'static [CliField]),
    /// An array of this shape.
    Array(&'static Shape),
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shape::String => f.write_str("string"),
            Shape::Integer => f.write_str("integer"),
            Shape::Boolean => f.write_str("boolean"),
            Shape::DateTime => f.write_str("datetime"),
            Shape::Enum(values) => write!(f, "enum({})", values.join("|")),
            Shape::Object(_) => f.write_str("object"),
            Shape::Array(items) => write!(f, "array[{items}]"),
        }
    }
}

/// One field of a request, as the spec documents it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CliField {
    /// The wire name.
    pub name: &'static str,
    /// The JSON shape.
    pub shape: Shape,
    /// Whether the field must be present.
    pub required: bool,
    /// The documented length limit, in characters.
    pub max_length: Option<usize>,
    /// Path, query or body.
    pub location: FieldLocation,
    /// The merchant mode the field belongs to, when only one mode sends it.
    pub mode: Option<&'static str>,
    /// The documented meaning.
    pub description: &'static str,
}

/// One operation of the tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CliOperation {
    /// Method, path, hosts.
    pub info: &'static OperationInfo,
    /// The service (cargo feature) it belongs to.
    pub service: &'static str,
    /// The documented title.
    pub title: &'static str,
    /// Path, query and body fields together.
    pub fields: &'static [CliField],
}

/// The error for an operation id the table does not have.
pub fn unknown_operation(id: &str) -> crate::Error {
    crate::Error::Validation(crate::runtime::ValidationError {
        field: String::new(),
        rule: format!("unknown operation {id:?}; `wxpay list` shows them all"),
    })
}
