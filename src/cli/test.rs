//! `crmc test`: run every `test` block through the compiled table.

use super::{fail_usage, paths, report};
use crmc::pipeline::{self, Depth, FrontEnd};
use crmc::testing::{self, report::Totals, report::UnitReport};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct TestArgs {
    /// Files or directories (all `.crmc` files below); default: the current directory
    pub paths: Vec<PathBuf>,
    /// Test each PATH as its own unit (e.g. one directory per example)
    #[arg(long)]
    pub each: bool,
    /// Report format: a listing, one JSON document, or JUnit XML for CI
    #[arg(long, value_enum, default_value_t = TestFormat::Human)]
    pub format: TestFormat,
    /// Run only the tests whose name contains SUBSTRING
    #[arg(long, value_name = "SUBSTRING")]
    pub filter: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TestFormat {
    /// `ok`/`FAILED` per test, with the reasons of each failure
    Human,
    /// One JSON document: a summary and every test's result
    Json,
    /// JUnit XML (testsuites/testsuite/testcase/failure)
    Junit,
}

pub fn run(args: TestArgs) -> ExitCode {
    let units = match paths::units(&args.paths, args.each) {
        Ok(u) => u,
        Err(e) => return fail_usage(e),
    };
    let provider = match paths::InputProvider::for_roots(units.iter().flatten()) {
        Ok(p) => p,
        Err(e) => return fail_usage(e),
    };
    let mut fronts: Vec<(String, FrontEnd)> = Vec::new();
    for roots in units {
        // The analyzer runs too: a unit `build` refuses (a conflict, a loop)
        // has no table to test, whatever its tests say.
        match pipeline::run(&roots, &provider, Depth::Analyze) {
            Ok(f) => {
                let name = roots
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(" ");
                fronts.push((name, f));
            }
            Err(e) => return fail_usage(e),
        }
    }
    let mut reports: Vec<UnitReport<'_>> = Vec::new();
    for (name, front) in &fronts {
        let mut unit_report = UnitReport {
            name: name.clone(),
            sources: &front.parsed.sources,
            results: Vec::new(),
            errors: front
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .cloned()
                .collect(),
            filtered: 0,
            compile_error: None,
        };
        match front
            .checked
            .as_ref()
            .filter(|_| unit_report.errors.is_empty())
        {
            None => {
                // People read the errors whatever the report's format.
                if let Err(e) = report::print_diagnostics(
                    super::Format::Human,
                    &front.parsed.sources,
                    &unit_report.errors,
                ) {
                    return fail_usage(e);
                }
            }
            Some(unit) => match crmc::compile::compile(unit) {
                Ok(table) => {
                    for test in &unit.tests {
                        if args
                            .filter
                            .as_ref()
                            .is_some_and(|f| !test.name.contains(f.as_str()))
                        {
                            unit_report.filtered += 1;
                            continue;
                        }
                        unit_report
                            .results
                            .push(testing::run_test(unit, &table, test));
                    }
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    unit_report.compile_error = Some(e.to_string());
                }
            },
        }
        reports.push(unit_report);
    }
    let text = match args.format {
        // `--quiet`: only failures and the summary.
        TestFormat::Human if super::quiet() => testing::report::human(&reports)
            .lines()
            .filter(|l| !l.starts_with("ok ") && !l.is_empty())
            .map(|l| format!("{l}\n"))
            .collect(),
        TestFormat::Human => testing::report::human(&reports),
        TestFormat::Json => testing::report::json(&reports, Vec::new()) + "\n",
        TestFormat::Junit => testing::report::junit(&reports),
    };
    if let Err(e) = std::io::stdout().write_all(text.as_bytes()) {
        return fail_usage(e);
    }
    if Totals::of(&reports).success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
