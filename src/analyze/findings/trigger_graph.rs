//! The trigger graph of a unit, kept implicit: contract `a` → contract `b`
//! when `a` can write a field whose change, as a cause, matches `b`'s
//! trigger (`update`, `update(F, ...)` of `a`'s object, from `b`'s own
//! object or `of` another). `a` and `b` may be one contract or one
//! automation: an automation re-triggered by its own writes is the classic
//! CRM recursion. Stored as each contract's writes and an index of
//! triggers, never as edges: in a dense unit (2,000 actors writing the same
//! 12 fields, each triggered by any update) there are millions of edges but
//! only thousands of writes, and the graph stays linear in the unit.
//!
//! Strongly connected components are found by an iterative Tarjan over
//! lazily enumerated successors (no recursion: a chain of 100,000 contracts
//! must not overflow the stack, and no successor list is held per frame).

use crate::check::model::{ActorKind, CheckedUnit, Event, FieldId, Trigger};
use std::collections::{BTreeMap, BTreeSet};

/// One write of a contract that can start others.
#[derive(Clone, Copy)]
struct Write {
    field: FieldId,
    /// The write can be `auto`.
    auto: bool,
    /// Contracts triggered by any update of the object see it too (a write
    /// the contract lists; a field it writes only through `*` reaches only
    /// the triggers that list that field).
    any_update: bool,
}

pub(super) struct TriggerGraph {
    /// Per contract, its writes in the order their edges are chosen.
    writes: Vec<Vec<Write>>,
    /// Per contract, its object.
    object: Vec<u32>,
    /// Per contract, its automation (actor kind and name): a loop within
    /// one automation is a warning, between automations it can be an error.
    automation: Vec<usize>,
    by_field: BTreeMap<FieldId, Vec<usize>>,
    any_update: BTreeMap<u32, Vec<usize>>,
}

/// An edge as a finding names it: the target, the field whose write
/// triggers it (the first auto one when any is), and whether it is `auto`.
pub(super) type Edge = (usize, FieldId, bool);

impl TriggerGraph {
    /// The graph's trigger index over the live (`!dead`) contracts; writes
    /// are added per contract with [`TriggerGraph::set_writes`].
    pub(super) fn new(unit: &CheckedUnit, dead: &[bool]) -> TriggerGraph {
        let n = unit.contracts.len();
        let mut by_field: BTreeMap<FieldId, Vec<usize>> = BTreeMap::new();
        let mut any_update: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
        let mut automations: BTreeMap<(ActorKind, Option<&str>), usize> = BTreeMap::new();
        let mut automation = Vec::with_capacity(n);
        for (i, c) in unit.contracts.iter().enumerate() {
            let key = (c.actor.kind, c.actor.name.as_deref());
            let next = automations.len();
            automation.push(*automations.entry(key).or_insert(next));
            if dead.get(i).copied().unwrap_or(true) {
                continue;
            }
            for t in &c.triggers {
                // an update cause: of the contract's own object or another
                let (object, fields) = match t {
                    Trigger::Update(fs) => (c.object, fs),
                    Trigger::Of {
                        object,
                        event: Event::Update,
                        fields,
                    } => (*object, fields),
                    _ => continue,
                };
                match fields {
                    None => any_update.entry(object.0).or_default().push(i),
                    Some(fs) => {
                        for f in fs {
                            by_field.entry(*f).or_default().push(i);
                        }
                    }
                }
            }
        }
        TriggerGraph {
            writes: vec![Vec::new(); n],
            object: unit.contracts.iter().map(|c| c.object.0).collect(),
            automation,
            by_field,
            any_update,
        }
    }

    pub(super) fn len(&self) -> usize {
        self.writes.len()
    }

    /// The fields whose update triggers some contract of `object`.
    pub(super) fn trigger_fields(&self, object: u32) -> impl Iterator<Item = FieldId> + '_ {
        self.by_field
            .keys()
            .copied()
            .filter(move |f| f.object.0 == object)
    }

    /// `a`'s writes: the fields it lists (each reaching the field's and the
    /// object's any-update triggers), then fields it writes through `*`
    /// (reaching only triggers that list them).
    pub(super) fn set_writes(
        &mut self,
        a: usize,
        listed: &BTreeMap<FieldId, bool>,
        star: &BTreeMap<FieldId, bool>,
    ) {
        let Some(w) = self.writes.get_mut(a) else {
            return;
        };
        w.clear();
        w.extend(listed.iter().map(|(&field, &auto)| Write {
            field,
            auto,
            any_update: true,
        }));
        w.extend(star.iter().map(|(&field, &auto)| Write {
            field,
            auto,
            any_update: false,
        }));
    }

    /// Every (target, field, auto) `a`'s writes reach, repeats included, in
    /// write order: O(1) state, for the component search.
    fn raw(&self, a: usize) -> impl Iterator<Item = Edge> + '_ {
        let writes = self.writes.get(a).map_or(&[][..], Vec::as_slice);
        let object = self.object.get(a).copied();
        writes.iter().flat_map(move |w| {
            let listed = self.by_field.get(&w.field).map_or(&[][..], Vec::as_slice);
            let any = match (w.any_update, object) {
                (true, Some(o)) => self.any_update.get(&o).map_or(&[][..], Vec::as_slice),
                _ => &[][..],
            };
            listed.iter().chain(any).map(move |&b| (b, w.field, w.auto))
        })
    }

    /// Contract `a`'s automation.
    pub(super) fn automation(&self, a: usize) -> Option<usize> {
        self.automation.get(a).copied()
    }

    /// The targets `a` reaches (through `auto` writes only when
    /// `only_auto`), repeats possible: what the component search needs.
    /// The object's any-update triggers are listed once, not once per
    /// write (in a dense unit every write reaches all of them).
    fn targets(&self, a: usize, only_auto: bool) -> impl Iterator<Item = usize> + '_ {
        let writes = self.writes.get(a).map_or(&[][..], Vec::as_slice);
        let usable = move |w: &&Write| w.auto || !only_auto;
        let any = match self.object.get(a) {
            Some(o) if writes.iter().filter(usable).any(|w| w.any_update) => {
                self.any_update.get(o).map_or(&[][..], Vec::as_slice)
            }
            _ => &[][..],
        };
        writes
            .iter()
            .filter(usable)
            .flat_map(move |w| self.by_field.get(&w.field).map_or(&[][..], Vec::as_slice))
            .chain(any)
            .copied()
    }

    /// `a`'s edges to targets `keep` accepts, one per target: its field is
    /// the first write reaching it, unless a later one is `auto` (then the
    /// first `auto` one). In descending target order. `seen` is scratch of
    /// [`TriggerGraph::len`] slots, left as it was found.
    pub(super) fn edges(
        &self,
        a: usize,
        keep: impl Fn(usize) -> bool,
        seen: &mut Vec<u32>,
    ) -> Vec<Edge> {
        seen.resize(self.len(), 0);
        let mut out: Vec<Edge> = Vec::new();
        for (b, f, auto) in self.raw(a) {
            if !keep(b) {
                continue;
            }
            match seen.get(b).copied() {
                Some(0) => {
                    out.push((b, f, auto));
                    if let Some(s) = seen.get_mut(b) {
                        *s = out.len() as u32;
                    }
                }
                Some(k) => {
                    if let Some(e) = out.get_mut(k as usize - 1) {
                        if auto && !e.2 {
                            *e = (b, f, true);
                        }
                    }
                }
                None => {}
            }
        }
        for &(b, _, _) in &out {
            if let Some(s) = seen.get_mut(b) {
                *s = 0;
            }
        }
        out.sort_by_key(|e| std::cmp::Reverse(e.0));
        out
    }

    /// The strongly connected components that hold a cycle (two contracts
    /// or more, or one that starts itself) among `members` (all contracts
    /// when `None`), over `auto` edges only when `only_auto`. Iterative
    /// Tarjan; successors are enumerated lazily.
    pub(super) fn components(
        &self,
        members: Option<&BTreeSet<usize>>,
        only_auto: bool,
    ) -> Vec<BTreeSet<usize>> {
        let n = self.len();
        // a dense mask: the successor loops run O(n²) times in a dense unit
        let mask = members.map(|m| Mask::new(n, m));
        let inside = |b: usize| mask.as_ref().is_none_or(|m| m.contains(b));
        let succ = |v: usize| self.targets(v, only_auto).filter(move |&b| inside(b));
        const NONE: usize = usize::MAX;
        let mut index = vec![NONE; n];
        let mut low = vec![0usize; n];
        let mut on_stack = vec![false; n];
        let mut stack: Vec<usize> = Vec::new();
        let mut next = 0usize;
        let mut out = Vec::new();
        let roots: Vec<usize> = match members {
            Some(m) => m.iter().copied().collect(),
            None => (0..n).collect(),
        };
        for root in roots {
            if index.get(root).is_none_or(|&i| i != NONE) {
                continue;
            }
            let mut frames = vec![(root, succ(root))];
            index[root] = next;
            low[root] = next;
            next += 1;
            stack.push(root);
            on_stack[root] = true;
            while let Some((v, it)) = frames.last_mut() {
                let v = *v;
                if let Some(w) = it.next() {
                    if index[w] == NONE {
                        index[w] = next;
                        low[w] = next;
                        next += 1;
                        stack.push(w);
                        on_stack[w] = true;
                        frames.push((w, succ(w)));
                    } else if on_stack[w] {
                        low[v] = low[v].min(index[w]);
                    }
                    continue;
                }
                frames.pop();
                if let Some((u, _)) = frames.last() {
                    low[*u] = low[*u].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut scc = BTreeSet::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        scc.insert(w);
                        if w == v {
                            break;
                        }
                    }
                    if scc.len() >= 2 || self.targets(v, only_auto).any(|b| b == v) {
                        out.push(scc);
                    }
                }
            }
        }
        out
    }
}

/// Membership of a set of contracts as a dense mask, for the successor
/// filters (a `BTreeSet` lookup per enumerated edge is most of the time in
/// a dense unit).
pub(super) struct Mask(Vec<bool>);

impl Mask {
    pub(super) fn new(len: usize, members: &BTreeSet<usize>) -> Mask {
        let mut v = vec![false; len];
        for &i in members {
            if let Some(slot) = v.get_mut(i) {
                *slot = true;
            }
        }
        Mask(v)
    }

    pub(super) fn contains(&self, i: usize) -> bool {
        self.0.get(i).copied().unwrap_or(false)
    }
}
