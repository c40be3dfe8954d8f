//! The RFC 3339 date-time shape WeChat Pay uses: `2015-05-20T13:29:35+08:00`.
//!
//! Written by hand to avoid a time crate in the generator: only the shape and the ranges matter
//! here, `YYYY-MM-DDTHH:MM:SS(.fraction)?(Z|±HH:MM)`.

/// Whether `text` is an RFC 3339 date-time with every part in range.
pub(super) fn is_rfc3339(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() < 20 {
        return false;
    }
    let (date_time, zone) = bytes.split_at(19);
    is_date(&date_time[..10]) && date_time[10] == b'T' && is_time(&date_time[11..]) && is_zone(zone)
}

/// `YYYY-MM-DD`, with the day checked against the month (and leap years).
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

/// `HH:MM:SS`; a second of 60 is a leap second, which RFC 3339 allows.
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
    fn accepts_offsets_utc_and_fractions() {
        assert!(is_rfc3339("2015-05-20T13:29:35+08:00"));
        assert!(is_rfc3339("2024-12-03T15:06:00Z"));
        assert!(is_rfc3339("2024-12-03T15:06:00.123456-05:30"));
        assert!(is_rfc3339("2024-02-29T00:00:00Z"));
        assert!(is_rfc3339("2016-12-31T23:59:60Z"));
    }

    #[test]
    fn rejects_other_shapes() {
        assert!(!is_rfc3339("2015-05-20 13:29:35"));
        assert!(!is_rfc3339("2015-05-20T13:29:35"));
        assert!(!is_rfc3339("2015-05-20T13:29:35+0800"));
        assert!(!is_rfc3339("2015-05-20T13:29:35.+08:00"));
        assert!(!is_rfc3339("2015-5-20T13:29:35+08:00"));
        assert!(!is_rfc3339("２０１５-05-20T13:29:35Z"));
        assert!(!is_rfc3339(""));
    }

    #[test]
    fn rejects_values_out_of_range() {
        assert!(!is_rfc3339("2015-13-20T13:29:35Z"));
        assert!(!is_rfc3339("2023-02-29T13:29:35Z"));
        assert!(!is_rfc3339("2015-04-31T13:29:35Z"));
        assert!(!is_rfc3339("2015-05-20T24:00:00Z"));
        assert!(!is_rfc3339("2015-05-20T13:29:35+24:00"));
        assert!(!is_rfc3339("1900-02-29T00:00:00Z"));
    }
}
