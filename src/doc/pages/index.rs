//! `index.html`: the unit at a glance, the automation map (one row per
//! contract, in the shape RevOps use), the automation graph and the
//! field-ownership matrix.

use super::layout;
use super::parts::{counts, finding, outcome};
use crate::check::model::Outcome;
use crate::doc::graph::LoopDoc;
use crate::doc::model::UnitDoc;
use maud::{html, Markup, PreEscaped};

fn legend() -> Markup {
    html! {
        p class="legend" {
            @for o in Outcome::ALL { (outcome(o)) " " }
            "(A, R, E, S, N in the matrix)"
        }
    }
}

pub fn page(
    doc: &UnitDoc,
    graph: Option<&str>,
    ownership: Option<&str>,
    loops: &[LoopDoc],
) -> Markup {
    let body = html! {
        h1 { "Governance report" }
        section id="overview" {
            h2 { "Overview" }
            ul {
                li { "Files: " @for (k, f) in doc.files.iter().enumerate() { @if k > 0 { ", " } code { (f) } } }
                li { "Contracts: " (doc.contracts.len()) }
                li { "Findings of " code { "crmc check" } ": " a href="findings.html" { (counts(doc)) } }
            }
            @if !doc.checked {
                p class="blocked" {
                    "The unit has syntax, name or type errors, so it cannot be checked: "
                    "this report lists those errors only. Contract pages, the automation map "
                    "and the pictures need a unit that checks."
                }
            }
        }
        @if doc.checked {
            section id="contracts" {
                h2 { "Contracts" }
                table class="contracts" {
                    thead { tr { th { "contract" } th { "object" } th { "actor" } th { "mode" } th { "owner" } th { "findings" } } }
                    tbody {
                        @for c in &doc.contracts {
                            tr {
                                td { a href=(c.page) { (c.name) } " v" (c.version) }
                                td { (c.object) }
                                td { code { (c.actor) } }
                                td { (c.mode) }
                                td { @if let Some(o) = &c.owner { (o) } @else { span class="missing" { "none" } } }
                                td { (c.findings.len() + c.also_findings.len()) }
                            }
                        }
                    }
                }
            }
            section id="automation-map" {
                h2 { "Automation map" }
                p { "One row per contract: what starts it, what it may change (each field under the most permissive outcome its rules can reach, after the mode and field caps), the rule that controls it, and where people take over." }
                table class="automap" {
                    thead { tr { th { "workflow" } th { "trigger" } th { "what it may change" } th { "control rule" } th { "human handoff" } } }
                    tbody {
                        @for c in &doc.contracts {
                            tr {
                                td { a href=(c.page) { (c.name) } br; code { (c.actor) } " on " (c.object) }
                                td { @for (k, t) in c.triggers.iter().enumerate() { @if k > 0 { br; } (t) } }
                                td {
                                    @for (o, fields) in &c.may_change {
                                        div { (outcome(*o)) " " (fields.join(", ")) }
                                    }
                                }
                                td { ul { @for r in &c.control { li { (r) } } } }
                                td {
                                    @if c.handoff.is_empty() { span class="missing" { "none" } }
                                    @else { ul { @for h in &c.handoff { li { (h) } } } }
                                }
                            }
                        }
                    }
                }
            }
            section id="automation-graph" {
                h2 { "Automation graph" }
                p { "Contracts → the fields they can write " (outcome(Outcome::Auto)) " → the contracts a change of that field triggers. Loops found by the analyzer are red; a dashed step is a write that takes effect only after approval. Also as " a href="automation.svg" { "automation.svg" } "." }
                @match graph {
                    Some(svg) => { div class="picture" { (PreEscaped(svg)) } }
                    None => { p { "No contract can write any field " (outcome(Outcome::Auto)) "." } }
                }
                @if !loops.is_empty() {
                    h3 { "Loops" }
                    ul class="loops" {
                        @for l in loops {
                            li {
                                (l.steps)
                                @if l.all_auto { " — every step can be auto" } @else { " — some step needs approval" }
                                @if l.unconfirmed { " (not confirmed)" }
                                @if l.others > 0 { " — and " (l.others) " other cycle(s) through these contracts" }
                            }
                        }
                    }
                }
            }
            section id="ownership" {
                h2 { "Field ownership" }
                p { "Fields × actors: the most permissive outcome each actor's contracts can reach for the field. A contested field can be written " (outcome(Outcome::Auto)) " by two actors. Also as " a href="ownership.svg" { "ownership.svg" } "." }
                (legend())
                @if let Some(svg) = ownership { div class="picture" { (PreEscaped(svg)) } }
            }
        }
        @if !doc.unit_findings.is_empty() {
            section id="unit-findings" {
                h2 { "Findings about the unit" }
                @for &k in &doc.unit_findings {
                    @if let Some(f) = doc.findings.get(k) { (finding(doc, f, "", true)) }
                }
            }
        }
    };
    layout::page("Overview", "", body)
}
