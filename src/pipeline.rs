//! The front end as one call: load + parse, check, analyze. Used by every
//! command that starts from source files.

use crate::check::{self, model::CheckedUnit};
use crate::diagnostics::{self, Diagnostic, Severity};
use crate::load::{self, LoadError, ParsedUnit};
use crate::source::SourceProvider;
use std::path::PathBuf;

/// A unit taken as far through the front end as its errors allow.
#[derive(Debug)]
pub struct FrontEnd {
    pub parsed: ParsedUnit,
    /// Present when parsing and checking found no error.
    pub checked: Option<CheckedUnit>,
    /// Every diagnostic of every stage, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

impl FrontEnd {
    pub fn error_count(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
    pub fn warning_count(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }
}

/// What to run after type checking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Depth {
    /// Parse and type-check only.
    Check,
    /// Also run the analyzer's findings.
    Analyze,
}

/// Loads, parses and checks (and analyzes, at [`Depth::Analyze`]) a unit.
pub fn run(
    roots: &[PathBuf],
    provider: &dyn SourceProvider,
    depth: Depth,
) -> Result<FrontEnd, LoadError> {
    let mut parsed = load::load(roots, provider)?;
    let mut diagnostics = std::mem::take(&mut parsed.diagnostics);
    // Type errors in a file that did not parse would mostly echo the syntax
    // errors, so checking waits for a clean parse.
    let checked = if diagnostics.iter().any(Diagnostic::is_error) {
        None
    } else {
        let (checked, check_diags) = check::check(&parsed.file_refs());
        diagnostics.extend(check_diags);
        checked
    };
    if depth == Depth::Analyze {
        if let Some(unit) = &checked {
            diagnostics.extend(crate::analyze::analyze(unit));
        }
    }
    diagnostics::sort(&mut diagnostics);
    Ok(FrontEnd {
        parsed,
        checked,
        diagnostics,
    })
}
