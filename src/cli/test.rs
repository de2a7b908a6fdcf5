//! `crmc test`: run every `test` block through the compiled table.

use super::{fail_usage, paths, report};
use crmc::pipeline::{self, Depth, FrontEnd};
use crmc::testing::coverage::report as cov_report;
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
    /// Report which rules no test reached: field rules, `*` rules, the
    /// default `never`, exclusions, `eligible` (applied and not applied) and
    /// confidence thresholds, with file:line and the rule's text. Counted by
    /// the reference interpreter on each test's mutation (the compiled
    /// table's decision names only the winning rule). Human: after the
    /// listing; json: a `coverage` object; junit: testsuite properties, and
    /// the listing on stderr
    #[arg(long)]
    pub coverage: bool,
    /// Exit 1 when fewer than PCT percent of the rules are reached (a CI
    /// gate; implies --coverage)
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    pub min_coverage: Option<f64>,
}

/// `80`, `80%` or `72.5`: a percentage from 0 to 100.
pub(super) fn parse_percent(text: &str) -> Result<f64, String> {
    let number = text.trim().trim_end_matches('%');
    match number.parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        _ => Err(format!(
            "`{text}` is not a percentage from 0 to 100 (e.g. 80 or 80%)"
        )),
    }
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
    let coverage = args.coverage || args.min_coverage.is_some();
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
            coverage: None,
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
                    if coverage {
                        unit_report.coverage = Some(testing::coverage::coverage(
                            unit,
                            &front.parsed.sources,
                            &unit_report.results,
                        ));
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
    let min = args.min_coverage;
    let listing = coverage.then(|| cov_report::human(&reports, min));
    let mut text = match args.format {
        TestFormat::Human => testing::report::human(&reports) + listing.as_deref().unwrap_or(""),
        TestFormat::Json => {
            let extra = if coverage {
                vec![("coverage", cov_report::json(&reports, min))]
            } else {
                Vec::new()
            };
            testing::report::json(&reports, extra) + "\n"
        }
        TestFormat::Junit => testing::report::junit(&reports),
    };
    if args.format == TestFormat::Human && super::quiet() {
        // `--quiet`: only failures, what no test reached, and the summaries.
        text = text
            .lines()
            .filter(|l| !l.starts_with("ok ") && !l.is_empty())
            .map(|l| format!("{l}\n"))
            .collect();
    }
    if let Err(e) = std::io::stdout().write_all(text.as_bytes()) {
        return fail_usage(e);
    }
    // JUnit XML is for machines: people read the coverage on stderr.
    if let (TestFormat::Junit, Some(listing)) = (args.format, &listing) {
        eprint!("{}", listing.trim_start());
    }
    let gate_failed = min.is_some_and(|m| cov_report::below(&reports, m));
    // The human listing (on stdout, or stderr with junit) already says so.
    if gate_failed && args.format == TestFormat::Json {
        let (reached, total) = cov_report::counts(&reports);
        eprintln!(
            "crmc: coverage {:.1}% ({reached} of {total} rules reached) is below --min-coverage {}%",
            cov_report::percent(reached, total),
            min.unwrap_or_default()
        );
    }
    if Totals::of(&reports).success() && !gate_failed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
