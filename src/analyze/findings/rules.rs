//! Per-contract rule findings: a dead contract, dead rules, shadowed rules
//! (with what covers them) and gaps (with a witness).

use super::{Ctx, Finding};
use crate::analyze::algebra::{and, Cube, Found, Var};
use crate::analyze::chain::RuleRef;
use crate::analyze::explain;
use crate::analyze::witness::mutation;
use crate::check::model::FieldId;
use std::collections::BTreeSet;

pub(super) fn dead_contract(cx: &Ctx<'_>, i: usize) -> Option<Finding> {
    if !cx.infos[i].live.is_empty() {
        return None;
    }
    let c = &cx.unit.contracts[i];
    Some(Finding::DeadContract {
        contract: i,
        why: explain::dead_contract(&cx.dom, cx.unit, c),
        all_excluded: !cx.infos[i].applicable.is_empty(),
    })
}

pub(super) fn per_rule(cx: &mut Ctx<'_>, i: usize, dead: bool, out: &mut Vec<Finding>) {
    let unit = cx.unit;
    let c = &unit.contracts[i];
    // dead rules: the condition alone (with its field changed) never holds
    let mut dead_rules: BTreeSet<RuleRef> = BTreeSet::new();
    for (l, line) in c.fields.iter().enumerate() {
        for (r, rule) in line.rules.iter().enumerate() {
            let changed = [crate::analyze::chain::changed(line.field)];
            let alone = and(&cx.infos[i].lines[l][r], &changed);
            if cx.dom.region_empty(&alone) {
                if let Some(w) = &rule.when {
                    dead_rules.insert(RuleRef::Line(l, r));
                    out.push(Finding::DeadRule {
                        contract: i,
                        rule: RuleRef::Line(l, r),
                        why: explain::dead_cond(&cx.dom, unit, w, Some(line.field)),
                    });
                }
            }
        }
    }
    if let Some(s) = &c.star {
        for (r, rule) in s.rules.iter().enumerate() {
            if cx.dom.region_empty(&cx.infos[i].star[r]) {
                if let Some(w) = &rule.when {
                    dead_rules.insert(RuleRef::Star(r));
                    out.push(Finding::DeadRule {
                        contract: i,
                        rule: RuleRef::Star(r),
                        why: explain::dead_cond(&cx.dom, unit, w, None),
                    });
                }
            }
        }
    }
    if dead {
        return;
    }
    // shadowing and gaps, from the chains
    let mut star_decides: BTreeSet<usize> = BTreeSet::new();
    for (l, line) in c.fields.iter().enumerate() {
        let ch = cx.chain(i, line.field);
        let deciding: BTreeSet<RuleRef> = ch.base.iter().map(|p| p.rule).collect();
        for p in &ch.base {
            if let RuleRef::Star(s) = p.rule {
                star_decides.insert(s);
            }
        }
        for r in 0..line.rules.len() {
            let rr = RuleRef::Line(l, r);
            if deciding.contains(&rr) || dead_rules.contains(&rr) {
                continue;
            }
            let by = covering(cx, i, line.field, l, r);
            out.push(Finding::Shadowed {
                contract: i,
                rule: rr,
                by,
            });
        }
        if !ch.gap.is_empty() {
            // a gap whose search gave up is reported without a witness
            let witness = match cx.dom.witness(&ch.gap) {
                Found::Member(a) => {
                    Some(Some(mutation(&cx.dom, &cx.parts(&[i], &[line.field]), &a)))
                }
                Found::Unknown => Some(None),
                Found::Empty => None,
            };
            if let Some(witness) = witness {
                out.push(Finding::Gap {
                    contract: i,
                    line: l,
                    witness,
                });
            }
        }
    }
    if let Some(s) = &c.star {
        let listed: BTreeSet<FieldId> = c.fields.iter().map(|l| l.field).collect();
        for f in cx.own_fields(i) {
            if listed.contains(&f) {
                continue;
            }
            for p in &cx.chain(i, f).base {
                if let RuleRef::Star(s) = p.rule {
                    star_decides.insert(s);
                }
            }
        }
        // a delete changes no field: its one target, the record (`*`), is
        // decided by the `*` rules alone (the evaluator's record target)
        let mut del = Cube::single(
            Var::Event,
            crate::analyze::algebra::Con::Bits(crate::analyze::lower::EV_DELETE),
        );
        let fields = unit.schema.object(c.object).fields.len() as u32;
        for index in 0..fields {
            let f = FieldId {
                object: c.object,
                index,
            };
            let unchanged = Cube::single(
                Var::Changed(f),
                crate::analyze::algebra::Con::Bits(crate::analyze::algebra::F),
            );
            del = del.intersect(&unchanged).unwrap_or(del);
        }
        let del = [del];
        let mut rem = cx.dom.prune(and(&cx.infos[i].core_live, &del));
        for r in 0..s.rules.len() {
            if rem.is_empty() {
                break;
            }
            if !cx.dom.region_empty(&and(&rem, &cx.infos[i].star[r])) {
                star_decides.insert(r);
            }
            rem = cx.dom.prune(cx.dom.minus(&rem, &cx.infos[i].star[r]));
        }
        for r in 0..s.rules.len() {
            if star_decides.contains(&r) || dead_rules.contains(&RuleRef::Star(r)) {
                continue;
            }
            let mut by: Vec<RuleRef> = (0..r).map(RuleRef::Star).collect();
            by.retain(|b| {
                let RuleRef::Star(b) = *b else { return false };
                !cx.dom
                    .region_empty(&and(&cx.infos[i].star[b], &cx.infos[i].star[r]))
            });
            out.push(Finding::Shadowed {
                contract: i,
                rule: RuleRef::Star(r),
                by,
            });
        }
    }
}

/// The earlier rules of the line that overlap rule `r` within the live region.
pub(super) fn covering(cx: &Ctx<'_>, i: usize, field: FieldId, l: usize, r: usize) -> Vec<RuleRef> {
    let info = &cx.infos[i];
    let ctx = and(&info.core_live, &[crate::analyze::chain::changed(field)]);
    let mine = and(&ctx, &info.lines[l][r]);
    (0..r)
        .filter(|&j| !cx.dom.region_empty(&and(&mine, &info.lines[l][j])))
        .map(|j| RuleRef::Line(l, j))
        .collect()
}
