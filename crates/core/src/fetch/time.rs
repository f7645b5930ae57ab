//! RFC 3339 timestamps (certificate validity) to and from Unix seconds.

use crate::generate::CivilTime;

/// Unix seconds of an RFC 3339 date-time: `YYYY-MM-DDThh:mm:ss[.frac](Z|±hh:mm)`. `T` may
/// be `t` or a space and `Z` may be `z`, as RFC 3339 §5.6 allows. `None` when malformed.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let s = s.trim().as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(range)?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    if s.len() < 20
        || s[4] != b'-'
        || s[7] != b'-'
        || !matches!(s[10], b'T' | b't' | b' ')
        || s[13] != b':'
        || s[16] != b':'
    {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix(b".") {
        let digits = frac.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        rest = &frac[digits..];
    }
    let offset = match rest {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let digit = |b: &u8| b.is_ascii_digit().then(|| i64::from(b - b'0'));
            let h = digit(h1)? * 10 + digit(h2)?;
            let m = digit(m1)? * 10 + digit(m2)?;
            if h > 23 || m > 59 {
                return None;
            }
            let off = h * 3_600 + m * 60;
            if *sign == b'+' { off } else { -off }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    Some(days * 86_400 + hour * 3_600 + minute * 60 + second.min(59) - offset)
}

/// `YYYY-MM-DD hh:mm:ss UTC` for Unix seconds (times before 1970 show as 1970).
pub fn readable(secs: i64) -> String {
    CivilTime::from_unix(u64::try_from(secs).unwrap_or(0)).readable()
}

/// `YYYY-MM-DD` for Unix seconds.
pub fn date(secs: i64) -> String {
    CivilTime::from_unix(u64::try_from(secs).unwrap_or(0)).date()
}

use crate::civil::days_from_civil;

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2023-11-14T22:13:20Z"), Some(1_700_000_000));
        assert_eq!(parse_rfc3339("2023-11-14 23:13:20.5+01:00"), Some(1_700_000_000));
        assert_eq!(parse_rfc3339("2024-02-29t00:00:00z"), Some(1_709_164_800));
        assert_eq!(parse_rfc3339("2023-02-29T00:00:00Z"), None);
        assert_eq!(parse_rfc3339("2023-11-14T22:13:20"), None);
        assert_eq!(parse_rfc3339("May  1 12:00:00 2024 GMT"), None);
        assert_eq!(parse_rfc3339("2023-11-14T22:13:20Zjunk"), None);
        assert_eq!(parse_rfc3339("+023-11-14T22:13:20Z"), None);
        assert_eq!(readable(1_700_000_000), "2023-11-14 22:13:20 UTC");
    }
}
