//! Building the path and query that go on the wire, percent-encoded.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::error::{Error, ValidationError};

/// Everything but RFC 3986 unreserved characters is encoded, in path segments and in query
/// keys and values alike, so a value can never change the shape of the URL.
const ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A request target under construction: literal path pieces, encoded values, then the query.
#[derive(Debug, Default)]
pub struct PathAndQuery {
    path: String,
    query: String,
}

impl PathAndQuery {
    /// Starts an empty target.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a literal piece of the documented path.
    pub fn literal(&mut self, piece: &str) {
        self.path.push_str(piece);
    }

    /// Appends the path parameter `name`'s value, percent-encoded as one segment. An empty
    /// value, `.` or `..` is refused before any network I/O: after signing, a URL parser would
    /// collapse the dot segments (or the empty one) into another path than the one signed.
    pub fn segment(&mut self, name: &str, value: &str) -> Result<(), Error> {
        if matches!(value, "" | "." | "..") {
            return Err(Error::Validation(ValidationError {
                field: name.to_owned(),
                rule: format!("a path parameter cannot be {value:?}"),
            }));
        }
        self.path.extend(utf8_percent_encode(value, ENCODE));
        Ok(())
    }

    /// Appends `key=value` to the query, both percent-encoded.
    pub fn query(&mut self, key: &str, value: &str) {
        self.query
            .push(if self.query.is_empty() { '?' } else { '&' });
        self.query.extend(utf8_percent_encode(key, ENCODE));
        self.query.push('=');
        self.query.extend(utf8_percent_encode(value, ENCODE));
    }

    /// The finished `path?query`.
    pub fn finish(self) -> String {
        self.path + &self.query
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_segments_and_query_values() {
        let mut target = PathAndQuery::new();
        target.literal("/v3/orders/");
        target.segment("id", "a/b c?#中").expect("a value");
        target.literal("/close");
        target.query("sub_mchid", "1900&x=1");
        target.query("limit", "10");
        assert_eq!(
            target.finish(),
            "/v3/orders/a%2Fb%20c%3F%23%E4%B8%AD/close?sub_mchid=1900%26x%3D1&limit=10"
        );
    }

    #[test]
    fn leaves_unreserved_characters_alone() {
        let mut target = PathAndQuery::new();
        target.segment("id", "Az09-._~").expect("a value");
        assert_eq!(target.finish(), "Az09-._~");
    }

    #[test]
    fn empty_and_dot_segments_are_refused_naming_the_parameter() {
        for value in ["", ".", ".."] {
            let mut target = PathAndQuery::new();
            let error = target.segment("out_trade_no", value).expect_err("refused");
            let Error::Validation(error) = error else {
                panic!("a validation error: {error:?}")
            };
            assert_eq!(error.field, "out_trade_no");
            assert!(error.rule.contains(&format!("{value:?}")), "{}", error.rule);
        }
        let mut target = PathAndQuery::new();
        target.segment("id", "...").expect("three dots are a name");
        assert_eq!(target.finish(), "...");
    }
}
