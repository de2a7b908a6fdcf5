//! `crmc check`: parse, type-check and analyze; print diagnostics.

use super::{fail_run, fail_usage, paths, plural, quiet, report, sarif_root, Format};
use crmc::diagnostics::{render, Severity};
use crmc::pipeline::{self, Depth, FrontEnd};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Files or directories (all `.crmc` files below), `-` for standard input; default: the current directory
    pub paths: Vec<PathBuf>,
    /// Output format for diagnostics
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// `--deny warnings`: fail (exit 1) on warnings too
    #[arg(long, value_name = "LEVEL", value_parser = ["warnings"])]
    pub deny: Option<String>,
    /// Check each PATH as its own unit (e.g. one directory per example)
    #[arg(long)]
    pub each: bool,
    /// Skip the analyzer: syntax, names and types only
    #[arg(long)]
    pub no_analyze: bool,
    /// One witness per overlapping pair of contracts in conflict and
    /// ownership findings (default: one per finding)
    #[arg(long)]
    pub all_witnesses: bool,
}

pub fn run(args: CheckArgs) -> ExitCode {
    let units = match paths::units(&args.paths, args.each) {
        Ok(u) => u,
        Err(e) => return fail_run(args.format, e),
    };
    let provider = match paths::InputProvider::for_roots(units.iter().flatten()) {
        Ok(p) => p,
        Err(e) => return fail_run(args.format, e),
    };
    let depth = if args.no_analyze {
        Depth::Check
    } else {
        Depth::Analyze
    };
    let opts = crmc::analyze::Options {
        all_witnesses: args.all_witnesses,
    };
    let mut checked: Vec<FrontEnd> = Vec::new();
    for roots in units {
        match pipeline::run_with(&roots, &provider, depth, opts) {
            Ok(front) => {
                if args.format == Format::Human {
                    if let Err(e) = report::print_diagnostics(
                        Format::Human,
                        &front.parsed.sources,
                        &front.diagnostics,
                    ) {
                        return fail_usage(e);
                    }
                }
                checked.push(front);
            }
            Err(e) => return fail_run(args.format, e),
        }
    }
    // Machine formats are one document for all units.
    match args.format {
        Format::Human => {}
        Format::Json => {
            let all: Vec<serde_json::Value> = checked
                .iter()
                .flat_map(|f| {
                    f.diagnostics
                        .iter()
                        .map(|d| render::diagnostic_json(&f.parsed.sources, d))
                })
                .collect();
            outln!(
                "{}",
                serde_json::to_string_pretty(&all).unwrap_or_else(|_| "[]".into())
            );
        }
        Format::Sarif => {
            let units: Vec<_> = checked
                .iter()
                .map(|f| (&f.parsed.sources, &f.diagnostics[..]))
                .collect();
            let root = sarif_root();
            outln!("{}", render::render_sarif_units(&units, root.as_deref()));
        }
    }
    let deny_warnings = args.deny.is_some();
    let failed = checked
        .iter()
        .flat_map(|f| &f.diagnostics)
        .any(|d| d.is_error() || (deny_warnings && d.is_warning()));
    // Human output with diagnostics already ends with their count.
    let counted = args.format == Format::Human && checked.iter().any(|f| !f.diagnostics.is_empty());
    if !failed && !quiet() && !counted {
        eprintln!("crmc: {}", summary(&checked));
    }
    // The process ends here: freeing every tree of a large unit one node at
    // a time would only delay the exit (a tenth of a 1,000-contract check).
    std::mem::forget(checked);
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `checked 3 files, 4 contracts: no problems` (files of the user's, not
/// the embedded `std/…` modules).
pub fn summary(units: &[FrontEnd]) -> String {
    let files: usize = units
        .iter()
        .map(|f| {
            f.parsed
                .sources
                .files()
                .filter(|(_, s)| !s.key.to_string_lossy().starts_with("<std>"))
                .count()
        })
        .sum();
    let contracts: usize = units
        .iter()
        .filter_map(|f| f.checked.as_ref())
        .map(|c| c.contracts.len())
        .sum();
    let count = |s: Severity| {
        units
            .iter()
            .flat_map(|f| &f.diagnostics)
            .filter(|d| d.severity == s)
            .count()
    };
    let counts: Vec<String> = [
        (Severity::Error, "error"),
        (Severity::Warning, "warning"),
        (Severity::Note, "note"),
    ]
    .into_iter()
    .filter(|(s, _)| count(*s) > 0)
    .map(|(s, word)| plural(count(s), word))
    .collect();
    let findings = if counts.is_empty() {
        "no problems".to_string()
    } else {
        counts.join(", ")
    };
    let units_part = if units.len() > 1 {
        format!("{}, ", plural(units.len(), "unit"))
    } else {
        String::new()
    };
    format!(
        "checked {units_part}{}, {}: {findings}",
        plural(files, "file"),
        plural(contracts, "contract")
    )
}
