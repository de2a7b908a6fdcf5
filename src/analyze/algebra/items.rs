//! Solving over multipicklist values, exactly: a value is a set of items
//! (spelled as [`shape::join_items`] does), `contains "x"` holds when `x`
//! is one of them, and a proposed value's items are declared ones. Sets are
//! enumerated in a fixed order; a co-finite set excludes finitely many
//! values, so the first `excluded + 1` distinct candidates decide it.

use super::shape::{join_items, Shape};
use super::text::{holds, PatKind, PatReq, Solved, TextSet, Vals};
use std::collections::BTreeSet;

/// Candidate items beyond the required ones on records (any item is read):
/// `hint`, `hint1`, `hint2`, ...
fn record_item(hint: &str, k: usize) -> String {
    if k == 0 {
        hint.to_string()
    } else {
        format!("{hint}{k}")
    }
}

/// A member of `set` whose pattern truths are `reqs` (only `contains`
/// arises on multipicklists; any other pattern is tested on the spelling).
pub fn solve<'r>(
    set: &TextSet,
    reqs: &[PatReq<'r>],
    decl: Option<&[String]>,
    hint: &str,
) -> Solved {
    let shape = Shape::Items(decl);
    let meets = |v: &str| {
        shape.fits(v)
            && set.contains(v)
            && reqs
                .iter()
                .all(|r| holds(r.kind, r.text, v, true) == r.want)
    };
    let empty_ok = set.empty && reqs.iter().all(|r| !r.want);
    // no requirement: prefer a value (a witness that sets the field)
    let fallback = || {
        if empty_ok {
            Solved::Value(None)
        } else {
            Solved::Impossible
        }
    };
    if empty_ok && !reqs.is_empty() {
        return Solved::Value(None);
    }
    let ex = match &set.vals {
        Vals::In(vals) => {
            return vals
                .iter()
                .find(|v| meets(v))
                .map_or_else(fallback, |v| Solved::Value(Some(v.clone())));
        }
        Vals::NotIn(ex) => ex,
    };
    let want: BTreeSet<&'r str> = contains(reqs, true);
    let not: BTreeSet<&'r str> = contains(reqs, false);
    let decl = decl.filter(|d| !d.is_empty());
    // every candidate holds `want` and avoids `not`, so each required item
    // must be a possible item; other patterns are checked per candidate
    let item_ok = |i: &str| {
        !i.is_empty()
            && i.trim() == i
            && !i.contains(';')
            && !not.contains(i)
            && decl.is_none_or(|d| d.iter().any(|x| x == i))
    };
    if !want.iter().all(|i| item_ok(i)) {
        return fallback();
    }
    let other = reqs.iter().any(|r| r.kind != PatKind::Contains);
    // enough distinct candidates that one is outside `ex` (when only
    // `contains` is asked); past it, with other patterns, give up
    let budget = ex.len().saturating_add(1);
    let mut tried = 0usize;
    // `want` with `extra` items, when it is a value that meets everything
    let try_one = |extra: &[&str], tried: &mut usize| -> Option<String> {
        let v = join_items(want.iter().copied().chain(extra.iter().copied()));
        if v.is_empty() {
            return None;
        }
        *tried += 1;
        meets(&v).then_some(v)
    };
    match decl {
        Some(d) => {
            let pool: Vec<&str> = d
                .iter()
                .map(String::as_str)
                .filter(|i| item_ok(i) && !want.contains(i))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            // subsets by bitmask; 2^63 candidates are more than any budget
            let bits = pool.len().min(63);
            let total: u64 = 1u64 << bits;
            let mut mask = 0u64;
            while mask < total {
                let items: Vec<&str> = pool[..bits]
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| mask & (1u64 << k) != 0)
                    .map(|(_, i)| *i)
                    .collect();
                if let Some(v) = try_one(&items, &mut tried) {
                    return Solved::Value(Some(v));
                }
                if tried > budget {
                    return if other { Solved::GaveUp } else { fallback() };
                }
                mask += 1;
            }
            fallback()
        }
        None => {
            // the required items alone, then with one more item each
            if let Some(v) = try_one(&[], &mut tried) {
                return Solved::Value(Some(v));
            }
            let mut k = 0usize;
            while tried <= budget {
                let extra = record_item(hint, k);
                k += 1;
                if !item_ok(&extra) || want.contains(extra.as_str()) {
                    continue;
                }
                if let Some(v) = try_one(&[extra.as_str()], &mut tried) {
                    return Solved::Value(Some(v));
                }
            }
            if other {
                Solved::GaveUp
            } else {
                fallback()
            }
        }
    }
}

fn contains<'r>(reqs: &[PatReq<'r>], want: bool) -> BTreeSet<&'r str> {
    reqs.iter()
        .filter(|r| r.kind == PatKind::Contains && r.want == want)
        .map(|r| r.text)
        .collect()
}
