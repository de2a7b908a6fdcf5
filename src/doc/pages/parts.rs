//! Pieces several pages show: a finding, an outcome badge, counts.

use crate::check::model::Outcome;
use crate::doc::findings::FindingDoc;
use crate::doc::model::UnitDoc;
use maud::{html, Markup};

pub fn outcome(o: Outcome) -> Markup {
    html! { span class={ "outcome o-" (o.as_str()) } { (o.as_str()) } }
}

/// `2 errors, 1 warning` (or `no findings`).
pub fn counts(doc: &UnitDoc) -> String {
    let mut parts = Vec::new();
    for (n, word) in [
        (doc.errors, "error"),
        (doc.warnings, "warning"),
        (doc.notes, "note"),
    ] {
        if n > 0 {
            parts.push(if n == 1 {
                format!("1 {word}")
            } else {
                format!("{n} {word}s")
            });
        }
    }
    if doc.suppressed > 0 {
        parts.push(format!("{} suppressed", doc.suppressed));
    }
    if parts.is_empty() {
        "no findings".to_string()
    } else {
        parts.join(", ")
    }
}

/// A finding about another contract that points into this one: what it
/// is and where its full text (labels, witness) is.
pub fn mention(doc: &UnitDoc, f: &FindingDoc, root: &str) -> Markup {
    html! {
        article class={ "finding mention sev-" (f.severity) } data-code=(f.code) data-kind=(f.kind) {
            h3 {
                span class="code" { (f.code) }
                " "
                span class="severity" { (f.severity) }
                " "
                span class="message" { (f.message) }
            }
            p class="where" {
                code { (f.location) }
                @if let Some(c) = f.contract.and_then(|i| doc.contracts.get(i)) {
                    " in contract "
                    a href={ (root) (c.page) } { (c.name) }
                }
                " · "
                a href={ (root) "findings.html#" (f.anchor) } { "labels and witness" }
            }
        }
    }
}

/// One finding, in full. `root` leads back to the site's top; `link_contract`
/// names the contract it is about (on the findings page).
pub fn finding(doc: &UnitDoc, f: &FindingDoc, root: &str, link_contract: bool) -> Markup {
    html! {
        article class={ "finding sev-" (f.severity) } id=(f.anchor) data-code=(f.code) data-kind=(f.kind) {
            h3 {
                span class="code" { (f.code) }
                " "
                span class="severity" { (f.severity) }
                " "
                span class="message" { (f.message) }
            }
            p class="where" {
                code { (f.location) }
                @if link_contract {
                    @if let Some(c) = f.contract.and_then(|i| doc.contracts.get(i)) {
                        " in contract "
                        a href={ (root) (c.page) } { (c.name) }
                    }
                }
                @for c in f.also.iter().filter_map(|&i| doc.contracts.get(i)) {
                    " · also about "
                    a href={ (root) (c.page) } { (c.name) }
                }
            }
            @if let Some(reason) = &f.suppressed {
                p class="suppressed" { "suppressed: " (reason) }
            }
            pre class="snippet" { (f.snippet) }
            p class="label" { (f.label) }
            @if !f.related.is_empty() {
                ul class="related" {
                    @for (loc, msg) in &f.related {
                        li { code { (loc) } " " (msg) }
                    }
                }
            }
            @if let Some(h) = &f.help {
                p class="help" { strong { "help: " } (h) }
            }
            @for n in &f.notes {
                p class="note" { strong { "note: " } (n) }
            }
            @if let Some(w) = &f.witness {
                details open {
                    summary { "witness (a mutation that shows it)" }
                    pre class="witness" { (w) }
                }
            }
        }
    }
}
