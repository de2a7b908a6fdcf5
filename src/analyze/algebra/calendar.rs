//! The evaluator's calendar: what its parsers can produce. Dates are
//! `0000-01-01..=9999-12-31`; a datetime may carry an offset of up to
//! ±23:59 and a leap second, and a record's date field may hold a datetime
//! (read as its UTC day), so record dates reach one day further each way.

use super::num::{Bound, Interval, NumSet};
use super::Con;
use crate::decimal::Decimal;

/// 0000-01-01 and 9999-12-31, in days since 1970-01-01.
pub const DAY_MIN: i64 = -719_528;
pub const DAY_MAX: i64 = 2_932_896;
/// `0000-01-01T00:00:00+23:59` and `9999-12-31T23:59:60-23:59`, in seconds.
pub const SECS_MIN: i64 = DAY_MIN * 86_400 - 86_340;
pub const SECS_MAX: i64 = DAY_MAX * 86_400 + 86_400 + 86_340;
/// The `at` a witness uses when nothing constrains it: 2026-01-01.
pub const AT_SECS: i64 = 1_767_225_600;

/// The integers `lo..=hi`, with or without the empty value.
pub fn span(lo: i64, hi: i64, empty: bool) -> Con {
    let b = |v: i64| {
        Some(Bound {
            value: Decimal::from_int(v),
            closed: true,
        })
    };
    Con::Num(NumSet::new(
        vec![Interval {
            lo: b(lo),
            hi: b(hi),
        }],
        empty,
        true,
    ))
}
