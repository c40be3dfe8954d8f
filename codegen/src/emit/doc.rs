//! Rustdoc text from spec text: Chinese kept as written, made safe for rustdoc's Markdown.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc]` attributes, one per line of `text`, which is Markdown already: spec text must go
/// through [`escape`] first.
pub fn doc_attrs(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// Inner `#![doc]` attributes: the documentation of the module a file holds.
pub fn module_doc(paragraphs: &[String]) -> TokenStream {
    let text = join_paragraphs(paragraphs);
    let lines = text.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#![doc = #line])
    });
    quote!(#(#lines)*)
}

fn join_paragraphs(paragraphs: &[String]) -> String {
    paragraphs
        .iter()
        .filter(|paragraph| !paragraph.trim().is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Doc attributes for several paragraphs, separated by empty lines; empty paragraphs are skipped.
pub fn doc_paragraphs(paragraphs: &[String]) -> TokenStream {
    doc_attrs(&join_paragraphs(paragraphs))
}

/// Text made safe for one Markdown table cell: pipes escaped, lines joined with `<br>`.
pub fn table_cell(text: &str) -> String {
    text.trim().replace('|', "\\|").replace('\n', "<br>")
}

/// Spec text made safe as Markdown prose, line by line.
pub fn escape_text(text: &str) -> String {
    text.lines().map(escape).collect::<Vec<_>>().join("\n")
}

/// Escapes what rustdoc would misread in prose: ASCII brackets (intra-doc links), angle brackets
/// (HTML tags), and bare URLs (wrapped in `<…>` so they become links, not lint warnings).
pub fn escape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = rest.find("http") {
        let (before, candidate) = rest.split_at(start);
        out.push_str(&escape_plain(before));
        if candidate.starts_with("https://") || candidate.starts_with("http://") {
            let end = candidate
                .find(|c: char| {
                    c.is_whitespace() || !c.is_ascii() || c == ')' || c == '>' || c == '"'
                })
                .unwrap_or(candidate.len());
            out.push('<');
            out.push_str(&candidate[..end]);
            out.push('>');
            rest = &candidate[end..];
        } else {
            out.push_str("http");
            rest = &candidate[4..];
        }
    }
    out.push_str(&escape_plain(rest));
    out
}

fn escape_plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markdown_and_links_urls() {
        assert_eq!(
            escape("【商户号】 a[0] <b>"),
            "【商户号】 a\\[0\\] &lt;b&gt;"
        );
        assert_eq!(
            escape("见 https://pay.weixin.qq.com/doc 说明"),
            "见 <https://pay.weixin.qq.com/doc> 说明"
        );
        assert_eq!(escape("httpd_x"), "httpd_x");
    }
}
