//! Per-contract results kept between analyses of one unit, so that an
//! editor re-analyzes only the contracts an edit changed.
//!
//! A contract's regions ([`Info`]), its per-contract findings (dead
//! contract and rules, shadowing, gaps, hygiene), the chain summaries that
//! step left for the whole-unit phases, and which searches gave up, are a
//! function of four things only: the contract, the unit's schema, its
//! named exclusions and its guardrails (the domain is built from the
//! schema alone; the summaries' final outcomes are after the guardrails). Each is
//! keyed by its `Debug` text with every source span removed, so an edit
//! that only moves a contract (a line added above it) keeps its entry: no
//! finding holds a span, they are looked up in the unit when rendered.
//! Entries are exact copies of what the analysis computed, so a cached run
//! reports what an uncached one does (`tests/analyze_cache.rs` holds that).

use super::{Finding, Summary};
use crate::analyze::algebra::GaveUp;
use crate::analyze::chain::Info;
use crate::check::model::{CheckedUnit, Contract, FieldId};
use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Arc;

/// What the analysis of one contract left, with contract indexes set to 0.
pub(super) struct Entry {
    pub info: Arc<Info>,
    /// The searches that gave up while its regions were computed.
    pub info_gave_up: GaveUp,
    pub dead: bool,
    pub findings: Vec<Finding>,
    pub summaries: Vec<(FieldId, Arc<Summary>)>,
    /// The searches that gave up in its regions and per-contract findings.
    pub gave_up: GaveUp,
}

/// Per-contract analysis results of one unit, reused across its analyses
/// (see the module doc). Holds only the entries of the last analysis.
#[derive(Default)]
pub struct AnalysisCache {
    /// The schema and exclusions the entries were made under.
    context: String,
    entries: HashMap<String, Arc<Entry>>,
    /// Contracts answered from the cache in the last analysis.
    hits: usize,
}

impl AnalysisCache {
    pub fn new() -> AnalysisCache {
        AnalysisCache::default()
    }

    /// How many contracts the last analysis took from the cache.
    pub fn hits(&self) -> usize {
        self.hits
    }

    /// The keys of `unit`'s contracts, after dropping every entry when the
    /// schema or the exclusions changed.
    pub(super) fn keys(&mut self, unit: &CheckedUnit) -> Vec<String> {
        let mut context = String::new();
        let _ = write!(
            context,
            "{:?}{:?}{:?}",
            unit.schema, unit.exclusions, unit.guardrails
        );
        let context = without_spans(&context);
        if context != self.context {
            self.entries.clear();
            self.context = context;
        }
        unit.contracts.iter().map(key).collect()
    }

    pub(super) fn get(&self, key: &str) -> Option<Arc<Entry>> {
        self.entries.get(key).cloned()
    }

    /// Keeps exactly the entries of this analysis: `entries[i]` for the
    /// contract keyed `keys[i]`.
    pub(super) fn replace(&mut self, keys: Vec<String>, entries: Vec<Arc<Entry>>, hits: usize) {
        self.entries = keys.into_iter().zip(entries).collect();
        self.hits = hits;
    }
}

fn key(c: &Contract) -> String {
    let mut text = String::new();
    let _ = write!(text, "{c:?}");
    without_spans(&text)
}

/// `text` with every `Span { file: …, start: …, end: … }` (the `Debug` of
/// [`crate::span::Span`]) cut out, outside string literals only: a quoted
/// string in the `Debug` text (where `"` and `\\` are escaped) is kept
/// whole, so two contracts that differ in a literal never share a key.
pub(crate) fn without_spans(text: &str) -> String {
    const OPEN: &[u8] = b"Span { file: FileId(";
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    // Everything before `kept` is in `out` or cut; the bytes looked at
    // are ASCII, so every cut is at a character boundary.
    let mut kept = 0;
    let mut in_string = false;
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' if in_string => at += 1,
            b'"' => in_string = !in_string,
            b'S' if !in_string && bytes[at..].starts_with(OPEN) => {
                // A span's Debug holds no brace but its own closing one.
                if let Some(end) = bytes[at..].iter().position(|&b| b == b'}') {
                    out.push_str(&text[kept..at]);
                    at += end + 1;
                    kept = at;
                    continue;
                }
            }
            _ => {}
        }
        at += 1;
    }
    out.push_str(&text[kept..]);
    out
}

impl Finding {
    /// A per-contract finding of contract `i` (any other finding as is).
    pub(super) fn for_contract(&self, i: usize) -> Finding {
        let mut f = self.clone();
        match &mut f {
            Finding::Shadowed { contract, .. }
            | Finding::DeadRule { contract, .. }
            | Finding::DeadContract { contract, .. }
            | Finding::Gap { contract, .. }
            | Finding::ThresholdOrder { contract }
            | Finding::NoApprover { contract, .. }
            | Finding::UnsuppressedAutomation { contract }
            | Finding::NoRollback { contract }
            | Finding::ThinAudit { contract, .. }
            | Finding::Capped { contract, .. } => *contract = i,
            Finding::Conflict { .. }
            | Finding::Ownership { .. }
            | Finding::Loop { .. }
            | Finding::DeadGuardrail { .. } => {}
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::{FileId, Span};

    #[test]
    fn spans_are_cut_and_nothing_else() {
        let s = Span {
            file: FileId(3),
            start: 10,
            end: 20,
        };
        let text = format!("A {{ x: 1, span: {s:?}, y: [{s:?}] }}");
        assert_eq!(without_spans(&text), "A { x: 1, span: , y: [] }");
        let moved = Span {
            file: FileId(4),
            start: 99,
            end: 120,
        };
        let other = format!("A {{ x: 1, span: {moved:?}, y: [{moved:?}] }}");
        assert_eq!(without_spans(&text), without_spans(&other));
    }

    #[test]
    fn a_string_that_looks_like_a_span_is_kept() {
        let a = format!("{:?}", "Span { file: FileId(1), start: 0, end: 1 } a");
        let b = format!("{:?}", "Span { file: FileId(2), start: 0, end: 1 } a");
        assert_ne!(without_spans(&a), without_spans(&b));
        let quoted = format!("{:?}", "x\\\"Span { file: FileId(1) }");
        assert_eq!(without_spans(&quoted), quoted);
    }
}
