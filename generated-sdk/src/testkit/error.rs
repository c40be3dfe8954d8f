//! What can go wrong setting up or driving a sandbox.

use std::fmt;

/// A sandbox could not start, or was asked for something the spec does not describe.
#[derive(Debug)]
pub struct TestkitError {
    message: String,
}

impl TestkitError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        TestkitError {
            message: message.into(),
        }
    }
}

impl fmt::Display for TestkitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TestkitError {}

impl From<crate::Error> for TestkitError {
    fn from(error: crate::Error) -> Self {
        TestkitError::new(error.to_string())
    }
}
