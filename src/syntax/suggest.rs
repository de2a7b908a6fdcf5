//! "Did you mean" for misspelled keywords.

/// The closest candidate to `word`, if it is close enough to be a likely typo.
pub(super) fn closest(word: &str, candidates: &[&'static str]) -> Option<&'static str> {
    let lower = word.to_ascii_lowercase();
    let limit = (word.chars().count() / 3).clamp(1, 3);
    candidates
        .iter()
        .map(|c| (distance(&lower, c), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
        .or_else(|| {
            // `conditional` for `conditional_write`, `role.owner` ...
            candidates
                .iter()
                .find(|c| lower.len() >= 4 && (c.starts_with(&lower) || lower.starts_with(*c)))
                .copied()
        })
}

/// Levenshtein distance (small inputs only).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
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
        assert_eq!(closest("banana", &outcomes), None);
        assert_eq!(
            closest("conditional", &["read_only", "conditional_write"]),
            Some("conditional_write")
        );
        assert_eq!(one_of(&["a", "b", "c"]), "a, b or c");
    }
}
