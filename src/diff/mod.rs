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

mod class;
mod classes;
pub mod compare;
pub mod confirm;
pub mod side;
mod words;

pub use classes::ActorClass;
pub use compare::Kind;
pub use side::Level;

use crate::analyze::algebra::{Dom, Region};
use crate::analyze::findings::without_spans;
use crate::check::model::{CheckedUnit, Outcome};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

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
    /// The guardrail that raised the outcome above what the contract
    /// decided.
    pub guardrail: Option<String>,
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
    let taken: BTreeSet<String> = old
        .contracts
        .iter()
        .chain(&new.contracts)
        .filter_map(|c| c.actor.name.clone())
        .chain(
            old.guardrails
                .iter()
                .chain(&new.guardrails)
                .filter_map(|g| g.actor.name.clone()),
        )
        .collect();
    let mut out = Diff {
        contracts: contract_changes((old, &old_keys), (new, &new_keys)),
        ..Diff::default()
    };
    let mut run = class::Run {
        dom: &dom,
        units: (old, new),
        tables: (&old_table, &new_table),
        infos: class::Infos::of(old, new),
        guards: (
            crate::analyze::chain::guard_regions(&dom, old).0,
            crate::analyze::chain::guard_regions(&dom, new).0,
        ),
        taken,
        opts,
    };
    for c in classes.iter().filter(|c| c.changed.is_some()) {
        run.compare(c, &mut out);
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
