//! The export against `openapi-spec-validator`, installed into `target/` on first use.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

use super::support::*;

/// The validator, pinned: a new release may judge differently, so it is upgraded on purpose.
const VALIDATOR: &str = "openapi-spec-validator";
const VALIDATOR_VERSION: &str = "0.9.0";

/// A directory where `openapi-spec-validator` is importable, installed with pip on first use.
/// Tests of this binary share one install; each run of the suite reuses it.
pub fn validator() -> &'static Path {
    static INSTALL: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match INSTALL.get_or_init(install_validator) {
        Ok(dir) => dir,
        Err(message) => panic!("{message}"),
    }
}

fn install_validator() -> Result<PathBuf, String> {
    let target = workspace_root().join("target/python");
    let dir = target.join(format!("{VALIDATOR}-{VALIDATOR_VERSION}"));
    if dir.join(".installed").exists() {
        return Ok(dir);
    }
    let python = Command::new("python3").arg("--version").output();
    if !python.is_ok_and(|output| output.status.success()) {
        return Err(format!(
            "python3 is needed to run {VALIDATOR} on the OpenAPI export, and none was found \
             on PATH; install Python 3.10 or newer with pip (e.g. `apt-get install python3 \
             python3-pip`)"
        ));
    }
    // Installed next to the final place and renamed into it, so an interrupted install is never
    // taken for a finished one; the pid keeps two test runs at once out of each other's way.
    let partial = target.join(format!(
        "{VALIDATOR}-{VALIDATOR_VERSION}.partial-{}",
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&partial);
    fs::create_dir_all(&target).map_err(|error| format!("create {}: {error}", target.display()))?;
    let output = Command::new("python3")
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args(["--no-warn-conflicts", "--no-input", "--target"])
        .arg(&partial)
        .arg(format!("{VALIDATOR}=={VALIDATOR_VERSION}"))
        .output()
        .map_err(|error| format!("cannot run python3 -m pip: {error}"))?;
    if !output.status.success() {
        let _ = fs::remove_dir_all(&partial);
        return Err(format!(
            "installing {VALIDATOR}=={VALIDATOR_VERSION} from PyPI with `python3 -m pip` failed \
             (is pip installed, and PyPI reachable?):\n{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    fs::write(partial.join(".installed"), VALIDATOR_VERSION)
        .map_err(|error| format!("mark the install: {error}"))?;
    if dir.join(".installed").exists() {
        // Another run finished first; its install is as good as this one.
        let _ = fs::remove_dir_all(&partial);
        return Ok(dir);
    }
    let _ = fs::remove_dir_all(&dir);
    fs::rename(&partial, &dir).map_err(|error| format!("move the install: {error}"))?;
    Ok(dir)
}

/// Runs the validator on the export of the spec under `root`, written under `target/`.
fn assert_valid_openapi(root: &Path, name: &str) {
    let validator = validator();
    let dir = workspace_root().join("target/codegen-tests/openapi");
    fs::create_dir_all(&dir).expect("create scratch dir");
    let file = dir.join(format!("{name}.json"));
    fs::write(&file, openapi_text(root)).expect("write the document");
    // One validator run at a time: two at once would double the memory for no gain on 2 cores.
    static RUN: Mutex<()> = Mutex::new(());
    let _turn = RUN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let output = Command::new("python3")
        .args(["-m", "openapi_spec_validator", "--schema", "3.1"])
        .args(["--validation-errors", "all"])
        .arg(&file)
        .env("PYTHONPATH", validator)
        .env("PYTHONNOUSERSITE", "1")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("run python3");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("OK"),
        "{VALIDATOR} {VALIDATOR_VERSION} rejects the OpenAPI export of {name} ({}):\n{stdout}\n{stderr}",
        file.display()
    );
}

#[test]
fn the_export_of_the_real_spec_passes_openapi_spec_validator() {
    assert_valid_openapi(&workspace_root(), "spec");
}

#[test]
fn the_export_of_the_naming_fixture_passes_openapi_spec_validator() {
    assert_valid_openapi(&naming_fixture(), "naming");
}
