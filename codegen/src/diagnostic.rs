//! Errors about the spec, each naming the file, the logical path and, where known, line:column.

use std::fmt;

/// A 1-based line and column in a spec file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

/// One problem in the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The spec file, relative to the workspace root (`spec/services/platsolution.yaml`).
    pub file: String,
    /// The logical path inside the file (`operations.close_recharge.response.body`); empty for the file itself.
    pub path: String,
    pub location: Option<Location>,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(location) = self.location {
            write!(f, ":{}:{}", location.line, location.column)?;
        }
        if !self.path.is_empty() {
            write!(f, ": {}", self.path)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem found, reported together so a maintainer fixes them in one pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.0 {
            writeln!(f, "{diagnostic}")?;
        }
        let count = self.0.len();
        write!(
            f,
            "{count} error{} in the spec; nothing was written",
            if count == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for Diagnostics {}
