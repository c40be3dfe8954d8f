//! Turning token streams into formatted files with the generated-file header.

use proc_macro2::TokenStream;

use super::EmitError;
use crate::output::MARKER;

/// The one-line header of a generated file, in the comment syntax `prefix` (`//`, `#`, `<!--`).
pub fn header(prefix: &str, sources: &[String]) -> String {
    let line = format!("{MARKER} from {}. Do not edit.", sources.join(", "));
    match prefix {
        "<!--" => format!("<!-- {line} -->\n"),
        _ => format!("{prefix} {line}\n"),
    }
}

/// A JSON object pretty-printed, its first member `key` holding the generated-file header so the
/// marker is on the first line (JSON has no comments).
pub fn json_file(
    name: &str,
    key: &str,
    value: &serde_json::Value,
    sources: &[String],
) -> Result<String, EmitError> {
    let marker = format!("{MARKER} from {}. Do not edit.", sources.join(", "));
    let fail = |error: serde_json::Error| EmitError(format!("{name}: cannot serialize: {error}"));
    let pretty = serde_json::to_string_pretty(value).map_err(fail)?;
    let marker = serde_json::to_string(&marker).map_err(fail)?;
    let rest = pretty
        .strip_prefix("{\n")
        .ok_or_else(|| EmitError(format!("{name}: the document is not a non-empty object")))?;
    Ok(format!("{{\"{key}\": {marker},\n{rest}\n"))
}

/// Parses the tokens as a file, formats them with prettyplease and adds the header.
pub fn rust_file(name: &str, tokens: TokenStream, sources: &[String]) -> Result<String, EmitError> {
    let file: syn::File = syn::parse2(tokens).map_err(|error| {
        EmitError(format!(
            "{name}: emitted tokens are not a Rust file: {error}"
        ))
    })?;
    Ok(format!(
        "{}\n{}",
        header("//", sources),
        prettyplease::unparse(&file)
    ))
}

/// The value with every object's keys in sorted order, rebuilt so that the order holds even when
/// serde_json's `preserve_order` feature is on in some build.
pub fn sorted(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<(String, serde_json::Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(
                entries
                    .into_iter()
                    .map(|(key, value)| (key, sorted(value)))
                    .collect(),
            )
        }
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.into_iter().map(sorted).collect())
        }
        other => other,
    }
}
