//! Schemas to named types: one service's types and enums, with deterministic names and
//! identical shapes shared.
//!
//! Our format has only named object types, so every nested object gets the name of its parent
//! type followed by its field name in UpperCamelCase (`PayRequest` + `payer` → `PayRequestPayer`).
//! Two objects with the same fields (names, types, required flags) become one type, named after
//! the first; two enums with the same values become one enum.

use std::collections::{BTreeSet, HashMap};

use super::community::Schema;
use super::naming::pascal;
use super::plan::{FieldFacts, Plan, Values};
use super::yaml::{EnumOut, FieldOut, TypeOut};
use codegen::ir::naming;
use codegen::spec::ItemsDef;

/// What the conversion of one service collects besides its types.
#[derive(Debug, Default)]
pub struct Log {
    pub warnings: Vec<String>,
    /// Properties and parameters carried over.
    pub carried: usize,
    /// `number` fields carried as decimals.
    pub decimals: usize,
    /// Objects and array items without described fields, carried as free-form JSON.
    pub free_form: usize,
}

/// Where a field is, for warnings: `POST /v3/pay/x: request.body.payer.openid`.
#[derive(Debug, Clone)]
pub struct At<'a> {
    pub operation: &'a str,
    pub path: String,
}

impl At<'_> {
    pub fn child(&self, name: &str) -> Self {
        At {
            operation: self.operation,
            path: format!("{}.{name}", self.path),
        }
    }

    pub fn warn(&self, log: &mut Log, message: impl std::fmt::Display) {
        log.warnings
            .push(format!("{}: {}: {message}", self.operation, self.path));
    }

    /// The place as names and facts files spell it: `body.amount.total`, `query.limit`,
    /// `response.trade_state`.
    pub fn place(&self) -> String {
        let (root, rest) = self.path.split_once('.').unwrap_or((&self.path, ""));
        let root = match root {
            "request" => "body",
            response if response.starts_with("response") => "response",
            other => other,
        };
        if rest.is_empty() {
            root.to_owned()
        } else {
            format!("{root}.{rest}")
        }
    }
}

/// Whether a field travels in the URL (scalars only) or in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Path,
    /// A query parameter: a scalar, or an array of scalars repeated once per item.
    Query,
    Json,
}

/// The types and enums of one service.
#[derive(Debug)]
pub struct Types<'p> {
    /// Names and facts of an import; `None` for the mechanical benchmark conversion.
    pub plan: Option<&'p Plan>,
    pub types: Vec<TypeOut>,
    pub enums: Vec<EnumOut>,
    /// Rust names in use in the service's one namespace (types, enums, requests, the client).
    taken: BTreeSet<String>,
    type_by_shape: HashMap<String, String>,
    enum_by_values: HashMap<Vec<String>, String>,
}

impl<'p> Types<'p> {
    pub fn new(plan: Option<&'p Plan>) -> Self {
        Types {
            plan,
            types: Vec::new(),
            enums: Vec::new(),
            taken: BTreeSet::new(),
            type_by_shape: HashMap::new(),
            enum_by_values: HashMap::new(),
        }
    }

    /// Keeps `name` (a request type or the client) out of the names given to types.
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(naming::type_name(name));
    }

    /// The first free candidate, else the last one numbered (`candidate2`, `candidate3`…),
    /// whichever is free once mapped to Rust.
    fn unique_name(&mut self, candidates: &[String]) -> String {
        let candidates: Vec<&str> = candidates
            .iter()
            .map(String::as_str)
            .filter(|candidate| !candidate.is_empty())
            .collect();
        if let Some(free) = candidates
            .iter()
            .find(|candidate| !self.taken.contains(&naming::type_name(candidate)))
        {
            self.taken.insert(naming::type_name(free));
            return (*free).to_owned();
        }
        let candidate = candidates.last().copied().unwrap_or("Object");
        let mut name = candidate.to_owned();
        let mut counter = 1;
        while self.taken.contains(&naming::type_name(&name)) {
            counter += 1;
            name = format!("{candidate}{counter}");
        }
        self.taken.insert(naming::type_name(&name));
        name
    }

    /// The fields of an object: each property converted, repeats and Rust-name collisions
    /// dropped with a warning. `seen` holds the names already used by sibling groups (a
    /// request's path, query and body fields make one struct).
    pub fn fields(
        &mut self,
        properties: &[Schema],
        parent: &str,
        place: Place,
        at: &At<'_>,
        seen: &mut BTreeSet<String>,
        log: &mut Log,
    ) -> Vec<(String, FieldOut)> {
        let mut out = Vec::new();
        for property in properties {
            let Some(name) = property.name.as_deref().filter(|n| !n.trim().is_empty()) else {
                at.warn(log, "skipped a property without a name");
                continue;
            };
            let here = at.child(name);
            if !seen.insert(naming::field_name(name)) {
                here.warn(
                    log,
                    "skipped: another field of this object has the same (Rust) name",
                );
                continue;
            }
            if let Some(field) = self.field(property, name, parent, place, &here, log) {
                out.push((name.to_owned(), field));
            }
        }
        out
    }

    /// One property, or `None` (with a warning) when the format cannot express it.
    fn field(
        &mut self,
        schema: &Schema,
        name: &str,
        parent: &str,
        place: Place,
        at: &At<'_>,
        log: &mut Log,
    ) -> Option<FieldOut> {
        let facts = self
            .plan
            .and_then(|plan| plan.field(at.operation, &at.place()));
        let description = facts
            .as_ref()
            .and_then(|facts| facts.description.clone())
            .or_else(|| schema.description.clone())
            .unwrap_or_default();
        let candidates = self.nested_names(parent, name);
        let ty = schema.ty.as_deref().unwrap_or("");
        let (ty, items) = match (ty, place) {
            ("array", Place::Query)
                if schema.items.as_deref().is_some_and(|items| {
                    !matches!(items.ty.as_deref(), Some("object" | "array"))
                }) =>
            {
                let items = schema.items.as_deref()?;
                // The values of `fapiao_ability_type_list` are each a `FapiaoAbilityType`.
                let singular = name.strip_suffix("_list").unwrap_or(name);
                let candidates = self.nested_names(parent, singular);
                let items =
                    self.scalar(items, facts.as_ref(), &candidates, &description, at, log)?;
                ("array".to_owned(), Some(ItemsDef::Type(items)))
            }
            ("object" | "array", Place::Path | Place::Query) => {
                let what = match (ty, place) {
                    ("array", Place::Query) => "an array of objects or arrays",
                    ("array", _) => "an array",
                    _ => "an object",
                };
                at.warn(log, format!("skipped: a URL parameter cannot be {what}"));
                return None;
            }
            ("object", Place::Json) => (
                self.object(schema, &candidates, &description, at, log)?,
                None,
            ),
            ("array", Place::Json) => {
                // Items the description does not describe are free-form JSON.
                let Some(items) = schema.items.as_deref() else {
                    log.free_form += 1;
                    log.carried += 1;
                    return Some(FieldOut {
                        ty: "array".to_owned(),
                        items: Some(ItemsDef::Type("json".to_owned())),
                        required: schema.required,
                        max_length: None,
                        sensitive: false,
                        description,
                    });
                };
                // An array of arrays wraps its element type in one bracket per level.
                let mut items = items;
                let mut levels = 0;
                while items.ty.as_deref() == Some("array") {
                    let Some(inner) = items.items.as_deref() else {
                        at.warn(
                            log,
                            "skipped: an array of arrays whose inner items are not described",
                        );
                        return None;
                    };
                    items = inner;
                    levels += 1;
                }
                let name = match items.ty.as_deref() {
                    Some("object") => self.object(items, &candidates, &description, at, log)?,
                    _ => self.scalar(items, facts.as_ref(), &candidates, &description, at, log)?,
                };
                let items = (0..levels).fold(ItemsDef::Type(name), |inner, _| {
                    ItemsDef::Array(vec![inner])
                });
                ("array".to_owned(), Some(items))
            }
            _ => (
                self.scalar(schema, facts.as_ref(), &candidates, &description, at, log)?,
                None,
            ),
        };
        log.carried += 1;
        let facts = facts.unwrap_or_default();
        let stringly = ty == "string" || items.as_ref().and_then(ItemsDef::name) == Some("string");
        // The format puts a length limit on text alone, not on an array of it.
        let max_length = facts.max_length.filter(|_| {
            let fits = ty == "string" || ty == "datetime";
            if !fits {
                at.warn(log, format!("fact dropped: max_length on a {ty} field"));
            }
            fits
        });
        let sensitive = facts.sensitive == Some(true) && {
            if !stringly {
                at.warn(log, format!("fact dropped: sensitive on a {ty} field"));
            }
            stringly
        };
        Some(FieldOut {
            ty,
            items,
            required: facts.required.unwrap_or(schema.required),
            max_length,
            sensitive,
            description,
        })
    }

    /// Names for the type of the field `name` of `parent`, best first. The benchmark
    /// conversion spells out where the object sits (`PayRequestPayer`); an import uses the
    /// domain's word (`Payer`) and prefixes its parent's stem only when another shape has the
    /// word already (`TransactionAmount`).
    fn nested_names(&self, parent: &str, name: &str) -> Vec<String> {
        if self.plan.is_none() {
            return vec![format!("{parent}{}", pascal(name))];
        }
        let stem = parent
            .strip_suffix("Request")
            .or_else(|| parent.strip_suffix("Response"))
            .unwrap_or(parent);
        vec![pascal(name), format!("{stem}{}", pascal(name))]
    }

    /// A named type for an object with properties; free-form JSON for one without.
    fn object(
        &mut self,
        schema: &Schema,
        candidates: &[String],
        description: &str,
        at: &At<'_>,
        log: &mut Log,
    ) -> Option<String> {
        let properties = schema.properties.as_deref().unwrap_or_default();
        if properties.is_empty() {
            log.free_form += 1;
            return Some("json".to_owned());
        }
        Some(self.object_type(properties, candidates, description, at, log))
    }

    /// Registers the type of `properties` under the first free candidate (or a numbered
    /// variant of the last), or returns the type that already has exactly these fields.
    pub fn object_type(
        &mut self,
        properties: &[Schema],
        candidates: &[String],
        description: &str,
        at: &At<'_>,
        log: &mut Log,
    ) -> String {
        let mut seen = BTreeSet::new();
        let parent = candidates.first().map_or("Object", String::as_str);
        let fields = self.fields(properties, parent, Place::Json, at, &mut seen, log);
        let shape = shape_key(&fields);
        if let Some(existing) = self.type_by_shape.get(&shape) {
            return existing.clone();
        }
        let name = self.unique_name(candidates);
        self.type_by_shape.insert(shape, name.clone());
        let description = if description.trim().is_empty() {
            format!("(converted) the object at {}", at.path)
        } else {
            description.to_owned()
        };
        self.types.push(TypeOut {
            name: name.clone(),
            description,
            fields,
        });
        name
    }

    /// A builtin scalar, or an enum for a string with listed values (the facts' values, with
    /// their meanings, before the description's).
    fn scalar(
        &mut self,
        schema: &Schema,
        facts: Option<&FieldFacts>,
        candidates: &[String],
        description: &str,
        at: &At<'_>,
        log: &mut Log,
    ) -> Option<String> {
        let listed = schema.values.as_deref().unwrap_or_default();
        let format = schema.format.as_deref().unwrap_or("");
        let documented = facts.and_then(|facts| facts.values.as_ref());
        match schema.ty.as_deref() {
            Some("string") if documented.is_some() || !listed.is_empty() => {
                let values = enum_values(documented, listed, at, log);
                Some(self.enumeration(&values, false, candidates, description, at, log))
            }
            Some("string") if matches!(format, "rfc3339" | "date-time") => {
                Some("datetime".to_owned())
            }
            Some("string") => Some("string".to_owned()),
            Some("boolean") => Some("boolean".to_owned()),
            Some(ty @ ("integer" | "number")) => {
                // Listed whole numbers make an integer enum (values written as digits).
                if !listed.is_empty() || documented.is_some() {
                    let values = enum_values(documented, listed, at, log);
                    if values.iter().all(|(value, _)| value.parse::<i64>().is_ok()) {
                        return Some(self.enumeration(
                            &values,
                            true,
                            candidates,
                            description,
                            at,
                            log,
                        ));
                    }
                    at.warn(
                        log,
                        format!("lossy: enum on {ty} dropped (a value is not whole)"),
                    );
                }
                let whole =
                    ty == "integer" || matches!(format, "integer" | "int32" | "int64" | "uint64");
                if whole {
                    Some("integer".to_owned())
                } else {
                    // Counted: rates, discounts, coordinates; decoded as written (runtime::Decimal).
                    log.decimals += 1;
                    Some("number".to_owned())
                }
            }
            other => {
                at.warn(log, format!("skipped: unsupported type {other:?}"));
                None
            }
        }
    }

    /// An enum of the distinct, non-blank values whose Rust variants do not collide; values
    /// dropped are warned about. An enum left with no value is a plain string.
    fn enumeration(
        &mut self,
        values: &[(String, Option<String>)],
        integer: bool,
        candidates: &[String],
        description: &str,
        at: &At<'_>,
        log: &mut Log,
    ) -> String {
        let mut kept: Vec<(String, Option<String>)> = Vec::new();
        let mut variants = BTreeSet::from([naming::UNKNOWN_VARIANT.to_owned()]);
        for (text, meaning) in values {
            if text.trim().is_empty() {
                at.warn(log, "enum: blank value dropped");
            } else if kept.iter().any(|(kept, _)| kept == text) {
                at.warn(log, format!("enum: duplicate value {text:?} dropped"));
            } else if !variants.insert(naming::variant_name(text)) {
                at.warn(
                    log,
                    format!("enum: value {text:?} dropped, its Rust variant is taken"),
                );
            } else {
                kept.push((text.clone(), meaning.clone()));
            }
        }
        if kept.is_empty() {
            return if integer { "integer" } else { "string" }.to_owned();
        }
        let mut key: Vec<String> = kept.iter().map(|(value, _)| value.clone()).collect();
        if integer {
            key.push("#integer".to_owned());
        }
        if let Some(existing) = self.enum_by_values.get(&key) {
            return existing.clone();
        }
        let name = self.unique_name(candidates);
        self.enum_by_values.insert(key, name.clone());
        // An import describes an enum as its field does; the benchmark says where it was.
        let description = match self.plan {
            Some(_) if !description.trim().is_empty() => description.to_owned(),
            _ => format!("(converted) the values at {}", at.path),
        };
        self.enums.push(EnumOut {
            name: name.clone(),
            description,
            integer,
            values: kept,
        });
        name
    }
}

/// The documented values with their meanings, then any value only the description lists
/// (kept, without a meaning, and warned about: the docs may be behind).
fn enum_values(
    documented: Option<&Values>,
    listed: &[serde_json::Value],
    at: &At<'_>,
    log: &mut Log,
) -> Vec<(String, Option<String>)> {
    let mut values: Vec<(String, Option<String>)> = documented
        .map(|documented| documented.0.clone())
        .unwrap_or_default();
    for value in listed {
        let text = match value {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        if documented.is_some_and(|documented| !documented.contains(&text)) {
            at.warn(
                log,
                format!("enum: value {text:?} is not in the facts; kept without a meaning"),
            );
        }
        values.push((text, None));
    }
    if documented.is_some() {
        // Duplicates of documented values are expected here, not worth a warning.
        let mut seen = BTreeSet::new();
        values.retain(|(value, _)| seen.insert(value.clone()));
    }
    values
}

/// What makes two objects the same type: their fields' names, types and required flags.
fn shape_key(fields: &[(String, FieldOut)]) -> String {
    let mut key = String::new();
    for (name, field) in fields {
        key.push_str(name);
        key.push(':');
        key.push_str(&field.ty);
        if let Some(items) = &field.items {
            key.push_str(&format!("[{items}]"));
        }
        key.push(if field.required { '!' } else { '?' });
        if let Some(max_length) = field.max_length {
            key.push_str(&format!("<={max_length}"));
        }
        if field.sensitive {
            key.push('#');
        }
        key.push(';');
    }
    key
}
