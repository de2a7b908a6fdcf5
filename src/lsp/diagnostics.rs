//! crmc diagnostics as LSP diagnostics, grouped by file: the same code,
//! severity and message as `crmc check`; the primary label's span is the
//! range; the other labels are related information; help, notes and the
//! witness follow the message on lines of their own. Suppressed findings
//! are left out, as in `crmc check`'s human output.

use super::unit::Unit;
use crate::diagnostics::{Diagnostic, Severity};
use lsp_types as lsp;
use std::collections::BTreeMap;

/// `Uri` is not `Ord`; files are grouped by their URI's text.
pub type ByFile = BTreeMap<String, (lsp::Uri, Vec<lsp::Diagnostic>)>;

/// The LSP diagnostics of a unit, by file (every file of the unit has an
/// entry, empty when clean, so the caller can clear old ones).
pub fn by_file(unit: &Unit) -> ByFile {
    let mut out = ByFile::new();
    for (id, _) in unit.front.parsed.sources.files() {
        if let Some(uri) = unit.uri(id) {
            out.insert(uri.as_str().to_string(), (uri.clone(), Vec::new()));
        }
    }
    for d in unit
        .front
        .diagnostics
        .iter()
        .filter(|d| d.suppressed.is_none())
    {
        let Some(uri) = unit.uri(d.primary.span.file) else {
            continue;
        };
        if let (Some(lsp_diag), Some(entry)) = (convert(unit, d), out.get_mut(uri.as_str())) {
            entry.1.push(lsp_diag);
        }
    }
    out
}

/// An analyzer finding (E05xx/W05xx): what arrives after the check.
pub fn is_analysis(d: &lsp::Diagnostic) -> bool {
    matches!(&d.code, Some(lsp::NumberOrString::String(c)) if c.starts_with("E05") || c.starts_with("W05"))
}

/// The message with its detail: help, notes, witness.
pub fn message(d: &Diagnostic) -> String {
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    for note in &d.notes {
        text.push_str("\nnote: ");
        text.push_str(note);
    }
    if let Some(w) = &d.witness {
        text.push_str("\nwitness: ");
        text.push_str(&w.to_string());
    }
    text
}

fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Note => lsp::DiagnosticSeverity::INFORMATION,
    }
}

/// One diagnostic, if its file has a URI.
pub fn convert(unit: &Unit, d: &Diagnostic) -> Option<lsp::Diagnostic> {
    let range = unit.range(d.primary.span)?;
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .secondary
        .iter()
        .filter_map(|l| {
            Some(lsp::DiagnosticRelatedInformation {
                location: unit.location(l.span)?,
                message: l.message.clone(),
            })
        })
        .collect();
    Some(lsp::Diagnostic {
        range,
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.code.to_string())),
        code_description: None,
        source: Some("crmc".into()),
        message: message(d),
        related_information: if related.is_empty() {
            None
        } else {
            Some(related)
        },
        tags: None,
        data: None,
    })
}
