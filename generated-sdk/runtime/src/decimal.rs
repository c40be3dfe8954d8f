//! A JSON number kept exactly as WeChat Pay wrote it.
//!
//! Rates, discounts and coordinates travel as JSON numbers with fractions. An `f64` would
//! change what was sent (`0.1 + 0.2`, trailing zeros, more than 17 digits) and an integer
//! would refuse it, so a `Decimal` keeps the text: decoding and encoding again gives the same
//! bytes. Arithmetic belongs to the caller's decimal library of choice: `as_str` hands it
//! the exact text.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

/// A JSON number (`12`, `-0.5`, `1.10`, `6.02e23`), kept as written.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Decimal(Box<str>);

/// Text that is not a JSON number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotANumber(pub String);

impl fmt::Display for NotANumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not a JSON number", self.0)
    }
}

impl std::error::Error for NotANumber {}

impl Decimal {
    /// The number as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The nearest `f64`: lossy, for display or rough comparison only.
    pub fn to_f64(&self) -> f64 {
        // The grammar was checked on the way in, and every JSON number parses as an f64.
        self.0.parse().unwrap_or(f64::NAN)
    }
}

impl FromStr for Decimal {
    type Err = NotANumber;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if is_json_number(text) {
            Ok(Decimal(text.into()))
        } else {
            Err(NotANumber(text.to_owned()))
        }
    }
}

impl From<i64> for Decimal {
    fn from(value: i64) -> Self {
        Decimal(value.to_string().into())
    }
}

impl From<u64> for Decimal {
    fn from(value: u64) -> Self {
        Decimal(value.to_string().into())
    }
}

impl TryFrom<f64> for Decimal {
    type Error = NotANumber;

    /// The shortest text that reads back as the same `f64`; NaN and infinities are refused.
    fn try_from(value: f64) -> Result<Self, Self::Error> {
        if value.is_finite() {
            Ok(Decimal(value.to_string().into()))
        } else {
            Err(NotANumber(value.to_string()))
        }
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Decimal({})", self.0)
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let raw = RawValue::from_string(self.0.to_string()).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        raw.get().parse().map_err(|_| {
            serde::de::Error::invalid_type(
                serde::de::Unexpected::Other(raw.get()),
                &"a JSON number",
            )
        })
    }
}

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, as RFC 8259 defines a number.
fn is_json_number(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut at = usize::from(bytes.first() == Some(&b'-'));
    let digits = |at: &mut usize| {
        let start = *at;
        while bytes.get(*at).is_some_and(u8::is_ascii_digit) {
            *at += 1;
        }
        *at - start
    };
    match bytes.get(at) {
        Some(b'0') => at += 1,
        Some(b'1'..=b'9') => {
            digits(&mut at);
        }
        _ => return false,
    }
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        if digits(&mut at) == 0 {
            return false;
        }
    }
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(bytes.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        if digits(&mut at) == 0 {
            return false;
        }
    }
    at == bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Rate {
        rate: Decimal,
        other: Option<Decimal>,
    }

    #[test]
    fn a_number_decodes_and_encodes_to_the_same_bytes() {
        for text in [
            "0.1",
            "1.10",
            "-0.000001",
            "12345678901234567890.123456789",
            "6.02e23",
            "1E-7",
            "100",
        ] {
            let json = format!(r#"{{"rate":{text},"other":null}}"#);
            let decoded: Rate = serde_json::from_str(&json).expect("decodes");
            assert_eq!(decoded.rate.as_str(), text);
            assert_eq!(serde_json::to_string(&decoded).expect("encodes"), json);
        }
    }

    #[test]
    fn what_is_not_a_number_is_refused() {
        for json in [r#"{"rate":"0.1"}"#, r#"{"rate":true}"#, r#"{"rate":[1]}"#] {
            let error = serde_json::from_str::<Rate>(json).unwrap_err().to_string();
            assert!(error.contains("a JSON number"), "{json}: {error}");
        }
        for text in [
            "", "-", "01", "1.", ".5", "1e", "1e+", "+1", "0x10", "1.5.2", " 1", "NaN",
        ] {
            assert_eq!(
                text.parse::<Decimal>(),
                Err(NotANumber(text.to_owned())),
                "{text:?}"
            );
        }
    }

    #[test]
    fn made_from_rust_numbers() {
        assert_eq!(Decimal::from(-42i64).as_str(), "-42");
        assert_eq!(Decimal::from(u64::MAX).as_str(), "18446744073709551615");
        assert_eq!(
            Decimal::try_from(0.6).map(|d| d.to_string()),
            Ok("0.6".to_owned())
        );
        assert!(Decimal::try_from(f64::NAN).is_err());
        assert!((Decimal::from(3i64).to_f64() - 3.0).abs() < f64::EPSILON);
        let value = serde_json::to_value(Decimal::from_str("1.50").expect("a number"))
            .expect("into a Value");
        assert_eq!(value, serde_json::json!(1.5));
    }
}
