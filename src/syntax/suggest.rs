//! "Did you mean" for misspelled keywords: the compiler-wide
//! [`crate::diagnostics::suggest`], plus one parser-specific fallback (a
//! keyword that starts with what was written: `conditional` ->
//! `conditional_write`).

/// The closest candidate to `word`, if it is close enough to be a likely typo.
pub(super) fn closest(word: &str, candidates: &[&'static str]) -> Option<&'static str> {
    let lower = word.to_ascii_lowercase();
    crate::diagnostics::suggest::suggest(word, candidates.iter().copied())
        .and_then(|s| candidates.iter().find(|c| **c == s).copied())
        .or_else(|| {
            candidates
                .iter()
                .find(|c| lower.len() >= 4 && (c.starts_with(&lower) || lower.starts_with(*c)))
                .copied()
        })
}

/// `a, b or c`
pub(super) fn one_of(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests() {
        let outcomes = ["auto", "review", "escalate", "suggest", "never"];
        assert_eq!(closest("reveiw", &outcomes), Some("review"));
        assert_eq!(closest("Auto", &outcomes), Some("auto"));
        assert_eq!(closest("automatic", &outcomes), Some("auto"));
        assert_eq!(closest("banana", &outcomes), None);
        assert_eq!(
            closest("conditional", &["read_only", "conditional_write"]),
            Some("conditional_write")
        );
        assert_eq!(one_of(&["a", "b", "c"]), "a, b or c");
    }
}
