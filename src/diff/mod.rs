//! `crmc diff`: what a change to a unit changes in its decisions, exactly.
//!
//! ```text
//! classes   actor classes per object, each side's contracts, what changed
//! side      one side, one field: who finally decides where, and how
//! compare   regions where the sides disagree (outcome, approvals, audit, rollback)
//! words     a region in words
//! confirm   each witness decided by both compiled tables
//! ```
//!
//! Both units must have the same schema (the regions of both sides live in
//! one domain). Like the analyzer's findings, the regions are over complete
//! mutations (every field a condition reads present, parents supplied);
//! what incomplete input decides is the same fail-closed rule on both
//! sides (at least `review`), and `crmc replay` shows it on real logs.

mod classes;
pub mod compare;
pub mod confirm;
pub mod side;
mod words;

pub use classes::ActorClass;
pub use compare::Kind;
pub use side::Level;

use crate::analyze::algebra::{and, Dom, Found, Region};
use crate::analyze::chain::{changed, Info, RuleRef};
use crate::analyze::findings::without_spans;
use crate::analyze::witness::{mutation, Parts};
use crate::check::model::{CheckedUnit, Contract, FieldId, ObjectId, Outcome};
use classes::Class;
use compare::Delta;
use serde_json::Value;
use side::Members;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// How much of each region to put in words.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    pub max_conditions: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options { max_conditions: 4 }
    }
}

/// Why two units cannot be compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiffError {
    /// The schemas differ (named: the first object that differs).
    SchemaChanged(String),
    /// A unit did not compile (a checker invariant broke).
    Compile(String),
}

impl std::fmt::Display for DiffError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DiffError::SchemaChanged(what) => write!(
                f,
                "the schema changed ({what}): `crmc diff` compares contracts under one schema; \
compare the schema change on its own, or replay past writes with `crmc replay`"
            ),
            DiffError::Compile(e) => write!(f, "a unit did not compile: {e}"),
        }
    }
}

/// One side of a change, as a decision shows it.
#[derive(Clone, Debug)]
pub struct EndView {
    pub level: Level,
    /// The deciding contract and rule (`Industry#1`, `*#1`, `default`,
    /// `excluded`), and the rule's own outcome before caps.
    pub contract: Option<String>,
    pub rule: Option<String>,
    pub rule_outcome: Option<Outcome>,
    pub governance: Option<side::Governance>,
}

/// One region of mutations whose decision of one field changed one way.
#[derive(Clone, Debug)]
pub struct Change {
    pub kind: Kind,
    pub object: String,
    pub actor: ActorClass,
    pub field: String,
    /// The field stands for every field of its kind no contract mentions.
    pub stands_for_others: bool,
    pub old: EndView,
    pub new: EndView,
    pub aspects: Vec<String>,
    /// The region, one conjunction per line, and how many lines were left out.
    pub conditions: Vec<String>,
    pub more_conditions: usize,
    /// A mutation of the region; `None` when the search gave up.
    pub witness: Option<Value>,
    /// The witness decided by both tables as claimed.
    pub confirmed: bool,
    /// The exact region (in the new unit's schema's domain).
    pub region: Region,
}

/// Contracts matched across the two units.
#[derive(Clone, Debug, Default)]
pub struct ContractChanges {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Same name, different behaviour.
    pub edited: Vec<String>,
    /// Same behaviour under another name: (old, new).
    pub renamed: Vec<(String, String)>,
    /// Same name and behaviour, another version: (name, old, new).
    pub versions: Vec<(String, u32, u32)>,
}

#[derive(Clone, Debug, Default)]
pub struct Diff {
    pub changes: Vec<Change>,
    pub contracts: ContractChanges,
    /// The (class, field) pairs compared: every field of a touched class
    /// that one of its contracts mentions, and one stand-in per attribute
    /// class for the rest. Fields of untouched classes decide the same.
    pub compared: Vec<Compared>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Compared {
    pub object: String,
    pub actor: ActorClass,
    pub field: String,
    pub stands_for_others: bool,
}

impl Diff {
    pub fn count(&self, k: Kind) -> usize {
        self.changes.iter().filter(|c| c.kind == k).count()
    }
}

/// Compares two checked units (see the module doc).
pub fn diff(old: &CheckedUnit, new: &CheckedUnit, opts: Options) -> Result<Diff, DiffError> {
    let mut t = crate::analyze::Phases::new();
    same_schema(old, new)?;
    let old_table = crate::compile::compile(old).map_err(|e| DiffError::Compile(e.to_string()))?;
    let new_table = crate::compile::compile(new).map_err(|e| DiffError::Compile(e.to_string()))?;
    t.mark("compile");
    let dom = Dom::new(&new.schema);
    let (old_keys, new_keys) = (classes::keys(old), classes::keys(new));
    let classes = classes::classes(old, new, (&old_keys, &new_keys));
    t.mark("classes");
    let mut infos = Infos::of(old, new);
    let taken: BTreeSet<String> = old
        .contracts
        .iter()
        .chain(&new.contracts)
        .filter_map(|c| c.actor.name.clone())
        .collect();
    let mut out = Diff {
        contracts: contract_changes((old, &old_keys), (new, &new_keys)),
        ..Diff::default()
    };
    for class in classes.iter().filter(|c| c.changed.is_some()) {
        let Some(ch) = &class.changed else { continue };
        let mut u: Region = Vec::new();
        for &i in &ch.old {
            u.extend(infos.before(&dom, i).applicable.iter().cloned());
        }
        for &i in &ch.new {
            u.extend(infos.after(&dom, i).applicable.iter().cloned());
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
            continue;
        }
        let meets = |info: &Info| !dom.region_empty(&and(&info.applicable, &u));
        let mut old_m = Vec::new();
        for &i in &class.old {
            if meets(&infos.before(&dom, i)) {
                old_m.push(i);
            }
        }
        let mut new_m = Vec::new();
        for &i in &class.new {
            if meets(&infos.after(&dom, i)) {
                new_m.push(i);
            }
        }
        let old_infos: Vec<Arc<Info>> = old_m.iter().map(|&i| infos.before(&dom, i)).collect();
        let new_infos: Vec<Arc<Info>> = new_m.iter().map(|&i| infos.after(&dom, i)).collect();
        let om = Members {
            contracts: old_m
                .iter()
                .zip(&old_infos)
                .map(|(&i, info)| (i, &old.contracts[i], &**info))
                .collect(),
            within: old_m.iter().map(|i| ch.old.contains(i)).collect(),
        };
        let nm = Members {
            contracts: new_m
                .iter()
                .zip(&new_infos)
                .map(|(&i, info)| (i, &new.contracts[i], &**info))
                .collect(),
            within: new_m.iter().map(|i| ch.new.contains(i)).collect(),
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
            every.push((infos.before(&dom, i), &old.contracts[i]));
        }
        for &i in &class.new {
            every.push((infos.after(&dom, i), &new.contracts[i]));
        }
        let readers: Vec<(&Contract, &Info)> = every.iter().map(|(i, c)| (*c, &**i)).collect();
        for (field, stands) in fields(&dom, class.object, &all) {
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
            let (oc, or) = side::cells(&dom, &om, field, &ctx);
            let (nc, nr) = side::cells(&dom, &nm, field, &ctx);
            for delta in compare::deltas(&dom, &oc, &nc, &or, &nr) {
                let parts = Parts {
                    contracts: readers.clone(),
                    decided: vec![field],
                };
                let w = Witness {
                    dom: &dom,
                    parts: &parts,
                    actor: class.actor.witness_name(&taken),
                    tables: (&old_table, &new_table),
                };
                out.changes
                    .push(change(&w, (old, new), class, field, stands, delta, opts));
            }
        }
    }
    t.mark("compare");
    out.changes.sort_by(|a, b| {
        (
            a.kind,
            &a.object,
            &a.actor,
            &a.field,
            a.old.level,
            a.new.level,
        )
            .cmp(&(
                b.kind,
                &b.object,
                &b.actor,
                &b.field,
                b.old.level,
                b.new.level,
            ))
    });
    Ok(out)
}

fn same_schema(old: &CheckedUnit, new: &CheckedUnit) -> Result<(), DiffError> {
    let text = |x: &dyn std::fmt::Debug| without_spans(&format!("{x:?}"));
    if text(&old.schema) == text(&new.schema) {
        return Ok(());
    }
    let names = |u: &CheckedUnit| -> BTreeMap<String, String> {
        u.schema
            .objects
            .iter()
            .map(|o| (o.name.clone(), text(o)))
            .collect()
    };
    let (a, b) = (names(old), names(new));
    let what = a
        .keys()
        .chain(b.keys())
        .find(|k| a.get(*k) != b.get(*k))
        .map_or_else(|| "object order".to_string(), |k| format!("object {k}"));
    Err(DiffError::SchemaChanged(what))
}

/// Regions of each side's contracts, computed once and only when needed.
struct Infos<'u> {
    units: (&'u CheckedUnit, &'u CheckedUnit),
    old: BTreeMap<usize, Arc<Info>>,
    new: BTreeMap<usize, Arc<Info>>,
}

impl<'u> Infos<'u> {
    fn of(old: &'u CheckedUnit, new: &'u CheckedUnit) -> Infos<'u> {
        Infos {
            units: (old, new),
            old: BTreeMap::new(),
            new: BTreeMap::new(),
        }
    }
    fn before(&mut self, dom: &Dom<'_>, i: usize) -> Arc<Info> {
        let u = self.units.0;
        self.old
            .entry(i)
            .or_insert_with(|| Arc::new(Info::new(dom, &u.contracts[i], &classes::named(u))))
            .clone()
    }
    fn after(&mut self, dom: &Dom<'_>, i: usize) -> Arc<Info> {
        let u = self.units.1;
        self.new
            .entry(i)
            .or_insert_with(|| Arc::new(Info::new(dom, &u.contracts[i], &classes::named(u))))
            .clone()
    }
}

/// Fields to compare: every field a member lists or reads, and one field
/// per attribute class (plain, protected, readonly) standing for the rest
/// (nothing tells them apart; `true` marks the stand-in).
fn fields(dom: &Dom<'_>, object: ObjectId, group: &[(&Contract, &Info)]) -> Vec<(FieldId, bool)> {
    let mut set: BTreeSet<FieldId> = BTreeSet::new();
    for (c, i) in group {
        set.extend(c.fields.iter().map(|l| l.field));
        set.extend(i.referenced.iter().copied().filter(|f| f.object == object));
    }
    let mut out: Vec<(FieldId, bool)> = set.iter().map(|f| (*f, false)).collect();
    let obj = dom.schema.object(object);
    let mut classes = [false; 3];
    for (idx, fd) in obj.fields.iter().enumerate() {
        let id = FieldId {
            object,
            index: idx as u32,
        };
        let class = usize::from(fd.protected) + 2 * usize::from(fd.readonly);
        let class = class.min(2);
        if set.contains(&id) || classes[class] {
            continue;
        }
        classes[class] = true;
        out.push((id, true));
    }
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

fn contract_changes(
    old: (&CheckedUnit, &[String]),
    new: (&CheckedUnit, &[String]),
) -> ContractChanges {
    let by_name = |(u, keys): (&CheckedUnit, &[String])| {
        u.contracts
            .iter()
            .zip(keys)
            .map(|(c, k)| (c.name.clone(), (k.clone(), c.version)))
            .collect::<BTreeMap<String, (String, u32)>>()
    };
    let (a, b) = (by_name(old), by_name(new));
    let mut out = ContractChanges::default();
    let mut added: Vec<&String> = b.keys().filter(|k| !a.contains_key(*k)).collect();
    for (name, (key, version)) in &a {
        match b.get(name) {
            Some((k2, v2)) => {
                if k2 != key {
                    out.edited.push(name.clone());
                } else if v2 != version {
                    out.versions.push((name.clone(), *version, *v2));
                }
            }
            None => {
                if let Some(pos) = added.iter().position(|n| b[*n].0 == *key) {
                    out.renamed.push((name.clone(), added.remove(pos).clone()));
                } else {
                    out.removed.push(name.clone());
                }
            }
        }
    }
    out.added = added.into_iter().cloned().collect();
    out
}
