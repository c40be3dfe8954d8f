//! Local checks of documented limits, run before a request is signed or sent.

use super::error::ValidationError;
use super::rules;

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

/// Checks a documented `string(N)` limit ([`rules::length`](super::rules::length)).
pub fn check_length(at: &str, field: &str, value: &str, max: u32) -> Result<(), ValidationError> {
    rules::length(value, Some(max)).map_err(|broken| refused(at, field, broken))
}

/// Checks a documented limit on a time: its RFC 3339 text as sent, against the same rule as a
/// string's ([`rules::datetime`](super::rules::datetime)).
pub fn check_time_length(
    at: &str,
    field: &str,
    value: &super::DateTime,
    max: u32,
) -> Result<(), ValidationError> {
    rules::datetime(&value.to_rfc3339(), Some(max)).map_err(|broken| refused(at, field, broken))
}

/// Implemented by generated enums: the values the spec documents. A request may send only these
/// ([`rules::member`](super::rules::member)); answers keep unknown values instead.
pub trait Documented {
    /// The documented wire values, in spec order.
    const VALUES: &'static [&'static str];

    /// The value as sent.
    fn as_wire(&self) -> &str;
}

/// Checks that an enum value in a request is a documented one.
pub fn check_enum<E: Documented>(at: &str, field: &str, value: &E) -> Result<(), ValidationError> {
    rules::member(value.as_wire(), E::VALUES.iter().copied())
        .map_err(|broken| refused(at, field, broken))
}

fn refused(at: &str, field: &str, broken: rules::Broken) -> ValidationError {
    ValidationError {
        field: format!("{at}{field}"),
        rule: broken.to_string(),
    }
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
