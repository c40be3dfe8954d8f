//! The rules a documented field puts on a value, defined once.
//!
//! Three places apply them and must never disagree: the generator checks the spec's examples with
//! them (it compiles this very file, so this file uses nothing but `std`), the generated types'
//! `Validate` checks a request before it is signed, and the request check of the `wxpay` tool
//! and the sandbox checks request JSON.
//!
//! - `string(N)` limits count characters, as the documentation does (`string(64)` holds 64
//!   Chinese characters too), and apply to the text sent: a string, or a time's RFC 3339 text.
//! - A time is RFC 3339 with every part in range, `2015-05-20T13:29:35+08:00` being the form
//!   WeChat Pay itself answers with.
//! - An enum value in a request must be a documented one (answers keep unknown values instead).
//! - A required field must be present and not `null`.

use std::fmt;

/// An RFC 3339 time as WeChat Pay writes them, for messages.
pub const DATETIME_SAMPLE: &str = "2015-05-20T13:29:35+08:00";

/// The rule a value broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Broken {
    /// A required field is absent or `null`.
    Missing,
    /// More characters than the documented limit.
    TooLong {
        /// The documented limit.
        max: u32,
        /// The characters sent.
        got: usize,
    },
    /// Not an RFC 3339 time.
    NotRfc3339,
    /// Not one of the documented values of an enum.
    NotDocumented {
        /// The value sent.
        value: String,
        /// The documented values, in spec order.
        values: Vec<String>,
    },
}

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Broken::Missing => f.write_str("required"),
            Broken::TooLong { max, got } => write!(f, "at most {max} characters, got {got}"),
            Broken::NotRfc3339 => write!(f, "not an RFC 3339 time (e.g. {DATETIME_SAMPLE})"),
            Broken::NotDocumented { value, values } => {
                write!(
                    f,
                    "{value:?} is not a documented value ({})",
                    values.join(", ")
                )
            }
        }
    }
}

/// A required field must be present: `present` says whether it is there and not `null`.
pub fn presence(required: bool, present: bool) -> Result<(), Broken> {
    if required && !present {
        Err(Broken::Missing)
    } else {
        Ok(())
    }
}

/// The text sent for a field with a documented `string(max)` limit, counted in characters.
pub fn length(text: &str, max: Option<u32>) -> Result<(), Broken> {
    let Some(max) = max else {
        return Ok(());
    };
    let got = text.chars().count();
    if got <= max as usize {
        Ok(())
    } else {
        Err(Broken::TooLong { max, got })
    }
}

/// A time's text: RFC 3339 first, then its documented limit.
pub fn datetime(text: &str, max: Option<u32>) -> Result<(), Broken> {
    if !is_rfc3339(text) {
        return Err(Broken::NotRfc3339);
    }
    length(text, max)
}

/// An enum value sent in a request: one of `values`. An enum the spec lists no value for accepts
/// nothing, and is refused by the generator before it gets here.
pub fn member<'a>(
    value: &str,
    values: impl IntoIterator<Item = &'a str> + Clone,
) -> Result<(), Broken> {
    if values.clone().into_iter().any(|known| known == value) {
        return Ok(());
    }
    Err(Broken::NotDocumented {
        value: value.to_owned(),
        values: values.into_iter().map(str::to_owned).collect(),
    })
}

/// Whether `text` is an RFC 3339 date-time, `YYYY-MM-DDTHH:MM:SS(.fraction)?(Z|±HH:MM)`, with
/// every part in range (days against the month and leap years; a leap second of 60).
pub fn is_rfc3339(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() < 20 {
        return false;
    }
    let (date_time, zone) = bytes.split_at(19);
    is_date(&date_time[..10]) && date_time[10] == b'T' && is_time(&date_time[11..]) && is_zone(zone)
}

fn is_date(bytes: &[u8]) -> bool {
    let (Some(year), Some(month), Some(day)) = (
        number(&bytes[0..4]),
        number(&bytes[5..7]),
        number(&bytes[8..10]),
    ) else {
        return false;
    };
    bytes[4] == b'-'
        && bytes[7] == b'-'
        && (1..=12).contains(&month)
        && (1..=days_in(year, month)).contains(&day)
}

fn is_time(bytes: &[u8]) -> bool {
    let (Some(hour), Some(minute), Some(second)) = (
        number(&bytes[0..2]),
        number(&bytes[3..5]),
        number(&bytes[6..8]),
    ) else {
        return false;
    };
    bytes[2] == b':' && bytes[5] == b':' && hour <= 23 && minute <= 59 && second <= 60
}

/// An optional `.fraction`, then `Z` or `±HH:MM`.
fn is_zone(bytes: &[u8]) -> bool {
    let bytes = match bytes.strip_prefix(b".") {
        Some(rest) => {
            let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits == 0 {
                return false;
            }
            &rest[digits..]
        }
        None => bytes,
    };
    match bytes {
        [b'Z'] => true,
        [b'+' | b'-', offset @ ..] if offset.len() == 5 => {
            let (Some(hour), Some(minute)) = (number(&offset[0..2]), number(&offset[3..5])) else {
                return false;
            };
            offset[2] == b':' && hour <= 23 && minute <= 59
        }
        _ => false,
    }
}

/// The value of a run of ASCII digits; `None` if anything else is in it.
fn number(bytes: &[u8]) -> Option<u32> {
    bytes.iter().try_fold(0u32, |value, &b| {
        b.is_ascii_digit().then(|| value * 10 + u32::from(b - b'0'))
    })
}

fn days_in(year: u32, month: u32) -> u32 {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_count_characters_not_bytes() {
        assert_eq!(
            length("二十个字二十个字二十个字二十个字二十个字", Some(20)),
            Ok(())
        );
        assert_eq!(
            length("CNYX", Some(3)).map_err(|broken| broken.to_string()),
            Err("at most 3 characters, got 4".to_owned())
        );
        assert_eq!(length("anything at all", None), Ok(()));
    }

    #[test]
    fn a_time_is_checked_for_its_shape_then_its_length() {
        assert_eq!(datetime("2015-05-20T13:29:35+08:00", Some(64)), Ok(()));
        assert_eq!(
            datetime("2015-05-20T13:29:35+08:00", Some(20)),
            Err(Broken::TooLong { max: 20, got: 25 })
        );
        assert_eq!(datetime("yesterday", Some(3)), Err(Broken::NotRfc3339));
    }

    #[test]
    fn enum_values_must_be_documented() {
        assert_eq!(member("A", ["A", "B"]), Ok(()));
        assert_eq!(
            member("C", ["A", "B"]).map_err(|broken| broken.to_string()),
            Err(r#""C" is not a documented value (A, B)"#.to_owned())
        );
    }

    #[test]
    fn accepts_offsets_utc_and_fractions() {
        assert!(is_rfc3339("2015-05-20T13:29:35+08:00"));
        assert!(is_rfc3339("2024-12-03T15:06:00Z"));
        assert!(is_rfc3339("2024-12-03T15:06:00.123456-05:30"));
        assert!(is_rfc3339("2024-02-29T00:00:00Z"));
        assert!(is_rfc3339("2016-12-31T23:59:60Z"));
    }

    #[test]
    fn rejects_other_shapes_and_values_out_of_range() {
        for text in [
            "2015-05-20 13:29:35",
            "2015-05-20T13:29:35",
            "2015-05-20T13:29:35+0800",
            "2015-05-20T13:29:35.+08:00",
            "2015-5-20T13:29:35+08:00",
            "２０１５-05-20T13:29:35Z",
            "",
            "2015-13-20T13:29:35Z",
            "2023-02-29T13:29:35Z",
            "2015-04-31T13:29:35Z",
            "2015-05-20T24:00:00Z",
            "2015-05-20T13:29:35+24:00",
            "1900-02-29T00:00:00Z",
        ] {
            assert!(!is_rfc3339(text), "{text}");
        }
    }
}
