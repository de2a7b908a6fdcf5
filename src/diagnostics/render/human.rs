//! Human output: a source snippet with labels, then help, notes and witness.

mod excerpt;

use crate::diagnostics::{Diagnostic, Severity};
use crate::source::SourceMap;
use crate::span::{FileId, Span};
use codespan_reporting::diagnostic::{
    Diagnostic as Report, Label as ReportLabel, Severity as ReportSeverity,
};
use codespan_reporting::term::{self, termcolor::WriteColor, Config};
use excerpt::{Excerpt, Excerpts};

/// Writes every diagnostic; colour follows `out` (a `Buffer::no_color()` for snapshots).
pub fn render_human(
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    out: &mut dyn WriteColor,
) -> std::io::Result<()> {
    let config = Config::default();
    // Suppressed findings are not shown; the summary line counts them.
    for diag in diagnostics.iter().filter(|d| d.suppressed.is_none()) {
        // Each diagnostic renders from its own excerpt of the files it
        // points into, so its cost is its snippet's, not the file's.
        let (files, report) = to_report(sources, diag);
        term::emit(out, &config, &files, &report).map_err(std::io::Error::other)?;
    }
    Ok(())
}

fn to_report(sources: &SourceMap, diag: &Diagnostic) -> (Excerpts, Report<usize>) {
    let severity = match diag.severity {
        Severity::Error => ReportSeverity::Error,
        Severity::Warning => ReportSeverity::Warning,
        Severity::Note => ReportSeverity::Note,
    };
    let spans: Vec<Span> = std::iter::once(diag.primary.span)
        .chain(diag.secondary.iter().map(|l| l.span))
        .collect();
    // One excerpt per file the labels name, in order of first mention.
    let mut ids: Vec<FileId> = Vec::new();
    for s in &spans {
        if !ids.contains(&s.file) {
            ids.push(s.file);
        }
    }
    let mut excerpts = Vec::new();
    let mut files = Vec::new();
    for id in &ids {
        let Some(file) = sources.get(*id) else {
            continue;
        };
        let ranges: Vec<_> = spans
            .iter()
            .filter(|s| s.file == *id)
            .map(|s| s.range())
            .collect();
        excerpts.push(Excerpt::new(file, &ranges));
        files.push((*id, file));
    }
    let label = |span: Span, primary: bool, message: &str| {
        let index = files.iter().position(|(id, _)| *id == span.file)?;
        let (_, file) = files[index];
        let e = &excerpts[index];
        let range = e.map(file, span.start as usize)..e.map(file, span.end as usize);
        let l = if primary {
            ReportLabel::primary(index, range)
        } else {
            ReportLabel::secondary(index, range)
        };
        Some(l.with_message(message.to_string()))
    };
    let mut labels: Vec<ReportLabel<usize>> = Vec::new();
    labels.extend(label(diag.primary.span, true, &diag.primary.message));
    labels.extend(
        diag.secondary
            .iter()
            .filter_map(|l| label(l.span, false, &l.message)),
    );
    let mut notes = Vec::new();
    if let Some(help) = &diag.help {
        notes.push(format!("help: {help}"));
    }
    notes.extend(diag.notes.iter().cloned());
    if let Some(w) = &diag.witness {
        notes.push(format!("witness: {w}"));
    }
    let report = Report::new(severity)
        .with_code(diag.code)
        .with_message(diag.message.clone())
        .with_labels(labels)
        .with_notes(notes);
    (Excerpts(excerpts), report)
}

/// `2 errors, 1 warning` style summary; `None` when there is nothing to say.
pub fn summary_line(diagnostics: &[Diagnostic]) -> Option<String> {
    let count = |s: Severity| {
        diagnostics
            .iter()
            .filter(|d| d.severity == s && d.suppressed.is_none())
            .count()
    };
    let suppressed = diagnostics
        .iter()
        .filter(|d| d.suppressed.is_some())
        .count();
    let mut parts: Vec<String> = [
        (Severity::Error, "error"),
        (Severity::Warning, "warning"),
        (Severity::Note, "note"),
    ]
    .into_iter()
    .filter_map(|(s, word)| match count(s) {
        0 => None,
        1 => Some(format!("1 {word}")),
        n => Some(format!("{n} {word}s")),
    })
    .collect();
    if suppressed > 0 {
        parts.push(format!("{suppressed} suppressed"));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}
