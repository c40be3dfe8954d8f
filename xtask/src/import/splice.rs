//! Imported operations of a transcribed service live inside its file, between two marker
//! comments in each section, so the transcribed text around them is never rewritten.

const BEGIN: &str =
    "  # >>> imported by `cargo xtask import` from spec/import/; replaced by every import";
const END: &str = "  # <<< imported";
const SECTIONS: [&str; 3] = ["types", "enums", "operations"];

/// `transcribed` with each section's imported region replaced by that section of `imported`
/// (a whole service file as the import renders it).
pub fn merge(transcribed: &str, imported: &str) -> String {
    let mut text = strip(transcribed);
    for section in SECTIONS {
        let body = section_body(imported, section);
        if body.is_empty() {
            continue;
        }
        let region = format!("{BEGIN}\n{body}{END}\n");
        text = insert(&text, section, &region);
    }
    text
}

/// The text without any imported region: what was transcribed.
pub fn strip(text: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in text.lines() {
        if line == BEGIN {
            inside = true;
        } else if line == END {
            inside = false;
        } else if !inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Whether a line starts a top-level key (not a comment, not indented, not blank).
fn is_top_level(line: &str) -> bool {
    !line.is_empty() && !line.starts_with([' ', '#', '-'])
}

/// The indented lines under `section:` (comments included), or nothing for `section: {}`.
fn section_body(text: &str, section: &str) -> String {
    let header = format!("{section}:");
    let mut lines = text.lines().skip_while(|line| *line != header);
    if lines.next().is_none() {
        return String::new();
    }
    let mut body = String::new();
    for line in lines.take_while(|line| !is_top_level(line)) {
        body.push_str(line);
        body.push('\n');
    }
    body
}

/// `region` placed at the end of `section` (before the blank lines that close it), or a new
/// section at the end of the file.
fn insert(text: &str, section: &str, region: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let header = format!("{section}:");
    let Some(start) = lines
        .iter()
        .position(|line| *line == header || line.starts_with(&format!("{header} ")))
    else {
        let mut out = text.to_owned();
        if !out.ends_with("\n\n") {
            out.push('\n');
        }
        out.push_str(&header);
        out.push('\n');
        out.push_str(region);
        return out;
    };
    let end = lines[start + 1..]
        .iter()
        .position(|line| is_top_level(line))
        .map_or(lines.len(), |offset| start + 1 + offset);
    let mut at = end;
    while at > start + 1 && (lines[at - 1].trim().is_empty() || lines[at - 1].starts_with('#')) {
        at -= 1;
    }
    let mut out = String::new();
    for line in &lines[..at] {
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(region);
    for line in &lines[at..] {
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRANSCRIBED: &str = "# Transcribed from the docs.\nservice:\n  name: global\n\ntypes:\n  Amount:\n    description: 金额\n\n# operations follow\noperations:\n  pay:\n    title: 付款\n";
    const IMPORTED: &str = "# header\nservice:\n  name: global\ntypes:\n  Payer:\n    description: 支付者\nenums: {}\noperations:\n  # name: title\n  close_order:\n    title: 关单\n";

    #[test]
    fn imported_sections_go_between_markers_and_the_transcribed_text_stays() {
        let merged = merge(TRANSCRIBED, IMPORTED);
        assert_eq!(strip(&merged), TRANSCRIBED);
        assert!(
            merged.contains(&format!("    description: 金额\n{BEGIN}\n  Payer:\n    description: 支付者\n{END}\n\n# operations follow\n")),
            "{merged}"
        );
        assert!(
            merged.ends_with(&format!("    title: 付款\n{BEGIN}\n  # name: title\n  close_order:\n    title: 关单\n{END}\n")),
            "{merged}"
        );
        assert!(
            !merged.contains("enums:"),
            "an empty section adds nothing:\n{merged}"
        );
    }

    #[test]
    fn a_second_import_replaces_the_first_and_nothing_else() {
        let once = merge(TRANSCRIBED, IMPORTED);
        let twice = merge(&once, IMPORTED);
        assert_eq!(once, twice);
        let other = IMPORTED.replace("关单", "关闭订单");
        let changed = merge(&once, &other);
        assert!(
            changed.contains("关闭订单") && !changed.contains("关单\n"),
            "{changed}"
        );
    }
}
