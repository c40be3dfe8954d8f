//! Local checks of documented limits, run before a request is signed or sent.

use super::error::ValidationError;

/// Implemented by generated request and model types: checks every documented limit, nested
/// types included, and names the first field that breaks one.
pub trait Validate {
    /// Checks `self`, whose fields are reported under `at` (empty for a request, `parent.` nested).
    /// The default accepts: a type with no documented limit, itself or nested, has nothing to check.
    fn validate_at(&self, at: &str) -> Result<(), ValidationError> {
        let _ = at;
        Ok(())
    }

    /// Checks `self` as a whole request.
    fn validate(&self) -> Result<(), ValidationError> {
        self.validate_at("")
    }
}

/// The path of `field` under the prefix `at`, used as the prefix for nested fields.
pub fn field_path(at: &str, field: &str) -> String {
    format!("{at}{field}.")
}

/// Checks a documented `string(N)` limit, counted in characters as the docs count them
/// (`UTF8编码,最多允许20个字符`).
pub fn check_length(at: &str, field: &str, value: &str, max: usize) -> Result<(), ValidationError> {
    let length = value.chars().count();
    if length <= max {
        return Ok(());
    }
    Err(ValidationError {
        field: format!("{at}{field}"),
        rule: format!("at most {max} characters, got {length}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_not_bytes() {
        assert!(check_length("", "remark", "二十个字二十个字二十个字二十个字二十个字", 20).is_ok());
        let error = check_length("amount.", "currency", "CNYCNY", 3).unwrap_err();
        assert_eq!(error.field, "amount.currency");
        assert_eq!(error.rule, "at most 3 characters, got 6");
    }
}
