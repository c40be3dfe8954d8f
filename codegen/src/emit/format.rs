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
