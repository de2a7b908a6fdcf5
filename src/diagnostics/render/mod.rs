//! The one place diagnostics become text: human (source snippets via
//! codespan-reporting), JSON (analysis-v1 §Output) and SARIF 2.1.0.

mod human;
mod json;
mod sarif;

pub use human::{render_human, summary_line};
pub use json::{diagnostic_json, render_json};
pub use sarif::{render_sarif, render_sarif_failure, render_sarif_units};

use crate::source::SourceMap;
use crate::span::Span;

/// A span as users count: file name, byte range, 1-based lines and columns.
pub(crate) struct Location {
    pub file: String,
    pub start: usize,
    pub end: usize,
    pub start_line: usize,
    pub start_col: usize,
    pub end_line: usize,
    pub end_col: usize,
}

pub(crate) fn locate(sources: &SourceMap, span: Span) -> Location {
    let (start_line, start_col) = sources.line_col(span.file, span.start);
    let (end_line, end_col) = sources.line_col(span.file, span.end);
    Location {
        file: sources
            .get(span.file)
            .map(|f| f.name.clone())
            .unwrap_or_default(),
        start: span.start as usize,
        end: span.end as usize,
        start_line,
        start_col,
        end_line,
        end_col,
    }
}
