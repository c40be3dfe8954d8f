//! `cargo xtask import`: the community description of the whole APIv3 merged into
//! `spec/services/`, under the names of `spec/import/names.yaml` and with the facts of
//! `spec/import/facts/*.yaml`.
//!
//! Transcribed operations are authoritative: an operation already in a transcribed file
//! (matched by method and path) is never touched, and operations imported into a transcribed
//! service are written between markers inside its sections, which the next import replaces.
//! Files wholly written by the import say so in their first line and are rewritten each time.
//! What is left out, and every lossy step, is listed in `spec/import/REPORT.md`.

mod existing;
mod splice;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::convert::community::Description;
use crate::convert::plan::{FactsFile, Names, Overlays, Plan};
use crate::convert::{self, Conversion};
use existing::Existing;

/// The first line of a file the import wrote whole.
pub const IMPORTED: &str = "# Imported by `cargo xtask import`: edit spec/import/, not this file.";

/// Facts files in precedence order: the first that states a fact wins. The hand-checked
/// official-docs.yaml comes before official-pages.yaml, which `cargo xtask facts` reads from the
/// official pages whole.
const FACTS: [&str; 4] = [
    "official-docs.yaml",
    "official-pages.yaml",
    "wechatpay-go.yaml",
    "wechatpay-java.yaml",
];

/// What an import writes: files by path under the root, and the report.
#[derive(Debug)]
pub struct Imported {
    pub files: BTreeMap<String, String>,
    /// Imported files no longer produced (a service renamed or emptied): removed.
    pub stale: Vec<String>,
    pub conversion: Conversion,
}

pub fn run(root: &Path, input: Option<PathBuf>) -> ExitCode {
    let input = input.unwrap_or_else(|| root.join("../shared/reference/community-api.json"));
    match import(root, &input).and_then(|imported| write(root, &imported).map(|()| imported)) {
        Ok(imported) => {
            println!(
                "imported into spec/services: {} ({} files written, {} removed; details in \
                 spec/import/REPORT.md)",
                imported.conversion.summary,
                imported.files.len(),
                imported.stale.len()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("import: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Everything the import would write, computed without writing.
pub fn import(root: &Path, input: &Path) -> Result<Imported, String> {
    let json = read(input)?;
    let description: Description =
        serde_json::from_str(&json).map_err(|e| format!("{}: {e}", input.display()))?;
    let existing = Existing::read(&root.join("spec/services"))?;
    let plan = plan(root, &description, &existing)?;
    let unused = plan.unused_keys(&description.operations);
    let operations: Vec<_> = description
        .operations
        .iter()
        .filter(|op| !existing.transcribed(&op.method, &op.path))
        .cloned()
        .collect();
    let mut conversion = convert::import(&operations, &plan).map_err(|e| e.to_string())?;
    conversion.warnings.extend(unused);
    let mut files = BTreeMap::new();
    for file in &conversion.sources.services {
        let service = file
            .path
            .trim_start_matches("spec/services/")
            .trim_end_matches(".yaml");
        let text = match existing.transcribed_text(service) {
            Some(transcribed) => splice::merge(transcribed, &file.text),
            None => file.text.clone(),
        };
        files.insert(file.path.clone(), text);
    }
    let stale = existing
        .imported_paths()
        .filter(|path| !files.contains_key(*path))
        .map(str::to_owned)
        .collect();
    files.insert(
        "spec/import/REPORT.md".to_owned(),
        report(&conversion, description.source.as_deref()),
    );
    Ok(Imported {
        files,
        stale,
        conversion,
    })
}

fn plan(root: &Path, description: &Description, existing: &Existing) -> Result<Plan, String> {
    let names_path = "spec/import/names.yaml";
    let names =
        Names::parse(names_path, &read(&root.join(names_path))?).map_err(|e| e.to_string())?;
    let mut facts = Vec::new();
    for name in FACTS {
        let path = format!("spec/import/facts/{name}");
        let full = root.join(&path);
        if full.exists() {
            facts.push(FactsFile::parse(&path, &read(&full)?).map_err(|e| e.to_string())?);
        }
    }
    existing.check_ids(&names)?;
    let mut header = vec![
        IMPORTED.trim_start_matches("# ").to_owned(),
        codegen::spec::format::SERVICE_MODELINE
            .trim_start_matches("# ")
            .to_owned(),
        format!(
            "Operations, fields and types: community-api.json ({}).",
            description.source.as_deref().unwrap_or("source not stated")
        ),
        format!(
            "Names: {names_path} ({}).",
            names.source.as_deref().unwrap_or("source not stated")
        ),
    ];
    for file in &facts {
        header.push(format!(
            "Facts: {} ({}); precedence: the first of {} that states a fact.",
            file.path,
            file.source.as_deref().unwrap_or("source not stated"),
            FACTS.join(", ")
        ));
    }
    header.push("Each operation's own sources are the comments above it.".to_owned());
    let overlays_path = "spec/import/notifications.yaml";
    let overlays = match root.join(overlays_path) {
        full if full.exists() => {
            Overlays::parse(overlays_path, &read(&full)?).map_err(|e| e.to_string())?
        }
        _ => Overlays::default(),
    };
    let unknown: Vec<&String> = overlays
        .services
        .keys()
        .filter(|service| !names.services.contains_key(*service))
        .collect();
    if !unknown.is_empty() {
        return Err(format!(
            "{overlays_path}: services not declared in {names_path}: {unknown:?}"
        ));
    }
    Ok(Plan {
        names,
        facts,
        taken: existing.taken_names(),
        header,
        overlays,
    })
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn write(root: &Path, imported: &Imported) -> Result<(), String> {
    for (path, text) in &imported.files {
        let full = root.join(path);
        if std::fs::read_to_string(&full).is_ok_and(|old| &old == text) {
            continue;
        }
        if let Some(dir) = full.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::write(&full, text).map_err(|e| format!("{}: {e}", full.display()))?;
    }
    for path in &imported.stale {
        let full = root.join(path);
        std::fs::remove_file(&full).map_err(|e| format!("{}: {e}", full.display()))?;
    }
    Ok(())
}

/// `spec/import/REPORT.md`: the summary, every operation left out with why, every lossy step.
fn report(conversion: &Conversion, source: Option<&str>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Import report\n");
    let _ = writeln!(
        out,
        "Written by `cargo xtask import` from community-api.json ({}); do not edit.\n",
        source.unwrap_or("source not stated")
    );
    let _ = writeln!(out, "{}\n", conversion.summary);
    let (left_out, lossy): (Vec<&String>, Vec<&String>) = conversion
        .warnings
        .iter()
        .partition(|warning| warning.contains(": skipped operation: "));
    let _ = writeln!(out, "## Operations left out ({})\n", left_out.len());
    for line in left_out {
        let _ = writeln!(out, "- {line}");
    }
    let _ = writeln!(
        out,
        "\n## Fields and values left out or changed ({})\n",
        lossy.len()
    );
    for line in lossy {
        let _ = writeln!(out, "- {line}");
    }
    out
}
