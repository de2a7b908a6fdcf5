//! Human output: a source snippet with labels, then help, notes and witness.

use crate::diagnostics::{Diagnostic, Severity};
use crate::source::SourceMap;
use codespan_reporting::diagnostic::{
    Diagnostic as Report, Label as ReportLabel, Severity as ReportSeverity,
};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor::WriteColor, Config};

/// Writes every diagnostic; colour follows `out` (a `Buffer::no_color()` for snapshots).
pub fn render_human(
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    out: &mut dyn WriteColor,
) -> std::io::Result<()> {
    let mut files = SimpleFiles::new();
    for (_, file) in sources.files() {
        files.add(file.name.clone(), file.text.clone());
    }
    let config = Config::default();
    // Suppressed findings are not shown; the summary line counts them.
    for diag in diagnostics.iter().filter(|d| d.suppressed.is_none()) {
        term::emit(out, &config, &files, &to_report(diag)).map_err(std::io::Error::other)?;
    }
    Ok(())
}

fn to_report(diag: &Diagnostic) -> Report<usize> {
    let severity = match diag.severity {
        Severity::Error => ReportSeverity::Error,
        Severity::Warning => ReportSeverity::Warning,
        Severity::Note => ReportSeverity::Note,
    };
    let mut labels =
        vec![
            ReportLabel::primary(diag.primary.span.file.0 as usize, diag.primary.span.range())
                .with_message(diag.primary.message.clone()),
        ];
    labels.extend(diag.secondary.iter().map(|l| {
        ReportLabel::secondary(l.span.file.0 as usize, l.span.range())
            .with_message(l.message.clone())
    }));
    let mut notes = Vec::new();
    if let Some(help) = &diag.help {
        notes.push(format!("help: {help}"));
    }
    notes.extend(diag.notes.iter().cloned());
    if let Some(w) = &diag.witness {
        notes.push(format!("witness: {w}"));
    }
    Report::new(severity)
        .with_code(diag.code)
        .with_message(diag.message.clone())
        .with_labels(labels)
        .with_notes(notes)
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
