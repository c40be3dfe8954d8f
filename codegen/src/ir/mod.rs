//! Stage 3: the intermediate representation: final Rust names and resolved types, operations
//! grouped by service. Emitters read only this, never the raw spec.

mod build;
mod derived;
mod model;
pub mod naming;
mod version;

pub use build::build;
pub use derived::ErrorKind;
pub use model::*;
pub use version::{Bump, Version};
