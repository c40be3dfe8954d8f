//! How validation reads a service's types: what a type name stands for, and where fields are.
//!
//! Every check that looks at fields (references, field facts, examples) goes through here, so they
//! all agree on what `type: RechargeAmount` means and on the logical path of each field.

use crate::spec::{EnumDef, FieldDef, Named, OperationDef, ServiceDoc, TypeDef};

/// The type names every service knows without defining them.
pub(super) const BUILTINS: [&str; 7] = [
    "string", "integer", "number", "boolean", "datetime", "json", "array",
];

/// What a `type` or `items` name stands for within one service.
#[derive(Debug, Clone, Copy)]
pub(super) enum Kind<'a> {
    String,
    Integer,
    /// A decimal: any JSON number, kept as written.
    Number,
    /// Free-form JSON: any value, documented as such.
    Json,
    Boolean,
    Datetime,
    Array,
    Struct(&'a TypeDef),
    Enum(&'a str, &'a EnumDef),
    /// Not defined: reported by `references`, and skipped by every other check to avoid noise.
    Unknown,
}

impl Kind<'_> {
    /// Whether the value is one string, number or flag, so it can sit in a URL path or query.
    pub(super) fn is_scalar(self) -> bool {
        matches!(
            self,
            Kind::String
                | Kind::Integer
                | Kind::Number
                | Kind::Boolean
                | Kind::Datetime
                | Kind::Enum(..)
        )
    }
}

/// Builtins first: a type spelt like a builtin already breaks the PascalCase rule.
pub(super) fn resolve<'a>(doc: &'a ServiceDoc, name: &str) -> Kind<'a> {
    match name {
        "string" => Kind::String,
        "integer" => Kind::Integer,
        "number" => Kind::Number,
        "json" => Kind::Json,
        "boolean" => Kind::Boolean,
        "datetime" => Kind::Datetime,
        "array" => Kind::Array,
        _ => named(doc, name),
    }
}

fn named<'a>(doc: &'a ServiceDoc, name: &str) -> Kind<'a> {
    if let Some(def) = doc.types.get(name) {
        return Kind::Struct(def);
    }
    if let Some((key, def)) = doc.enums.iter().find(|(key, _)| *key == name) {
        return Kind::Enum(key, def);
    }
    Kind::Unknown
}

/// What a group of fields is, for messages and for the rules that differ between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Field,
    PathParam,
    Query,
    Body,
}

impl Role {
    pub(super) fn describe(self) -> &'static str {
        match self {
            Role::Field => "field",
            Role::PathParam => "path parameter",
            Role::Query => "query parameter",
            Role::Body => "body field",
        }
    }
}

/// One mapping of fields and the logical path of that mapping.
pub(super) struct FieldGroup<'a> {
    pub path: String,
    pub role: Role,
    pub fields: &'a Named<FieldDef>,
}

impl FieldGroup<'_> {
    pub(super) fn field_path(&self, name: &str) -> String {
        format!("{}.{name}", self.path)
    }
}

/// The fields of every named type, then of every operation's request.
pub(super) fn all_groups(doc: &ServiceDoc) -> Vec<FieldGroup<'_>> {
    let types = doc.types.iter().map(|(name, def)| FieldGroup {
        path: format!("types.{name}.fields"),
        role: Role::Field,
        fields: &def.fields,
    });
    let requests = doc
        .operations
        .iter()
        .flat_map(|(id, op)| request_groups(id, op));
    types.chain(requests).collect()
}

/// An operation's path, query and body fields: together they make up its one request type.
pub(super) fn request_groups<'a>(id: &str, op: &'a OperationDef) -> Vec<FieldGroup<'a>> {
    let base = format!("operations.{id}");
    let mut groups = vec![
        FieldGroup {
            path: format!("{base}.path_params"),
            role: Role::PathParam,
            fields: &op.path_params,
        },
        FieldGroup {
            path: format!("{base}.query"),
            role: Role::Query,
            fields: &op.query,
        },
    ];
    if let Some(body) = &op.body {
        groups.push(FieldGroup {
            path: format!("{base}.body"),
            role: Role::Body,
            fields: body,
        });
    }
    groups
}
