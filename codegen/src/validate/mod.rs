//! Stage 2: placeholder
use crate::diagnostic::Diagnostics;
use crate::spec::Spec;
pub fn validate(_spec: &Spec) -> Result<(), Diagnostics> { Ok(()) }
