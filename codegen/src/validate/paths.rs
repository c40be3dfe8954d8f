//! Every `{name}` in an operation's path is a declared, required path parameter, and back.

use std::collections::BTreeSet;

use super::suggest;
use crate::diagnostic::Diagnostic;
use crate::spec::{OperationDef, Parsed, ServiceDoc};

pub(super) fn check(service: &Parsed<ServiceDoc>, out: &mut Vec<Diagnostic>) {
    for (id, op) in service.doc.operations.iter() {
        check_operation(service, &format!("operations.{id}"), op, out);
    }
}

fn check_operation(
    service: &Parsed<ServiceDoc>,
    base: &str,
    op: &OperationDef,
    out: &mut Vec<Diagnostic>,
) {
    let path_key = format!("{base}.path");
    if !op.path.starts_with('/') {
        out.push(service.error(
            path_key.as_str(),
            format!("path \"{}\" must start with \"/\"", op.path),
        ));
    }
    for (name, field) in op.path_params.iter() {
        if !field.required {
            out.push(service.error(
                format!("{base}.path_params.{name}"),
                format!("path parameter \"{name}\" must be required: true; a path cannot omit it"),
            ));
        }
    }
    match placeholders(&op.path) {
        Ok(names) => match_parameters(service, base, op, &names, out),
        Err(problem) => out.push(service.error(
            path_key,
            format!("unbalanced braces in path \"{}\": {problem}", op.path),
        )),
    }
}

/// Placeholders against declarations, both ways. Skipped when the braces do not parse, as the
/// placeholder names would then be guesses.
fn match_parameters(
    service: &Parsed<ServiceDoc>,
    base: &str,
    op: &OperationDef,
    names: &[&str],
    out: &mut Vec<Diagnostic>,
) {
    let path_key = format!("{base}.path");
    let mut seen = BTreeSet::new();
    for &name in names {
        if name.is_empty() {
            out.push(service.error(path_key.as_str(), "empty placeholder \"{}\" in path"));
        } else if !seen.insert(name) {
            out.push(service.error(
                path_key.as_str(),
                format!("placeholder \"{{{name}}}\" appears twice in path"),
            ));
        } else if !op.path_params.contains(name) {
            let hint = suggest::hint(name, op.path_params.names());
            out.push(service.error(
                path_key.as_str(),
                format!("placeholder \"{{{name}}}\" is not declared in path_params{hint}"),
            ));
        }
    }
    for name in op.path_params.names() {
        if !seen.contains(name) {
            out.push(service.error(
                format!("{base}.path_params.{name}"),
                format!(
                    "path parameter \"{name}\" does not appear in path \"{}\"",
                    op.path
                ),
            ));
        }
    }
}

/// The names between braces, in order, or why the braces do not pair up. Positions count
/// characters, not bytes, so they match what an editor shows.
fn placeholders(path: &str) -> Result<Vec<&str>, String> {
    let mut names = Vec::new();
    // The byte where the open placeholder's name starts, and the brace's character position.
    let mut open: Option<(usize, usize)> = None;
    for (position, (at, c)) in path.char_indices().enumerate() {
        match (c, open) {
            ('{', None) => open = Some((at + 1, position)),
            ('{', Some(_)) => {
                return Err(format!(
                    "\"{{\" at offset {position} opens inside another placeholder"
                ));
            }
            ('}', Some((start, _))) => {
                names.push(&path[start..at]);
                open = None;
            }
            ('}', None) => return Err(format!("\"}}\" at offset {position} closes nothing")),
            _ => {}
        }
    }
    match open {
        Some((_, position)) => Err(format!("\"{{\" at offset {position} is never closed")),
        None => Ok(names),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_placeholders_in_order() {
        assert_eq!(placeholders("/v3/a/{x}/b/{y}/close"), Ok(vec!["x", "y"]));
        assert_eq!(placeholders("/v3/a"), Ok(vec![]));
        assert_eq!(placeholders("/v3/{}"), Ok(vec![""]));
    }

    #[test]
    fn rejects_unbalanced_braces() {
        assert_eq!(
            placeholders("/v3/{x"),
            Err("\"{\" at offset 4 is never closed".to_owned())
        );
        assert_eq!(
            placeholders("/v3/x}"),
            Err("\"}\" at offset 5 closes nothing".to_owned())
        );
        assert_eq!(
            placeholders("/v3/{充值}/{单"),
            Err("\"{\" at offset 9 is never closed".to_owned())
        );
        assert_eq!(
            placeholders("/{a{b}}"),
            Err("\"{\" at offset 3 opens inside another placeholder".to_owned())
        );
    }
}
