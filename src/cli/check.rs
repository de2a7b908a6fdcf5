//! `crmc check`: parse, type-check and analyze; print diagnostics.

use super::{fail_usage, paths, report, Format};
use crmc::diagnostics::{render, Severity};
use crmc::pipeline::{self, Depth, FrontEnd};
use crmc::source::DiskProvider;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Files or directories (all `.crmc` files below); default: the current directory
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
        Err(e) => return fail_usage(e),
    };
    // `--all-witnesses` analyzes here, with the option the pipeline lacks
    let depth = if args.no_analyze || args.all_witnesses {
        Depth::Check
    } else {
        Depth::Analyze
    };
    let mut checked: Vec<FrontEnd> = Vec::new();
    for roots in units {
        match pipeline::run(&roots, &DiskProvider, depth) {
            Ok(mut front) => {
                if args.all_witnesses && !args.no_analyze {
                    if let Some(unit) = &front.checked {
                        let opts = crmc::analyze::Options {
                            all_witnesses: true,
                        };
                        front
                            .diagnostics
                            .extend(crmc::analyze::analyze_with(unit, opts));
                        crmc::diagnostics::sort(&mut front.diagnostics);
                    }
                }
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
            Err(e) => return fail_usage(e),
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
            println!(
                "{}",
                serde_json::to_string_pretty(&all).unwrap_or_else(|_| "[]".into())
            );
        }
        Format::Sarif => {
            let units: Vec<_> = checked
                .iter()
                .map(|f| (&f.parsed.sources, &f.diagnostics[..]))
                .collect();
            println!("{}", render::render_sarif_units(&units));
        }
    }
    let deny_warnings = args.deny.is_some();
    let failed = checked.iter().flat_map(|f| &f.diagnostics).any(|d| {
        d.severity == Severity::Error || (deny_warnings && d.severity == Severity::Warning)
    });
    // The process ends here: freeing every tree of a large unit one node at
    // a time would only delay the exit (a tenth of a 1,000-contract check).
    std::mem::forget(checked);
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
