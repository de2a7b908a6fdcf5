//! Guardrail findings: a contract rule a guardrail raises wherever it
//! decides a write below `never` ("capped": what the rule says never
//! happens), with a witness;
//! and a guardrail that never applies to a write any contract governs
//! (dead). Guardrails are not contracts: a guardrail raising a contract is
//! no conflict (the conflict phase compares the outcomes after it).

use super::{Ctx, Finding};
use crate::analyze::algebra::{and, Con, Cube, Found, Region, Var};
use crate::analyze::chain::{changed, RuleRef};
use crate::analyze::lower::EV_DELETE;
use crate::analyze::witness::mutation;
use crate::check::model::{FieldId, Outcome};
use std::collections::{BTreeMap, BTreeSet};

/// What the pieces of one rule showed.
#[derive(Default)]
struct Seen {
    /// Some piece below `never` is not raised.
    free: bool,
    /// A raised piece: its field, the guardrail, its index in the chain.
    raised: Option<(FieldId, usize, usize)>,
}

/// For each rule of contract `i`: the fields it decides and whether every
/// piece it decides was raised; a capped rule gets a finding.
pub(super) fn capped(cx: &mut Ctx<'_>, i: usize, dead: bool, out: &mut Vec<Finding>) {
    let c = &cx.unit.contracts[i];
    if dead || !cx.unit.guardrails.iter().any(|g| g.object == c.object) {
        return;
    }
    let mut seen: BTreeMap<RuleRef, Seen> = BTreeMap::new();
    let listed: BTreeSet<FieldId> = c.fields.iter().map(|l| l.field).collect();
    for f in cx.own_fields(i) {
        let star_only = !listed.contains(&f);
        let ch = cx.chain(i, f);
        for (k, p) in ch.fin.iter().enumerate() {
            if !matches!(p.rule, RuleRef::Line(..) | RuleRef::Star(_)) {
                continue;
            }
            // an unlisted field stands for its `*` rules only
            if star_only && !matches!(p.rule, RuleRef::Star(_)) {
                continue;
            }
            // a write already `never` has nothing to raise: it neither
            // frees the rule nor caps it
            let e = seen.entry(p.rule).or_default();
            match p.guard {
                None if p.outcome < Outcome::Never => e.free = true,
                Some(g) if e.raised.is_none() => e.raised = Some((f, g, k)),
                _ => {}
            }
        }
    }
    for (rule, Seen { free, raised }) in seen {
        let Some((field, guard, k)) = raised.filter(|_| !free) else {
            continue;
        };
        let ch = cx.chain(i, field);
        let p = &ch.fin[k];
        let mut witness = None;
        for cube in &p.region {
            match cx.dom.search(cube) {
                Found::Member(a) => {
                    witness = Some(mutation(&cx.dom, &cx.parts(&[i], &[field]), &a));
                    break;
                }
                Found::Unknown | Found::Empty => {}
            }
        }
        out.push(Finding::Capped {
            contract: i,
            rule,
            field,
            guard,
            outcome: p.outcome,
            witness,
        });
    }
}

/// Where a guardrail has something to raise: a change of a field it floors
/// (any field, and a delete, with a `*` floor).
fn targets(cx: &Ctx<'_>, g: usize) -> Region {
    let guard = &cx.unit.guardrails[g];
    let object = cx.dom.schema.object(guard.object);
    let mut out: Region = guard.floors.iter().map(|(f, _, _)| changed(*f)).collect();
    if guard.star.is_some() {
        for index in 0..object.fields.len() as u32 {
            out.push(changed(FieldId {
                object: guard.object,
                index,
            }));
        }
        out.push(Cube::single(Var::Event, Con::Bits(EV_DELETE)));
    }
    out
}

/// Guardrails that apply to no write any contract governs.
pub(super) fn dead_guardrails(cx: &mut Ctx<'_>, out: &mut Vec<Finding>) {
    for (gi, g) in cx.unit.guardrails.iter().enumerate() {
        let why = if cx.dom.region_empty(&cx.guards[gi]) {
            "its `when` condition never holds".to_string()
        } else {
            let covered: Vec<usize> = (0..cx.unit.contracts.len())
                .filter(|&k| {
                    let c = &cx.unit.contracts[k];
                    c.object == g.object
                        && c.actor.kind == g.actor.kind
                        && (g.actor.name.is_none()
                            || c.actor.name.is_none()
                            || c.actor.name == g.actor.name)
                })
                .collect();
            if covered.is_empty() {
                let who = match &g.actor.name {
                    Some(n) => format!("{} \"{n}\"", g.actor.kind.as_str()),
                    None => format!("{} actors", g.actor.kind.as_str()),
                };
                format!(
                    "no contract governs writes of {who} to `{}`",
                    cx.dom.schema.object(g.object).name
                )
            } else {
                let t = targets(cx, gi);
                let live = covered.iter().any(|&k| {
                    let r = and(&and(&cx.infos[k].applicable, &cx.guards[gi]), &t);
                    !cx.dom.region_empty(&r)
                });
                if live {
                    continue;
                }
                "it never holds where a contract governs a change of a field it floors".to_string()
            }
        };
        out.push(Finding::DeadGuardrail { guard: gi, why });
    }
}
