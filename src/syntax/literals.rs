//! Reading literal tokens: strings (escapes), and the `number_tok` token,
//! which the grammar matches loosely so that mistakes such as `1..5`, `0.9.1`
//! or `12x` become one clear diagnostic here instead of a parse failure.

use super::ast::{Duration, DurationUnit};
use crate::decimal::Decimal;

/// What a `number_tok` turned out to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum NumTok {
    Number(Decimal),
    /// `80%`, the number as written (80).
    Percent(Decimal),
    Duration(Duration),
    /// Not a number; the reason, for the message.
    BadNumber(&'static str),
    /// Looks like a duration but is not one (`12x`, `2.5h`).
    BadDuration,
}

pub(super) fn classify(text: &str) -> NumTok {
    if let Some(body) = text.strip_suffix('%') {
        return match Decimal::parse(body) {
            Some(d) => NumTok::Percent(d),
            None => NumTok::BadNumber(number_problem(body)),
        };
    }
    if let Some(d) = Decimal::parse(text) {
        return NumTok::Number(d);
    }
    let digits_end = text
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '_' || *c == '.' || *c == '-'))
        .map_or(text.len(), |(i, _)| i);
    let (num, suffix) = text.split_at(digits_end);
    if suffix.is_empty() {
        return NumTok::BadNumber(number_problem(text));
    }
    let unit = match suffix {
        "m" => Some(DurationUnit::Minutes),
        "h" => Some(DurationUnit::Hours),
        "d" => Some(DurationUnit::Days),
        _ => None,
    };
    let amount = if num.starts_with('-') || num.contains('.') {
        None
    } else {
        Decimal::parse(num)
            .filter(|d| d.scale() == 0)
            .and_then(|d| u64::try_from(d.mantissa()).ok())
    };
    match (unit, amount) {
        (Some(unit), Some(amount)) => NumTok::Duration(Duration { amount, unit }),
        _ if suffix.chars().all(|c| c.is_ascii_alphabetic()) => NumTok::BadDuration,
        _ => NumTok::BadNumber(number_problem(text)),
    }
}

fn number_problem(text: &str) -> &'static str {
    if text.matches('.').count() > 1 {
        "it has more than one decimal point"
    } else if text.ends_with('.') {
        "it needs digits after the decimal point"
    } else if text.contains("__") || text.ends_with('_') {
        "`_` may only separate digits"
    } else if text.chars().any(|c| c.is_ascii_alphabetic()) {
        "it contains letters"
    } else if Decimal::parse(&text.replace('_', "")).is_none()
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || c == '_' || c == '.' || c == '-')
    {
        "it is too large or has too many decimal places"
    } else {
        "it is not written like a number"
    }
}

/// A problem inside a string literal: the bad escape and its byte offset
/// relative to the opening quote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct BadEscape {
    pub offset: usize,
    pub text: String,
}

/// The value of a string token (with or without its closing quote), with
/// escapes processed. Unknown escapes are kept as written and reported.
pub(super) fn unescape(token: &str, closed: bool) -> (String, Vec<BadEscape>) {
    let inner = token.strip_prefix('"').unwrap_or(token);
    let inner = if closed {
        inner.strip_suffix('"').unwrap_or(inner)
    } else {
        inner
    };
    let mut out = String::with_capacity(inner.len());
    let mut bad = Vec::new();
    let mut chars = inner.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some((_, '"')) => out.push('"'),
            Some((_, '\\')) => out.push('\\'),
            Some((_, 'n')) => out.push('\n'),
            Some((_, 't')) => out.push('\t'),
            Some((_, other)) => {
                out.push('\\');
                out.push(other);
                bad.push(BadEscape {
                    offset: i + 1,
                    text: format!("\\{other}"),
                });
            }
            None => {
                out.push('\\');
                bad.push(BadEscape {
                    offset: i + 1,
                    text: "\\".to_string(),
                });
            }
        }
    }
    (out, bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }

    #[test]
    fn numbers() {
        assert_eq!(classify("42"), NumTok::Number(dec("42")));
        assert_eq!(classify("-3"), NumTok::Number(dec("-3")));
        assert_eq!(classify("1_000_000"), NumTok::Number(dec("1000000")));
        assert_eq!(classify("0.95"), NumTok::Number(dec("0.95")));
        assert_eq!(classify("80%"), NumTok::Percent(dec("80")));
        assert!(matches!(classify("1..5"), NumTok::BadNumber(_)));
        assert!(matches!(classify("0.9.1"), NumTok::BadNumber(_)));
        assert!(matches!(classify("1__0"), NumTok::BadNumber(_)));
        assert!(matches!(classify("5.%"), NumTok::BadNumber(_)));
    }

    #[test]
    fn durations() {
        let d = |amount, unit| NumTok::Duration(Duration { amount, unit });
        assert_eq!(classify("30m"), d(30, DurationUnit::Minutes));
        assert_eq!(classify("24h"), d(24, DurationUnit::Hours));
        assert_eq!(classify("90d"), d(90, DurationUnit::Days));
        assert_eq!(classify("12x"), NumTok::BadDuration);
        assert_eq!(classify("2.5h"), NumTok::BadDuration);
        assert_eq!(classify("24hours"), NumTok::BadDuration);
        assert!(matches!(classify("1e5x3"), NumTok::BadNumber(_)));
    }

    #[test]
    fn escapes() {
        assert_eq!(unescape(r#""a\"b\\c\n""#, true).0, "a\"b\\c\n");
        let (v, bad) = unescape(r#""x\qy""#, true);
        assert_eq!(v, "x\\qy");
        assert_eq!(
            bad,
            vec![BadEscape {
                offset: 2,
                text: "\\q".into()
            }]
        );
        assert_eq!(unescape("\"open", false).0, "open");
    }
}
