//! Printing a unit's diagnostics in the chosen format (shared by the
//! commands that start from source files).

use super::Format;
use codespan_reporting::term::termcolor::BufferedStandardStream;
use crmc::diagnostics::{render, Diagnostic};
use crmc::source::SourceMap;
use std::io::Write;

/// Human output goes to stderr (it is commentary); JSON and SARIF go to
/// stdout (they are the command's product).
pub fn print_diagnostics(
    format: Format,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
) -> std::io::Result<()> {
    match format {
        Format::Human => {
            // Buffered: codespan writes a snippet in many small pieces, and
            // stderr is unbuffered (one write(2) per piece otherwise).
            let mut err = BufferedStandardStream::stderr(super::color::stderr_choice());
            render::render_human(sources, diagnostics, &mut err)?;
            if let Some(summary) = render::summary_line(diagnostics) {
                writeln!(err, "crmc: {summary}")?;
            }
            err.flush()
        }
        Format::Json => writeln!(
            std::io::stdout(),
            "{}",
            render::render_json(sources, diagnostics)
        ),
        Format::Sarif => writeln!(
            std::io::stdout(),
            "{}",
            render::render_sarif(sources, diagnostics)
        ),
    }
}

/// The checked unit of `front`, or (when it has errors) `None` after its
/// diagnostics and `refusal` on standard error.
pub fn checked_or_report<'f>(
    front: &'f crmc::pipeline::FrontEnd,
    refusal: &str,
) -> Option<&'f crmc::check::model::CheckedUnit> {
    let unit = front.checked.as_ref().filter(|_| front.error_count() == 0);
    if unit.is_none() {
        let _ = print_diagnostics(Format::Human, &front.parsed.sources, &front.diagnostics);
        eprintln!("crmc: {refusal}");
    }
    unit
}
