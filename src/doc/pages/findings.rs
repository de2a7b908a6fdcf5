//! `findings.html`: every finding of `crmc check`, in its order, each
//! linked to the contract it is about.

use super::layout;
use super::parts::{counts, finding};
use crate::doc::model::UnitDoc;
use maud::html;

pub fn page(doc: &UnitDoc) -> maud::Markup {
    let body = html! {
        h1 { "Findings" }
        p { "What " code { "crmc check" } " reports for this unit: " (counts(doc)) "." }
        @for f in &doc.findings { (finding(doc, f, "", true)) }
    };
    layout::page("Findings", "", body)
}
