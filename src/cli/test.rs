//! `crmc test`: run every `test` block through the compiled table.

use super::{fail_usage, paths, report, Format};
use crmc::diagnostics::Diagnostic;
use crmc::pipeline::{self, Depth};
use crmc::source::DiskProvider;
use crmc::testing;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct TestArgs {
    /// Files or directories (all `.crmc` files below); default: the current directory
    pub paths: Vec<PathBuf>,
    /// Test each PATH as its own unit (e.g. one directory per example)
    #[arg(long)]
    pub each: bool,
}

pub fn run(args: TestArgs) -> ExitCode {
    let units = match paths::units(&args.paths, args.each) {
        Ok(u) => u,
        Err(e) => return fail_usage(e),
    };
    let (mut passed, mut failed, mut broken_units) = (0usize, 0usize, 0usize);
    for roots in units {
        // The analyzer runs too: a unit `build` refuses (a conflict, a loop)
        // has no table to test, whatever its tests say.
        let front = match pipeline::run(&roots, &DiskProvider, Depth::Analyze) {
            Ok(f) => f,
            Err(e) => return fail_usage(e),
        };
        let Some(unit) = front
            .checked
            .as_ref()
            .filter(|_| !front.diagnostics.iter().any(Diagnostic::is_error))
        else {
            let errors: Vec<Diagnostic> = front
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .cloned()
                .collect();
            if let Err(e) = report::print_diagnostics(Format::Human, &front.parsed.sources, &errors)
            {
                return fail_usage(e);
            }
            broken_units += 1;
            continue;
        };
        let table = match crmc::compile::compile(unit) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {e}");
                broken_units += 1;
                continue;
            }
        };
        for result in testing::run_tests(unit, &table) {
            let (line, _) = front
                .parsed
                .sources
                .line_col(result.span.file, result.span.start);
            let file = front
                .parsed
                .sources
                .get(result.span.file)
                .map(|f| f.name.as_str())
                .unwrap_or("?");
            if result.passed() {
                passed += 1;
                println!("ok      {} ({file}:{line})", result.name);
            } else {
                failed += 1;
                println!("FAILED  {} ({file}:{line})", result.name);
                for f in &result.failures {
                    println!("        {f}");
                }
                if let Some(line) = result.closest_text(&front.parsed.sources) {
                    println!("        {line}");
                }
                if let Some(d) = &result.decision {
                    println!("        the decision, field by field:");
                    for line in testing::explain_decision(d) {
                        println!("          {line}");
                    }
                }
                println!("        mutation: {}", result.mutation);
            }
        }
    }
    println!();
    print!("crmc: {passed} passed, {failed} failed");
    if broken_units > 0 {
        print!(", {broken_units} unit(s) refused for errors (their tests did not run)");
    }
    println!();
    if failed > 0 || broken_units > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
