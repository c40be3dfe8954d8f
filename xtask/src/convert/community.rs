//! The community OpenAPI-like description (`community-api.json`): one record per operation, its
//! parameters and its request and response schemas as trees of properties.
//!
//! Every attribute is optional or defaulted here: the file is third-party data, so a missing key
//! becomes a warning in the conversion, never a panic.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The whole file.
#[derive(Debug, Clone, Deserialize)]
pub struct Description {
    /// The repository and commit it was made from.
    #[serde(default)]
    pub source: Option<String>,
    pub operations: Vec<Operation>,
}

/// One operation as the community description has it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Operation {
    pub method: String,
    pub path: String,
    /// A host of its own, when not the main one.
    #[serde(default)]
    pub host: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub summary: Option<String>,
    /// The kinds of merchant that may call it (直连商户, 服务商, …).
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub last_updated: Option<String>,
    /// The request content type: `application/json`, `multipart/form-data` or none.
    #[serde(default)]
    pub consumes: Option<String>,
    #[serde(default)]
    pub path_params: Vec<Parameter>,
    #[serde(default)]
    pub query_params: Vec<Parameter>,
    #[serde(default)]
    pub header_params: Vec<Parameter>,
    #[serde(default)]
    pub request_body: Option<Schema>,
    /// By status code as text (`"200"`, `"204"`).
    #[serde(default)]
    pub responses: BTreeMap<String, Option<Schema>>,
}

/// A path, query or header parameter.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Parameter {
    pub name: String,
    #[serde(rename = "type", default)]
    pub ty: Option<String>,
    #[serde(default)]
    pub format: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default, rename = "enum")]
    pub values: Option<Vec<serde_json::Value>>,
    #[serde(default)]
    pub items: Option<Box<Schema>>,
}

/// A schema node: a body, a property (then with `name` and `required`) or an array's items.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Schema {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(rename = "type", default)]
    pub ty: Option<String>,
    #[serde(default)]
    pub format: Option<String>,
    #[serde(default, rename = "enum")]
    pub values: Option<Vec<serde_json::Value>>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub description: Option<String>,
    /// `None` for a scalar; `Some(empty)` for an object whose fields are not described.
    #[serde(default)]
    pub properties: Option<Vec<Schema>>,
    #[serde(default)]
    pub items: Option<Box<Schema>>,
    /// The object a `jsonObjectLike` string holds: an upload's meta part.
    #[serde(default, rename = "x-json")]
    pub x_json: Option<Box<Schema>>,
}

impl Parameter {
    /// The parameter as a schema node, so parameters and properties convert alike.
    pub fn as_schema(&self) -> Schema {
        Schema {
            name: Some(self.name.clone()),
            ty: self.ty.clone(),
            format: self.format.clone(),
            values: self.values.clone(),
            required: self.required,
            description: None,
            x_json: None,
            properties: None,
            items: self.items.clone(),
        }
    }
}

impl Schema {
    /// How many properties this node holds, at every depth (itself not counted).
    pub fn count_descendants(&self) -> usize {
        let properties = self.properties.iter().flatten();
        let own: usize = properties.map(|child| 1 + child.count_descendants()).sum();
        own + self
            .items
            .as_ref()
            .map_or(0, |items| items.count_descendants())
    }
}

impl Operation {
    /// Makes every `{placeholder}` of the path a declared path parameter, where the source
    /// declares it elsewhere: a query parameter or a top-level body property of that name moves
    /// to the path; a single declared path parameter that matches no placeholder (a misspelling:
    /// `use_id` for `{user_id}`) takes the placeholder's name. Returns one line per change, for
    /// the report; a placeholder none of these explains is left for `unsupported` to refuse.
    pub fn reconcile_path_params(&mut self) -> Vec<String> {
        let mut notes = Vec::new();
        let placeholders: Vec<String> = self
            .path
            .split('/')
            .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
            .map(str::to_owned)
            .collect();
        for name in &placeholders {
            if self.path_params.iter().any(|param| &param.name == name) {
                continue;
            }
            if let Some(index) = self
                .query_params
                .iter()
                .position(|param| &param.name == name)
            {
                let mut param = self.query_params.remove(index);
                param.required = true;
                self.path_params.push(param);
                notes.push(format!(
                    "path.{name}: declared as a query parameter; moved to the path"
                ));
                continue;
            }
            let from_body = self.request_body.as_mut().and_then(|body| {
                let properties = body.properties.as_mut()?;
                let index = properties
                    .iter()
                    .position(|property| property.name.as_deref() == Some(name.as_str()))?;
                Some(properties.remove(index))
            });
            if let Some(property) = from_body {
                self.path_params.push(Parameter {
                    name: name.clone(),
                    ty: property.ty,
                    format: property.format,
                    required: true,
                    values: property.values,
                    items: property.items,
                });
                notes.push(format!(
                    "path.{name}: declared as a body property; moved to the path"
                ));
                continue;
            }
            let strays: Vec<usize> = self
                .path_params
                .iter()
                .enumerate()
                .filter(|(_, param)| !placeholders.contains(&param.name))
                .map(|(index, _)| index)
                .collect();
            if let [index] = strays[..] {
                let stray = &mut self.path_params[index];
                notes.push(format!(
                    "path.{name}: declared as path parameter `{}`, which the path does not have; renamed",
                    stray.name
                ));
                stray.name.clone_from(name);
            }
        }
        notes
    }

    /// Every parameter and property of the operation, at every depth: what "fields" counts.
    pub fn count_fields(&self) -> usize {
        let params = self.path_params.len() + self.query_params.len();
        let body = self
            .request_body
            .as_ref()
            .map_or(0, Schema::count_descendants);
        // An upload's meta part is a JSON object inside a string: its fields count too.
        let meta: usize = match self.consumes.as_deref() {
            Some("multipart/form-data") => self
                .request_body
                .iter()
                .flat_map(|body| body.properties.iter().flatten())
                .filter_map(|part| part.x_json.as_ref())
                .map(|meta| meta.count_descendants())
                .sum(),
            _ => 0,
        };
        let responses: usize = self
            .responses
            .values()
            .flatten()
            .map(Schema::count_descendants)
            .sum();
        params + body + meta + responses
    }
}
