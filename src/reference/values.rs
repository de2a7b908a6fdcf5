//! Reading JSON values by field type, and testing them against constants.

use super::*;

/// What an atom reads.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Reading<'m> {
    /// The input does not carry it.
    Missing,
    /// `null` (or absent on create).
    Empty,
    /// Present but not a value of the field's type (the type's name).
    Invalid(&'static str),
    Known(Val<'m>),
}

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Val<'m> {
    /// Trimmed for every type but `string`; lowercased for email and url.
    Text(std::borrow::Cow<'m, str>),
    Number(Num),
    Flag(bool),
    /// Days since the epoch.
    Day(i64),
    /// Seconds since the epoch.
    Instant(i64),
    Items(BTreeSet<&'m str>),
    Event(Event),
}

/// A JSON number. Numbers compare as the 64-bit floats JSON parses to, as
/// the evaluator documents (exact for integers up to 2^53 and for decimals
/// of up to 15 significant digits); literals likewise.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Num {
    float: f64,
}

impl Num {
    pub(super) fn of_json(n: &serde_json::Number) -> Option<Num> {
        Some(Num { float: n.as_f64()? })
    }
    pub(super) fn is_whole(&self) -> bool {
        self.float.is_finite() && self.float.fract() == 0.0
    }
    pub(super) fn cmp_const(self, c: Decimal) -> Option<Ordering> {
        self.float.partial_cmp(&c.to_f64())
    }
}

pub(super) fn items_of_text(s: &str) -> BTreeSet<&str> {
    s.split(';')
        .map(str::trim)
        .filter(|i| !i.is_empty())
        .collect()
}

/// `YYYY-MM-DD` to days since 1970-01-01.
pub(super) fn date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_len = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if d < 1 || d > month_len {
        return None;
    }
    // Count days from 1970-01-01 by whole years, then months.
    let year_days = |y: i64| {
        if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
            366
        } else {
            365
        }
    };
    let mut days: i64 = 0;
    if y >= 1970 {
        for yy in 1970..y {
            days += year_days(yy);
        }
    } else {
        for yy in y..1970 {
            days -= year_days(yy);
        }
    }
    const CUM: [i64; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    days += CUM[(m - 1) as usize] + if leap && m > 2 { 1 } else { 0 };
    Some(days + d - 1)
}

/// RFC 3339 (`T`, `t` or a space between date and time; `Z`, `z` or
/// `±HH:MM`; fractions dropped toward the past) to seconds since the epoch.
pub(super) fn instant(s: &str) -> Option<i64> {
    let day = date(s.get(0..10)?)?;
    if !matches!(s.as_bytes().get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let rest = s.get(11..)?;
    let two = |t: &str| -> Option<i64> {
        if t.len() == 2 && t.bytes().all(|c| c.is_ascii_digit()) {
            t.parse().ok()
        } else {
            None
        }
    };
    let (h, mi, sec) = (
        two(rest.get(0..2)?)?,
        two(rest.get(3..5)?)?,
        two(rest.get(6..8)?)?,
    );
    if rest.get(2..3)? != ":" || rest.get(5..6)? != ":" || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut tail = rest.get(8..)?;
    if let Some(frac) = tail.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        tail = frac.get(n..)?;
    }
    let offset = if tail == "Z" || tail == "z" {
        0
    } else {
        let sign = match tail.get(0..1)? {
            "+" => 1,
            "-" => -1,
            _ => return None,
        };
        if tail.len() != 6 || tail.get(3..4)? != ":" {
            return None;
        }
        let (oh, om) = (two(tail.get(1..3)?)?, two(tail.get(4..6)?)?);
        if oh > 23 || om > 59 {
            return None;
        }
        sign * (oh * 3600 + om * 60)
    };
    Some(day * DAY + h * 3600 + mi * 60 + sec - offset)
}

/// Whether a field's values (and the literals they meet) compare
/// case-insensitively.
pub(super) fn folds_case(ty: &FieldType) -> bool {
    matches!(ty, FieldType::Email | FieldType::Url)
}

/// Reads a JSON value as a value of a field of type `ty`. `""` (trimmed,
/// but for `string` fields) is empty, like `null`.
pub(super) fn read<'m>(ty: &FieldType, v: &'m Json) -> Reading<'m> {
    if v.is_null() {
        return Reading::Empty;
    }
    if let Json::String(raw) = v {
        let s = if *ty == FieldType::String {
            raw.as_str()
        } else {
            raw.trim()
        };
        if s.is_empty() {
            return Reading::Empty;
        }
    }
    let text = |v: &'m Json| {
        v.as_str().map(|s| {
            if *ty == FieldType::String {
                s
            } else {
                s.trim()
            }
        })
    };
    let val = match ty {
        FieldType::Bool => v.as_bool().map(Val::Flag),
        FieldType::Int => match v {
            Json::Number(n) => Num::of_json(n).filter(Num::is_whole).map(Val::Number),
            _ => None,
        },
        t if t.is_numeric() => match v {
            Json::Number(n) => Num::of_json(n).map(Val::Number),
            _ => None,
        },
        FieldType::Date => text(v)
            .and_then(|s| date(s).or_else(|| instant(s).map(|t| t.div_euclid(DAY))))
            .map(Val::Day),
        FieldType::Datetime => text(v)
            .and_then(|s| instant(s).or_else(|| date(s).map(|d| d * DAY)))
            .map(Val::Instant),
        FieldType::Multipicklist(_) => {
            let items = match v {
                Json::String(s) => Some(items_of_text(s)),
                Json::Array(xs) => xs
                    .iter()
                    .map(|x| x.as_str().map(str::trim))
                    .collect::<Option<BTreeSet<&str>>>()
                    .map(|mut set| {
                        set.remove("");
                        set
                    }),
                _ => None,
            };
            match items {
                Some(set) if set.is_empty() => return Reading::Empty,
                other => other.map(Val::Items),
            }
        }
        t if folds_case(t) => text(v).map(|s| Val::Text(s.to_lowercase().into())),
        // id, text, phone, picklist, ref
        _ => text(v).map(|s| Val::Text(s.into())),
    };
    match val {
        Some(v) => Reading::Known(v),
        None => Reading::Invalid(ty.name()),
    }
}

/// Orders a value against a constant; `None` when they do not compare.
pub(super) fn order(v: &Val<'_>, c: &Const) -> Option<Ordering> {
    match (v, c) {
        (Val::Text(a), Const::Str(b)) => Some(a.as_ref().cmp(b.as_str())),
        (Val::Number(a), Const::Num(b)) => a.cmp_const(*b),
        (Val::Flag(a), Const::Bool(b)) => Some(a.cmp(b)),
        (Val::Day(a), Const::Date(b)) => Some(a.cmp(b)),
        // A date is its day's midnight (UTC) against a datetime.
        (Val::Day(a), Const::Datetime(b)) => Some((a * DAY).cmp(b)),
        (Val::Instant(a), Const::Datetime(b)) => Some(a.cmp(b)),
        (Val::Instant(a), Const::Date(b)) => Some(a.div_euclid(DAY).cmp(b)),
        (Val::Event(a), Const::Event(b)) => Some(a.cmp(b)),
        _ => None,
    }
}

/// Equality of a value and a constant; a multipicklist equals `"A;B"` when
/// the item sets agree.
pub(super) fn equals(v: &Val<'_>, c: &Const) -> Option<bool> {
    match (v, c) {
        (Val::Items(items), Const::Str(s)) => Some(*items == items_of_text(s)),
        _ => order(v, c).map(|o| o == Ordering::Equal),
    }
}

pub(super) fn apply(test: &Test, r: &Reading<'_>, at: i64) -> Truth {
    let v = match r {
        Reading::Missing => return Truth::Maybe,
        Reading::Invalid(_) => {
            return match test {
                Test::IsEmpty => Truth::No,
                Test::IsSet => Truth::Yes,
                _ => Truth::Maybe,
            }
        }
        // `""` is empty: `F == ""` and `F in ("", ..)` ask `F is empty`.
        Reading::Empty => {
            let blank = |c: &Const| matches!(c, Const::Str(s) if s.trim().is_empty());
            return Truth::of(match test {
                Test::IsEmpty => true,
                Test::Cmp(CmpOp::Eq, c) => blank(c),
                Test::In {
                    values,
                    negated: false,
                } => values.iter().any(blank),
                _ => false,
            });
        }
        Reading::Known(v) => v,
    };
    match test {
        Test::IsEmpty => Truth::No,
        Test::IsSet => Truth::Yes,
        Test::IsTrue => match v {
            Val::Flag(b) => Truth::of(*b),
            _ => Truth::Maybe,
        },
        Test::Cmp(op, c) => {
            if let (Val::Items(_), CmpOp::Eq | CmpOp::Ne) = (v, op) {
                return match equals(v, c) {
                    Some(eq) => Truth::of(eq == (*op == CmpOp::Eq)),
                    None => Truth::Maybe,
                };
            }
            if matches!(v, Val::Items(_)) {
                return Truth::Maybe;
            }
            match order(v, c) {
                None => Truth::Maybe,
                Some(o) => Truth::of(match op {
                    CmpOp::Eq => o.is_eq(),
                    CmpOp::Ne => o.is_ne(),
                    CmpOp::Lt => o.is_lt(),
                    CmpOp::Le => o.is_le(),
                    CmpOp::Gt => o.is_gt(),
                    CmpOp::Ge => o.is_ge(),
                }),
            }
        }
        Test::In { values, negated } => {
            let found = values.iter().any(|c| equals(v, c) == Some(true));
            Truth::of(found != *negated)
        }
        Test::StartsWith(s) | Test::EndsWith(s) | Test::Contains(s) => match (v, test) {
            (Val::Text(x), Test::StartsWith(_)) => Truth::of(x.starts_with(s.as_str())),
            (Val::Text(x), Test::EndsWith(_)) => Truth::of(x.ends_with(s.as_str())),
            (Val::Text(x), _) => Truth::of(x.contains(s.as_str())),
            (Val::Items(items), Test::Contains(_)) => Truth::of(items.contains(s.as_str())),
            _ => Truth::Maybe,
        },
        Test::BeforeDaysAgo(n) | Test::AfterDaysAgo(n) => {
            let o = match v {
                Val::Day(d) => d.cmp(&(at.div_euclid(DAY) - n)),
                Val::Instant(t) => t.cmp(&(at - n * DAY)),
                _ => return Truth::Maybe,
            };
            Truth::of(if matches!(test, Test::BeforeDaysAgo(_)) {
                o.is_lt()
            } else {
                o.is_gt()
            })
        }
    }
}

/// A value read for a condition (record, parent or `changes`): one that
/// does not fit its field (an undeclared picklist value, an address that
/// is no address) is invalid, so unknown, as in the evaluator.
pub(super) fn read_field<'m>(ty: &FieldType, v: &'m Json) -> Reading<'m> {
    match read(ty, v) {
        Reading::Known(val) if misfit_value(ty, &val).is_some() => Reading::Invalid(ty.name()),
        r => r,
    }
}

/// Whether a read value is one of its field's (declared picklist values;
/// email, url, phone and id shapes). `Some(true)`: a picklist value the
/// schema does not list; `Some(false)`: a value of the wrong shape.
fn misfit_value(ty: &FieldType, val: &Val<'_>) -> Option<bool> {
    let allowed = |list: &[String], x: &str| list.is_empty() || list.iter().any(|a| a == x);
    let fits = match (val, ty) {
        (Val::Text(s), FieldType::Picklist(list)) => {
            if !allowed(list, s) {
                return Some(true);
            }
            true
        }
        (Val::Items(items), FieldType::Multipicklist(list)) => {
            if !items.iter().all(|i| allowed(list, i)) {
                return Some(true);
            }
            true
        }
        (Val::Text(s), FieldType::Email) => {
            let parts: Vec<&str> = s.split('@').collect();
            s.len() <= 254
                && !s.chars().any(|c| c.is_whitespace() || c.is_control())
                && parts.len() == 2
                && (1..=64).contains(&parts[0].len())
                && parts[1].split('.').count() >= 2
                && parts[1].split('.').all(|l| !l.is_empty())
        }
        (Val::Text(s), FieldType::Url) => !s.chars().any(|c| c.is_whitespace() || c.is_control()),
        (Val::Text(s), FieldType::Phone) => {
            s.len() <= 40
                && s.chars().any(|c| c.is_ascii_digit())
                && s.chars()
                    .all(|c| c.is_ascii_digit() || " +-().,/#*xXeEtT".contains(c))
        }
        (Val::Text(s), FieldType::Id | FieldType::Ref(_)) => s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
        _ => true,
    };
    (!fits).then_some(false)
}

/// Why a proposed value does not fit its field (`None`: it fits), as the
/// decision's reason words it. `null` and `""` clear the field: they fit.
pub(super) fn misfit(ty: &FieldType, v: &Json) -> Option<&'static str> {
    let reading = read(ty, v);
    let fits = match (&reading, ty) {
        (Reading::Empty, _) => true,
        (Reading::Missing | Reading::Invalid(_), _) => false,
        (Reading::Known(val), _) => match misfit_value(ty, val) {
            Some(true) => return Some("one of the field's allowed values"),
            Some(false) => false,
            // A write must be exactly the field's format.
            None => match ty {
                FieldType::Date => v.as_str().is_some_and(|s| date(s.trim()).is_some()),
                FieldType::Datetime => v.as_str().is_some_and(|s| instant(s.trim()).is_some()),
                _ => true,
            },
        },
    };
    if fits {
        return None;
    }
    Some(match ty {
        FieldType::Id | FieldType::Ref(_) => "an id (letters, digits, `-` and `_`)",
        FieldType::String | FieldType::Picklist(_) => "a string",
        FieldType::Email => "an email address (`name@domain.example`)",
        FieldType::Phone => "a phone number (digits, spaces, `+ - ( ) . / x`)",
        FieldType::Url => "a URL without spaces",
        FieldType::Bool => "`true` or `false`",
        FieldType::Int => "a whole number",
        FieldType::Number | FieldType::Currency | FieldType::Percent => "a number",
        FieldType::Date => "a date (`YYYY-MM-DD`)",
        FieldType::Datetime => "an RFC 3339 timestamp (`2026-11-21T10:00:00Z`)",
        FieldType::Multipicklist(_) => "a `;`-separated string or a list of strings",
    })
}
