//! Automation loops: strongly connected components of the trigger graph,
//! their elementary cycles (bounded), and whether one is all `auto`.

use super::{Ctx, Finding};
use crate::check::model::{FieldId, Trigger};
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub(super) fn loops(cx: &mut Ctx<'_>, dead: &[bool], out: &mut Vec<Finding>) {
    let unit = cx.unit;
    let n = unit.contracts.len();
    let mut g: DiGraph<usize, (FieldId, bool)> = DiGraph::new();
    let nodes: Vec<NodeIndex> = (0..n).map(|i| g.add_node(i)).collect();
    // index triggers: (object, field) -> contracts; and "any update"
    let mut by_field: BTreeMap<FieldId, Vec<usize>> = BTreeMap::new();
    let mut any_update: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (i, c) in unit.contracts.iter().enumerate() {
        if dead[i] {
            continue;
        }
        for t in &c.triggers {
            match t {
                Trigger::Update(None) => any_update.entry(c.object.0).or_default().push(i),
                Trigger::Update(Some(fs)) => {
                    for f in fs {
                        by_field.entry(*f).or_default().push(i);
                    }
                }
                _ => {}
            }
        }
    }
    // (contract, field) writes kept only because a search gave up
    let mut unsure: BTreeSet<(usize, FieldId)> = BTreeSet::new();
    for a in 0..n {
        if dead[a] {
            continue;
        }
        let ca = &unit.contracts[a];
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
        let mut edges: BTreeMap<usize, (FieldId, bool)> = BTreeMap::new();
        let mut add = |b: usize, f: FieldId, auto: bool| {
            // A loop is two automations re-triggering each other. The
            // contracts of one actor govern that one automation (split by
            // `eligible`), and its own writes matching its own `trigger` is
            // what governing them means, not a second automation starting.
            let same_automation = unit
                .contracts
                .get(b)
                .is_some_and(|cb| cb.actor.kind == ca.actor.kind && cb.actor.name == ca.actor.name);
            if b == a || same_automation {
                return;
            }
            let e = edges.entry(b).or_insert((f, auto));
            if auto && !e.1 {
                *e = (f, auto);
            }
        };
        for (&f, &auto) in &writes {
            for &b in by_field.get(&f).map_or(&[][..], |v| v) {
                add(b, f, auto);
            }
            for &b in any_update.get(&ca.object.0).map_or(&[][..], |v| v) {
                add(b, f, auto);
            }
        }
        if !star_class.is_empty() {
            // triggers listing fields a writes only through `*`
            for (&tf, bs) in &by_field {
                if tf.object != ca.object || writes.contains_key(&tf) || ca.rules_for(tf).is_some()
                {
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
                        for &b in bs {
                            add(b, tf, auto);
                        }
                    }
                }
            }
        }
        for (b, (f, auto)) in edges {
            g.add_edge(nodes[a], nodes[b], (f, auto));
        }
    }
    for scc in petgraph::algo::tarjan_scc(&g) {
        if scc.len() < 2 {
            continue;
        }
        let members: BTreeSet<NodeIndex> = scc.iter().copied().collect();
        // Exact: an all-auto elementary cycle exists iff the component's
        // auto edges alone close a cycle; each such auto component gets
        // one all-auto cycle listed even when the enumeration was bounded.
        let auto_parts = auto_cycle_parts(&g, &members);
        let (mut cycles, bounded) = elementary_cycles(&g, &members);
        for part in &auto_parts {
            let listed = cycles.iter().any(|(c, auto)| {
                *auto && c.iter().any(|(i, _)| part.contains(&NodeIndex::new(*i)))
            });
            if listed {
                continue;
            }
            if let Some(&start) = part.iter().min_by_key(|n| g[**n]) {
                if let Some(c) = cycle_through(&g, start, part, true) {
                    cycles.push((c, true));
                }
            }
        }
        // headline: the first all-auto cycle, else the shortest
        let head = cycles
            .iter()
            .position(|(_, auto)| *auto)
            .or_else(|| (0..cycles.len()).min_by_key(|&k| (cycles[k].0.len(), k)));
        let Some(head) = head else { continue };
        let (cycle, _) = cycles.remove(head);
        let unconfirmed = cycle.iter().any(|e| unsure.contains(e));
        out.push(Finding::Loop {
            unconfirmed,
            cycle,
            all_auto: !auto_parts.is_empty(),
            others: cycles,
            bounded,
        });
    }
}

/// How many elementary cycles one loop finding lists at most.
pub const MAX_CYCLES: usize = 16;
/// Search steps spent enumerating one component's cycles at most.
pub(super) const MAX_CYCLE_STEPS: usize = 100_000;

/// The strongly connected parts of `members` over `auto` edges alone that
/// close a cycle (none: no all-`auto` cycle). There are no self-loops: a
/// contract's own writes never make an edge.
pub(super) fn auto_cycle_parts(
    g: &DiGraph<usize, (FieldId, bool)>,
    members: &BTreeSet<NodeIndex>,
) -> Vec<BTreeSet<NodeIndex>> {
    let sub = g.filter_map(
        |n, w| members.contains(&n).then_some(*w),
        |_, w| w.1.then_some(*w),
    );
    // `sub` renumbers its nodes; its node weights are contract indexes, and
    // node `i` of `g` is contract `i` (added in order), so map back by weight
    petgraph::algo::tarjan_scc(&sub)
        .into_iter()
        .filter(|scc| scc.len() >= 2)
        .map(|scc| scc.iter().map(|n| NodeIndex::new(sub[*n])).collect())
        .collect()
}

pub(super) type Cycle = Vec<(usize, FieldId)>;
/// A search frame: the node, its out-edges (target, field, auto), the next.
pub(super) type Frame = (NodeIndex, Vec<(NodeIndex, FieldId, bool)>, usize);

/// The elementary cycles of one component, each rooted at its smallest
/// node, in search order, with whether every edge is `auto`; at most
/// [`MAX_CYCLES`] and [`MAX_CYCLE_STEPS`] search steps (then `true`).
pub(super) fn elementary_cycles(
    g: &DiGraph<usize, (FieldId, bool)>,
    members: &BTreeSet<NodeIndex>,
) -> (Vec<(Cycle, bool)>, bool) {
    use petgraph::visit::EdgeRef;
    let mut out: Vec<(Cycle, bool)> = Vec::new();
    let mut steps = 0usize;
    let order: Vec<NodeIndex> = members.iter().copied().collect();
    for (k, &root) in order.iter().enumerate() {
        // cycles through `root` using only nodes after it in `order`
        let allowed: BTreeSet<NodeIndex> = order[k..].iter().copied().collect();
        let mut path: Vec<(NodeIndex, FieldId, bool)> = Vec::new();
        let mut on_path: BTreeSet<NodeIndex> = BTreeSet::from([root]);
        // explicit stack of (node, its out-edges, next edge index)
        let mut stack: Vec<Frame> = Vec::new();
        let edges_of = |n: NodeIndex| -> Vec<(NodeIndex, FieldId, bool)> {
            g.edges(n)
                .filter(|e| allowed.contains(&e.target()))
                .map(|e| (e.target(), e.weight().0, e.weight().1))
                .collect()
        };
        stack.push((root, edges_of(root), 0));
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
                    cycle.push((g[from], fe));
                    all &= a;
                    from = to;
                }
                cycle.push((g[from], f));
                all &= auto;
                out.push((cycle, all));
                continue;
            }
            if on_path.contains(&next) {
                continue;
            }
            on_path.insert(next);
            path.push((next, f, auto));
            stack.push((next, edges_of(next), 0));
        }
    }
    (out, false)
}

/// A shortest cycle through `start` inside `members` (BFS), over `auto`
/// edges only when `only_auto`.
pub(super) fn cycle_through(
    g: &DiGraph<usize, (FieldId, bool)>,
    start: NodeIndex,
    members: &BTreeSet<NodeIndex>,
    only_auto: bool,
) -> Option<Vec<(usize, FieldId)>> {
    use petgraph::visit::EdgeRef;
    let mut prev: HashMap<NodeIndex, (NodeIndex, FieldId)> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        for e in g.edges(n) {
            let t = e.target();
            if !members.contains(&t) || (only_auto && !e.weight().1) {
                continue;
            }
            if t == start {
                let mut path = vec![(g[n], e.weight().0)];
                let mut cur = n;
                while cur != start {
                    let (p, f) = *prev.get(&cur)?;
                    path.push((g[p], f));
                    cur = p;
                }
                path.reverse();
                return Some(path);
            }
            if let std::collections::hash_map::Entry::Vacant(v) = prev.entry(t) {
                v.insert((n, e.weight().0));
                queue.push_back(t);
            }
        }
    }
    None
}
