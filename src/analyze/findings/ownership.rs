//! Ownership: two different actors that can both automate one field on the
//! same record.

use super::components::DenseUnion;
use super::{compatible, Ctx, Finding, Options};
use crate::analyze::algebra::{Con, Cube, Found, Var};
use crate::analyze::chain::{fields_for, Info, RuleRef};
use crate::analyze::lower::EV_UPDATE;
use crate::analyze::witness::{mutation, pin_record};
use crate::check::model::{Contract, FieldId, Outcome};
use serde_json::Value;
use std::collections::BTreeMap;

/// Record variables: what two different actors' mutations on one record
/// share.
pub(super) fn is_record_var(v: &Var) -> bool {
    match v {
        // the record's fields, its parents', and who last wrote each field
        // (a record's history is the record's, whoever proposes the write)
        Var::Field(_)
        | Var::Parent(..)
        | Var::HistKind(_)
        | Var::HistName(_)
        | Var::HistAt(_)
        | Var::HistSource(_) => true,
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
            .map(|&i| (&unit.contracts[i], &*cx.infos[i]))
            .collect();
        let universe = fields_for(&cx.dom, object, &group, &cx.guard_fields);
        for f in universe {
            let mut autos: Vec<(usize, Vec<AutoCube>)> = Vec::new();
            for &k in members {
                if !may_auto(&unit.contracts[k], f) {
                    continue;
                }
                // Updates only: a record two automations contend for
                // exists before either writes (two creates are two records,
                // and on create conditions read the proposed values, which
                // the record projection cannot pin). Triggers no longer fix
                // the write's event, so this is said here.
                let update = Cube::single(Var::Event, Con::Bits(EV_UPDATE));
                let v: Vec<AutoCube> = cx
                    .summary(k, f)
                    .autos
                    .iter()
                    .filter_map(|(r, c)| c.intersect(&update).map(|c| (*r, c)))
                    .filter(|(_, c)| cx.dom.sat(c))
                    .map(|(r, c)| {
                        let p = c.project(is_record_var);
                        (r, c, p)
                    })
                    .collect();
                if !v.is_empty() {
                    autos.push((k, v));
                }
            }
            // Pairs in order, enumerated lazily (a dense unit has millions);
            // the components are this field's, by position in `autos`.
            let pairs = Overlaps::new(&autos);
            let mut comps = DenseUnion::new(autos.len());
            for x in 0..autos.len() {
                if !opts.all_witnesses && comps.is_one() {
                    break;
                }
                for y in x + 1..autos.len() {
                    if !opts.all_witnesses && comps.connected(x, y) {
                        continue;
                    }
                    if !pairs.meet(x, y) {
                        continue;
                    }
                    let ((a, xa), (b, xb)) = (&autos[x], &autos[y]);
                    if compatible(&unit.contracts[*a], &unit.contracts[*b]) {
                        continue;
                    }
                    if ownership_pair(cx, *a, *b, f, xa, xb, out) {
                        comps.union(x, y);
                    }
                }
            }
        }
    }
}

/// Which pairs `(x, y)` of `autos` may have auto cubes meeting on the
/// record: decided on the hulls of one numeric record variable (the one most
/// cubes constrain, typically an `eligible` band). Entries the variable does
/// not bound (or that allow its empty value) meet every entry. A superset
/// of the pairs with meeting cubes; [`ownership_pair`] decides exactly.
/// Linear memory: the pairs themselves are never listed.
struct Overlaps {
    /// Per entry, its hull on the variable; `None`: meets everything.
    hulls: Vec<Option<Hull>>,
}

type Hull = (
    Option<crate::decimal::Decimal>,
    Option<crate::decimal::Decimal>,
);

impl Overlaps {
    fn new(autos: &[(usize, Vec<AutoCube>)]) -> Overlaps {
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
            return Overlaps {
                hulls: vec![None; autos.len()],
            };
        };
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
        Overlaps {
            hulls: autos.iter().map(|(_, cubes)| hull(cubes)).collect(),
        }
    }

    /// Whether entries `x` and `y` may meet: the later-starting hull (no
    /// lower end counts as first) starts no later than the other ends.
    fn meet(&self, x: usize, y: usize) -> bool {
        let (Some(Some(hx)), Some(Some(hy))) = (self.hulls.get(x), self.hulls.get(y)) else {
            return true;
        };
        let (first, later) = if (hx.0, x) <= (hy.0, y) {
            (hx, hy)
        } else {
            (hy, hx)
        };
        !matches!((first.1, later.0), (Some(h), Some(l)) if l > h)
    }
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
