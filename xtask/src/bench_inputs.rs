//! `cargo xtask convert` and `cargo xtask synth`: specs in our format for benchmarks.

use std::path::Path;
use std::process::ExitCode;

use crate::convert::{self, Conversion};

/// Converts the community description at `input` into `out/spec/`.
pub fn convert(input: &Path, out: &Path) -> ExitCode {
    let json = match std::fs::read_to_string(input) {
        Ok(json) => json,
        Err(error) => {
            eprintln!("cannot read {}: {error}", input.display());
            return ExitCode::FAILURE;
        }
    };
    match convert::convert_json(&json) {
        Ok(conversion) => finish(&conversion, out, true),
        Err(error) => {
            eprintln!("{}: {error}", input.display());
            ExitCode::FAILURE
        }
    }
}

/// Writes a synthetic spec of `operations` operations into `out/spec/`.
pub fn synth(operations: usize, seed: u64, out: &Path) -> ExitCode {
    match crate::synth::synthesize(operations, seed) {
        Ok(conversion) => finish(&conversion, out, true),
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}

fn finish(conversion: &Conversion, out: &Path, warn: bool) -> ExitCode {
    if warn {
        for warning in &conversion.warnings {
            eprintln!("warning: {warning}");
        }
    }
    if let Err(error) = convert::write(&conversion.sources, out) {
        eprintln!("cannot write {}/spec: {error}", out.display());
        return ExitCode::FAILURE;
    }
    println!(
        "wrote {}/spec: {} ({} warnings)",
        out.display(),
        conversion.summary,
        conversion.warnings.len()
    );
    ExitCode::SUCCESS
}
