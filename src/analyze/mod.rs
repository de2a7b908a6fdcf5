//! (being written on the `analyzer` branch)
use crate::check::model::CheckedUnit;
use crate::diagnostics::Diagnostic;

pub fn analyze(unit: &CheckedUnit) -> Vec<Diagnostic> {
    let _ = unit;
    Vec::new()
}
