//! The field-ownership matrix: one row per field some contract lists (and
//! one per object for the fields only `*` rules reach), one column per
//! actor; a cell is the most permissive outcome any of the actor's
//! contracts can yield for that field (its rules after the caps that hold
//! whatever the mutation, conditions not weighed). A row where two actors
//! can both write `auto` is contested: the analyzer's ownership finding
//! (`W0502`) says on which records.

use super::matrix::{capped, reachable};
use crate::check::model::{
    ActorKind, CheckedUnit, Contract, Field, FieldId, ObjectId, Outcome, Rule,
};
use std::collections::{BTreeMap, BTreeSet};

pub struct OwnRow {
    /// `Lead.Industry`, or `Lead.*` for the fields no contract lists.
    pub field: String,
    /// Per actor (column), the most permissive outcome and the contracts
    /// (names) that yield it; `None`: no contract of the actor reaches it.
    pub cells: Vec<Option<(Outcome, Vec<String>)>>,
    /// Two actors or more can write it `auto`.
    pub contested: bool,
}

pub struct Ownership {
    /// `ai "qualifier"`, in (kind, name) order.
    pub actors: Vec<String>,
    pub rows: Vec<OwnRow>,
}

fn best(c: &Contract, f: Option<&Field>, rules: &[Rule]) -> Option<Outcome> {
    reachable(rules)
        .iter()
        .map(|r| capped(c, f, r.outcome).0)
        .min()
}

/// The most permissive outcome `c` can yield for field `f` (`None`: the
/// `*` row), `Never` when no rule reaches it.
fn outcome(c: &Contract, unit: &CheckedUnit, f: Option<FieldId>) -> Outcome {
    let star: &[Rule] = c.star.as_ref().map_or(&[], |s| s.rules.as_slice());
    let fd = f.map(|f| unit.schema.field(f));
    let own = f.and_then(|f| c.rules_for(f));
    let from_own = own.and_then(|l| best(c, fd, &l.rules));
    let total = own.is_some_and(|l| l.rules.iter().any(|r| r.when.is_none()));
    let from_star = if total { None } else { best(c, fd, star) };
    from_own
        .into_iter()
        .chain(from_star)
        .min()
        .unwrap_or(Outcome::Never)
}

pub fn build(unit: &CheckedUnit) -> Ownership {
    let mut actors: BTreeMap<(ActorKind, Option<&str>), usize> = BTreeMap::new();
    for c in &unit.contracts {
        actors
            .entry((c.actor.kind, c.actor.name.as_deref()))
            .or_insert(0);
    }
    for (k, slot) in actors.values_mut().enumerate() {
        *slot = k;
    }
    let names: Vec<String> = actors
        .keys()
        .map(|(k, n)| match n {
            Some(n) => format!("{} \"{n}\"", k.as_str()),
            None => format!("{} *", k.as_str()),
        })
        .collect();
    // rows: listed fields by object, then the object's `*` row
    let mut listed: BTreeMap<ObjectId, BTreeSet<FieldId>> = BTreeMap::new();
    for c in &unit.contracts {
        let e = listed.entry(c.object).or_default();
        e.extend(c.fields.iter().map(|l| l.field));
    }
    let mut by_object: BTreeMap<ObjectId, Vec<usize>> = BTreeMap::new();
    for (i, c) in unit.contracts.iter().enumerate() {
        by_object.entry(c.object).or_default().push(i);
    }
    let mut rows = Vec::new();
    for (o, fields) in &listed {
        let object = &unit.schema.object(*o).name;
        let members = by_object.get(o).map_or(&[][..], Vec::as_slice);
        let targets = fields.iter().map(|f| Some(*f)).chain([None]);
        for f in targets {
            let mut cells: Vec<Option<(Outcome, Vec<String>)>> = vec![None; names.len()];
            for &i in members {
                let c = &unit.contracts[i];
                let Some(&col) = actors.get(&(c.actor.kind, c.actor.name.as_deref())) else {
                    continue;
                };
                let out = outcome(c, unit, f);
                let Some(slot) = cells.get_mut(col) else {
                    continue;
                };
                match slot {
                    Some((o, cs)) if *o == out => cs.push(c.name.clone()),
                    Some((o, _)) if *o < out => {}
                    _ => *slot = Some((out, vec![c.name.clone()])),
                }
            }
            let autos = cells
                .iter()
                .filter(|c| matches!(c, Some((Outcome::Auto, _))))
                .count();
            rows.push(OwnRow {
                field: match f {
                    Some(f) => format!("{object}.{}", unit.schema.field(f).name),
                    None => format!("{object}.*"),
                },
                cells,
                contested: autos >= 2,
            });
        }
    }
    Ownership {
        actors: names,
        rows,
    }
}
