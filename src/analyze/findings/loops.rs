//! Automation loops: strongly connected components of the trigger graph,
//! their elementary cycles (bounded), and whether one is all `auto`.

use super::trigger_graph::{Edge, Mask, TriggerGraph};
use super::{Ctx, Finding};
use crate::check::model::FieldId;
use std::collections::{BTreeMap, BTreeSet};

pub(super) fn loops(cx: &mut Ctx<'_>, dead: &[bool], out: &mut Vec<Finding>) {
    let unit = cx.unit;
    let mut g = TriggerGraph::new(unit, dead);
    // (contract, field) writes kept only because a search gave up
    let mut unsure: BTreeSet<(usize, FieldId)> = BTreeSet::new();
    for (a, ca) in unit.contracts.iter().enumerate() {
        if dead.get(a).copied().unwrap_or(true) {
            continue;
        }
        // fields a can write, with whether it can auto them
        let mut writes: BTreeMap<FieldId, bool> = BTreeMap::new();
        for f in cx.own_fields(a) {
            let s = cx.summary(a, f);
            if s.writes {
                writes.insert(f, s.auto);
                if !s.sure {
                    unsure.insert((a, f));
                }
            }
        }
        // a `*` rule writes every unlisted field like its representative
        let star_class: Vec<(FieldId, bool)> = writes
            .iter()
            .filter(|(f, _)| ca.rules_for(**f).is_none() && !cx.infos[a].referenced.contains(f))
            .map(|(f, w)| (*f, *w))
            .collect();
        // triggers listing fields a writes only through `*`
        let mut star_writes: BTreeMap<FieldId, bool> = BTreeMap::new();
        if !star_class.is_empty() {
            for tf in g.trigger_fields(ca.object.0) {
                if writes.contains_key(&tf) || ca.rules_for(tf).is_some() {
                    continue;
                }
                if cx.infos[a].referenced.contains(&tf) {
                    continue;
                }
                let fd = cx.dom.schema.field(tf);
                for &(rep, auto) in &star_class {
                    let rd = cx.dom.schema.field(rep);
                    if rd.readonly == fd.readonly && rd.protected == fd.protected {
                        if unsure.contains(&(a, rep)) {
                            unsure.insert((a, tf));
                        }
                        *star_writes.entry(tf).or_insert(auto) |= auto;
                    }
                }
            }
        }
        g.set_writes(a, &writes, &star_writes);
    }
    let mut seen = Vec::new();
    for members in g.components(None, false) {
        // Exact: an all-auto cycle between two automations exists iff some
        // component of the auto edges alone holds contracts of two (a
        // closed walk through both has an edge between automations, and
        // that edge lies on an elementary cycle of the walk).
        let auto_parts = g.components(Some(&members), true);
        let cross = auto_parts.iter().find(|p| {
            p.iter()
                .filter_map(|&i| g.automation(i))
                .collect::<BTreeSet<_>>()
                .len()
                >= 2
        });
        let (mut cycles, bounded) = elementary_cycles(&g, &members, &mut seen);
        let spans = |c: &Cycle| {
            c.iter()
                .filter_map(|(i, _)| g.automation(*i))
                .collect::<BTreeSet<_>>()
                .len()
                >= 2
        };
        if let Some(part) = cross {
            let listed = cycles.iter().any(|(c, auto)| *auto && spans(c));
            if !listed {
                if let Some(c) = cross_cycle(&g, part, &mut seen) {
                    cycles.push((c, true));
                }
            }
        }
        for part in &auto_parts {
            let listed = cycles
                .iter()
                .any(|(c, auto)| *auto && c.iter().any(|(i, _)| part.contains(i)));
            if listed {
                continue;
            }
            if let Some(&start) = part.iter().next() {
                if let Some(c) = cycle_through(&g, start, part, true, &mut seen) {
                    cycles.push((c, true));
                }
            }
        }
        // headline: an all-auto cycle between automations, else any
        // all-auto one, else the shortest
        let head = cycles
            .iter()
            .position(|(c, auto)| *auto && spans(c))
            .or_else(|| cycles.iter().position(|(_, auto)| *auto))
            .or_else(|| (0..cycles.len()).min_by_key(|&k| (cycles[k].0.len(), k)));
        let Some(head) = head else { continue };
        let (cycle, _) = cycles.remove(head);
        let unconfirmed = cycle.iter().any(|e| unsure.contains(e));
        let one_automation = !spans(&cycle);
        out.push(Finding::Loop {
            unconfirmed,
            cycle,
            all_auto: cross.is_some(),
            one_automation,
            others: cycles,
            bounded,
        });
    }
}

/// An all-auto elementary cycle through an edge between two automations
/// of the auto component `part`: that edge, then a shortest path back.
fn cross_cycle(g: &TriggerGraph, part: &BTreeSet<usize>, seen: &mut Vec<u32>) -> Option<Cycle> {
    let mask = Mask::new(g.len(), part);
    for &x in part {
        for (y, f, auto) in g.edges(x, |b| mask.contains(b), seen) {
            if !auto || g.automation(y) == g.automation(x) {
                continue;
            }
            // a shortest auto path y -> x inside the part (BFS)
            let mut prev: BTreeMap<usize, (usize, FieldId)> = BTreeMap::new();
            let mut queue = std::collections::VecDeque::from([y]);
            let mut found = y == x;
            while let Some(n) = queue.pop_front() {
                if n == x {
                    found = true;
                    break;
                }
                for (t, ft, a) in g.edges(n, |b| mask.contains(b), seen) {
                    if !a || t == y || prev.contains_key(&t) {
                        continue;
                    }
                    prev.insert(t, (n, ft));
                    queue.push_back(t);
                }
            }
            if !found {
                continue;
            }
            let mut back = Vec::new();
            let mut cur = x;
            while cur != y {
                let (p, fp) = *prev.get(&cur)?;
                back.push((p, fp));
                cur = p;
            }
            back.reverse();
            let mut cycle = vec![(x, f)];
            cycle.extend(back);
            return Some(cycle);
        }
    }
    None
}

/// How many elementary cycles one loop finding lists at most.
pub const MAX_CYCLES: usize = 16;
/// Search steps spent enumerating one component's cycles at most.
pub(super) const MAX_CYCLE_STEPS: usize = 100_000;

pub(super) type Cycle = Vec<(usize, FieldId)>;
/// A search frame: the contract, its edges, the next edge to follow.
type Frame = (usize, Vec<Edge>, usize);

/// The elementary cycles of one component, each rooted at its smallest
/// contract, in search order, with whether every edge is `auto`; at most
/// [`MAX_CYCLES`], and at most [`MAX_CYCLE_STEPS`] search steps (then
/// `true`). Each edge listed for a frame counts as a step too, so the
/// frames never hold more than that many edges, however dense the unit.
fn elementary_cycles(
    g: &TriggerGraph,
    members: &BTreeSet<usize>,
    seen: &mut Vec<u32>,
) -> (Vec<(Cycle, bool)>, bool) {
    let mut out: Vec<(Cycle, bool)> = Vec::new();
    let mut steps = 0usize;
    let mask = Mask::new(g.len(), members);
    for &root in members {
        // cycles through `root` using only contracts after it
        let allowed = |b: usize| b >= root && mask.contains(b);
        let mut path: Vec<Edge> = Vec::new();
        let mut on_path: BTreeSet<usize> = BTreeSet::from([root]);
        let first = g.edges(root, allowed, seen);
        steps += first.len();
        let mut stack: Vec<Frame> = vec![(root, first, 0)];
        while let Some(top) = stack.last_mut() {
            steps += 1;
            if steps > MAX_CYCLE_STEPS || out.len() >= MAX_CYCLES {
                return (out, true);
            }
            let node = top.0;
            let Some(&(next, f, auto)) = top.1.get(top.2) else {
                stack.pop();
                on_path.remove(&node);
                if node != root {
                    path.pop();
                }
                continue;
            };
            top.2 += 1;
            if next == root {
                // path holds the edges root -> ... -> node; add node -> root
                let mut cycle: Cycle = Vec::with_capacity(path.len() + 1);
                let mut from = root;
                let mut all = true;
                for &(to, fe, a) in &path {
                    cycle.push((from, fe));
                    all &= a;
                    from = to;
                }
                cycle.push((from, f));
                all &= auto;
                out.push((cycle, all));
                continue;
            }
            if on_path.contains(&next) {
                continue;
            }
            on_path.insert(next);
            path.push((next, f, auto));
            let edges = g.edges(next, allowed, seen);
            steps += edges.len();
            stack.push((next, edges, 0));
        }
    }
    (out, false)
}

/// A shortest cycle through `start` inside `members` (BFS), over `auto`
/// edges only when `only_auto`.
fn cycle_through(
    g: &TriggerGraph,
    start: usize,
    members: &BTreeSet<usize>,
    only_auto: bool,
    seen: &mut Vec<u32>,
) -> Option<Vec<(usize, FieldId)>> {
    let mask = Mask::new(g.len(), members);
    let mut prev: BTreeMap<usize, (usize, FieldId)> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        for (t, f, auto) in g.edges(n, |b| mask.contains(b), seen) {
            if only_auto && !auto {
                continue;
            }
            if t == start {
                let mut path = vec![(n, f)];
                let mut cur = n;
                while cur != start {
                    let (p, fp) = *prev.get(&cur)?;
                    path.push((p, fp));
                    cur = p;
                }
                path.reverse();
                return Some(path);
            }
            if let std::collections::btree_map::Entry::Vacant(v) = prev.entry(t) {
                v.insert((n, f));
                queue.push_back(t);
            }
        }
    }
    None
}
