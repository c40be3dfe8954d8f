//! `cargo xtask gen [--check] [--root DIR]`: the pipeline over a workspace's spec.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    Check,
}

pub fn workspace_root() -> PathBuf {
    // xtask lives one level below the workspace root.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

pub fn generate(root: &Path, mode: Mode) -> ExitCode {
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
    if mode == Mode::Write && !stale.is_empty() {
        // What the written change does to users; without git history there is nothing to
        // compare with, which is no reason to fail a generation.
        match crate::changes::since(root, "HEAD", &generated.api) {
            Ok(changes) => println!("public API since HEAD: {}", changes.summary()),
            Err(error) => println!(
                "public API since HEAD: not compared ({})",
                first_line(&error)
            ),
        }
    }
    ExitCode::SUCCESS
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}
