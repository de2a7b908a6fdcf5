//! `--format json`: an array of diagnostics (analysis-v1 §Output).

use super::locate;
use crate::diagnostics::Diagnostic;
use crate::source::SourceMap;
use crate::span::Span;
use serde_json::{json, Value};

fn location_json(sources: &SourceMap, span: Span) -> Value {
    let loc = locate(sources, span);
    json!({
        "file": loc.file,
        "range": { "start": loc.start, "end": loc.end },
        "start": { "line": loc.start_line, "column": loc.start_col },
        "end": { "line": loc.end_line, "column": loc.end_col },
    })
}

/// One diagnostic as a JSON object.
pub fn diagnostic_json(sources: &SourceMap, diag: &Diagnostic) -> Value {
    let mut obj = location_json(sources, diag.primary.span);
    let related: Vec<Value> = diag
        .secondary
        .iter()
        .map(|l| {
            let mut r = location_json(sources, l.span);
            r["message"] = json!(l.message);
            r
        })
        .collect();
    if let Value::Object(map) = &mut obj {
        map.insert("code".into(), json!(diag.code));
        map.insert("kind".into(), json!(diag.kind()));
        map.insert("level".into(), json!(diag.severity.as_str()));
        map.insert("message".into(), json!(diag.message));
        map.insert("label".into(), json!(diag.primary.message));
        map.insert("related".into(), Value::Array(related));
        map.insert("help".into(), json!(diag.help));
        map.insert("notes".into(), json!(diag.notes));
        if let Some(w) = &diag.witness {
            map.insert("witness".into(), w.clone());
        }
        if let Some(sup) = &diag.suppressed {
            let mut s = location_json(sources, sup.span);
            s["reason"] = json!(sup.reason);
            map.insert("suppressed".into(), s);
        }
    }
    obj
}

/// The whole array, pretty-printed.
pub fn render_json(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    let all: Vec<Value> = diagnostics
        .iter()
        .map(|d| diagnostic_json(sources, d))
        .collect();
    serde_json::to_string_pretty(&Value::Array(all)).unwrap_or_else(|_| "[]".to_string())
}
