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
pub mod cause;
pub mod chain;
pub mod explain;
pub mod findings;
pub mod lower;
mod render;
pub mod synth;
pub mod witness;

use crate::check::model::CheckedUnit;
use crate::diagnostics::Diagnostic;

pub use findings::{findings, run, run_cached, run_with, AnalysisCache, Finding, Options, Report};

/// Every finding of a checked unit, as diagnostics sorted by position.
pub fn analyze(unit: &CheckedUnit) -> Vec<Diagnostic> {
    analyze_with(unit, Options::default())
}

/// [`analyze`] with options (`crmc check --all-witnesses`).
pub fn analyze_with(unit: &CheckedUnit, opts: Options) -> Vec<Diagnostic> {
    analyze_report(unit, opts).1
}

/// [`analyze_with`], keeping the findings as data too (`crmc doc` draws the
/// loops of the trigger graph from them).
pub fn analyze_report(unit: &CheckedUnit, opts: Options) -> (Report, Vec<Diagnostic>) {
    rendered(unit, findings::run_with(unit, opts))
}

/// [`analyze_report`], reusing the per-contract results of the last
/// analysis with `cache` (the language server keeps one per unit).
pub fn analyze_report_cached(
    unit: &CheckedUnit,
    opts: Options,
    cache: &mut AnalysisCache,
) -> (Report, Vec<Diagnostic>) {
    rendered(unit, findings::run_cached(unit, opts, cache))
}

/// The report with its diagnostics, sorted by position.
fn rendered(unit: &CheckedUnit, report: Report) -> (Report, Vec<Diagnostic>) {
    let mut t = Phases::new();
    let mut diags = render::render(unit, &report);
    t.mark("render");
    crate::diagnostics::sort(&mut diags);
    t.mark("sort");
    (report, diags)
}

/// Phase timings on stderr when `CRMC_ANALYZE_TIMINGS` is set (for scale
/// work; see `benches/check.rs`).
pub(crate) struct Phases {
    at: Option<std::time::Instant>,
}

impl Phases {
    pub(crate) fn new() -> Phases {
        let on = std::env::var_os("CRMC_ANALYZE_TIMINGS").is_some();
        Phases {
            at: on.then(std::time::Instant::now),
        }
    }

    pub(crate) fn mark(&mut self, phase: &str) {
        if let Some(at) = self.at {
            eprintln!(
                "analyze: {phase:<12} {:>8.1} ms",
                at.elapsed().as_secs_f64() * 1e3
            );
            self.at = Some(std::time::Instant::now());
        }
    }
}
