//! Sets of numbers: a sorted list of disjoint intervals with exact
//! [`Decimal`] bounds, plus whether the empty value belongs to the set.
//! Integral domains (int fields, dates, datetimes) keep closed integer bounds,
//! so `x > 1 and x < 2` is empty for an int.

use crate::decimal::Decimal;

/// A lower or upper bound; `None` is infinite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bound {
    pub value: Decimal,
    pub closed: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interval {
    pub lo: Option<Bound>,
    pub hi: Option<Bound>,
}

impl Interval {
    pub const ALL: Interval = Interval { lo: None, hi: None };

    pub fn point(v: Decimal) -> Interval {
        let b = Some(Bound {
            value: v,
            closed: true,
        });
        Interval { lo: b, hi: b }
    }

    fn is_empty(&self) -> bool {
        match (self.lo, self.hi) {
            (Some(l), Some(h)) => {
                l.value > h.value || (l.value == h.value && !(l.closed && h.closed))
            }
            _ => false,
        }
    }

    /// Integer bounds for integral domains.
    fn integral(self) -> Interval {
        let one = Decimal::ONE;
        let lo = self.lo.map(|b| {
            let f = b.value.floor();
            let v = if f == b.value {
                if b.closed {
                    f
                } else {
                    f.checked_add(one).unwrap_or(f)
                }
            } else {
                f.checked_add(one).unwrap_or(f)
            };
            Bound {
                value: v,
                closed: true,
            }
        });
        let hi = self.hi.map(|b| {
            let f = b.value.floor();
            let v = if f == b.value && !b.closed {
                f.checked_sub(one).unwrap_or(f)
            } else {
                f
            };
            Bound {
                value: v,
                closed: true,
            }
        });
        Interval { lo, hi }
    }

    fn contains(&self, v: Decimal) -> bool {
        let lo_ok = self
            .lo
            .is_none_or(|b| v > b.value || (b.closed && v == b.value));
        let hi_ok = self
            .hi
            .is_none_or(|b| v < b.value || (b.closed && v == b.value));
        lo_ok && hi_ok
    }

    /// A value inside, preferring round ones; `None` when empty.
    fn pick(&self, integral: bool) -> Option<Decimal> {
        if self.is_empty() {
            return None;
        }
        let zero = Decimal::ZERO;
        if self.contains(zero) {
            return Some(zero);
        }
        let one = Decimal::ONE;
        let v = match (self.lo, self.hi) {
            (Some(l), Some(h)) => {
                if l.closed && h.closed && h.value < zero {
                    // all negative: the end nearer zero (a bounded domain's
                    // far end, such as year 0 for dates, reads badly)
                    h.value
                } else if l.closed {
                    l.value
                } else if h.closed && (integral || h.value != l.value) {
                    // a value strictly inside, near the lower end when possible
                    let up = l.value.checked_add(one);
                    match up {
                        Some(u) if self.contains(u) => u,
                        _ => l.value.midpoint(h.value)?,
                    }
                } else {
                    let up = l.value.checked_add(one);
                    match up {
                        Some(u) if self.contains(u) => u,
                        _ => l.value.midpoint(h.value)?,
                    }
                }
            }
            (Some(l), None) => {
                if l.closed {
                    l.value
                } else {
                    l.value.floor().checked_add(one)?
                }
            }
            (None, Some(h)) => {
                if h.closed {
                    h.value
                } else {
                    let f = h.value.floor();
                    if f == h.value {
                        f.checked_sub(one)?
                    } else {
                        f
                    }
                }
            }
            (None, None) => zero,
        };
        self.contains(v).then_some(v)
    }
}

/// Compare lower bounds: which starts later.
fn lo_max(a: Option<Bound>, b: Option<Bound>) -> Option<Bound> {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(x), Some(y)) => Some(if x.value > y.value || (x.value == y.value && !x.closed) {
            x
        } else {
            y
        }),
    }
}

fn hi_min(a: Option<Bound>, b: Option<Bound>) -> Option<Bound> {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(x), Some(y)) => Some(if x.value < y.value || (x.value == y.value && !x.closed) {
            x
        } else {
            y
        }),
    }
}

/// Does interval `a` end before `b` ends (for the two-pointer sweep)?
fn ends_first(a: &Interval, b: &Interval) -> bool {
    match (a.hi, b.hi) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(x), Some(y)) => x.value < y.value || (x.value == y.value && !x.closed),
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumSet {
    /// Sorted, disjoint, non-empty.
    pub intervals: Vec<Interval>,
    pub empty: bool,
    pub integral: bool,
}

impl NumSet {
    pub fn new(intervals: Vec<Interval>, empty: bool, integral: bool) -> NumSet {
        let mut ivs: Vec<Interval> = intervals
            .into_iter()
            .map(|i| if integral { i.integral() } else { i })
            .filter(|i| !i.is_empty())
            .collect();
        ivs.sort_by(|a, b| match (a.lo, b.lo) {
            (None, None) => std::cmp::Ordering::Equal,
            (None, _) => std::cmp::Ordering::Less,
            (_, None) => std::cmp::Ordering::Greater,
            (Some(x), Some(y)) => x.value.cmp(&y.value).then(y.closed.cmp(&x.closed)),
        });
        // merge overlapping (only points from `in` lists can overlap)
        let mut out: Vec<Interval> = Vec::with_capacity(ivs.len());
        for iv in ivs {
            if let Some(last) = out.last_mut() {
                let overlaps = !Interval {
                    lo: iv.lo,
                    hi: last.hi,
                }
                .is_empty();
                if overlaps {
                    if ends_first(last, &iv) {
                        last.hi = iv.hi;
                    }
                    continue;
                }
            }
            out.push(iv);
        }
        NumSet {
            intervals: out,
            empty,
            integral,
        }
    }

    pub fn is_empty(&self) -> bool {
        !self.empty && self.intervals.is_empty()
    }

    pub fn intersect(&self, other: &NumSet) -> NumSet {
        let mut out = Vec::new();
        let (mut i, mut j) = (0, 0);
        while i < self.intervals.len() && j < other.intervals.len() {
            let a = &self.intervals[i];
            let b = &other.intervals[j];
            let iv = Interval {
                lo: lo_max(a.lo, b.lo),
                hi: hi_min(a.hi, b.hi),
            };
            if !iv.is_empty() {
                out.push(iv);
            }
            if ends_first(a, b) {
                i += 1;
            } else {
                j += 1;
            }
        }
        NumSet {
            intervals: out,
            empty: self.empty && other.empty,
            integral: self.integral || other.integral,
        }
    }

    /// Everything (over all numbers and the empty value) not in `self`.
    pub fn complement(&self) -> NumSet {
        let mut out = Vec::new();
        let mut lo: Option<Bound> = None;
        for iv in &self.intervals {
            if let Some(l) = iv.lo {
                out.push(Interval {
                    lo,
                    hi: Some(Bound {
                        value: l.value,
                        closed: !l.closed,
                    }),
                });
            }
            match iv.hi {
                Some(h) => {
                    lo = Some(Bound {
                        value: h.value,
                        closed: !h.closed,
                    });
                }
                None => {
                    return NumSet::new(out, !self.empty, self.integral);
                }
            }
        }
        out.push(Interval { lo, hi: None });
        NumSet::new(out, !self.empty, self.integral)
    }

    pub fn contains(&self, v: Decimal) -> bool {
        self.intervals.iter().any(|i| i.contains(v))
    }

    /// A member: `Some(None)` is the empty value. Non-empty values first.
    pub fn pick(&self) -> Option<Option<Decimal>> {
        for iv in &self.intervals {
            if let Some(v) = iv.pick(self.integral) {
                return Some(Some(v));
            }
        }
        self.empty.then_some(None)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }
    fn gt(v: &str, closed: bool) -> Interval {
        Interval {
            lo: Some(Bound {
                value: d(v),
                closed,
            }),
            hi: None,
        }
    }
    fn lt(v: &str, closed: bool) -> Interval {
        Interval {
            lo: None,
            hi: Some(Bound {
                value: d(v),
                closed,
            }),
        }
    }

    #[test]
    fn integral_open_interval_between_neighbours_is_empty() {
        let a = NumSet::new(vec![gt("1", false)], false, true);
        let b = NumSet::new(vec![lt("2", false)], false, true);
        assert!(a.intersect(&b).is_empty());
        let r = NumSet::new(vec![gt("1", false)], false, false);
        let s = NumSet::new(vec![lt("2", false)], false, false);
        let m = r.intersect(&s);
        assert!(!m.is_empty());
        assert_eq!(m.pick(), Some(Some(d("1.5"))));
    }

    #[test]
    fn complement_flips_bounds_and_emptiness() {
        let a = NumSet::new(vec![gt("0.9", true)], false, false);
        let c = a.complement();
        assert!(c.empty);
        assert!(c.contains(d("0.89")) && !c.contains(d("0.9")));
        assert_eq!(c.complement(), a);
        let base = NumSet::new(
            vec![Interval {
                lo: Some(Bound {
                    value: d("0"),
                    closed: true,
                }),
                hi: Some(Bound {
                    value: d("1"),
                    closed: true,
                }),
            }],
            false,
            false,
        );
        let below = base.intersect(&c);
        let v = below.pick().unwrap().unwrap();
        assert!(v < d("0.9"));
        let above = base.intersect(&a);
        assert_eq!(above.pick(), Some(Some(d("0.9"))));
    }

    #[test]
    fn points_merge_and_complement() {
        let s = NumSet::new(
            vec![
                Interval::point(d("2")),
                Interval::point(d("1")),
                Interval::point(d("2")),
            ],
            false,
            true,
        );
        assert_eq!(s.intervals.len(), 2);
        let c = s.complement();
        assert!(!c.contains(d("1")) && c.contains(d("3")) && c.contains(d("0")));
        assert!(!c.contains(d("1.5")) || !c.integral);
    }
}
