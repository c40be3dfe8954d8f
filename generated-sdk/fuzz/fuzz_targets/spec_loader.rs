//! Any text as a service file (or, before a NUL byte, as `spec/api.yaml` too) through parse,
//! validate, IR and emit: never a panic, and a spec that validates always generates.
//!
//! Seed it with the real spec:
//! `cargo +nightly fuzz run spec_loader corpus/spec_loader ../../spec/services`.

#![no_main]

use codegen::spec::{SourceFile, Sources};
use libfuzzer_sys::fuzz_target;

const API_YAML: &str = include_str!("../../../spec/api.yaml");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (api, service) = text.split_once('\0').unwrap_or((API_YAML, text));
    let file = |path: &str, text: &str| SourceFile {
        path: path.to_owned(),
        text: text.to_owned(),
    };
    let sources = Sources {
        api: file("spec/api.yaml", api),
        services: vec![file("spec/services/platsolution.yaml", service)],
    };
    let Ok(spec) = codegen::spec::parse(&sources) else {
        return;
    };
    if codegen::validate::validate(&spec).is_err() {
        return;
    }
    let api = codegen::ir::build(&spec)
        .unwrap_or_else(|error| panic!("a spec that validates fails to build:\n{error}"));
    if let Err(error) = codegen::emit::emit(&api) {
        panic!("a spec that validates fails to emit: {error}");
    }
});
