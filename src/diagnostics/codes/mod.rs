//! The registry of every diagnostic code. Each stage keeps its codes in its
//! own file here; [`all`] is their union. `crmc explain CODE` prints
//! [`CodeInfo::explanation`]. A test checks codes are unique and explained.
//!
//! Ranges: E01xx syntax, E02xx imports, E03xx names and schema, E04xx types,
//! E05xx/W05xx analysis findings, E06xx tables and tests, W07xx suppression
//! comments.

mod analysis;
mod check;
mod load;
mod suppress;
mod syntax;

use super::Severity;

#[derive(Debug)]
pub struct CodeInfo {
    /// `E0101`
    pub code: &'static str,
    /// snake_case name used as `kind` in JSON output (`syntax_error`, `conflict`).
    pub kind: &'static str,
    pub severity: Severity,
    /// A one-line title.
    pub title: &'static str,
    /// The long text `crmc explain` prints: what it means, an example, the fix.
    pub explanation: &'static str,
}

pub fn all() -> impl Iterator<Item = &'static CodeInfo> {
    syntax::CODES
        .iter()
        .chain(load::CODES)
        .chain(check::CODES)
        .chain(analysis::CODES)
        .chain(suppress::CODES)
}

pub fn lookup(code: &str) -> Option<&'static CodeInfo> {
    all().find(|c| c.code.eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_well_formed_and_explained() {
        let mut seen = std::collections::BTreeSet::new();
        for c in all() {
            assert!(seen.insert(c.code), "duplicate code {}", c.code);
            let ok_prefix = match c.severity {
                Severity::Error => c.code.starts_with('E'),
                Severity::Warning | Severity::Note => c.code.starts_with('W'),
            };
            assert!(ok_prefix, "{} has the wrong letter for its level", c.code);
            assert_eq!(c.code.len(), 5, "{}", c.code);
            assert!(
                c.explanation.trim().len() > 80,
                "{} needs a real explanation",
                c.code
            );
            assert!(!c.title.is_empty() && !c.kind.is_empty(), "{}", c.code);
            assert!(
                c.kind
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch == '_'),
                "{}",
                c.code
            );
        }
    }
}
