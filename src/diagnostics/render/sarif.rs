//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it.

use super::locate;
use crate::diagnostics::{codes, Diagnostic, Severity};
use crate::source::SourceMap;
use crate::span::Span;
use serde_json::{json, Value};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn physical_location(sources: &SourceMap, span: Span) -> Value {
    let loc = locate(sources, span);
    json!({
        "artifactLocation": { "uri": loc.file.replace('\\', "/") },
        "region": {
            "startLine": loc.start_line,
            "startColumn": loc.start_col,
            "endLine": loc.end_line,
            "endColumn": loc.end_col,
            "charOffset": loc.start,
            "charLength": loc.end.saturating_sub(loc.start),
        }
    })
}

/// A SARIF log with one run: every registered code as a rule, every diagnostic a result.
pub fn render_sarif(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    render_sarif_units(&[(sources, diagnostics)])
}

/// One SARIF log for several units (`crmc check --each`).
pub fn render_sarif_units(units: &[(&SourceMap, &[Diagnostic])]) -> String {
    let all_codes: Vec<&codes::CodeInfo> = codes::all().collect();
    let rules: Vec<Value> = all_codes
        .iter()
        .map(|c| {
            json!({
                "id": c.code,
                "name": c.kind,
                "shortDescription": { "text": c.title },
                "fullDescription": { "text": c.title },
                "help": { "text": c.explanation },
                "defaultConfiguration": { "level": level(c.severity) },
                "helpUri": format!("https://crmc.dev/explain/{}", c.code),
            })
        })
        .collect();
    let results: Vec<Value> = units
        .iter()
        .flat_map(|(sources, diagnostics)| diagnostics.iter().map(move |d| (*sources, d)))
        .map(|(sources, d)| {
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str(&format!("\nhelp: {help}"));
            }
            let related: Vec<Value> = d
                .secondary
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    json!({
                        "id": i + 1,
                        "physicalLocation": physical_location(sources, l.span),
                        "message": { "text": l.message },
                    })
                })
                .collect();
            let mut result = json!({
                "ruleId": d.code,
                "ruleIndex": all_codes.iter().position(|c| c.code == d.code).unwrap_or(0),
                "level": level(d.severity),
                "message": { "text": text },
                "locations": [{ "physicalLocation": physical_location(sources, d.primary.span) }],
                "relatedLocations": related,
                "properties": { "kind": d.kind() },
            });
            if let Some(w) = &d.witness {
                result["properties"]["witness"] = w.clone();
            }
            if let Some(sup) = &d.suppressed {
                result["suppressions"] = json!([{
                    "kind": "inSource",
                    "justification": sup.reason,
                    "location": { "physicalLocation": physical_location(sources, sup.span) },
                }]);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "crmc",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://crmc.dev",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_string_pretty(&log).unwrap_or_else(|_| "{}".to_string())
}
