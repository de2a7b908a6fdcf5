//! "Did you mean" suggestions: the closest candidate name by edit distance.

/// Levenshtein distance over characters.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate closest to `name`, if one is close enough to be a likely
/// typo: equal ignoring case, equal after dropping a Salesforce `__c`
/// suffix, or within a small edit distance (1 for short names, 2 from 5
/// characters, 3 from 10). Ties go to the alphabetically first candidate,
/// so the answer does not depend on the order of `candidates`.
pub fn suggest<'a, I>(name: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let lower = name.to_lowercase();
    let stripped = lower.strip_suffix("__c").unwrap_or(&lower).to_string();
    let limit = match name.chars().count() {
        0..=1 => 0,
        2..=4 => 1,
        5..=9 => 2,
        _ => 3,
    };
    let mut best: Option<(usize, &str)> = None;
    for cand in candidates {
        if cand == name {
            continue;
        }
        let cl = cand.to_lowercase();
        let score = if cl == lower {
            0
        } else if cl.strip_suffix("__c").unwrap_or(&cl) == stripped {
            1
        } else {
            let d = distance(&lower, &cl);
            if d > limit {
                continue;
            }
            d + 1
        };
        let better = match best {
            None => true,
            Some((s, c)) => score < s || (score == s && cand < c),
        };
        if better {
            best = Some((score, cand));
        }
    }
    best.map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["Industry", "Status", "Email", "Fit_Score__c"];
        assert_eq!(suggest("Industsry", names).as_deref(), Some("Industry"));
        assert_eq!(suggest("industry", names).as_deref(), Some("Industry"));
        assert_eq!(suggest("Fit_Score", names).as_deref(), Some("Fit_Score__c"));
        assert_eq!(suggest("Revenue", names), None);
        assert_eq!(suggest("Emial", names).as_deref(), Some("Email"));
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
