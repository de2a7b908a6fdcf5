//! The automation graph as a layered picture: writing contracts on the
//! left, the fields they can write `auto` in the middle, the contracts a
//! change of them triggers on the right (a contract that does both is in
//! both columns). Within a column, nodes are ordered by the mean position
//! of their neighbours in the column before (one barycenter pass, ties by
//! name), which keeps edges short without any search. Loop steps are red.

use super::{text_width, ALERT};
use crate::check::model::CheckedUnit;
use crate::doc::graph::{AutomationGraph, Edge, Node};
use maud::{html, Markup};
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use std::collections::BTreeMap;

const ROW: i64 = 24;
const BOX_H: i64 = 18;
const TOP: i64 = 40;
const PAD: i64 = 12;
const GAP: i64 = 170;

struct Column {
    nodes: Vec<NodeIndex>,
    /// Position of each node in the column.
    pos: BTreeMap<NodeIndex, i64>,
    x: i64,
    width: i64,
}

fn label(n: Node, unit: &CheckedUnit) -> String {
    match n {
        Node::Contract(i) => unit.contracts[i].name.clone(),
        Node::Field(f) => format!(
            "{}.{}",
            unit.schema.object(f.object).name,
            unit.schema.field(f).name
        ),
        Node::Star(o) => format!("{}.* (other fields)", unit.schema.object(o).name),
    }
}

/// Orders `nodes` by the mean position of their neighbours (in `dir`) in
/// `before`; nodes without any keep the end, by label.
fn order(
    g: &AutomationGraph,
    unit: &CheckedUnit,
    mut nodes: Vec<NodeIndex>,
    before: &BTreeMap<NodeIndex, i64>,
    dir: Direction,
) -> Vec<NodeIndex> {
    let key = |n: NodeIndex| {
        let ps: Vec<i64> = g
            .graph
            .neighbors_directed(n, dir)
            .filter_map(|m| before.get(&m).copied())
            .collect();
        let mean = if ps.is_empty() {
            i64::MAX
        } else {
            ps.iter().sum::<i64>().saturating_mul(1000) / ps.len() as i64
        };
        (mean, label(g.graph[n], unit))
    };
    let mut keyed: Vec<((i64, String), NodeIndex)> = nodes.drain(..).map(|n| (key(n), n)).collect();
    keyed.sort();
    keyed.into_iter().map(|(_, n)| n).collect()
}

fn column(g: &AutomationGraph, unit: &CheckedUnit, nodes: Vec<NodeIndex>, x: i64) -> Column {
    let width = nodes
        .iter()
        .map(|&n| text_width(&label(g.graph[n], unit)))
        .max()
        .unwrap_or(0)
        .max(120)
        + 2 * PAD;
    let pos = nodes
        .iter()
        .enumerate()
        .map(|(k, &n)| (n, k as i64))
        .collect();
    Column {
        nodes,
        pos,
        x,
        width,
    }
}

fn y(k: i64) -> i64 {
    TOP + k * ROW
}

/// The picture, or `None` when no contract writes anything `auto`.
pub fn render(
    g: &AutomationGraph,
    unit: &CheckedUnit,
    pages: &[String],
    root: &str,
) -> Option<Markup> {
    let gr = &g.graph;
    let writers: Vec<NodeIndex> = gr
        .node_indices()
        .filter(|&n| matches!(gr[n], Node::Contract(_)))
        .filter(|&n| {
            gr.neighbors_directed(n, Direction::Outgoing)
                .next()
                .is_some()
        })
        .collect();
    if writers.is_empty() {
        return None;
    }
    let mut writers = writers;
    writers.sort_by_key(|&n| gr[n]);
    let left = column(g, unit, writers, 0);
    let fields: Vec<NodeIndex> = gr
        .node_indices()
        .filter(|&n| !matches!(gr[n], Node::Contract(_)))
        .collect();
    let fields = order(g, unit, fields, &left.pos, Direction::Incoming);
    let mid = column(g, unit, fields, left.x + left.width + GAP);
    let triggered: Vec<NodeIndex> = gr
        .node_indices()
        .filter(|&n| matches!(gr[n], Node::Contract(_)))
        .filter(|&n| {
            gr.neighbors_directed(n, Direction::Incoming)
                .next()
                .is_some()
        })
        .collect();
    let triggered = order(g, unit, triggered, &mid.pos, Direction::Incoming);
    let right = column(g, unit, triggered, mid.x + mid.width + GAP);
    let width = right.x + right.width.max(140) + PAD;
    let rows = left.nodes.len().max(mid.nodes.len()).max(right.nodes.len()) as i64;
    let height = y(rows) + PAD;
    let view = format!("0 0 {width} {height}");
    let edge_path = |from: &Column, a: NodeIndex, to: &Column, b: NodeIndex| -> Option<String> {
        let (ya, yb) = (from.pos.get(&a)?, to.pos.get(&b)?);
        let (x1, y1) = (from.x + from.width, y(*ya) + BOX_H / 2);
        let (x2, y2) = (to.x, y(*yb) + BOX_H / 2);
        let mx = (x1 + x2) / 2;
        Some(format!("M{x1} {y1} C{mx} {y1} {mx} {y2} {} {y2}", x2 - 4))
    };
    let mut edges: Vec<(String, &'static str, bool, String)> = Vec::new();
    for e in gr.edge_references() {
        let (a, b) = (e.source(), e.target());
        let (d, stroke, dashed, on_loop) = match *e.weight() {
            Edge::Write { auto, on_loop } => {
                (edge_path(&left, a, &mid, b), "#2e7d32", !auto, on_loop)
            }
            Edge::Trigger { on_loop } => (edge_path(&mid, a, &right, b), "#607d8b", false, on_loop),
        };
        let Some(d) = d else { continue };
        let title = format!("{} → {}", label(gr[a], unit), label(gr[b], unit));
        edges.push((d, if on_loop { ALERT } else { stroke }, dashed, title));
    }
    let node = |col: &Column, n: NodeIndex| -> Markup {
        let k = col.pos.get(&n).copied().unwrap_or(0);
        let text = label(gr[n], unit);
        let looped = g.on_loop.contains(&gr[n]);
        let (fill, stroke) = match gr[n] {
            Node::Contract(_) => ("#e3f2fd", "#1565c0"),
            _ => ("#f1f8e9", "#558b2f"),
        };
        let stroke = if looped { ALERT } else { stroke };
        let body = html! {
            rect x=(col.x) y=(y(k)) width=(col.width) height=(BOX_H) rx="4" fill=(fill) stroke=(stroke) stroke-width=(if looped { "2" } else { "1" }) {}
            text x=(col.x + PAD) y=(y(k) + 13) font-size="12" font-family="sans-serif" fill="#212121" { (text) }
        };
        match gr[n] {
            Node::Contract(i) => {
                let href = format!(
                    "{root}{}",
                    pages.get(i).map_or("index.html", String::as_str)
                );
                html! { a href=(href) { title { "contract " (text) } (body) } }
            }
            _ => html! { g { title { (text) } (body) } },
        }
    };
    Some(html! {
        svg xmlns="http://www.w3.org/2000/svg" class="graph" role="img" aria-label="automation graph" viewBox=(view) width=(width) height=(height) {
            defs {
                marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="6" markerHeight="6" orient="auto" {
                    path d="M0 0 L8 4 L0 8 z" fill="#607d8b" {}
                }
            }
            text x=(left.x) y="20" font-size="12" font-weight="bold" font-family="sans-serif" { "contracts (writing)" }
            text x=(mid.x) y="20" font-size="12" font-weight="bold" font-family="sans-serif" { "fields they can write auto" }
            text x=(right.x) y="20" font-size="12" font-weight="bold" font-family="sans-serif" { "contracts a change triggers" }
            g fill="none" {
                @for (d, stroke, dashed, title) in &edges {
                    path d=(d) stroke=(stroke) stroke-width="1.2" stroke-dasharray=[dashed.then_some("5 3")] marker-end="url(#arrow)" { title { (title) } }
                }
            }
            @for &n in &left.nodes { (node(&left, n)) }
            @for &n in &mid.nodes { (node(&mid, n)) }
            @for &n in &right.nodes { (node(&right, n)) }
        }
    })
}
