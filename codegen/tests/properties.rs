//! The real spec, mutated at random (lines deleted, duplicated, swapped, re-indented; tokens and
//! keys of the spec itself inserted or swapped in; bytes changed; files cut short), through the
//! whole pipeline: no stage ever panics, and a spec that parses and validates always generates.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::LazyLock;

use codegen::spec::{SourceFile, Sources};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestRunner;

const API: &str = include_str!("../../spec/api.yaml");
const SERVICE: &str = include_str!("../../spec/services/platsolution.yaml");

/// Tokens to insert: every key and value of the spec, so mutations stay close to a real spec,
/// and YAML syntax that could trip the loader.
static TOKENS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut tokens: Vec<String> = [
        "- ",
        ":",
        ": ",
        "{",
        "}",
        "[",
        "]",
        "[]",
        "{}",
        "&anchor ",
        "*anchor",
        "<<: *anchor",
        "!!int ",
        "!!binary ",
        "~",
        "null",
        "\"",
        "'",
        "#",
        "|",
        ">-",
        "---",
        "...",
        "\t",
        "?",
        "-1",
        "0",
        "4294967296",
        "1e999",
        ".nan",
        "true",
        "\u{a0}",
        "\u{feff}",
        "{x}",
        "/{",
        "}/",
    ]
    .map(str::to_owned)
    .to_vec();
    for line in API.lines().chain(SERVICE.lines()) {
        let line = line.trim().trim_start_matches("- ");
        if let Some((key, value)) = line.split_once(':') {
            tokens.push(format!("{key}:"));
            tokens.push(value.trim().to_owned());
        }
    }
    tokens.sort();
    tokens.dedup();
    tokens
});

#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    Indent(Index, i8),
    InsertToken(Index, Index, Index),
    ReplaceValue(Index, Index),
    InsertText(Index, String),
    SetByte(Index, u8),
    Truncate(Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let index = any::<Index>;
    // Weighted towards edits that keep the YAML well formed, so the later stages see many cases.
    prop_oneof![
        3 => index().prop_map(Mutation::DeleteLine),
        2 => index().prop_map(Mutation::DuplicateLine),
        2 => (index(), index()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        1 => (index(), -4i8..=4).prop_map(|(line, by)| Mutation::Indent(line, by)),
        1 => (index(), index(), index()).prop_map(|(l, c, t)| Mutation::InsertToken(l, c, t)),
        6 => (index(), index()).prop_map(|(line, token)| Mutation::ReplaceValue(line, token)),
        1 => (index(), "\\PC{0,12}").prop_map(|(at, text)| Mutation::InsertText(at, text)),
        1 => (index(), any::<u8>()).prop_map(|(at, byte)| Mutation::SetByte(at, byte)),
        1 => index().prop_map(Mutation::Truncate),
    ]
}

fn apply(text: &str, mutation: &Mutation) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    if lines.is_empty() {
        lines.push(String::new());
    }
    let line = |index: &Index| index.index(lines.len());
    let token = |index: &Index| TOKENS[index.index(TOKENS.len())].clone();
    match mutation {
        Mutation::DeleteLine(at) => {
            lines.remove(line(at));
        }
        Mutation::DuplicateLine(at) => {
            let at = line(at);
            lines.insert(at, lines[at].clone());
        }
        Mutation::SwapLines(a, b) => {
            let (a, b) = (line(a), line(b));
            lines.swap(a, b);
        }
        Mutation::Indent(at, by) => {
            let at = line(at);
            let text = &lines[at];
            let body = text.trim_start_matches(' ');
            let indent = (text.len() - body.len()).saturating_add_signed(isize::from(*by));
            lines[at] = format!("{}{body}", " ".repeat(indent));
        }
        Mutation::InsertToken(at, column, inserted) => {
            let at = line(at);
            let text = &mut lines[at];
            let boundaries: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            text.insert_str(boundaries[column.index(boundaries.len())], &token(inserted));
        }
        Mutation::ReplaceValue(at, value) => {
            let at = line(at);
            if let Some((key, _)) = lines[at].split_once(": ") {
                lines[at] = format!("{key}: {}", token(value));
            }
        }
        Mutation::InsertText(at, inserted) => {
            let mut text = lines.join("\n");
            let at = floor_char_boundary(&text, at.index(text.len() + 1));
            text.insert_str(at, inserted);
            return text;
        }
        Mutation::SetByte(at, byte) => {
            let mut bytes = lines.join("\n").into_bytes();
            if !bytes.is_empty() {
                let at = at.index(bytes.len());
                bytes[at] = *byte;
            }
            // Spec files are read as UTF-8 text, so a broken sequence never reaches the parser.
            return String::from_utf8_lossy(&bytes).into_owned();
        }
        Mutation::Truncate(at) => {
            let text = lines.join("\n");
            return text[..floor_char_boundary(&text, at.index(text.len() + 1))].to_owned();
        }
    }
    lines.join("\n") + "\n"
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn sources(api: String, service: String) -> Sources {
    // The real default features name services this one-service spec lacks.
    let api = codegen::spec::without_service_lists(&api);
    Sources {
        api: SourceFile {
            path: "spec/api.yaml".to_owned(),
            text: api,
        },
        services: vec![SourceFile {
            path: "spec/services/platsolution.yaml".to_owned(),
            text: service,
        }],
    }
}

/// Runs every stage and says how far the spec got. Panics propagate and fail the test.
fn pipeline(sources: &Sources) -> Reached {
    let Ok(spec) = codegen::spec::parse(sources) else {
        return Reached::Parse;
    };
    if codegen::validate::validate(&spec).is_err() {
        return Reached::Validate;
    }
    let api = codegen::ir::build(&spec)
        .unwrap_or_else(|error| panic!("a spec that validates fails to build:\n{error}"));
    if let Err(error) = codegen::emit::emit(&api) {
        panic!("a spec that validates fails to emit: {error}");
    }
    Reached::Emitted
}

/// The stage a spec stopped at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Reached {
    Parse,
    Validate,
    Emitted,
}

/// Mutates `original`, one file of the real spec, `CASES` times and runs the pipeline on the spec
/// `file` puts it in; returns how many cases stopped where.
fn mutate(original: &str, file: fn(String) -> Sources) -> BTreeMap<Reached, u32> {
    const CASES: u32 = 128;
    let reached = RefCell::new(BTreeMap::new());
    let mut runner = TestRunner::new(ProptestConfig {
        cases: CASES,
        source_file: Some(file!()),
        ..ProptestConfig::default()
    });
    runner
        .run(&vec(mutation(), 1..4), |mutations| {
            let text = mutations
                .iter()
                .fold(original.to_owned(), |text, m| apply(&text, m));
            *reached
                .borrow_mut()
                .entry(pipeline(&file(text)))
                .or_insert(0) += 1;
            Ok(())
        })
        .unwrap_or_else(|failure| panic!("{failure}"));
    reached.into_inner()
}

/// Guards against mutations so destructive that emit is never exercised (about one case in six
/// gets there, so 128 cases with none would be a one-in-10⁹ fluke).
fn assert_reaches_emit(reached: &BTreeMap<Reached, u32>) {
    println!("cases by the stage they stopped at: {reached:?}");
    assert!(reached.contains_key(&Reached::Emitted), "{reached:?}");
}

#[test]
fn the_unmutated_spec_generates() {
    assert_eq!(
        pipeline(&sources(API.to_owned(), SERVICE.to_owned())),
        Reached::Emitted
    );
}

#[test]
fn a_mutated_service_file_never_panics() {
    let reached = mutate(SERVICE, |mutated| sources(API.to_owned(), mutated));
    assert_reaches_emit(&reached);
}

#[test]
fn a_mutated_api_file_never_panics() {
    let reached = mutate(API, |mutated| sources(mutated, SERVICE.to_owned()));
    assert_reaches_emit(&reached);
}
