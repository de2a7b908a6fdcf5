//! Stage 3: analysis of a checked unit (analysis-v1): conflicts, ownership,
//! shadowed and dead rules, dead contracts, gaps, automation loops and the
//! hygiene checks, each finding about rule behaviour with a witness mutation.
//!
//! ```text
//! lower     Cond -> Region (union of cubes over mutation variables)
//! chain     per (contract, field): who decides where, outcome after caps
//! findings  the finding kinds, as data (`Finding`)
//! render    Finding -> Diagnostic (labels, help, witness, notes)
//! ```

pub mod algebra;
pub mod chain;
pub mod explain;
pub mod findings;
pub mod lower;
mod render;
pub mod synth;
pub mod witness;

use crate::check::model::CheckedUnit;
use crate::diagnostics::Diagnostic;

pub use findings::{findings, run, Finding, Report};

/// Every finding of a checked unit, as diagnostics sorted by position.
pub fn analyze(unit: &CheckedUnit) -> Vec<Diagnostic> {
    let report = findings::run(unit);
    let mut diags = render::render(unit, &report);
    crate::diagnostics::sort(&mut diags);
    diags
}
