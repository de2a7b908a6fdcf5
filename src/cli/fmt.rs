//! `crmc fmt`: rewrite files in canonical layout, or with `--check` report
//! (with a unified diff) the files that are not. `-` formats standard input
//! to standard output.

use super::{color, fail_usage, paths, stdin_path};
use codespan_reporting::term::termcolor::StandardStream;
use crmc::diagnostics::render;
use crmc::source::{DiskProvider, SourceMap, SourceProvider};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct FmtArgs {
    /// Files or directories (all `.crmc` files below); `-` alone: standard input to standard output
    pub paths: Vec<PathBuf>,
    /// Change nothing; exit 1 and print a unified diff when a file is not formatted
    #[arg(long)]
    pub check: bool,
}

pub fn run(args: FmtArgs) -> ExitCode {
    if args.paths.iter().any(|p| stdin_path(p)) {
        if args.paths.len() > 1 {
            return fail_usage("`crmc fmt -` formats standard input alone: give no other paths");
        }
        return run_stdin(args.check);
    }
    let files = match paths::expand(&args.paths) {
        Ok(f) => f,
        Err(e) => return fail_usage(e),
    };
    let mut failed = false;
    let mut reformatted = 0usize;
    for path in &files {
        let name = path.display().to_string();
        let text = match DiskProvider.read(path) {
            Ok(t) => t,
            Err(e) => return fail_usage(format!("cannot read `{name}`: {e}")),
        };
        match format_one(&name, path.clone(), text, args.check) {
            Ok(Outcome::Unchanged) => {}
            Ok(Outcome::Differs(formatted)) => {
                reformatted += 1;
                if args.check {
                    failed = true;
                } else if let Err(e) = std::fs::write(path, formatted) {
                    return fail_usage(format!("cannot write `{name}`: {e}"));
                }
            }
            Ok(Outcome::DoesNotParse) => failed = true,
            Err(e) => return fail_usage(e),
        }
    }
    if !failed && !super::quiet() && !args.check && reformatted > 0 {
        eprintln!(
            "crmc: formatted {} of {}",
            reformatted,
            super::plural(files.len(), "file")
        );
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `crmc fmt -`: the formatted text on stdout (or, with `--check`, the diff).
fn run_stdin(check: bool) -> ExitCode {
    let text = match paths::read_stdin() {
        Ok(t) => t,
        Err(e) => return fail_usage(e),
    };
    let original = text.clone();
    match format_one(
        paths::STDIN_NAME,
        PathBuf::from(paths::STDIN_NAME),
        text,
        check,
    ) {
        Ok(Outcome::DoesNotParse) => ExitCode::from(1),
        Ok(Outcome::Differs(_)) if check => ExitCode::from(1),
        Ok(Outcome::Differs(formatted)) => write_stdout(&formatted),
        Ok(Outcome::Unchanged) if check => ExitCode::SUCCESS,
        Ok(Outcome::Unchanged) => write_stdout(&original),
        Err(e) => fail_usage(e),
    }
}

fn write_stdout(text: &str) -> ExitCode {
    match std::io::stdout().write_all(text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => fail_usage(e),
    }
}

enum Outcome {
    Unchanged,
    Differs(String),
    DoesNotParse,
}

/// Formats one text; with `check`, prints the diff of a text that differs.
fn format_one(name: &str, key: PathBuf, text: String, check: bool) -> Result<Outcome, String> {
    match crmc::fmt::format_source(&text) {
        Err(diags) => {
            // Show why the file cannot be formatted; leave it untouched.
            let mut sources = SourceMap::new();
            sources.add(name.to_string(), key, text);
            let mut err = StandardStream::stderr(color::stderr_choice());
            let _ = render::render_human(&sources, &diags, &mut err);
            eprintln!("crmc: `{name}` was not formatted because it does not parse");
            Ok(Outcome::DoesNotParse)
        }
        Ok(formatted) if formatted == text => Ok(Outcome::Unchanged),
        Ok(formatted) => {
            if check {
                let diff = crmc::fmt::unified_diff(name, &text, &formatted, color::stdout());
                let mut out = std::io::stdout().lock();
                match out.write_all(diff.as_bytes()) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                    Err(e) => return Err(e.to_string()),
                }
            }
            Ok(Outcome::Differs(formatted))
        }
    }
}
