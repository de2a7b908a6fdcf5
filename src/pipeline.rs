//! The front end as one call: load + parse, check, analyze. Used by every
//! command that starts from source files.

use crate::analyze::AnalysisCache;
use crate::check::{self, model::CheckedUnit};
use crate::diagnostics::{suppress, Diagnostic};
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
    /// Unsuppressed errors.
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
    /// Unsuppressed warnings.
    pub fn warning_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_warning()).count()
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
    run_with(roots, provider, depth, crate::analyze::Options::default())
}

/// [`run`] with the analyzer's options (e.g. `--all-witnesses`); findings
/// go through inline suppression like every other diagnostic.
pub fn run_with(
    roots: &[PathBuf],
    provider: &dyn SourceProvider,
    depth: Depth,
    analyze_opts: crate::analyze::Options,
) -> Result<FrontEnd, LoadError> {
    run_keeping_report(roots, provider, depth, analyze_opts).map(|(front, _)| front)
}

/// [`run_with`], also returning the analyzer's findings as data (when the
/// analyzer ran): the diagnostics are made from them, `crmc doc` also draws
/// from them.
pub fn run_keeping_report(
    roots: &[PathBuf],
    provider: &dyn SourceProvider,
    depth: Depth,
    analyze_opts: crate::analyze::Options,
) -> Result<(FrontEnd, Option<crate::analyze::Report>), LoadError> {
    Ok(finish_keeping_report(
        load::load(roots, provider)?,
        depth,
        analyze_opts,
    ))
}

/// Checks (and analyzes, at [`Depth::Analyze`]) a unit already loaded, e.g.
/// by [`load::load_with`] from cached parses.
pub fn finish(parsed: ParsedUnit, depth: Depth, analyze_opts: crate::analyze::Options) -> FrontEnd {
    finish_keeping_report(parsed, depth, analyze_opts).0
}

/// [`finish`], also returning the analyzer's findings as data.
pub fn finish_keeping_report(
    parsed: ParsedUnit,
    depth: Depth,
    analyze_opts: crate::analyze::Options,
) -> (FrontEnd, Option<crate::analyze::Report>) {
    finish_with(parsed, depth, analyze_opts, None)
}

/// [`finish_keeping_report`], reusing the per-contract analysis results
/// kept in `cache` from the last analysis of the same unit (what the
/// language server does after an edit); the diagnostics are the same.
pub fn finish_cached(
    parsed: ParsedUnit,
    depth: Depth,
    analyze_opts: crate::analyze::Options,
    cache: &mut AnalysisCache,
) -> (FrontEnd, Option<crate::analyze::Report>) {
    finish_with(parsed, depth, analyze_opts, Some(cache))
}

fn finish_with(
    mut parsed: ParsedUnit,
    depth: Depth,
    analyze_opts: crate::analyze::Options,
    cache: Option<&mut AnalysisCache>,
) -> (FrontEnd, Option<crate::analyze::Report>) {
    let mut diagnostics = std::mem::take(&mut parsed.diagnostics);
    // Type errors in a file that did not parse would mostly echo the syntax
    // errors, so checking waits for a clean parse.
    let parse_failed = diagnostics.iter().any(Diagnostic::is_error);
    let checked = if parse_failed {
        None
    } else {
        let (checked, check_diags) = check::check(&parsed.file_refs());
        diagnostics.extend(check_diags);
        checked
    };
    let analyzed = depth == Depth::Analyze && checked.is_some();
    let mut report = None;
    if analyzed {
        if let Some(unit) = &checked {
            let (r, diags) = match cache {
                Some(c) => crate::analyze::analyze_report_cached(unit, analyze_opts, c),
                None => crate::analyze::analyze_report(unit, analyze_opts),
            };
            // A guardrail of the standard library that this unit's
            // contracts never meet is no mistake of the unit's: importing
            // `std/guardrails` for Salesforce leads alone is fine.
            let in_std = |d: &Diagnostic| {
                parsed
                    .sources
                    .get(d.primary.span.file)
                    .is_some_and(|f| f.name.starts_with("std/"))
            };
            diagnostics.extend(
                diags
                    .into_iter()
                    .filter(|d| !(d.kind() == "dead_guardrail" && in_std(d))),
            );
            report = Some(r);
        }
    }
    // The checker ran when parsing was clean (then `checked` may still be
    // `None`, because of check errors).
    let check_ran = !parse_failed;
    suppress::apply(
        &parsed.sources,
        &mut diagnostics,
        suppress::StagesRan {
            check: check_ran,
            analyze: analyzed,
        },
    );
    (
        FrontEnd {
            parsed,
            checked,
            diagnostics,
        },
        report,
    )
}
