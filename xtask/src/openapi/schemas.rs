//! Schemas into the spec's types, enums and fields: `components.schemas` become each service's
//! named types; inline objects and enums get names from where they are; what our format has no
//! words for (`oneOf`, `allOf` of several, binary strings) is carried as free-form JSON and
//! reported.

use heck::ToUpperCamelCase;
use serde_json::Value;

use codegen::spec::{EnumDef, EnumWire, FieldDef, ItemsDef, Named, TypeDef};

use super::Importer;
use super::node::{ImportError, Node};

const COMPONENT_PREFIX: &str = "#/components/schemas/";

/// A field's type as the spec writes it: `type`, and `items` for arrays.
pub struct Ty {
    pub ty: String,
    pub items: Option<ItemsDef>,
}

impl Ty {
    fn plain(ty: &str) -> Ty {
        Ty {
            ty: ty.to_owned(),
            items: None,
        }
    }

    /// How this type is named as an array's element.
    fn as_items(&self) -> ItemsDef {
        match &self.items {
            Some(inner) if self.ty == "array" => ItemsDef::Array(vec![inner.clone()]),
            _ => ItemsDef::Type(self.ty.clone()),
        }
    }
}

impl<'a> Importer<'a> {
    /// The type name a component gets in `service`: `<service>.<Name>` (our own export's
    /// spelling) is `Name`; any other key is made a PascalCase name.
    pub(super) fn component_name(&self, service: &str, key: &str) -> String {
        if let Some((owner, name)) = key.split_once('.')
            && owner == service
        {
            // `Result_`: the generator's escape of a name Rust's prelude has; the spec says
            // `Result`.
            return name.trim_end_matches('_').to_owned();
        }
        let name = key
            .rsplit_once('.')
            .map_or(key, |(_, name)| name)
            .to_upper_camel_case();
        match name.chars().next() {
            Some(first) if first.is_ascii_uppercase() => name,
            _ => format!("Schema{name}"),
        }
    }

    /// Makes sure the component `key` is defined in `service`, converting it on first use;
    /// returns its name there.
    pub(super) fn ensure_component(
        &mut self,
        service: &str,
        key: &str,
    ) -> Result<String, ImportError> {
        let name = self.component_name(service, key);
        if self.defines(service, &name) {
            return Ok(name);
        }
        let node = self
            .components
            .get(key)
            .cloned()
            .ok_or_else(|| self.doc.error(format!("no component schema \"{key}\"")))?;
        self.define(service, &name, &node)?;
        Ok(name)
    }

    fn defines(&self, service: &str, name: &str) -> bool {
        self.services
            .get(service)
            .is_some_and(|doc| doc.types.contains(name) || doc.enums.contains(name))
    }

    /// Converts an object or enum schema into a named type of `service`.
    fn define(&mut self, service: &str, name: &str, node: &Node<'a>) -> Result<(), ImportError> {
        let node = self.resolve_alias(node)?;
        if node.get("enum").is_some() {
            let definition = self.enum_def(&node)?;
            self.service_mut(service)
                .enums
                .0
                .push((name.to_owned(), definition));
            return Ok(());
        }
        // Placed first, so a type that holds itself (a tree) finds its own name defined.
        let index = {
            let types = &mut self.service_mut(service).types.0;
            types.push((
                name.to_owned(),
                TypeDef {
                    description: String::new(),
                    fields: Named::default(),
                },
            ));
            types.len() - 1
        };
        let definition = self.object_def(service, name, &node)?;
        self.service_mut(service).types.0[index].1 = definition;
        Ok(())
    }

    /// Follows `$ref`s to other components until a schema of its own.
    fn resolve_alias(&self, node: &Node<'a>) -> Result<Node<'a>, ImportError> {
        let mut current = node.clone();
        for _ in 0..32 {
            match current.opt_str("$ref")? {
                Some(reference) => current = self.referenced(&current, reference)?,
                None => return Ok(current),
            }
        }
        Err(node.error("a cycle of $ref"))
    }

    fn referenced(&self, at: &Node<'a>, reference: &str) -> Result<Node<'a>, ImportError> {
        let key = reference.strip_prefix(COMPONENT_PREFIX).ok_or_else(|| {
            at.error(format!(
                "$ref \"{reference}\": only references to {COMPONENT_PREFIX}… are followed"
            ))
        })?;
        self.components
            .get(key)
            .cloned()
            .ok_or_else(|| at.error(format!("$ref \"{reference}\" names no component schema")))
    }

    fn object_def(
        &mut self,
        service: &str,
        name: &str,
        node: &Node<'a>,
    ) -> Result<TypeDef, ImportError> {
        let description = node.opt_str("description")?.unwrap_or_default().to_owned();
        let fields = self.object_fields(service, name, node)?;
        Ok(TypeDef {
            description,
            fields,
        })
    }

    /// An object's properties as fields: the required ones in `required` order, then the
    /// others in document order (our export writes `required` in the spec's order and the
    /// properties sorted, so this keeps the order the `required` list shows).
    pub(super) fn object_fields(
        &mut self,
        service: &str,
        owner: &str,
        node: &Node<'a>,
    ) -> Result<Named<FieldDef>, ImportError> {
        let required = node.strings("required")?;
        let properties = match node.get("properties") {
            Some(properties) => properties.entries()?,
            None => Vec::new(),
        };
        let mut ordered: Vec<&(&str, Node<'a>)> = Vec::new();
        for name in &required {
            match properties.iter().find(|(key, _)| key == name) {
                Some(entry) => ordered.push(entry),
                None => self.losses.push(node.loss(format!(
                    "required property \"{name}\" is not among the properties; dropped"
                ))),
            }
        }
        ordered.extend(properties.iter().filter(|(key, _)| !required.contains(key)));
        let mut fields = Named::default();
        for (key, property) in ordered {
            let required = required.contains(key);
            let field = self.field(
                service,
                &format!("{owner}{}", key.to_upper_camel_case()),
                property,
                required,
            )?;
            fields.0.push(((*key).to_owned(), field));
        }
        Ok(fields)
    }

    /// One property or parameter schema as a field; `suggested` names an inline object or enum.
    pub(super) fn field(
        &mut self,
        service: &str,
        suggested: &str,
        node: &Node<'a>,
        required: bool,
    ) -> Result<FieldDef, ImportError> {
        let Ty { ty, items } = self.field_type(service, suggested, node)?;
        let max_length = node
            .opt_u64("maxLength")?
            .map(|max| u32::try_from(max).map_err(|_| node.error("maxLength does not fit 32 bits")))
            .transpose()?;
        // A limit counts characters; on anything but text the generator refuses it.
        let max_length = match max_length {
            Some(max) if ty == "string" || ty == "datetime" => Some(max),
            Some(_) => {
                self.losses
                    .push(node.loss(format!("maxLength on a {ty} field is not carried")));
                None
            }
            None => None,
        };
        Ok(FieldDef {
            ty,
            items,
            required,
            max_length,
            sensitive: node.opt_bool("x-sensitive")?.unwrap_or(false),
            description: node.opt_str("description")?.unwrap_or_default().to_owned(),
        })
    }

    pub(super) fn field_type(
        &mut self,
        service: &str,
        suggested: &str,
        node: &Node<'a>,
    ) -> Result<Ty, ImportError> {
        if let Some(reference) = node.opt_str("$ref")? {
            let key = reference.strip_prefix(COMPONENT_PREFIX).ok_or_else(|| {
                node.error(format!(
                    "$ref \"{reference}\": only references to {COMPONENT_PREFIX}… are followed"
                ))
            })?;
            let target = self.referenced(node, reference)?;
            let target = self.resolve_alias(&target)?;
            if target.get("enum").is_some() || is_object_with_fields(&target) {
                return Ok(Ty::plain(&self.ensure_component(service, key)?));
            }
            return self.field_type(service, suggested, &target);
        }
        for keyword in ["anyOf", "oneOf"] {
            if let Some(choices) = node.get(keyword) {
                let choices = choices.items()?;
                let not_null: Vec<&Node<'a>> = choices
                    .iter()
                    .filter(|choice| choice.value.get("type") != Some(&Value::from("null")))
                    .collect();
                if let [only] = not_null.as_slice() {
                    return self.field_type(service, suggested, only);
                }
                self.losses.push(node.loss(format!(
                    "{keyword} of {} schemas has no counterpart in the format; carried as free-form JSON",
                    not_null.len()
                )));
                return Ok(Ty::plain("json"));
            }
        }
        if let Some(all) = node.get("allOf") {
            if let [only] = all.items()?.as_slice() {
                return self.field_type(service, suggested, only);
            }
            self.losses.push(node.loss(
                "allOf of several schemas has no counterpart in the format; carried as free-form JSON",
            ));
            return Ok(Ty::plain("json"));
        }
        if node.get("enum").is_some() {
            return Ok(Ty::plain(&self.inline_enum(service, suggested, node)?));
        }
        let ty = match node.get("type") {
            None => None,
            Some(ty) => match ty.value {
                Value::String(ty) => Some(ty.as_str()),
                // OpenAPI 3.1: ["string", "null"] is a string that may be null.
                Value::Array(types) => {
                    let named: Vec<&str> = types
                        .iter()
                        .filter_map(Value::as_str)
                        .filter(|ty| *ty != "null")
                        .collect();
                    match named.as_slice() {
                        [one] => Some(*one),
                        _ => {
                            self.losses.push(
                                ty.loss("a value of several types; carried as free-form JSON"),
                            );
                            return Ok(Ty::plain("json"));
                        }
                    }
                }
                _ => return Err(ty.error("\"type\" must be a string or an array of strings")),
            },
        };
        let format = node.opt_str("format")?;
        Ok(match ty {
            None => Ty::plain("json"),
            Some("string") => {
                match format {
                    Some("date-time") => Ty::plain("datetime"),
                    Some("binary") => {
                        self.losses.push(node.loss(
                            "a binary string outside a multipart upload is carried as a string",
                        ));
                        Ty::plain("string")
                    }
                    _ => Ty::plain("string"),
                }
            }
            Some("integer") => Ty::plain("integer"),
            Some("number") => Ty::plain("number"),
            Some("boolean") => Ty::plain("boolean"),
            Some("array") => {
                let items = match node.get("items") {
                    Some(items) => self.field_type(service, suggested, &items)?.as_items(),
                    None => {
                        self.losses.push(
                            node.loss("an array without items; its items are free-form JSON"),
                        );
                        ItemsDef::Type("json".to_owned())
                    }
                };
                Ty {
                    ty: "array".to_owned(),
                    items: Some(items),
                }
            }
            Some("object") if is_object_with_fields(node) => {
                let name = self.unused_name(service, suggested);
                let definition = self.object_def(service, &name, node)?;
                self.service_mut(service)
                    .types
                    .0
                    .push((name.clone(), definition));
                Ty::plain(&name)
            }
            Some("object") => Ty::plain("json"),
            Some("null") => {
                self.losses
                    .push(node.loss("a value that is always null; carried as free-form JSON"));
                Ty::plain("json")
            }
            Some(other) => return Err(node.error(format!("unknown type \"{other}\""))),
        })
    }

    /// An inline enum: the service's named enum with the same values and meanings when there
    /// is one (our export writes parameters' enums inline), else a new enum named `suggested`.
    fn inline_enum(
        &mut self,
        service: &str,
        suggested: &str,
        node: &Node<'a>,
    ) -> Result<String, ImportError> {
        let definition = self.enum_def(node)?;
        let twin = self
            .service_mut(service)
            .enums
            .iter()
            .find_map(|(name, known)| {
                (known.values == definition.values && known.wire == definition.wire)
                    .then(|| name.to_owned())
            });
        if let Some(name) = twin {
            return Ok(name);
        }
        let name = self.unused_name(service, suggested);
        self.service_mut(service)
            .enums
            .0
            .push((name.clone(), definition));
        Ok(name)
    }

    fn enum_def(&mut self, node: &Node<'a>) -> Result<EnumDef, ImportError> {
        let meanings = node.get("x-enum-descriptions");
        let mut values = Named::default();
        let mut integer = false;
        for value in node.require("enum")?.items()? {
            let wire = match value.value {
                Value::String(text) => text.clone(),
                Value::Number(number) if number.is_i64() => {
                    integer = true;
                    number.to_string()
                }
                Value::Null => continue,
                _ => return Err(value.error("enum values must be strings or whole numbers")),
            };
            let meaning = match meanings.as_ref().and_then(|meanings| meanings.get(&wire)) {
                Some(meaning) if meaning.value.is_null() => None,
                Some(meaning) => Some(meaning.str()?.to_owned()),
                None => None,
            };
            values.0.push((wire, meaning));
        }
        Ok(EnumDef {
            description: node.opt_str("description")?.unwrap_or_default().to_owned(),
            wire: if integer {
                EnumWire::Integer
            } else {
                EnumWire::String
            },
            values,
        })
    }

    /// `suggested`, or with a number after it when the service has that name already.
    fn unused_name(&mut self, service: &str, suggested: &str) -> String {
        let base = match suggested.chars().next() {
            Some(first) if first.is_ascii_uppercase() => suggested.to_owned(),
            _ => format!("Schema{suggested}"),
        };
        let mut name = base.clone();
        let mut n = 2;
        while self.defines(service, &name) || self.components_reserve(service, &name) {
            name = format!("{base}{n}");
            n += 1;
        }
        name
    }

    /// Whether a component of `service` will take `name` (they are defined before anything
    /// inline, but an inline name must not take one first).
    fn components_reserve(&self, service: &str, name: &str) -> bool {
        self.components.keys().any(|key| {
            self.component_name(service, key) == name && key.starts_with(&format!("{service}."))
        })
    }
}

fn is_object_with_fields(node: &Node<'_>) -> bool {
    node.get("properties").is_some()
}
