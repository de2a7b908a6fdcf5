//! Sets of strings (text, picklist, id, ref and multipicklist values): a
//! finite set or the complement of one, plus the empty value. String
//! patterns are separate boolean variables ([`super::Var::Pat`]); whether a
//! string exists that fits a set and a choice of pattern truths is decided
//! by [`solve`], exactly over finite sets and by constructing candidates over
//! co-finite ones.

use super::shape::Shape;
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// A shared set of strings: cubes are cloned often and picklist sets are
/// large, so clones share the set.
pub type Strs = Arc<BTreeSet<String>>;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Vals {
    /// Exactly these non-empty values.
    In(Strs),
    /// Every non-empty value except these.
    NotIn(Strs),
}

/// `a ∩ b`, sharing an operand when it is the result.
fn inter(a: &Strs, b: &Strs) -> Strs {
    if Arc::ptr_eq(a, b) {
        return a.clone();
    }
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if small.iter().all(|x| large.contains(x)) {
        return small.clone();
    }
    Arc::new(
        small
            .iter()
            .filter(|x| large.contains(*x))
            .cloned()
            .collect(),
    )
}

/// `a \ b`, sharing `a` when nothing is removed.
fn diff(a: &Strs, b: &Strs) -> Strs {
    if b.is_empty() || !a.iter().any(|x| b.contains(x)) {
        return a.clone();
    }
    Arc::new(a.difference(b).cloned().collect())
}

/// `a ∪ b`, sharing an operand when it is the result.
fn union(a: &Strs, b: &Strs) -> Strs {
    if Arc::ptr_eq(a, b) {
        return a.clone();
    }
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if small.iter().all(|x| large.contains(x)) {
        return large.clone();
    }
    Arc::new(a.union(b).cloned().collect())
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TextSet {
    pub vals: Vals,
    pub empty: bool,
}

impl TextSet {
    pub fn any(empty: bool) -> TextSet {
        TextSet {
            vals: Vals::NotIn(Strs::default()),
            empty,
        }
    }

    pub fn of(values: impl IntoIterator<Item = String>) -> TextSet {
        TextSet {
            vals: Vals::In(Arc::new(values.into_iter().collect())),
            empty: false,
        }
    }

    pub fn is_empty(&self) -> bool {
        !self.empty && matches!(&self.vals, Vals::In(s) if s.is_empty())
    }

    pub fn intersect(&self, other: &TextSet) -> TextSet {
        let vals = match (&self.vals, &other.vals) {
            (Vals::In(a), Vals::In(b)) => Vals::In(inter(a, b)),
            (Vals::In(a), Vals::NotIn(b)) | (Vals::NotIn(b), Vals::In(a)) => Vals::In(diff(a, b)),
            (Vals::NotIn(a), Vals::NotIn(b)) => Vals::NotIn(union(a, b)),
        };
        TextSet {
            vals,
            empty: self.empty && other.empty,
        }
    }

    pub fn complement(&self) -> TextSet {
        TextSet {
            vals: match &self.vals {
                Vals::In(a) => Vals::NotIn(a.clone()),
                Vals::NotIn(a) => Vals::In(a.clone()),
            },
            empty: !self.empty,
        }
    }

    pub fn contains(&self, v: &str) -> bool {
        match &self.vals {
            Vals::In(a) => a.contains(v),
            Vals::NotIn(a) => !a.contains(v),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PatKind {
    StartsWith,
    EndsWith,
    /// Substring on text; "has this item" on a multipicklist.
    Contains,
}

/// Whether `value` has the pattern. `multi`: the value is a multipicklist
/// (items joined by `;`).
pub fn holds(kind: PatKind, pat: &str, value: &str, multi: bool) -> bool {
    match kind {
        PatKind::StartsWith => value.starts_with(pat),
        PatKind::EndsWith => value.ends_with(pat),
        PatKind::Contains if multi => value.split(';').any(|i| i == pat),
        PatKind::Contains => value.contains(pat),
    }
}

/// A required truth of one pattern.
pub struct PatReq<'a> {
    pub kind: PatKind,
    pub text: &'a str,
    pub want: bool,
}

/// The outcome of [`solve`].
#[derive(Clone, Debug)]
pub enum Solved {
    /// A member that meets every requirement (`None` is the empty value).
    Value(Option<String>),
    /// Proven impossible.
    Impossible,
    /// No candidate found, though one may exist (co-finite set with patterns).
    GaveUp,
}

fn meets(v: &str, set: &TextSet, reqs: &[PatReq<'_>], shape: Shape<'_>) -> bool {
    shape.fits(v)
        && set.contains(v)
        && reqs
            .iter()
            .all(|r| holds(r.kind, r.text, v, shape.is_multi()) == r.want)
}

/// Finds a member of `set` of the given shape whose pattern truths are
/// `reqs`. A pattern is false on the empty value.
pub fn solve(set: &TextSet, reqs: &[PatReq<'_>], shape: Shape<'_>, hint: &str) -> Solved {
    if let Shape::Items(decl) = shape {
        return super::items::solve(set, reqs, decl, hint);
    }
    if set.empty && reqs.iter().all(|r| !r.want) {
        // no pattern forces a value: prefer one (a witness that sets the
        // field) when nothing is asked, else the empty value, which has
        // every pattern false
        if reqs.is_empty() {
            if let Some(v) = plain_member(set, shape, hint) {
                return Solved::Value(Some(v));
            }
        }
        return Solved::Value(None);
    }
    match &set.vals {
        Vals::In(vals) => vals
            .iter()
            .find(|v| meets(v, set, reqs, shape))
            .map_or(Solved::Impossible, |v| Solved::Value(Some(v.clone()))),
        Vals::NotIn(_) => {
            if reqs.is_empty() {
                return plain_member(set, shape, hint)
                    .map_or(Solved::GaveUp, |v| Solved::Value(Some(v)));
            }
            if reqs.iter().any(|r| {
                r.want && (shape.excludes_part(r.text) || shape.excludes_affix(r.kind, r.text))
            }) {
                return Solved::Impossible;
            }
            // the plain candidates first, then with the shape's glue
            for glue in [&[""][..], shape.glue()] {
                for c in candidates(reqs, hint, glue) {
                    if meets(&c, set, reqs, shape) {
                        return Solved::Value(Some(c));
                    }
                }
                if shape.glue().len() == 1 {
                    break;
                }
            }
            if conflicting_affixes(reqs) {
                Solved::Impossible
            } else {
                Solved::GaveUp
            }
        }
    }
}

/// One [`solve`] question, owned, as a cache key.
#[derive(PartialEq, Eq, Hash)]
struct Query<'a> {
    set: TextSet,
    reqs: Vec<(PatKind, String, bool)>,
    shape: Shape<'a>,
    hint: &'static str,
}

/// Answers of [`solve`] already given in one analysis. The region algebra
/// asks the same pattern question of many cubes, and a question whose
/// answer is `GaveUp` or a late candidate costs thousands of candidate
/// strings each time: without this, a unit of three contracts could keep
/// `crmc check` busy for minutes (tests/analyze_domains.rs). Bounded: past
/// [`SolveCache::MAX`] entries it starts over.
#[derive(Default)]
pub struct SolveCache<'a> {
    answers: RefCell<HashMap<Query<'a>, Solved>>,
}

impl<'a> SolveCache<'a> {
    const MAX: usize = 1 << 16;

    /// [`solve`], answered from the cache when asked before.
    pub fn solve(
        &self,
        set: &TextSet,
        reqs: &[PatReq<'_>],
        shape: Shape<'a>,
        hint: &'static str,
    ) -> Solved {
        let query = Query {
            set: set.clone(),
            reqs: reqs
                .iter()
                .map(|r| (r.kind, r.text.to_string(), r.want))
                .collect(),
            shape,
            hint,
        };
        if let Some(answer) = self.answers.borrow().get(&query) {
            return answer.clone();
        }
        let answer = solve(set, reqs, shape, hint);
        let mut answers = self.answers.borrow_mut();
        if answers.len() >= Self::MAX {
            answers.clear();
        }
        answers.insert(query, answer.clone());
        answer
    }
}

/// Whether [`solve`] with no pattern requirements finds a member, without
/// building it (the common case of satisfiability checks).
pub fn has_member(set: &TextSet, shape: Shape<'_>, hint: &str) -> bool {
    if set.empty {
        return true;
    }
    match (&set.vals, shape) {
        (_, Shape::Items(decl)) => matches!(
            super::items::solve(set, &[], decl, hint),
            Solved::Value(Some(_))
        ),
        (Vals::In(vals), _) => vals.iter().any(|v| shape.fits(v)),
        // `hint`, `hint1`, ... all fit their shape (every hint does), and
        // fewer exclusions than candidates leave one
        (Vals::NotIn(ex), _) => ex.len() < 10_000 || plain_member(set, shape, hint).is_some(),
    }
}

fn plain_member(set: &TextSet, shape: Shape<'_>, hint: &str) -> Option<String> {
    match &set.vals {
        Vals::In(vals) => vals.iter().find(|v| shape.fits(v)).cloned(),
        Vals::NotIn(ex) => {
            let mut n = 0u32;
            loop {
                let c = if n == 0 {
                    hint.to_string()
                } else {
                    format!("{hint}{n}")
                };
                if !ex.contains(&c) && shape.fits(&c) {
                    return Some(c);
                }
                n += 1;
                if n > 10_000 {
                    return None;
                }
            }
        }
    }
}

/// Two required prefixes (or suffixes) where neither extends the other.
fn conflicting_affixes(reqs: &[PatReq<'_>]) -> bool {
    for kind in [PatKind::StartsWith, PatKind::EndsWith] {
        let pos: Vec<&str> = reqs
            .iter()
            .filter(|r| r.want && r.kind == kind)
            .map(|r| r.text)
            .collect();
        for a in &pos {
            for b in &pos {
                let ok = match kind {
                    PatKind::StartsWith => a.starts_with(b) || b.starts_with(a),
                    _ => a.ends_with(b) || b.ends_with(a),
                };
                if !ok {
                    return true;
                }
            }
        }
    }
    false
}

/// Longest overlap join: `a` followed by `b`, sharing as much as possible.
fn join_overlap(a: &str, b: &str) -> String {
    for k in (0..=a.len().min(b.len())).rev() {
        if a.is_char_boundary(a.len() - k) && b.is_char_boundary(k) && a[a.len() - k..] == b[..k] {
            return format!("{a}{}", &b[k..]);
        }
    }
    format!("{a}{b}")
}

/// Strings built from the required parts: the longest prefix, the
/// contained parts (with a filler between), the longest suffix, with each
/// `glue` text after the prefix and before the suffix.
fn candidates(reqs: &[PatReq<'_>], hint: &str, glue: &[&str]) -> Vec<String> {
    let longest = |kind: PatKind| {
        reqs.iter()
            .filter(|r| r.want && r.kind == kind)
            .map(|r| r.text)
            .max_by_key(|t| t.len())
            .unwrap_or("")
            .to_string()
    };
    let contains: Vec<&str> = reqs
        .iter()
        .filter(|r| r.want && r.kind == PatKind::Contains)
        .map(|r| r.text)
        .collect();
    let pre = longest(PatKind::StartsWith);
    let suf = longest(PatKind::EndsWith);
    let cs = contains
        .iter()
        .fold(String::new(), |acc, c| join_overlap(&acc, c));
    let mut mids = Vec::new();
    for filler in ["", hint, "x", "q", "Z", "0", "_", "~", "zq9"] {
        let mut mid = String::new();
        for c in &contains {
            mid.push_str(filler);
            mid.push_str(c);
        }
        mid.push_str(filler);
        mids.push(mid);
        mids.push(format!("{filler}{cs}"));
    }
    mids.push(cs);
    let mut out = Vec::new();
    for g1 in glue {
        for g2 in glue {
            for mid in &mids {
                let m = format!("{g1}{mid}{g2}");
                out.push(format!("{pre}{m}{suf}"));
                out.push(join_overlap(&join_overlap(&pre, &m), &suf));
            }
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn req(kind: PatKind, text: &str, want: bool) -> PatReq<'_> {
        PatReq { kind, text, want }
    }

    #[test]
    fn finite_sets_are_exact() {
        let s = TextSet::of(["alpha".to_string(), "beta".to_string()]);
        let r = [req(PatKind::StartsWith, "b", true)];
        assert!(matches!(solve(&s, &r, Shape::Text, "w"), Solved::Value(Some(v)) if v == "beta"));
        let r = [req(PatKind::StartsWith, "c", true)];
        assert!(matches!(
            solve(&s, &r, Shape::Text, "w"),
            Solved::Impossible
        ));
    }

    #[test]
    fn cofinite_sets_build_candidates() {
        let s = TextSet::any(true);
        let r = [
            req(PatKind::EndsWith, "@competitor.example", true),
            req(PatKind::StartsWith, "ceo", true),
            req(PatKind::Contains, "zz", false),
        ];
        match solve(&s, &r, Shape::Text, "w") {
            Solved::Value(Some(v)) => {
                assert!(v.starts_with("ceo") && v.ends_with("@competitor.example"));
                assert!(!v.contains("zz"), "{v}");
            }
            _ => panic!("expected a value"),
        }
        let r = [
            req(PatKind::StartsWith, "ab", true),
            req(PatKind::StartsWith, "ac", true),
        ];
        assert!(matches!(
            solve(&s, &r, Shape::Text, "w"),
            Solved::Impossible
        ));
        let r = [
            req(PatKind::StartsWith, "ab", true),
            req(PatKind::Contains, "b", false),
        ];
        assert!(!matches!(solve(&s, &r, Shape::Text, "w"), Solved::Value(_)));
    }
}
