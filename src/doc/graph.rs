//! The automation graph: contracts → the fields they can write `auto` →
//! the contracts a change of that field triggers. "Can write auto" is read
//! from the rules after the caps that hold whatever the mutation (mode,
//! `protected`, `readonly`), not from their conditions; a contract's `*`
//! rules write "every other field" of its object, one node per object.
//! Loops are the analyzer's (its `Loop` findings, exact): their steps are
//! marked, and a step that is a write only after approval (a `W0508` loop)
//! is added as such.

use super::matrix::{capped, reachable};
use crate::analyze::{Finding, Report};
use crate::check::model::{
    CheckedUnit, Contract, Event, FieldId, ObjectId, Outcome, Rule, Trigger,
};
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Node {
    Contract(usize),
    Field(FieldId),
    /// The fields of an object a contract writes through `*`.
    Star(ObjectId),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edge {
    /// Contract → field; `auto: false` only for a loop's step written after
    /// approval.
    Write { auto: bool, on_loop: bool },
    /// Field → contract.
    Trigger { on_loop: bool },
}

/// One loop finding, in words.
pub struct LoopDoc {
    /// `a → Field → b → Other → a`.
    pub steps: String,
    pub all_auto: bool,
    pub unconfirmed: bool,
    /// Further cycles of the same component.
    pub others: usize,
}

pub struct AutomationGraph {
    pub graph: DiGraph<Node, Edge>,
    pub loops: Vec<LoopDoc>,
    /// Contracts and fields on some loop.
    pub on_loop: BTreeSet<Node>,
}

fn auto_rule(c: &Contract, f: Option<&crate::check::model::Field>, rules: &[Rule]) -> bool {
    reachable(rules)
        .iter()
        .any(|r| capped(c, f, r.outcome).0 == Outcome::Auto)
}

struct Builder {
    graph: DiGraph<Node, Edge>,
    nodes: BTreeMap<Node, NodeIndex>,
    edges: BTreeMap<(NodeIndex, NodeIndex), petgraph::graph::EdgeIndex>,
}

impl Builder {
    fn node(&mut self, n: Node) -> NodeIndex {
        *self
            .nodes
            .entry(n)
            .or_insert_with(|| self.graph.add_node(n))
    }
    fn edge(&mut self, a: Node, b: Node, e: Edge) {
        let (x, y) = (self.node(a), self.node(b));
        if let std::collections::btree_map::Entry::Vacant(v) = self.edges.entry((x, y)) {
            v.insert(self.graph.add_edge(x, y, e));
        }
    }
    /// Marks an edge as a loop's step, adding it when missing.
    fn mark(&mut self, a: Node, b: Node, missing: Edge) {
        self.edge(a, b, missing);
        let (x, y) = (self.node(a), self.node(b));
        if let Some(w) = self
            .edges
            .get(&(x, y))
            .and_then(|&e| self.graph.edge_weight_mut(e))
        {
            match w {
                Edge::Write { on_loop, .. } | Edge::Trigger { on_loop } => *on_loop = true,
            }
        }
    }
}

pub fn build(unit: &CheckedUnit, report: Option<&Report>) -> AutomationGraph {
    let schema = &unit.schema;
    let mut b = Builder {
        graph: DiGraph::new(),
        nodes: BTreeMap::new(),
        edges: BTreeMap::new(),
    };
    // the trigger index: field -> contracts, object -> any-update contracts
    let mut by_field: BTreeMap<FieldId, BTreeSet<usize>> = BTreeMap::new();
    let mut any_update: BTreeMap<ObjectId, BTreeSet<usize>> = BTreeMap::new();
    for (i, c) in unit.contracts.iter().enumerate() {
        for t in &c.triggers {
            // an update of the contract's own object or of another one
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
                None => {
                    any_update.entry(object).or_default().insert(i);
                }
                Some(fs) => {
                    for f in fs {
                        by_field.entry(*f).or_default().insert(i);
                    }
                }
            }
        }
    }
    // writes; per object, how many star writers list each field
    let mut star_writers: BTreeMap<ObjectId, usize> = BTreeMap::new();
    let mut listed_by_star_writers: BTreeMap<FieldId, usize> = BTreeMap::new();
    for (i, c) in unit.contracts.iter().enumerate() {
        let star: &[Rule] = c.star.as_ref().map_or(&[], |s| s.rules.as_slice());
        for line in &c.fields {
            let f = schema.field(line.field);
            let own = auto_rule(c, Some(f), &line.rules);
            let through =
                !line.rules.iter().any(|r| r.when.is_none()) && auto_rule(c, Some(f), star);
            if own || through {
                b.edge(
                    Node::Contract(i),
                    Node::Field(line.field),
                    Edge::Write {
                        auto: true,
                        on_loop: false,
                    },
                );
            }
        }
        if auto_rule(c, None, star) {
            b.edge(
                Node::Contract(i),
                Node::Star(c.object),
                Edge::Write {
                    auto: true,
                    on_loop: false,
                },
            );
            *star_writers.entry(c.object).or_default() += 1;
            for line in &c.fields {
                *listed_by_star_writers.entry(line.field).or_default() += 1;
            }
        }
    }
    // triggers of the written fields: any automation's write starts them,
    // its own included (an automation re-triggered by its own writes is
    // the classic CRM recursion; the analyzer reports it as a loop)
    let written: Vec<Node> = b
        .nodes
        .keys()
        .filter(|n| !matches!(n, Node::Contract(_)))
        .copied()
        .collect();
    let trig = Edge::Trigger { on_loop: false };
    for n in written {
        match n {
            Node::Field(f) => {
                let mut ts: BTreeSet<usize> = by_field.get(&f).cloned().unwrap_or_default();
                ts.extend(any_update.get(&f.object).into_iter().flatten());
                for t in ts {
                    b.edge(n, Node::Contract(t), trig);
                }
            }
            Node::Star(o) => {
                let writers = star_writers.get(&o).copied().unwrap_or(0);
                let mut ts: BTreeSet<usize> = any_update.get(&o).cloned().unwrap_or_default();
                for (f, cs) in by_field.range(
                    FieldId {
                        object: o,
                        index: 0,
                    }..=FieldId {
                        object: o,
                        index: u32::MAX,
                    },
                ) {
                    let fd = schema.field(*f);
                    // some `*` writer does not list `f`, so its `*` covers it
                    let covered = listed_by_star_writers.get(f).copied().unwrap_or(0) < writers;
                    if covered && !fd.protected && !fd.readonly {
                        ts.extend(cs);
                    }
                }
                for t in ts {
                    b.edge(n, Node::Contract(t), trig);
                }
            }
            Node::Contract(_) => {}
        }
    }
    // the analyzer's loops
    let mut loops = Vec::new();
    let mut on_loop = BTreeSet::new();
    let findings = report.map_or(&[][..], |r| r.findings.as_slice());
    for f in findings {
        let Finding::Loop {
            cycle,
            all_auto,
            others,
            unconfirmed,
            ..
        } = f
        else {
            continue;
        };
        for cyc in std::iter::once(cycle).chain(others.iter().map(|(c, _)| c)) {
            for (k, &(a, field)) in cyc.iter().enumerate() {
                let next = cyc.get(k + 1).or(cyc.first()).map_or(a, |s| s.0);
                b.mark(
                    Node::Contract(a),
                    Node::Field(field),
                    Edge::Write {
                        auto: false,
                        on_loop: true,
                    },
                );
                b.mark(
                    Node::Field(field),
                    Node::Contract(next),
                    Edge::Trigger { on_loop: true },
                );
                on_loop.insert(Node::Contract(a));
                on_loop.insert(Node::Field(field));
            }
        }
        let mut steps: Vec<String> = Vec::new();
        for &(a, field) in cycle {
            steps.push(unit.contracts[a].name.clone());
            steps.push(schema.field(field).name.clone());
        }
        if let Some(&(a, _)) = cycle.first() {
            steps.push(unit.contracts[a].name.clone());
        }
        loops.push(LoopDoc {
            steps: steps.join(" → "),
            all_auto: *all_auto,
            unconfirmed: *unconfirmed,
            others: others.len(),
        });
    }
    AutomationGraph {
        graph: b.graph,
        loops,
        on_loop,
    }
}
