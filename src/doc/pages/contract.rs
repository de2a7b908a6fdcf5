//! One contract's page: who, on what, when; the field-permission matrix;
//! approvals, audit, rollback, metrics, review samples, guardrails; and its findings
//! beside it.

use super::layout;
use super::parts::{finding, mention, outcome};
use crate::doc::matrix::COLUMNS;
use crate::doc::model::{ContractDoc, UnitDoc};
use maud::{html, Markup};

const ROOT: &str = "../";

fn matrix(c: &ContractDoc) -> Markup {
    html! {
        table class="matrix" {
            thead {
                tr {
                    th { "field" }
                    @for o in COLUMNS { th { (outcome(o)) } }
                }
            }
            tbody {
                @for row in &c.matrix {
                    tr {
                        th scope="row" {
                            code class="field" { (row.field) }
                            div class="about" { (row.about) }
                            @if let Some(o) = &row.otherwise { div class="otherwise" { (o) } }
                        }
                        @for cells in &row.cells {
                            td {
                                @for cell in cells {
                                    div class={ "rule" @if cell.via_star { " via-star" } @if cell.unreachable.is_some() { " unreachable" } } {
                                        code { (cell.rule) } " " (cell.when)
                                        @if let Some(u) = &cell.unreachable { div class="unreached" { (u) } }
                                        @if let Some(w) = cell.written { div class="cap" { "written " (w.as_str()) } }
                                        @if let Some(r) = &cell.route { div class="route" { (r) } }
                                        @for cap in &cell.caps { div class="cap" { (cap) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn list(items: &[String], empty: &str) -> Markup {
    html! {
        @if items.is_empty() { p class="missing" { (empty) } }
        @else { ul { @for i in items { li { (i) } } } }
    }
}

pub fn page(doc: &UnitDoc, c: &ContractDoc) -> Markup {
    let body = html! {
        h1 { "Contract " code { (c.name) } " v" (c.version) }
        section id="who" {
            h2 { "Who, on what, when" }
            dl {
                dt { "actor" } dd { code { (c.actor) } }
                dt { "owner" } dd { @if let Some(o) = &c.owner { (o) } @else { span class="missing" { "none" } } }
                dt { "object" } dd { (c.object) }
                dt { "mode" } dd { code { (c.mode) } " — " (c.mode_words) }
                dt { "trigger" } dd { (c.triggers.join("; ")) }
                dt { "eligible" } dd { @if let Some(e) = &c.eligible { "when " (e) } @else { "every record" } }
                dt { "exclusions" }
                dd {
                    @if c.exclusions.is_empty() { "none" }
                    @else {
                        ul {
                            @for (name, when) in &c.exclusions {
                                li {
                                    @if let Some(n) = name { code { (n) } ": " }
                                    "excluded (never) when " (when)
                                }
                            }
                        }
                    }
                }
                dt { "confidence" } dd { (list(&c.confidence, "no confidence caps")) }
            }
        }
        section id="fields" {
            h2 { "Field permissions" }
            p { "The first rule of a field whose condition holds decides; each rule is shown under the outcome it yields after the mode and field caps (the confidence caps beside it)." }
            (matrix(c))
        }
        section id="approvals" { h2 { "Approvals" } (list(&c.approvals, "no approval block")) }
        section id="audit" {
            h2 { "Audit" }
            @match &c.audit {
                Some(fields) => { p { @for (k, f) in fields.iter().enumerate() { @if k > 0 { ", " } code { (f) } } } }
                None => { p class="missing" { "no audit clause" } }
            }
        }
        section id="rollback" { h2 { "Rollback" } (list(&c.rollback, "no rollback clause")) }
        section id="metrics" {
            h2 { "Metrics" }
            @if c.metrics.is_empty() { p class="missing" { "none" } }
            @else { ul { @for (name, target) in &c.metrics { li { (name) " — target " (target) } } } }
        }
        section id="samples" {
            h2 { "Review samples" }
            @if c.samples.is_empty() { p class="missing" { "none" } }
            @else { ul { @for s in &c.samples { li { (s) } } } }
        }
        section id="guardrails" {
            h2 { "Guardrails" }
            @if c.guardrails.is_empty() { p class="missing" { "none" } }
            @else {
                p { "Raise what this contract decides, after contracts combine (never lower it):" }
                ul { @for g in &c.guardrails { li { (g) } } }
            }
        }
        section id="findings" {
            h2 { "Findings" }
            @if c.findings.is_empty() && c.also_findings.is_empty() { p { "None." } }
            @for &k in &c.findings {
                @if let Some(f) = doc.findings.get(k) { (finding(doc, f, ROOT, false)) }
            }
            @if !c.also_findings.is_empty() {
                h3 { "Findings about other contracts that involve this one" }
                @for &k in &c.also_findings {
                    @if let Some(f) = doc.findings.get(k) { (mention(doc, f, ROOT)) }
                }
            }
        }
    };
    layout::page(&c.name, ROOT, body)
}
