//! Difference constraints (`x − y ≤ c`) between integer variables, decided
//! exactly by difference-bound matrices (zones): Floyd–Warshall closure, a
//! negative cycle means no solution. Relative dates need them: `F before N
//! days ago` is `F − day(at) ≤ −N − 1` for a date and `F − at ≤ −86400·N − 1`
//! for a datetime (in seconds), as the evaluator compares them.
//!
//! The two clocks are one instant: `AtDay = floor(At / 86400)` (the UTC day
//! of `at`, which is what the evaluator compares dates with). That link is
//! not a difference constraint, but dates are only ever constrained against
//! `AtDay` and datetimes against `At`, so the two live in separate
//! components; a closed component projects each clock onto an interval,
//! and the link is decided exactly on those intervals (see [`solve`]).

use super::Var;

/// `x − y ≤ c`; both variables are set (a difference with an empty value is
/// false, as every comparison with one is).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diff {
    pub x: Var,
    pub y: Var,
    pub c: i64,
}

pub const SECS_PER_DAY: i64 = 86_400;

/// Constants are clamped to ±`LIMIT`: every variable with a difference is
/// bounded (the evaluator's calendar spans < 2^39 seconds), so a bound past
/// the limit is as true or as false as the clamped one, and sums along
/// paths cannot overflow.
const LIMIT: i64 = 1 << 50;

pub fn clamp(c: i128) -> i64 {
    c.clamp(-i128::from(LIMIT), i128::from(LIMIT)) as i64
}

impl Diff {
    pub fn new(x: Var, y: Var, c: i128) -> Diff {
        Diff { x, y, c: clamp(c) }
    }

    /// `not (x − y ≤ c)` over the integers: `y − x ≤ −c − 1`.
    pub fn negate(&self) -> Diff {
        Diff::new(self.y.clone(), self.x.clone(), -i128::from(self.c) - 1)
    }
}

/// Sorts by `(x, y)` and keeps the tightest bound of each pair.
pub fn normalize(diffs: &mut Vec<Diff>) {
    diffs.sort();
    diffs.dedup_by(|later, first| later.x == first.x && later.y == first.y);
}

/// Whether two constraints contradict each other on their own
/// (`x − y ≤ a` and `y − x ≤ b` with `a + b < 0`): a cheap early test.
pub fn clash(a: &[Diff], b: &[Diff]) -> bool {
    a.iter().any(|d| {
        b.iter()
            .chain(a.iter())
            .any(|e| e.x == d.y && e.y == d.x && i128::from(d.c) + i128::from(e.c) < 0)
    })
}

const INF: i64 = i64::MAX;

fn add(a: i64, b: i64) -> i64 {
    if a == INF || b == INF {
        INF
    } else {
        a.saturating_add(b)
    }
}

/// A closed difference-bound matrix over variables `1..=n`; row and column
/// 0 are the constant zero, so `m[i][0]` is `x_i`'s upper bound and
/// `-m[0][i]` its lower bound.
#[derive(Clone, Debug)]
pub struct Zone {
    n: usize,
    m: Vec<i64>,
}

impl Zone {
    pub fn new(vars: usize) -> Zone {
        let n = vars + 1;
        let mut m = vec![INF; n * n];
        for i in 0..n {
            m[i * n + i] = 0;
        }
        Zone { n, m }
    }

    fn at(&self, i: usize, j: usize) -> i64 {
        self.m[i * self.n + j]
    }

    /// Adds `x_i − x_j ≤ c` (0 is the constant) and restores closure in
    /// O(n²); `false` when that makes the zone empty (a negative cycle).
    pub fn constrain(&mut self, i: usize, j: usize, c: i64) -> bool {
        if add(self.at(j, i), c) < 0 {
            return false;
        }
        if c >= self.at(i, j) {
            return true;
        }
        let n = self.n;
        for a in 0..n {
            let ai = self.at(a, i);
            if ai == INF {
                continue;
            }
            for b in 0..n {
                let via = add(add(ai, c), self.at(j, b));
                if via < self.m[a * n + b] {
                    self.m[a * n + b] = via;
                }
            }
        }
        true
    }

    /// Bounds of variable `v` (1-based): `(lo, hi)`.
    pub fn bounds(&self, v: usize) -> (i64, i64) {
        let lo = self.at(0, v);
        let hi = self.at(v, 0);
        (if lo == INF { -INF } else { -lo }, hi)
    }

    /// `lo ≤ x_v ≤ hi`.
    pub fn within(&mut self, v: usize, lo: i64, hi: i64) -> bool {
        self.constrain(v, 0, hi) && self.constrain(0, v, lo.saturating_neg())
    }
}

/// The differences `diffs` imply between the variables `keep` accepts
/// (closure, then restriction): the projection of a zone without unary
/// bounds. An empty zone keeps its kept differences (a superset is safe
/// where projections are used).
pub fn project(diffs: &[Diff], keep: &impl Fn(&Var) -> bool) -> Vec<Diff> {
    if diffs.is_empty() {
        return Vec::new();
    }
    let mut vars: Vec<&Var> = diffs.iter().flat_map(|d| [&d.x, &d.y]).collect();
    vars.sort();
    vars.dedup();
    let ix = |v: &Var| vars.binary_search(&v).map_or(0, |i| i + 1);
    let mut z = Zone::new(vars.len());
    let mut empty = false;
    for d in diffs {
        empty |= !z.constrain(ix(&d.x), ix(&d.y), d.c);
    }
    if empty {
        return diffs
            .iter()
            .filter(|d| keep(&d.x) && keep(&d.y))
            .cloned()
            .collect();
    }
    let mut out = Vec::new();
    for (i, x) in vars.iter().enumerate() {
        for (j, y) in vars.iter().enumerate() {
            let c = z.at(i + 1, j + 1);
            if i != j && c != INF && keep(x) && keep(y) {
                out.push(Diff {
                    x: (*x).clone(),
                    y: (*y).clone(),
                    c,
                });
            }
        }
    }
    out
}

/// A variable of a zone problem with the integer intervals it may take
/// (sorted, disjoint, finite, non-empty).
pub struct Slot {
    pub var: Var,
    pub intervals: Vec<(i64, i64)>,
    /// The value preferred (clamped into range) for a readable witness.
    pub prefer: i64,
}

/// The answer of [`solve`].
pub enum Solved {
    Values(Vec<i64>),
    Impossible,
    /// The search over interval choices hit its bound.
    GaveUp,
}

/// Search budget: interval choices tried before giving up. Only variables
/// whose allowed values are several intervals (`!=`, `not in` on dates)
/// branch; typical cubes need a handful.
const BUDGET: usize = 1 << 16;

/// A value for every slot meeting every difference, or why not. `at` and
/// `at_day` are the slots of the two clocks (when present): `at_day` is
/// `floor(at / 86400)`.
pub fn solve(slots: &[Slot], diffs: &[Diff], at: Option<usize>, at_day: Option<usize>) -> Solved {
    solve_within(slots, diffs, at, at_day, BUDGET)
}

fn solve_within(
    slots: &[Slot],
    diffs: &[Diff],
    at: Option<usize>,
    at_day: Option<usize>,
    budget: usize,
) -> Solved {
    let index = |v: &Var| slots.iter().position(|s| s.var == *v);
    let mut z = Zone::new(slots.len());
    for d in diffs {
        let (Some(i), Some(j)) = (index(&d.x), index(&d.y)) else {
            continue;
        };
        if !z.constrain(i + 1, j + 1, d.c) {
            return Solved::Impossible;
        }
    }
    // the hull of each slot first: an empty hull zone has no member at all
    for (k, s) in slots.iter().enumerate() {
        let (Some(first), Some(last)) = (s.intervals.first(), s.intervals.last()) else {
            return Solved::Impossible;
        };
        if !z.within(k + 1, first.0, last.1) {
            return Solved::Impossible;
        }
    }
    let mut budget = budget;
    match branch(slots, z, 0, at, at_day, &mut budget) {
        Some(v) => Solved::Values(v),
        None if budget == 0 => Solved::GaveUp,
        None => Solved::Impossible,
    }
}

/// Chooses an interval for slot `k` onwards, then values.
fn branch(
    slots: &[Slot],
    z: Zone,
    k: usize,
    at: Option<usize>,
    at_day: Option<usize>,
    budget: &mut usize,
) -> Option<Vec<i64>> {
    // prune: the clocks' projections must still overlap, and every slot
    // still has an interval within its bounds (both only ever shrink)
    let (lo, hi) = link(&z, at, at_day);
    if lo > hi {
        return None;
    }
    let open = slots.iter().enumerate().skip(k).all(|(j, s)| {
        let (lo, hi) = z.bounds(j + 1);
        s.intervals.iter().any(|&(a, b)| a <= hi && b >= lo)
    });
    if !open {
        return None;
    }
    if k == slots.len() {
        return pick(slots, z, at, at_day);
    }
    let s = &slots[k];
    if s.intervals.len() == 1 {
        return branch(slots, z, k + 1, at, at_day, budget);
    }
    let (lo, hi) = z.bounds(k + 1);
    for &(a, b) in &s.intervals {
        if b < lo || a > hi {
            continue;
        }
        if *budget == 0 {
            return None;
        }
        *budget -= 1;
        let mut next = z.clone();
        if next.within(k + 1, a, b) {
            if let Some(v) = branch(slots, next, k + 1, at, at_day, budget) {
                return Some(v);
            }
        }
    }
    None
}

/// The values of `at` (seconds) whose UTC day is within `at_day`'s bounds
/// and which are within `at`'s own: `(lo, hi)`, empty when `lo > hi`;
/// everything when a clock is absent.
fn link(z: &Zone, at: Option<usize>, at_day: Option<usize>) -> (i64, i64) {
    let (Some(s), Some(d)) = (at, at_day) else {
        return (i64::MIN, i64::MAX);
    };
    let (slo, shi) = z.bounds(s + 1);
    let (dlo, dhi) = z.bounds(d + 1);
    let lo = slo.max(dlo.saturating_mul(SECS_PER_DAY));
    let hi = shi.min(
        dhi.saturating_mul(SECS_PER_DAY)
            .saturating_add(SECS_PER_DAY - 1),
    );
    (lo, hi)
}

/// Values from a closed zone in which every slot is confined to one of its
/// intervals: the clocks first (their link decided on the projections),
/// then each slot at its preferred value clamped into its bounds; fixing a
/// variable within the bounds of a closed zone keeps it non-empty.
fn pick(slots: &[Slot], mut z: Zone, at: Option<usize>, at_day: Option<usize>) -> Option<Vec<i64>> {
    if let (Some(s), Some(d)) = (at, at_day) {
        let (lo, hi) = link(&z, at, at_day);
        if lo > hi {
            return None;
        }
        let v = slots[s].prefer.clamp(lo, hi);
        if !(z.within(s + 1, v, v)
            && z.within(
                d + 1,
                v.div_euclid(SECS_PER_DAY),
                v.div_euclid(SECS_PER_DAY),
            ))
        {
            return None;
        }
    }
    let mut out = Vec::with_capacity(slots.len());
    for (k, s) in slots.iter().enumerate() {
        let (lo, hi) = z.bounds(k + 1);
        if lo > hi {
            return None;
        }
        let v = s.prefer.clamp(lo, hi);
        if !z.within(k + 1, v, v) {
            return None;
        }
        out.push(v);
    }
    Some(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::check::model::{FieldId, ObjectId};

    fn var(i: u32) -> Var {
        Var::Field(FieldId {
            object: ObjectId(0),
            index: i,
        })
    }

    fn slot(v: Var, intervals: Vec<(i64, i64)>) -> Slot {
        Slot {
            var: v,
            intervals,
            prefer: 0,
        }
    }

    #[test]
    fn a_negative_cycle_is_empty_and_a_loose_one_is_not() {
        let (x, y) = (var(0), var(1));
        let slots = [
            slot(x.clone(), vec![(-100, 100)]),
            slot(y.clone(), vec![(-100, 100)]),
        ];
        let tight = [
            Diff::new(x.clone(), y.clone(), -1),
            Diff::new(y.clone(), x.clone(), 0),
        ];
        assert!(matches!(
            solve(&slots, &tight, None, None),
            Solved::Impossible
        ));
        let loose = [Diff::new(x.clone(), y.clone(), -1), Diff::new(y, x, 1)];
        let Solved::Values(v) = solve(&slots, &loose, None, None) else {
            panic!("satisfiable");
        };
        assert_eq!(v[0] - v[1], -1);
    }

    #[test]
    fn interval_choices_are_searched() {
        // x in [0,5] ∪ [20,30], y = x + 10 exactly, y in [25,40]: x = 20
        let (x, y) = (var(0), var(1));
        let slots = [
            slot(x.clone(), vec![(0, 5), (20, 30)]),
            slot(y.clone(), vec![(25, 40)]),
        ];
        let d = [Diff::new(y.clone(), x.clone(), 10), Diff::new(x, y, -10)];
        let Solved::Values(v) = solve(&slots, &d, None, None) else {
            panic!("satisfiable");
        };
        assert_eq!(v, vec![20, 30]);
    }

    #[test]
    fn the_clocks_are_one_instant() {
        // day(at) >= 10 needs at >= 10 days (in seconds), not just at >= 0
        let slots = |hi: i64| {
            [
                slot(Var::At, vec![(0, hi)]),
                slot(Var::AtDay, vec![(10, 100)]),
            ]
        };
        let none: [Diff; 0] = [];
        assert!(matches!(
            solve(&slots(10 * SECS_PER_DAY - 1), &none, Some(0), Some(1)),
            Solved::Impossible
        ));
        let Solved::Values(v) = solve(&slots(10 * SECS_PER_DAY), &none, Some(0), Some(1)) else {
            panic!("satisfiable");
        };
        assert_eq!(v, vec![10 * SECS_PER_DAY, 10]);
    }

    #[test]
    fn the_search_is_bounded() {
        // x0 < x1 < x2 < x3, each 0, 10 or 20: impossible, found by
        // search (3 choices); with a budget of 2 the search gives up
        let xs: Vec<Var> = (0..4).map(var).collect();
        let slots: Vec<Slot> = xs
            .iter()
            .map(|x| slot(x.clone(), vec![(0, 0), (10, 10), (20, 20)]))
            .collect();
        let chain: Vec<Diff> = xs
            .windows(2)
            .map(|w| Diff::new(w[0].clone(), w[1].clone(), -1))
            .collect();
        assert!(matches!(
            solve(&slots, &chain, None, None),
            Solved::Impossible
        ));
        assert!(matches!(
            solve_within(&slots, &chain, None, None, 2),
            Solved::GaveUp
        ));
    }
}
