//! Exact decimal numbers. Literals such as `0.9`, `1_000_000` and `80%` are
//! kept exactly (no float rounding) so the analyzer can place a witness on the
//! right side of any threshold.

use std::cmp::Ordering;
use std::fmt;

/// `mantissa * 10^-scale`, always normalized (no trailing zeros in the
/// mantissa when `scale > 0`), so derived equality and hashing are exact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Decimal {
    mantissa: i128,
    scale: u32,
}

/// The largest scale we keep; literals with more fractional digits are rejected.
pub const MAX_SCALE: u32 = 18;

impl Decimal {
    pub const ZERO: Decimal = Decimal {
        mantissa: 0,
        scale: 0,
    };
    pub const ONE: Decimal = Decimal {
        mantissa: 1,
        scale: 0,
    };

    pub fn new(mantissa: i128, scale: u32) -> Decimal {
        let mut d = Decimal { mantissa, scale };
        d.normalize();
        d
    }

    pub fn from_int(v: i64) -> Decimal {
        Decimal {
            mantissa: v as i128,
            scale: 0,
        }
    }

    fn normalize(&mut self) {
        if self.mantissa == 0 {
            self.scale = 0;
            return;
        }
        while self.scale > 0 && self.mantissa % 10 == 0 {
            self.mantissa /= 10;
            self.scale -= 1;
        }
    }

    /// Parses `42`, `-3`, `0.95`, `1_000_000` (underscores between digits).
    /// Returns `None` for anything else, or when the value does not fit.
    pub fn parse(text: &str) -> Option<Decimal> {
        let (neg, body) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        if body.is_empty() || body.starts_with('_') || body.ends_with('_') || body.contains("__") {
            return None;
        }
        let (int_part, frac_part) = match body.split_once('.') {
            Some((i, f)) => (i, f),
            None => (body, ""),
        };
        if int_part.is_empty() || (body.contains('.') && frac_part.is_empty()) {
            return None;
        }
        let mut mantissa: i128 = 0;
        let mut scale = 0u32;
        for (part, is_frac) in [(int_part, false), (frac_part, true)] {
            for c in part.chars() {
                if c == '_' {
                    continue;
                }
                let digit = c.to_digit(10)? as i128;
                mantissa = mantissa.checked_mul(10)?.checked_add(digit)?;
                if is_frac {
                    scale += 1;
                }
            }
        }
        if scale > MAX_SCALE || mantissa > i64::MAX as i128 * 1_000_000 {
            return None;
        }
        Some(Decimal::new(if neg { -mantissa } else { mantissa }, scale))
    }

    /// From a float, as written by its shortest round-trip representation.
    pub fn from_f64(v: f64) -> Option<Decimal> {
        if !v.is_finite() {
            return None;
        }
        let text = format!("{v}");
        if text.contains('e') || text.contains('E') {
            return None;
        }
        Decimal::parse(&text)
    }

    pub fn mantissa(self) -> i128 {
        self.mantissa
    }
    pub fn scale(self) -> u32 {
        self.scale
    }

    fn rescaled(self, scale: u32) -> Option<i128> {
        let diff = scale.checked_sub(self.scale)?;
        self.mantissa.checked_mul(10i128.checked_pow(diff)?)
    }

    pub fn checked_add(self, other: Decimal) -> Option<Decimal> {
        let scale = self.scale.max(other.scale);
        Some(Decimal::new(
            self.rescaled(scale)?.checked_add(other.rescaled(scale)?)?,
            scale,
        ))
    }

    pub fn checked_sub(self, other: Decimal) -> Option<Decimal> {
        self.checked_add(Decimal::new(other.mantissa.checked_neg()?, other.scale))
    }

    /// Divides by 100 (for percentages: `80%` is `0.80`).
    pub fn percent(self) -> Decimal {
        Decimal::new(self.mantissa, self.scale + 2)
    }

    /// The exact midpoint of two decimals.
    pub fn midpoint(self, other: Decimal) -> Option<Decimal> {
        let scale = self.scale.max(other.scale) + 1;
        let sum = self.rescaled(scale)?.checked_add(other.rescaled(scale)?)?;
        // sum / 2 at scale+1 == sum * 5 / 10 at scale+1 -> sum*5 at scale+2
        Some(Decimal::new(sum.checked_mul(5)?, scale + 1))
    }

    /// `10^-digits`, a small step for choosing values just beside a bound.
    pub fn step(digits: u32) -> Decimal {
        Decimal::new(1, digits)
    }

    pub fn is_integer(self) -> bool {
        self.scale == 0
    }

    pub fn to_i64(self) -> Option<i64> {
        if self.scale == 0 {
            i64::try_from(self.mantissa).ok()
        } else {
            None
        }
    }

    pub fn to_f64(self) -> f64 {
        // Through text, so the float is the one serde_json would parse.
        self.to_string().parse().unwrap_or(f64::NAN)
    }

    /// The largest integer `<=` self.
    pub fn floor(self) -> Decimal {
        if self.scale == 0 {
            return self;
        }
        let p = 10i128.pow(self.scale);
        let q = self.mantissa.div_euclid(p);
        Decimal::new(q, 0)
    }

    pub fn to_json(self) -> serde_json::Value {
        if let Some(i) = self.to_i64() {
            return serde_json::Value::from(i);
        }
        serde_json::from_str(&self.to_string()).unwrap_or(serde_json::Value::Null)
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Decimal) -> Ordering {
        let scale = self.scale.max(other.scale);
        match (self.rescaled(scale), other.rescaled(scale)) {
            (Some(a), Some(b)) => a.cmp(&b),
            // Overflow only at absurd magnitudes; fall back to floats.
            _ => self.to_f64().total_cmp(&other.to_f64()),
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Decimal) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.scale == 0 {
            return write!(f, "{}", self.mantissa);
        }
        let neg = self.mantissa < 0;
        let digits = self.mantissa.unsigned_abs().to_string();
        let scale = self.scale as usize;
        let padded = if digits.len() <= scale {
            format!("{}{}", "0".repeat(scale + 1 - digits.len()), digits)
        } else {
            digits
        };
        let (i, frac) = padded.split_at(padded.len() - scale);
        write!(f, "{}{}.{}", if neg { "-" } else { "" }, i, frac)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_exactly() {
        for (text, shown) in [
            ("42", "42"),
            ("0.95", "0.95"),
            ("1_000_000", "1000000"),
            ("0.90", "0.9"),
            ("-3.5", "-3.5"),
        ] {
            assert_eq!(
                Decimal::parse(text).map(|d| d.to_string()).as_deref(),
                Some(shown)
            );
        }
        for bad in ["", "1.", ".5", "1__0", "_1", "1_", "abc", "1.2.3"] {
            assert_eq!(Decimal::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn compares_across_scales_and_finds_midpoints() {
        let a = Decimal::parse("0.9").unwrap();
        let b = Decimal::parse("0.95").unwrap();
        assert!(a < b);
        assert_eq!(a.midpoint(b).unwrap().to_string(), "0.925");
        assert_eq!(Decimal::parse("80").unwrap().percent().to_string(), "0.8");
        assert_eq!(Decimal::parse("-2.5").unwrap().floor().to_string(), "-3");
    }
}
