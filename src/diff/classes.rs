//! Which contracts decide for whom, on both sides of a change: the actor
//! classes of an object (every name a contract names, plus "any other
//! name" when a `"*"` contract exists), each class's contracts in table
//! order, and whether a change touched the class.
//!
//! Contracts are matched by behaviour, not by name: two contracts are the
//! same when they differ only in name, version, owner, metrics and source
//! positions (what no decision's outcome, approvals, audit or rollback
//! depends on but the names it prints). A class is touched when its
//! sequence of behaviours changed, or the guardrails that cover it did
//! (then all its contracts count as changed). A name a guardrail names is
//! a class of its own.

use crate::analyze::findings::without_spans;
use crate::check::model::{ActorKind, CheckedUnit, Cond, Contract, ObjectId};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

/// One class of actors: a kind and a name, or every name no contract of
/// that kind names (`name: None`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ActorClass {
    pub kind: ActorKind,
    pub name: Option<String>,
}

impl ActorClass {
    /// A name of the class for a witness: the name itself, or one no
    /// contract uses.
    pub fn witness_name(&self, taken: &BTreeSet<String>) -> String {
        if let Some(n) = &self.name {
            return n.clone();
        }
        (0..)
            .map(|i| {
                if i == 0 {
                    "other".to_string()
                } else {
                    format!("other{i}")
                }
            })
            .find(|n| !taken.contains(n))
            .unwrap_or_default()
    }

    /// `ai "alim"`, `ai (any other name)`.
    pub fn text(&self) -> String {
        match &self.name {
            Some(n) => format!("{} {n:?}", self.kind.as_str()),
            None => format!("{} (any other name)", self.kind.as_str()),
        }
    }
}

/// One class on one object, with each side's contracts (indexes into the
/// side's unit, in table order).
#[derive(Clone, Debug)]
pub struct Class {
    pub object: ObjectId,
    pub actor: ActorClass,
    pub old: Vec<usize>,
    pub new: Vec<usize>,
    /// Contracts of either side with no same-behaviour partner on the
    /// other; `None` when the class is untouched. `Some(all)` when only
    /// the order of same-behaviour contracts changed (which contract
    /// decides among equals decides approvals, audit and rollback).
    pub changed: Option<Changed>,
}

#[derive(Clone, Debug, Default)]
pub struct Changed {
    pub old: Vec<usize>,
    pub new: Vec<usize>,
}

/// A contract's behaviour as text: everything but its name, version,
/// owner, metrics and spans, named exclusions resolved to their
/// conditions.
pub fn behaviour(c: &Contract, named: &HashMap<&str, &Cond>) -> String {
    let mut b = c.clone();
    b.name = String::new();
    b.version = 0;
    b.owner = None;
    b.metrics.clear();
    for e in &mut b.exclusions {
        if let Some(when) = e.name.take().and_then(|n| named.get(n.as_str()).copied()) {
            e.when = when.clone();
        }
    }
    let mut text = String::new();
    let _ = write!(text, "{b:?}");
    without_spans(&text)
}

pub fn named(unit: &CheckedUnit) -> HashMap<&str, &Cond> {
    unit.exclusions
        .iter()
        .map(|e| (e.name.as_str(), &e.when))
        .collect()
}

/// Each contract's [`behaviour`].
pub fn keys(u: &CheckedUnit) -> Vec<String> {
    let n = named(u);
    u.contracts.iter().map(|c| behaviour(c, &n)).collect()
}

/// Every class of both units (same schema), touched or not; `keys` are
/// each unit's [`keys`].
pub fn classes(old: &CheckedUnit, new: &CheckedUnit, keys: (&[String], &[String])) -> Vec<Class> {
    let (old_keys, new_keys) = keys;
    // (object, kind) -> names, and whether a `*` contract exists
    let mut kinds: BTreeMap<(u32, ActorKind), (BTreeSet<String>, bool)> = BTreeMap::new();
    for c in old.contracts.iter().chain(&new.contracts) {
        let e = kinds.entry((c.object.0, c.actor.kind)).or_default();
        match &c.actor.name {
            Some(n) => {
                e.0.insert(n.clone());
            }
            None => e.1 = true,
        }
    }
    let members = |u: &CheckedUnit, object: u32, a: &ActorClass| -> Vec<usize> {
        u.contracts
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                c.object.0 == object
                    && c.actor.kind == a.kind
                    && (c.actor.name.is_none() || c.actor.name == a.name)
            })
            .map(|(i, _)| i)
            .collect()
    };
    // a name a guardrail names is a class of its own: its writes are
    // guarded differently from other names'
    for g in old.guardrails.iter().chain(&new.guardrails) {
        if let (Some(e), Some(n)) = (kinds.get_mut(&(g.object.0, g.actor.kind)), &g.actor.name) {
            if e.1 {
                e.0.insert(n.clone());
            }
        }
    }
    let mut out = Vec::new();
    for ((object, kind), (names, star)) in kinds {
        let mut actors: Vec<ActorClass> = names
            .into_iter()
            .map(|n| ActorClass {
                kind,
                name: Some(n),
            })
            .collect();
        if star {
            actors.push(ActorClass { kind, name: None });
        }
        for actor in actors {
            let o = members(old, object, &actor);
            let n = members(new, object, &actor);
            let guards_changed = guards(old, object, &actor) != guards(new, object, &actor);
            let changed = if guards_changed {
                // every write of the class may be raised differently
                Some(Changed {
                    old: o.clone(),
                    new: n.clone(),
                })
            } else {
                touched(&o, old_keys, &n, new_keys)
            };
            out.push(Class {
                object: ObjectId(object),
                actor,
                old: o,
                new: n,
                changed,
            });
        }
    }
    out
}

/// The guardrails that cover an actor class on an object, by behaviour
/// (everything but names and spans), sorted.
fn guards(u: &CheckedUnit, object: u32, a: &ActorClass) -> Vec<String> {
    let mut out: Vec<String> = u
        .guardrails
        .iter()
        .filter(|g| {
            g.object.0 == object
                && g.actor.kind == a.kind
                && (g.actor.name.is_none() || g.actor.name == a.name)
        })
        .map(|g| {
            let mut b = g.clone();
            b.name = String::new();
            b.reason = None;
            without_spans(&format!("{b:?}"))
        })
        .collect();
    out.sort();
    out
}

/// The unmatched contracts of each side (see [`Class::changed`]).
fn touched(old: &[usize], ok: &[String], new: &[usize], nk: &[String]) -> Option<Changed> {
    let seq = |ix: &[usize], keys: &'_ [String]| -> Vec<String> {
        ix.iter().map(|&i| keys[i].clone()).collect()
    };
    let (so, sn) = (seq(old, ok), seq(new, nk));
    if so == sn {
        return None;
    }
    let (kept_new, unmatched_new) = matched(new, &sn, &so);
    let (kept_old, unmatched_old) = matched(old, &so, &sn);
    if kept_old != kept_new {
        // the matched contracts moved relative to each other
        return Some(Changed {
            old: old.to_vec(),
            new: new.to_vec(),
        });
    }
    Some(Changed {
        old: unmatched_old,
        new: unmatched_new,
    })
}

/// Multiset matching of one side's contracts (`ix`, with behaviours
/// `keys`) against the other's behaviours: the matched behaviours in order,
/// and the contracts left without a partner.
fn matched<'k>(ix: &[usize], keys: &'k [String], other: &[String]) -> (Vec<&'k str>, Vec<usize>) {
    let mut pool: BTreeMap<&str, usize> = BTreeMap::new();
    for k in other {
        *pool.entry(k).or_default() += 1;
    }
    let mut kept = Vec::new();
    let mut left = Vec::new();
    for (&i, k) in ix.iter().zip(keys) {
        match pool.get_mut(k.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                kept.push(k.as_str());
            }
            _ => left.push(i),
        }
    }
    (kept, left)
}
