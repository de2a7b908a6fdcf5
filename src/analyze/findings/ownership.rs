//! Ownership: two different actors that can both automate one field on the
//! same record.

use super::components::Components;
use super::{compatible, Ctx, Finding, Options};
use crate::analyze::algebra::{Cube, Found, Var};
use crate::analyze::chain::{fields_for, Info, RuleRef};
use crate::analyze::witness::{mutation, pin_record};
use crate::check::model::{Contract, FieldId, Outcome};
use serde_json::Value;
use std::collections::BTreeMap;

/// Record variables: what two different actors' mutations can share.
pub(super) fn is_record_var(v: &Var) -> bool {
    match v {
        Var::Field(_) | Var::Parent(..) => true,
        Var::Pat(base, ..) => is_record_var(base),
        _ => false,
    }
}

/// An auto-deciding cube, with its projection on the record variables.
pub(super) type AutoCube = (RuleRef, Cube, Cube);

/// Whether any rule (syntactically) could make contract `c` decide `auto`
/// for `f` (listed: its line or `*`; unlisted: `*`).
pub(super) fn may_auto(c: &Contract, f: FieldId) -> bool {
    let star = c
        .star
        .as_ref()
        .is_some_and(|s| s.rules.iter().any(|r| r.outcome == Outcome::Auto));
    let line = c
        .rules_for(f)
        .is_some_and(|l| l.rules.iter().any(|r| r.outcome == Outcome::Auto));
    line || star
}

pub(super) fn ownership(cx: &mut Ctx<'_>, dead: &[bool], opts: Options, out: &mut Vec<Finding>) {
    let unit = cx.unit;
    let mut comps = Components::default();
    // index: (object) -> field -> contracts that can auto it, with their cubes
    let mut by_object: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (i, c) in unit.contracts.iter().enumerate() {
        if !dead[i] {
            by_object.entry(c.object.0).or_default().push(i);
        }
    }
    for members in by_object.values() {
        let Some(&first) = members.first() else {
            continue;
        };
        let object = unit.contracts[first].object;
        let group: Vec<(&Contract, &Info)> = members
            .iter()
            .map(|&i| (&unit.contracts[i], &cx.infos[i]))
            .collect();
        let universe = fields_for(&cx.dom, object, &group);
        for f in universe {
            let mut autos: Vec<(usize, Vec<AutoCube>)> = Vec::new();
            for &k in members {
                if !may_auto(&unit.contracts[k], f) {
                    continue;
                }
                let v: Vec<AutoCube> = cx
                    .summary(k, f)
                    .autos
                    .iter()
                    .map(|(r, c)| (*r, c.clone(), c.project(is_record_var)))
                    .collect();
                if !v.is_empty() {
                    autos.push((k, v));
                }
            }
            for (x, y) in overlapping(&autos) {
                let ((a, xa), (b, xb)) = (&autos[x], &autos[y]);
                if compatible(&unit.contracts[*a], &unit.contracts[*b]) {
                    continue;
                }
                if !opts.all_witnesses && comps.connected((*a, f), (*b, f)) {
                    continue;
                }
                if ownership_pair(cx, *a, *b, f, xa, xb, out) {
                    comps.union((*a, f), (*b, f));
                }
            }
        }
    }
}

/// The pairs `(x, y)`, `x < y`, of `autos` whose auto cubes may meet on
/// the record, in order: a sweep over the hulls of one numeric record
/// variable (the one most cubes constrain, typically an `eligible` band)
/// instead of every pair. Entries the variable does not bound (or that
/// allow its empty value) pair with every entry. A superset of the pairs
/// with meeting cubes; [`ownership_pair`] decides exactly.
pub(super) fn overlapping(autos: &[(usize, Vec<AutoCube>)]) -> Vec<(usize, usize)> {
    use crate::analyze::algebra::Con;
    // the numeric record variable constrained by the most cubes
    let mut counts: BTreeMap<&Var, usize> = BTreeMap::new();
    for (_, cubes) in autos {
        for (_, _, p) in cubes {
            for (v, c) in &p.cons {
                if matches!(v, Var::Field(_)) && matches!(c, Con::Num(_)) {
                    *counts.entry(v).or_default() += 1;
                }
            }
        }
    }
    let Some(var) = counts
        .iter()
        .max_by_key(|(v, n)| (**n, std::cmp::Reverse(**v)))
        .map(|(v, _)| (*v).clone())
    else {
        return all_pairs(autos.len());
    };
    type Hull = (
        Option<crate::decimal::Decimal>,
        Option<crate::decimal::Decimal>,
    );
    // per entry: the hull of its cubes on `var`, or None (unbounded/empty)
    let hull = |cubes: &[AutoCube]| -> Option<Hull> {
        let mut acc: Option<Hull> = None;
        for (_, _, p) in cubes {
            let Some(Con::Num(n)) = p.get(&var) else {
                return None;
            };
            if n.empty {
                return None;
            }
            let (Some(first), Some(last)) = (n.intervals.first(), n.intervals.last()) else {
                continue;
            };
            let (lo, hi) = (first.lo.map(|b| b.value), last.hi.map(|b| b.value));
            acc = Some(match acc {
                None => (lo, hi),
                Some((alo, ahi)) => (
                    alo.zip(lo).map(|(a, b)| a.min(b)),
                    ahi.zip(hi).map(|(a, b)| a.max(b)),
                ),
            });
        }
        Some(acc.unwrap_or((None, None)))
    };
    let mut wide: Vec<usize> = Vec::new();
    let mut narrow: Vec<(Hull, usize)> = Vec::new();
    for (x, (_, cubes)) in autos.iter().enumerate() {
        match hull(cubes) {
            Some(h) => narrow.push((h, x)),
            None => wide.push(x),
        }
    }
    // sort by lower end (None first)
    narrow.sort_by(|a, b| a.0 .0.cmp(&b.0 .0).then(a.1.cmp(&b.1)));
    let mut out: Vec<(usize, usize)> = Vec::new();
    let pair = |x: usize, y: usize| (x.min(y), x.max(y));
    for (k, &((_, hi), x)) in narrow.iter().enumerate() {
        for &((lo2, _), y) in &narrow[k + 1..] {
            // sorted by lower end: once one starts after `hi`, all do
            if let (Some(h), Some(l)) = (hi, lo2) {
                if l > h {
                    break;
                }
            }
            out.push(pair(x, y));
        }
    }
    for (k, &x) in wide.iter().enumerate() {
        for &y in &wide[k + 1..] {
            out.push(pair(x, y));
        }
        for &(_, y) in &narrow {
            out.push(pair(x, y));
        }
    }
    out.sort_unstable();
    out
}

pub(super) fn all_pairs(n: usize) -> Vec<(usize, usize)> {
    (0..n)
        .flat_map(|x| (x + 1..n).map(move |y| (x, y)))
        .collect()
}

pub(super) fn ownership_pair(
    cx: &Ctx<'_>,
    a: usize,
    b: usize,
    f: FieldId,
    xa: &[AutoCube],
    xb: &[AutoCube],
    out: &mut Vec<Finding>,
) -> bool {
    let unit = cx.unit;
    let mut unsure: Option<(RuleRef, RuleRef)> = None;
    {
        {
            for (ra, qa, pa) in xa {
                for (rb, qb, pb) in xb {
                    // cheap test on the record variables first
                    if !pa.meets(pb) {
                        continue;
                    }
                    let Some(m) = qa.intersect(pb) else {
                        continue;
                    };
                    let asg_a = match cx.dom.search(&m) {
                        Found::Member(asg) => asg,
                        Found::Unknown => {
                            unsure.get_or_insert((*ra, *rb));
                            continue;
                        }
                        Found::Empty => continue,
                    };
                    let pin = pin_record(&asg_a, qb);
                    let Some(mb) = qb.intersect(&pin) else {
                        continue;
                    };
                    let mut asg_b = match cx.dom.search(&mb) {
                        Found::Member(asg) => asg,
                        Found::Unknown => {
                            unsure.get_or_insert((*ra, *rb));
                            continue;
                        }
                        Found::Empty => continue,
                    };
                    for (v, val) in &asg_a {
                        if is_record_var(v) && !matches!(v, Var::Pat(..)) {
                            asg_b.insert(v.clone(), val.clone());
                        }
                    }
                    // both mutations carry the fields either contract reads
                    let parts = cx.parts(&[a, b], &[f]);
                    let mut wa = mutation(&cx.dom, &parts, &asg_a);
                    let parts_b = cx.parts(&[b, a], &[f]);
                    let wb = mutation(&cx.dom, &parts_b, &asg_b);
                    // actor names: each its own
                    set_actor(&mut wa, &unit.contracts[a]);
                    let mut wb = wb;
                    set_actor(&mut wb, &unit.contracts[b]);
                    out.push(Finding::Ownership {
                        a,
                        b,
                        field: f,
                        a_rule: *ra,
                        b_rule: *rb,
                        witness: Some(wa),
                        other: Some(wb),
                    });
                    return true;
                }
            }
        }
    }
    // a meeting whose search gave up: reported, without witnesses
    if let Some((ra, rb)) = unsure {
        out.push(Finding::Ownership {
            a,
            b,
            field: f,
            a_rule: ra,
            b_rule: rb,
            witness: None,
            other: None,
        });
        return true;
    }
    false
}

pub(super) fn set_actor(w: &mut Value, c: &Contract) {
    if let Some(actor) = w.get_mut("actor") {
        *actor = serde_json::json!({
            "kind": c.actor.kind.as_str(),
            "name": c.actor.name.clone().unwrap_or_else(|| "any".to_string()),
        });
    }
}
