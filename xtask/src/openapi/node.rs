//! A value of the OpenAPI document with its JSON pointer, so every error and every loss names
//! its place.

use std::fmt;

use serde_json::{Map, Value};

/// Why the document cannot be imported: what is wrong, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub pointer: String,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pointer.is_empty() {
            write!(f, "at the document root: {}", self.message)
        } else {
            write!(f, "at {}: {}", self.pointer, self.message)
        }
    }
}

impl std::error::Error for ImportError {}

#[derive(Debug, Clone)]
pub struct Node<'a> {
    pub value: &'a Value,
    pub pointer: String,
}

impl<'a> Node<'a> {
    pub fn root(value: &'a Value) -> Node<'a> {
        Node {
            value,
            pointer: String::new(),
        }
    }

    pub fn error(&self, message: impl Into<String>) -> ImportError {
        ImportError {
            pointer: self.pointer.clone(),
            message: message.into(),
        }
    }

    /// One line of the import's report: something here was not carried over, and why.
    pub fn loss(&self, what: impl fmt::Display) -> String {
        let place = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        format!("{place}: {what}")
    }

    /// The member `key` of an object (`None` when absent or null, or when this is no object).
    pub fn get(&self, key: &str) -> Option<Node<'a>> {
        let value = self
            .value
            .as_object()?
            .get(key)
            .filter(|value| !value.is_null())?;
        Some(Node {
            value,
            pointer: format!("{}/{}", self.pointer, escape(key)),
        })
    }

    pub fn require(&self, key: &str) -> Result<Node<'a>, ImportError> {
        self.get(key)
            .ok_or_else(|| self.error(format!("missing \"{key}\"")))
    }

    pub fn object(&self) -> Result<&'a Map<String, Value>, ImportError> {
        self.value
            .as_object()
            .ok_or_else(|| self.error(format!("expected an object, found {}", kind(self.value))))
    }

    /// An object's members in document order.
    pub fn entries(&self) -> Result<Vec<(&'a str, Node<'a>)>, ImportError> {
        Ok(self
            .object()?
            .iter()
            .map(|(key, value)| {
                let node = Node {
                    value,
                    pointer: format!("{}/{}", self.pointer, escape(key)),
                };
                (key.as_str(), node)
            })
            .collect())
    }

    pub fn items(&self) -> Result<Vec<Node<'a>>, ImportError> {
        let items = self
            .value
            .as_array()
            .ok_or_else(|| self.error(format!("expected an array, found {}", kind(self.value))))?;
        Ok(items
            .iter()
            .enumerate()
            .map(|(index, value)| Node {
                value,
                pointer: format!("{}/{index}", self.pointer),
            })
            .collect())
    }

    pub fn str(&self) -> Result<&'a str, ImportError> {
        self.value
            .as_str()
            .ok_or_else(|| self.error(format!("expected a string, found {}", kind(self.value))))
    }

    /// The string member `key`, if there is one; an error when it is there but no string.
    pub fn opt_str(&self, key: &str) -> Result<Option<&'a str>, ImportError> {
        self.get(key).map(|node| node.str()).transpose()
    }

    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>, ImportError> {
        self.get(key)
            .map(|node| {
                node.value.as_bool().ok_or_else(|| {
                    node.error(format!(
                        "expected true or false, found {}",
                        kind(node.value)
                    ))
                })
            })
            .transpose()
    }

    pub fn opt_u64(&self, key: &str) -> Result<Option<u64>, ImportError> {
        self.get(key)
            .map(|node| {
                node.value.as_u64().ok_or_else(|| {
                    node.error(format!(
                        "expected a whole number ≥ 0, found {}",
                        kind(node.value)
                    ))
                })
            })
            .transpose()
    }

    /// The string items of the array member `key` (empty when absent).
    pub fn strings(&self, key: &str) -> Result<Vec<&'a str>, ImportError> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(node) => node.items()?.iter().map(Node::str).collect(),
        }
    }
}

/// JSON pointer escaping (RFC 6901): `~` is `~0`, `/` is `~1`.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn kind(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}
