//! The findings of `crmc check` as the report shows them: code, message,
//! where, the labels, help, notes and witness, and which contract each is
//! about (the contract whose block holds its primary span; contracts its
//! other labels point into are named too).

use crate::check::model::CheckedUnit;
use crate::diagnostics::Diagnostic;
use crate::source::SourceMap;
use crate::span::Span;

/// One diagnostic, ready to show.
pub struct FindingDoc {
    /// Anchor on the findings page: `f1`, `f2`, ... in diagnostic order.
    pub anchor: String,
    pub code: &'static str,
    /// `error`, `warning` or `note`.
    pub severity: &'static str,
    pub kind: &'static str,
    pub message: String,
    /// `file:line:column` of the primary span.
    pub location: String,
    /// The source line the primary span starts on.
    pub snippet: String,
    pub label: String,
    /// Other places, with their label.
    pub related: Vec<(String, String)>,
    pub help: Option<String>,
    pub notes: Vec<String>,
    /// The witness mutation, pretty JSON.
    pub witness: Option<String>,
    /// The reason of the `// crmc: allow(...)` comment that suppresses it.
    pub suppressed: Option<String>,
    /// The contract (index) it is about.
    pub contract: Option<usize>,
    /// Other contracts its labels point into.
    pub also: Vec<usize>,
}

fn location(sources: &SourceMap, span: Span) -> String {
    let name = sources.get(span.file).map_or("?", |f| f.name.as_str());
    let (line, col) = sources.line_col(span.file, span.start);
    format!("{name}:{line}:{col}")
}

fn line_of(sources: &SourceMap, span: Span) -> String {
    let Some(f) = sources.get(span.file) else {
        return String::new();
    };
    let (line, _) = sources.line_col(span.file, span.start);
    let starts = f.line_starts();
    let start = starts.get(line - 1).copied().unwrap_or(0) as usize;
    let end = starts
        .get(line)
        .map_or(f.text.len(), |&e| e as usize)
        .min(f.text.len());
    f.text.get(start..end).unwrap_or("").trim_end().to_string()
}

/// Which contract's block holds a span: contracts' blocks do not overlap,
/// so a sorted list of (file, start, end) answers by binary search.
struct Blocks(Vec<(Span, usize)>);

impl Blocks {
    fn new(unit: Option<&CheckedUnit>) -> Blocks {
        let mut v: Vec<(Span, usize)> = unit
            .map(|u| {
                u.contracts
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (c.span, i))
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        Blocks(v)
    }

    fn find(&self, s: Span) -> Option<usize> {
        let k = self
            .0
            .partition_point(|(b, _)| (b.file, b.start) <= (s.file, s.start));
        let (b, i) = self.0.get(k.checked_sub(1)?)?;
        (b.file == s.file && s.start < b.end.max(b.start + 1)).then_some(*i)
    }
}

/// Every diagnostic, in the order given (`crmc check`'s: by position).
pub fn findings(
    sources: &SourceMap,
    unit: Option<&CheckedUnit>,
    diags: &[Diagnostic],
) -> Vec<FindingDoc> {
    let blocks = Blocks::new(unit);
    diags
        .iter()
        .enumerate()
        .map(|(k, d)| {
            let contract = blocks.find(d.primary.span);
            let mut also: Vec<usize> = d
                .secondary
                .iter()
                .filter_map(|l| blocks.find(l.span))
                .filter(|&i| Some(i) != contract)
                .collect();
            also.sort_unstable();
            also.dedup();
            FindingDoc {
                anchor: format!("f{}", k + 1),
                code: d.code,
                severity: d.severity.as_str(),
                kind: d.kind(),
                message: d.message.clone(),
                location: location(sources, d.primary.span),
                snippet: line_of(sources, d.primary.span),
                label: d.primary.message.clone(),
                related: d
                    .secondary
                    .iter()
                    .map(|l| (location(sources, l.span), l.message.clone()))
                    .collect(),
                help: d.help.clone(),
                notes: d.notes.clone(),
                witness: d
                    .witness
                    .as_ref()
                    .map(|w| serde_json::to_string_pretty(w).unwrap_or_default()),
                suppressed: d.suppressed.as_ref().map(|s| s.reason.clone()),
                contract,
                also,
            }
        })
        .collect()
}
