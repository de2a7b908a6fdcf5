//! One touched actor class compared: the region where a changed contract
//! applies (on either side), the contracts of each side that meet it, the
//! fields worth comparing, and for each the regions where the sides
//! decide differently, as [`Change`]s with confirmed witnesses.

use super::classes::{self, Class};
use super::compare::{self, Delta};
use super::side::{self, Members};
use super::{confirm, words, Change, Compared, Diff, EndView, Options};
use crate::analyze::algebra::{and, Dom, Found, Region};
use crate::analyze::chain::{changed, stand_ins, Guard, Info, RuleRef};
use crate::analyze::witness::{mutation, Parts};
use crate::check::model::{CheckedUnit, Cond, Contract, FieldId, ObjectId};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// What every class's comparison shares.
pub(super) struct Run<'a, 's> {
    pub dom: &'a Dom<'s>,
    pub units: (&'a CheckedUnit, &'a CheckedUnit),
    pub tables: (&'a crmc_eval::Table, &'a crmc_eval::Table),
    pub infos: Infos<'a>,
    /// Where each side's guardrails apply (by index), lowered once.
    pub guards: (Vec<Region>, Vec<Region>),
    /// Every actor name a contract names (a witness for "any other name"
    /// must use none of them).
    pub taken: BTreeSet<String>,
    pub opts: Options,
}

impl Run<'_, '_> {
    pub(super) fn compare(&mut self, class: &Class, out: &mut Diff) {
        let dom = self.dom;
        let (old, new) = self.units;
        let Some(ch) = &class.changed else { return };
        let mut u: Region = Vec::new();
        for &i in &ch.old {
            u.extend(self.infos.old.get(dom, i).applicable.iter().cloned());
        }
        for &i in &ch.new {
            u.extend(self.infos.new.get(dom, i).applicable.iter().cloned());
        }
        // a contract changed only in its rules has the same region twice
        let mut seen = Vec::with_capacity(u.len());
        for c in dom.prune(u) {
            if !seen.contains(&c) {
                seen.push(c);
            }
        }
        let u = seen;
        if u.is_empty() {
            return;
        }
        let meets = |info: &Info| !dom.region_empty(&and(&info.applicable, &u));
        let mut old_m = Vec::new();
        for &i in &class.old {
            if meets(&self.infos.old.get(dom, i)) {
                old_m.push(i);
            }
        }
        let mut new_m = Vec::new();
        for &i in &class.new {
            if meets(&self.infos.new.get(dom, i)) {
                new_m.push(i);
            }
        }
        let old_infos: Vec<Arc<Info>> = old_m.iter().map(|&i| self.infos.old.get(dom, i)).collect();
        let new_infos: Vec<Arc<Info>> = new_m.iter().map(|&i| self.infos.new.get(dom, i)).collect();
        let om = Members {
            contracts: old_m
                .iter()
                .zip(&old_infos)
                .map(|(&i, info)| (i, &old.contracts[i], &**info))
                .collect(),
            within: old_m.iter().map(|i| ch.old.contains(i)).collect(),
            guards: class_guards(old, &self.guards.0, class),
        };
        let nm = Members {
            contracts: new_m
                .iter()
                .zip(&new_infos)
                .map(|(&i, info)| (i, &new.contracts[i], &**info))
                .collect(),
            within: new_m.iter().map(|i| ch.new.contains(i)).collect(),
            guards: class_guards(new, &self.guards.1, class),
        };
        let all: Vec<(&Contract, &Info)> = om
            .contracts
            .iter()
            .chain(&nm.contracts)
            .map(|(_, c, i)| (*c, *i))
            .collect();
        // a witness carries every record field any contract of the class
        // reads: one that cannot apply there still reads its conditions,
        // and a missing field would make it apply as unknown (fail closed)
        let mut every: Vec<(Arc<Info>, &Contract)> = Vec::new();
        for &i in &class.old {
            every.push((self.infos.old.get(dom, i), &old.contracts[i]));
        }
        for &i in &class.new {
            every.push((self.infos.new.get(dom, i), &new.contracts[i]));
        }
        let readers: Vec<(&Contract, &Info)> = every.iter().map(|(i, c)| (*c, &**i)).collect();
        let actor = class.actor.witness_name(&self.taken);
        let mut guard_fields = BTreeSet::new();
        for (_, g, _) in om.guards.iter().chain(&nm.guards) {
            guard_fields.extend(g.floors.iter().map(|(f, _, _)| *f));
            if let Some(w) = &g.when {
                crate::analyze::lower::fields_read(w, &mut guard_fields);
            }
        }
        for (field, stands) in fields(dom, class.object, &all, &guard_fields) {
            out.compared.push(Compared {
                object: dom.schema.object(class.object).name.clone(),
                actor: class.actor.clone(),
                field: dom.schema.field(field).name.clone(),
                stands_for_others: stands,
            });
            let ctx = dom.prune(and(&u, &[changed(field)]));
            if ctx.is_empty() {
                continue;
            }
            let (oc, or) = side::cells(dom, &om, field, &ctx);
            let (nc, nr) = side::cells(dom, &nm, field, &ctx);
            let parts = Parts {
                contracts: readers.clone(),
                decided: vec![field],
                actor: None,
            };
            let w = Witness {
                dom,
                parts: &parts,
                actor: actor.clone(),
                tables: self.tables,
            };
            for delta in compare::deltas(dom, &oc, &nc, &or, &nr) {
                out.changes.push(change(
                    &w,
                    (old, new),
                    class,
                    field,
                    stands,
                    delta,
                    self.opts,
                ));
            }
        }
    }
}

/// Regions of each side's contracts, computed once and only when needed.
pub(super) struct Infos<'u> {
    pub old: SideInfos<'u>,
    pub new: SideInfos<'u>,
}

impl<'u> Infos<'u> {
    pub(super) fn of(old: &'u CheckedUnit, new: &'u CheckedUnit) -> Infos<'u> {
        Infos {
            old: SideInfos::of(old),
            new: SideInfos::of(new),
        }
    }
}

/// A side's guardrails that cover the class's actors, with their regions.
fn class_guards<'u>(unit: &'u CheckedUnit, regions: &'u [Region], class: &Class) -> Vec<Guard<'u>> {
    unit.guardrails
        .iter()
        .zip(regions)
        .enumerate()
        .filter(|(_, (g, _))| {
            g.object == class.object
                && g.actor.kind == class.actor.kind
                && (g.actor.name.is_none() || g.actor.name == class.actor.name)
        })
        .map(|(i, (g, r))| (i, g, r))
        .collect()
}

/// One side's contract regions, by contract index.
pub(super) struct SideInfos<'u> {
    unit: &'u CheckedUnit,
    named: HashMap<&'u str, &'u Cond>,
    infos: BTreeMap<usize, Arc<Info>>,
}

impl<'u> SideInfos<'u> {
    fn of(unit: &'u CheckedUnit) -> SideInfos<'u> {
        SideInfos {
            unit,
            named: classes::named(unit),
            infos: BTreeMap::new(),
        }
    }

    fn get(&mut self, dom: &Dom<'_>, i: usize) -> Arc<Info> {
        let (unit, named) = (self.unit, &self.named);
        self.infos
            .entry(i)
            .or_insert_with(|| Arc::new(Info::new(dom, &unit.contracts[i], named)))
            .clone()
    }
}

/// Fields to compare: every field a member lists or reads (or a guardrail
/// floors or reads), and one field
/// per attribute class (plain, protected, readonly) standing for the rest
/// (nothing tells them apart; `true` marks the stand-in).
fn fields(
    dom: &Dom<'_>,
    object: ObjectId,
    group: &[(&Contract, &Info)],
    guard_fields: &BTreeSet<FieldId>,
) -> Vec<(FieldId, bool)> {
    let mut set: BTreeSet<FieldId> = BTreeSet::new();
    set.extend(guard_fields.iter().copied().filter(|f| f.object == object));
    for (c, i) in group {
        set.extend(c.fields.iter().map(|l| l.field));
        set.extend(i.referenced.iter().copied().filter(|f| f.object == object));
    }
    let mut out: Vec<(FieldId, bool)> = set.iter().map(|f| (*f, false)).collect();
    out.extend(stand_ins(dom, object, &set).into_iter().map(|f| (f, true)));
    out.sort();
    out
}

struct Witness<'a, 's> {
    dom: &'a Dom<'s>,
    parts: &'a Parts<'a>,
    actor: String,
    tables: (&'a crmc_eval::Table, &'a crmc_eval::Table),
}

fn end_view(unit: &CheckedUnit, field: FieldId, e: &compare::End) -> EndView {
    let (contract, rule, rule_outcome) = match e.by {
        Some((i, r)) => {
            let c = &unit.contracts[i];
            let rule = match r {
                RuleRef::Line(l, k) => c
                    .fields
                    .get(l)
                    .and_then(|l| l.rules.get(k))
                    .map(|x| format!("{}#{}", unit.schema.field(field).name, x.position)),
                RuleRef::Star(k) => c
                    .star
                    .as_ref()
                    .and_then(|s| s.rules.get(k))
                    .map(|x| format!("*#{}", x.position)),
                RuleRef::Default => Some("default".to_string()),
                RuleRef::Excluded => Some("excluded".to_string()),
            };
            let ro = crate::analyze::chain::rule_of(c, r).map(|x| x.outcome);
            (Some(c.name.clone()), rule, ro)
        }
        None => (None, None, None),
    };
    EndView {
        level: e.level,
        contract,
        rule,
        rule_outcome,
        guardrail: e.guard.clone(),
        governance: e.governance.clone(),
    }
}

fn change(
    w: &Witness<'_, '_>,
    units: (&CheckedUnit, &CheckedUnit),
    class: &Class,
    field: FieldId,
    stands: bool,
    delta: Delta,
    opts: Options,
) -> Change {
    let fname = w.dom.schema.field(field).name.clone();
    let (conditions, more) = words::region(w.dom, &delta.region, field, opts.max_conditions);
    let witness = match w.dom.witness(&delta.region) {
        Found::Member(a) => {
            let mut m = mutation(w.dom, w.parts, &a);
            if let Some(actor) = m.get_mut("actor").and_then(Value::as_object_mut) {
                actor.insert("name".into(), Value::from(w.actor.clone()));
            }
            Some(m)
        }
        Found::Empty | Found::Unknown => None,
    };
    let confirmed = witness.as_ref().is_some_and(|m| {
        let alone = m
            .get("changes")
            .and_then(Value::as_object)
            .is_some_and(|c| c.len() == 1);
        match (
            confirm::decide(w.tables.0, m, &fname),
            confirm::decide(w.tables.1, m, &fname),
        ) {
            (Some(o), Some(n)) => confirm::confirms(&delta, &o, &n, alone),
            _ => false,
        }
    });
    Change {
        kind: delta.kind,
        object: w.dom.schema.object(class.object).name.clone(),
        actor: class.actor.clone(),
        field: fname,
        stands_for_others: stands,
        old: end_view(units.0, field, &delta.old),
        new: end_view(units.1, field, &delta.new),
        aspects: delta.aspects,
        conditions,
        more_conditions: more,
        witness,
        confirmed,
        region: delta.region,
    }
}
