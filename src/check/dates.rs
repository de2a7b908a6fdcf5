//! Date and datetime literals: `"2026-11-21"` and RFC 3339
//! `"2026-11-21T10:00:00Z"` / `"2026-11-21T10:00:00.5+02:00"`.

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        _ => 28,
    }
}

/// Exactly `n` ASCII digits as a number.
fn digits(s: &str, n: usize) -> Option<u32> {
    if s.len() != n || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `YYYY-MM-DD` to days since the epoch.
pub fn parse_date(text: &str) -> Option<i64> {
    let mut parts = text.split('-');
    let y = digits(parts.next()?, 4)?;
    let m = digits(parts.next()?, 2)?;
    let d = digits(parts.next()?, 2)?;
    if parts.next().is_some() || !(1..=12).contains(&m) {
        return None;
    }
    let y = i64::from(y);
    if d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

/// An RFC 3339 timestamp to seconds since the epoch (fractions dropped).
pub fn parse_datetime(text: &str) -> Option<i64> {
    if text.len() < 11 {
        return None;
    }
    let (date, rest) = text.split_at(10);
    let days = parse_date(date)?;
    let rest = rest.strip_prefix(['T', 't'])?;
    let (time, offset) = split_offset(rest)?;
    let (hms, frac) = match time.split_once('.') {
        Some((h, f)) => (h, Some(f)),
        None => (time, None),
    };
    if let Some(f) = frac {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    let mut parts = hms.split(':');
    let h = digits(parts.next()?, 2)?;
    let mi = digits(parts.next()?, 2)?;
    let s = digits(parts.next()?, 2)?;
    if parts.next().is_some() || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let secs = days * 86_400 + i64::from(h) * 3_600 + i64::from(mi) * 60 + i64::from(s);
    Some(secs - offset)
}

/// Splits `10:00:00Z` / `10:00:00+02:00` into the time and the offset in seconds.
fn split_offset(rest: &str) -> Option<(&str, i64)> {
    if let Some(time) = rest.strip_suffix(['Z', 'z']) {
        return Some((time, 0));
    }
    let pos = rest.rfind(['+', '-'])?;
    let (time, off) = rest.split_at(pos);
    let sign = if off.starts_with('-') { -1 } else { 1 };
    let (oh, om) = off.get(1..)?.split_once(':')?;
    let oh = digits(oh, 2)?;
    let om = digits(om, 2)?;
    if oh > 23 || om > 59 {
        return None;
    }
    Some((time, sign * (i64::from(oh) * 3_600 + i64::from(om) * 60)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dates_and_datetimes() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2000-03-01"), Some(11_017));
        assert_eq!(parse_date("2024-02-29"), Some(19_782));
        assert_eq!(parse_date("2026-02-29"), None);
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_date("26-1-1"), None);
        assert_eq!(parse_datetime("1970-01-01T00:01:00Z"), Some(60));
        assert_eq!(parse_datetime("1970-01-01T02:00:00+02:00"), Some(0));
        assert_eq!(parse_datetime("1970-01-01T00:00:00.250Z"), Some(0));
        assert_eq!(parse_datetime("1970-01-01"), None);
        assert_eq!(parse_datetime("1970-01-01T25:00:00Z"), None);
        assert_eq!(parse_datetime("1970-01-01T10:00:00"), None);
    }
}
