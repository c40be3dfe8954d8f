//! The WeChat Pay APIv3 SDK generator.
//!
//! A pipeline: [`spec`] parses the YAML, [`validate`] checks it (every error at once), [`ir`]
//! resolves Rust names and types, and [`emit`] writes the generated crate through one
//! [`output::Output`], so `gen` and `gen --check` see exactly the same files.

pub mod diagnostic;
pub mod spec;
pub mod ir;
pub mod validate;
