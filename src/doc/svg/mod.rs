//! The report's two pictures, written through maud like the pages (every
//! label escaped). Layouts are deterministic and integer-valued: the same
//! unit gives the same bytes. Every element is written with an explicit end
//! tag, so the markup is well-formed XML (the standalone `.svg` files) and
//! parses the same inline in HTML.

pub mod graph;
pub mod ownership;

use crate::check::model::Outcome;

/// Approximate advance of one character of the 12 px label font.
pub const CHAR_W: i64 = 7;

/// A label's width in pixels.
pub fn text_width(s: &str) -> i64 {
    i64::try_from(s.chars().count())
        .unwrap_or(i64::MAX / 16)
        .saturating_mul(CHAR_W)
}

/// The colour an outcome is drawn in (the stylesheet uses the same).
pub fn color(o: Outcome) -> &'static str {
    match o {
        Outcome::Auto => "#2e7d32",
        Outcome::Review => "#f9a825",
        Outcome::Escalate => "#ef6c00",
        Outcome::Suggest => "#1565c0",
        Outcome::Never => "#9e9e9e",
    }
}

/// Loops and contested fields.
pub const ALERT: &str = "#c62828";
