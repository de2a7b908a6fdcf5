//! Conflicts: two contracts one actor may match that decide a field
//! differently somewhere both apply.

use super::components::Components;
use super::{compatible, Ctx, Finding, Options};
use crate::analyze::algebra::{Dom, Found, Region};
use crate::analyze::chain::{fields_for, Piece};
use crate::analyze::witness::mutation;
use crate::check::model::CheckedUnit;
use std::collections::BTreeMap;

/// Groups of contracts on one object that may be the same actor.
pub(super) fn actor_pairs(unit: &CheckedUnit, dead: &[bool], same: bool) -> Vec<(usize, usize)> {
    let mut by_object: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (i, c) in unit.contracts.iter().enumerate() {
        if !dead[i] {
            by_object.entry(c.object.0).or_default().push(i);
        }
    }
    let mut out = Vec::new();
    for members in by_object.values() {
        if same {
            // index by (kind, name); `*` contracts pair with every name
            let mut named: BTreeMap<(u8, &str), Vec<usize>> = BTreeMap::new();
            let mut stars: BTreeMap<u8, Vec<usize>> = BTreeMap::new();
            for &i in members {
                let a = &unit.contracts[i].actor;
                let k = a.kind as u8;
                match &a.name {
                    Some(n) => named.entry((k, n.as_str())).or_default().push(i),
                    None => stars.entry(k).or_default().push(i),
                }
            }
            for (&(k, _), group) in &named {
                for (x, &a) in group.iter().enumerate() {
                    for &b in &group[x + 1..] {
                        out.push((a, b));
                    }
                    for &s in stars.get(&k).map_or(&[][..], |v| v) {
                        out.push((a.min(s), a.max(s)));
                    }
                }
            }
            for group in stars.values() {
                for (x, &a) in group.iter().enumerate() {
                    for &b in &group[x + 1..] {
                        out.push((a, b));
                    }
                }
            }
        } else {
            for (x, &a) in members.iter().enumerate() {
                for &b in &members[x + 1..] {
                    if !compatible(&unit.contracts[a], &unit.contracts[b]) {
                        out.push((a, b));
                    }
                }
            }
        }
    }
    out.sort();
    out
}

pub(super) fn regions_meet(dom: &Dom<'_>, a: &Region, b: &Region) -> bool {
    a.iter().any(|x| {
        b.iter()
            .any(|y| x.intersect(y).is_some_and(|c| dom.sat(&c)))
    })
}

pub(super) fn conflicts(cx: &mut Ctx<'_>, opts: Options, out: &mut Vec<Finding>) {
    let unit = cx.unit;
    let mut comps = Components::default();
    // An excluded contract still applies and decides `never` (decisions 8),
    // so conflicts are over the applicable regions, exclusions included.
    let inapplicable: Vec<bool> = cx.infos.iter().map(|i| i.applicable.is_empty()).collect();
    for (a, b) in actor_pairs(unit, &inapplicable, true) {
        if !regions_meet(&cx.dom, &cx.infos[a].applicable, &cx.infos[b].applicable) {
            continue;
        }
        let (ca, cb) = (&unit.contracts[a], &unit.contracts[b]);
        let fields = fields_for(
            &cx.dom,
            ca.object,
            &[(ca, &cx.infos[a]), (cb, &cx.infos[b])],
            &cx.guard_fields,
        );
        // The actor names the two may both be: a named contract's name, or
        // for two `"*"` contracts each name a guardrail tells apart (and
        // any other name); the guardrails that apply depend on it.
        let names: Vec<Option<String>> = match (&ca.actor.name, &cb.actor.name) {
            (Some(n), _) | (None, Some(n)) => vec![Some(n.clone())],
            (None, None) => cx.guarded_names(ca),
        };
        for f in fields {
            let listed = ca.rules_for(f).is_some() || cb.rules_for(f).is_some();
            if !listed && ca.star.is_none() && cb.star.is_none() {
                continue;
            }
            if !opts.all_witnesses && comps.connected((a, f), (b, f)) {
                continue;
            }
            let representative = !listed
                && !cx.infos[a].referenced.contains(&f)
                && !cx.infos[b].referenced.contains(&f);
            let conflict = |x: &Piece, y: &Piece, witness| Finding::Conflict {
                a,
                b,
                field: f,
                a_rule: x.rule,
                b_rule: y.rule,
                a_outcome: x.outcome,
                b_outcome: y.outcome,
                witness,
                representative,
            };
            // a meeting whose search gave up is reported unconfirmed unless
            // a confirmed one is found (approximation errs toward reporting)
            let mut unsure: Option<Finding> = None;
            let mut found = false;
            'names: for name in &names {
                let ca_f = cx.chain_as(a, f, name.as_deref());
                let cb_f = cx.chain_as(b, f, name.as_deref());
                for x in &ca_f.fin {
                    for y in &cb_f.fin {
                        if x.outcome == y.outcome {
                            continue;
                        }
                        for cxa in &x.region {
                            for cyb in &y.region {
                                let Some(m) = cxa.intersect(cyb) else {
                                    continue;
                                };
                                match cx.dom.search(&m) {
                                    Found::Member(asg) => {
                                        let parts = cx.parts_as(&[a, b], &[f], name.as_deref());
                                        let w = mutation(&cx.dom, &parts, &asg);
                                        out.push(conflict(x, y, Some(w)));
                                        found = true;
                                        break 'names;
                                    }
                                    Found::Unknown if unsure.is_none() => {
                                        unsure = Some(conflict(x, y, None));
                                    }
                                    _ => {}
                                }
                            }
                        }
                    }
                }
            }
            if let Some(u) = unsure.filter(|_| !found) {
                out.push(u);
                found = true;
            }
            if found {
                comps.union((a, f), (b, f));
            }
        }
    }
}
