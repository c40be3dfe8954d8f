//! Stage 1: the YAML spec, read and parsed into a model that mirrors the files.

pub mod format;
mod load;
mod locate;
mod model;
mod named;

pub use load::{Parsed, SourceFile, Sources, Spec, parse, read_sources, without_service_lists};
pub use locate::LocationIndex;
pub use model::*;
pub use named::Named;
