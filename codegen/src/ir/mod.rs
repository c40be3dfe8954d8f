//! Stage 3: the intermediate representation.
pub mod naming;
