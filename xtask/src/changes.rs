//! `cargo xtask changes [--base REV] [--check]`: what the working tree's spec changes in the
//! generated crate's public API since a git revision, and the version bump that calls for.

use std::path::Path;
use std::process::{Command, ExitCode};

use codegen::changes::Changes;
use codegen::ir::Api;
use codegen::spec::{SourceFile, Sources};

pub fn run(root: &Path, base: &str, check: bool) -> ExitCode {
    let current = match codegen::spec::read_sources(root).and_then(|s| codegen::resolve(&s)) {
        Ok(api) => api,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let changes = match since(root, base, &current) {
        Ok(changes) => changes,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    for change in &changes.changes {
        println!("{change}");
    }
    println!("since {base}: {}", changes.summary());
    if check && changes.breaking_without_bump() {
        eprintln!(
            "breaking changes without the version bump: set api.version in spec/api.yaml to {} \
             (or later) and run `cargo xtask gen`",
            changes.suggested_version()
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// The changes from the spec at `base` (a git revision of the repository at `root`) to
/// `current`.
pub fn since(root: &Path, base: &str, current: &Api) -> Result<Changes, String> {
    let sources = sources_at(root, base)?;
    let before = codegen::resolve(&sources)
        .map_err(|error| format!("the spec at {base} does not resolve:\n{error}"))?;
    Ok(Changes::between(&before, current))
}

/// The spec files as they were at `rev`, under their usual names (an error in them is told
/// apart by `since`, and the IR records where each service came from).
fn sources_at(root: &Path, rev: &str) -> Result<Sources, String> {
    // Paths relative to `root` (`./`), which need not be the top of its repository.
    let listing = git(root, &["ls-tree", "--name-only", rev, "./spec/services/"])?;
    let mut names: Vec<&str> = listing
        .lines()
        .filter(|name| name.ends_with(".yaml"))
        .collect();
    names.sort_unstable();
    let file = |path: &str| -> Result<SourceFile, String> {
        Ok(SourceFile {
            path: path.to_owned(),
            text: git(root, &["show", &format!("{rev}:./{path}")])?,
        })
    };
    Ok(Sources {
        api: file("spec/api.yaml")?,
        services: names.into_iter().map(file).collect::<Result<Vec<_>, _>>()?,
    })
}

fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|error| format!("cannot run git: {error}"))?;
    if !output.status.success() {
        return Err(format!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    String::from_utf8(output.stdout)
        .map_err(|_| format!("git {}: the output is not UTF-8", args.join(" ")))
}
