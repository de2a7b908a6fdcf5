//! `crmc check`: parse, type-check and analyze; print diagnostics.

use super::{fail_usage, paths, Format};
use crmc::diagnostics::{render, Diagnostic, Severity};
use crmc::pipeline::{self, Depth};
use crmc::source::DiskProvider;
use std::io::{IsTerminal, Write};
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
}

pub fn run(args: CheckArgs) -> ExitCode {
    let units = match paths::units(&args.paths, args.each) {
        Ok(u) => u,
        Err(e) => return fail_usage(e),
    };
    let depth = if args.no_analyze {
        Depth::Check
    } else {
        Depth::Analyze
    };
    let mut failed = false;
    let mut json_all = Vec::new();
    for roots in units {
        let front = match pipeline::run(&roots, &DiskProvider, depth) {
            Ok(f) => f,
            Err(e) => return fail_usage(e),
        };
        let deny_warnings = args.deny.is_some();
        failed |= front.diagnostics.iter().any(|d| {
            d.severity == Severity::Error || (deny_warnings && d.severity == Severity::Warning)
        });
        let sources = &front.parsed.sources;
        match args.format {
            Format::Human => {
                if let Err(e) = print_human(sources, &front.diagnostics) {
                    return fail_usage(e);
                }
            }
            Format::Json => json_all.extend(
                front
                    .diagnostics
                    .iter()
                    .map(|d| render::diagnostic_json(sources, d)),
            ),
            Format::Sarif => println!("{}", render::render_sarif(sources, &front.diagnostics)),
        }
    }
    if args.format == Format::Json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json_all).unwrap_or_default()
        );
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_human(
    sources: &crmc::source::SourceMap,
    diagnostics: &[Diagnostic],
) -> std::io::Result<()> {
    use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
    let choice = if std::io::stderr().is_terminal() {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    };
    let mut err = StandardStream::stderr(choice);
    render::render_human(sources, diagnostics, &mut err)?;
    if let Some(summary) = render::summary_line(diagnostics) {
        writeln!(err, "crmc: {summary}")?;
    }
    Ok(())
}
