//! What `spec/services/` holds before an import: which files were transcribed (and what
//! operations and names they use), which were written by an earlier import.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_yaml::Value;

use super::{IMPORTED, splice};
use crate::convert::plan::Names;
use codegen::ir::naming;

/// One service file.
#[derive(Debug)]
struct File {
    path: String,
    service: String,
    imported: bool,
    text: String,
    /// `(method, path, id)` of each transcribed operation.
    operations: Vec<(String, String, String)>,
    /// Type and enum names of the transcribed part.
    names: BTreeSet<String>,
}

#[derive(Debug, Default)]
pub struct Existing {
    files: Vec<File>,
}

impl Existing {
    pub fn read(dir: &Path) -> Result<Existing, String> {
        let mut files = Vec::new();
        let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut paths: Vec<_> = entries
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
            .collect();
        paths.sort();
        for path in paths {
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            files.push(File::parse(&format!("spec/services/{name}"), text)?);
        }
        Ok(Existing { files })
    }

    fn transcribed_files(&self) -> impl Iterator<Item = &File> {
        self.files.iter().filter(|file| !file.imported)
    }

    /// Whether a transcribed file has this operation (placeholder names aside: the community
    /// description may call `{id}` `{transaction_id}`).
    pub fn transcribed(&self, method: &str, path: &str) -> bool {
        let path = shape(path);
        self.transcribed_files().any(|file| {
            file.operations
                .iter()
                .any(|(m, p, _)| m == method && shape(p) == path)
        })
    }

    /// The text of the transcribed file of `service`, if there is one.
    pub fn transcribed_text(&self, service: &str) -> Option<&str> {
        self.transcribed_files()
            .find(|file| file.service == service)
            .map(|file| file.text.as_str())
    }

    pub fn imported_paths(&self) -> impl Iterator<Item = &str> {
        self.files
            .iter()
            .filter(|file| file.imported)
            .map(|file| file.path.as_str())
    }

    /// The Rust type names the transcribed part of each service uses.
    pub fn taken_names(&self) -> BTreeMap<String, BTreeSet<String>> {
        let mut taken: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for file in self.transcribed_files() {
            let names = taken.entry(file.service.clone()).or_default();
            names.extend(file.names.iter().cloned());
            for (_, _, id) in &file.operations {
                names.insert(format!("{}Request", naming::type_name(id)));
            }
        }
        taken
    }

    /// An imported id must not take a transcribed operation's id in the same service.
    pub fn check_ids(&self, names: &Names) -> Result<(), String> {
        let mut problems = Vec::new();
        for (key, named) in &names.operations {
            for file in self
                .transcribed_files()
                .filter(|f| f.service == named.service)
            {
                for (method, path, id) in &file.operations {
                    let same = key
                        .split_once(' ')
                        .is_some_and(|(m, p)| m == method && shape(p) == shape(path));
                    if *id == named.id && !same {
                        problems.push(format!(
                            "spec/import/names.yaml: {key}: id `{id}` is {method} {path} in {}",
                            file.path
                        ));
                    }
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("\n"))
        }
    }
}

impl File {
    fn parse(path: &str, text: String) -> Result<File, String> {
        let imported = text.starts_with(IMPORTED);
        // A transcribed file's facts are read without its imported regions.
        let transcribed = splice::strip(&text);
        let doc: Value = serde_yaml::from_str(&transcribed).map_err(|e| format!("{path}: {e}"))?;
        let service = doc["service"]["name"]
            .as_str()
            .ok_or_else(|| format!("{path}: no service.name"))?
            .to_owned();
        let keys = |section: &str| -> Vec<String> {
            doc[section]
                .as_mapping()
                .into_iter()
                .flatten()
                .filter_map(|(key, _)| key.as_str().map(str::to_owned))
                .collect()
        };
        let names = keys("types").into_iter().chain(keys("enums")).collect();
        let operations = doc["operations"]
            .as_mapping()
            .into_iter()
            .flatten()
            .filter_map(|(id, op)| {
                Some((
                    op["method"].as_str()?.to_owned(),
                    op["path"].as_str()?.to_owned(),
                    id.as_str()?.to_owned(),
                ))
            })
            .collect();
        Ok(File {
            path: path.to_owned(),
            service,
            imported,
            text,
            operations,
            names,
        })
    }
}

/// A path with every placeholder name left out: `/v3/x/{}/close`.
fn shape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push('{');
            }
            '}' => {
                inside = false;
                out.push('}');
            }
            _ if inside => {}
            _ => out.push(c),
        }
    }
    out
}
