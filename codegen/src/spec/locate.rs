//! Line and column of every node of a YAML file, by logical path, and duplicate keys.
//!
//! serde_yaml reports positions only for its own parse errors. Validation happens later, on the
//! deserialised model, so this index, built from yaml-rust2's marked events, lets a validation error
//! say where in the file the offending node is. yaml-rust2 also reports duplicate mapping keys,
//! which serde_yaml would silently merge into the last one.

use std::collections::{BTreeMap, BTreeSet};

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::diagnostic::Location;

/// Positions of the nodes of one YAML file, keyed by logical path (`operations.close.errors[2].code`).
#[derive(Debug, Clone, Default)]
pub struct LocationIndex {
    positions: BTreeMap<String, Location>,
    /// Logical paths of keys written twice in the same mapping, with the second position.
    pub duplicate_keys: Vec<(String, Location)>,
}

impl LocationIndex {
    /// Builds the index; a file the event parser cannot read gets an empty index (serde_yaml then
    /// reports the syntax error with its own position).
    pub fn build(text: &str) -> LocationIndex {
        let mut builder = Builder::default();
        let mut parser = Parser::new_from_str(text);
        if parser.load(&mut builder, false).is_err() {
            return LocationIndex::default();
        }
        LocationIndex {
            positions: builder.positions,
            duplicate_keys: builder.duplicate_keys,
        }
    }

    /// The position of `path`, or of its nearest ancestor that has one.
    pub fn find(&self, path: &str) -> Option<Location> {
        let mut current = path;
        loop {
            if let Some(location) = self.positions.get(current) {
                return Some(*location);
            }
            let cut = current.rfind(['.', '['])?;
            current = &current[..cut];
        }
    }
}

enum Frame {
    Mapping {
        path: String,
        key: Option<String>,
        seen: BTreeSet<String>,
    },
    Sequence {
        path: String,
        next: usize,
    },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    positions: BTreeMap<String, Location>,
    duplicate_keys: Vec<(String, Location)>,
}

impl Builder {
    /// The path of the node that starts now, or `None` when the node is a mapping key.
    fn child_path(&mut self) -> Option<String> {
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Mapping { path, key, .. }) => key.take().map(|key| join(path, &key)),
            Some(Frame::Sequence { path, next }) => {
                let child = format!("{path}[{next}]");
                *next += 1;
                Some(child)
            }
        }
    }

    fn on_key(&mut self, key: String, location: Location) {
        if let Some(Frame::Mapping {
            path,
            key: slot,
            seen,
        }) = self.stack.last_mut()
        {
            let full = join(path, &key);
            if !seen.insert(key.clone()) {
                self.duplicate_keys.push((full.clone(), location));
            }
            self.positions.entry(full).or_insert(location);
            *slot = Some(key);
        }
    }

    fn record(&mut self, path: &str, location: Location) {
        self.positions.entry(path.to_owned()).or_insert(location);
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let location = Location {
            line: mark.line(),
            column: mark.col() + 1,
        };
        match event {
            Event::Scalar(value, ..) => match self.child_path() {
                Some(path) => self.record(&path, location),
                None => self.on_key(value, location),
            },
            Event::MappingStart(..) => {
                // A mapping used as a key has no logical path; it is given a placeholder one.
                let path = self.child_path().unwrap_or_else(|| "?".to_owned());
                self.record(&path, location);
                self.stack.push(Frame::Mapping {
                    path,
                    key: None,
                    seen: BTreeSet::new(),
                });
            }
            Event::SequenceStart(..) => {
                let path = self.child_path().unwrap_or_else(|| "?".to_owned());
                self.record(&path, location);
                self.stack.push(Frame::Sequence { path, next: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            Event::Alias(_) => {
                self.child_path();
            }
            _ => {}
        }
    }
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_keys_and_sequence_items() {
        let index = LocationIndex::build("a:\n  b:\n    - x: 1\n    - y: 2\n");
        assert_eq!(index.find("a.b"), Some(Location { line: 2, column: 3 }));
        assert_eq!(
            index.find("a.b[1].y"),
            Some(Location { line: 4, column: 7 })
        );
        // Unknown paths fall back to their nearest known ancestor.
        assert_eq!(
            index.find("a.b[1].y.z"),
            Some(Location { line: 4, column: 7 })
        );
    }

    #[test]
    fn reports_duplicate_keys() {
        let index = LocationIndex::build("a:\n  b: 1\n  b: 2\n");
        assert_eq!(
            index.duplicate_keys,
            vec![("a.b".to_owned(), Location { line: 3, column: 3 })]
        );
    }
}
