//! `cargo xtask gen` writes the generated SDK from `spec/`; `cargo xtask gen --check` only
//! compares and fails when anything is stale.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: cargo xtask gen [--check] [--root DIR]\n\n\
  gen            write generated-sdk/ from spec/\n\
  gen --check    write nothing; fail naming every stale or extra generated file\n\
  --root DIR     the workspace to work on (default: this one)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match parse_args(&args) {
        Some((mode, root)) => generate(&root, mode),
        None => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn parse_args(args: &[String]) -> Option<(Mode, PathBuf)> {
    let (command, mut rest) = args.split_first()?;
    if command != "gen" {
        return None;
    }
    let mut mode = Mode::Write;
    let mut root = workspace_root();
    while let Some((flag, tail)) = rest.split_first() {
        rest = tail;
        match flag.as_str() {
            "--check" => mode = Mode::Check,
            "--root" => {
                let (dir, tail) = rest.split_first()?;
                root = PathBuf::from(dir);
                rest = tail;
            }
            _ => return None,
        }
    }
    Some((mode, root))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Write,
    Check,
}

fn workspace_root() -> PathBuf {
    // xtask lives one level below the workspace root.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn generate(root: &Path, mode: Mode) -> ExitCode {
    let started = Instant::now();
    let generated = match codegen::generate_from(root) {
        Ok(generated) => generated,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let result = match mode {
        Mode::Write => generated.output.write(root),
        Mode::Check => generated.output.check(root),
    };
    let stale = match result {
        Ok(stale) => stale,
        Err(error) => {
            eprintln!(
                "cannot {} generated files: {error}",
                if mode == Mode::Write { "write" } else { "read" }
            );
            return ExitCode::FAILURE;
        }
    };
    if mode == Mode::Check && !stale.is_empty() {
        for file in &stale {
            eprintln!("{file}");
        }
        eprintln!(
            "{} generated file(s) are stale: run `cargo xtask gen` and commit",
            stale.len()
        );
        return ExitCode::FAILURE;
    }
    println!(
        "{}: {} operations, {} types, {} files ({} {}) in {} ms",
        if mode == Mode::Write {
            "generated"
        } else {
            "up to date"
        },
        generated.operations,
        generated.types,
        generated.output.len(),
        stale.len(),
        if mode == Mode::Write {
            "written"
        } else {
            "stale"
        },
        started.elapsed().as_millis()
    );
    ExitCode::SUCCESS
}
