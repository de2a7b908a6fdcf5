//! "Did you mean" suggestions: the closest candidate name by edit distance.

/// Edit distance over characters where swapping two neighbours counts as
/// one edit (optimal string alignment: `Opne` is one edit from `Open`).
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for (i, row) in d.chunks_mut(w).enumerate() {
        row[0] = i;
    }
    for (j, cell) in d.iter_mut().take(w).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = best;
        }
    }
    d[a.len() * w + b.len()]
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
        assert_eq!(distance("Opne", "Open"), 1);
        assert_eq!(suggest("CMR", ["CRM", "ERP", "BI"]).as_deref(), Some("CRM"));
    }
}
