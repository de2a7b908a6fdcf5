//! `crmc build`: check a unit and write its decision table.

use super::{fail_run, fail_usage, paths, quiet, report, sarif_root, stdin_path, Format};
use crmc::diagnostics::Diagnostic;
use crmc::pipeline::{self, Depth};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct BuildArgs {
    /// Files or directories (all `.crmc` files below), `-` for standard input; default: the current directory
    pub paths: Vec<PathBuf>,
    /// Where to write the table, `-` for standard output (required for the binary form; JSON defaults to stdout)
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// What to write: the binary table, or a readable JSON form of it
    #[arg(long, value_enum, default_value_t = Emit::Binary)]
    pub emit: Emit,
    /// Output format for diagnostics
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Emit {
    Binary,
    Json,
}

pub fn run(args: BuildArgs) -> ExitCode {
    if args.emit == Emit::Binary && args.output.is_none() {
        return fail_usage(
            "`crmc build` needs `-o FILE` for the binary table (`-o -` for standard output, or `--emit json`)",
        );
    }
    // Standard output carries one document: JSON or SARIF diagnostics are
    // one, the table written there is another. Refuse rather than guess
    // which one a pipeline reading stdout wants.
    let table_to_stdout = args.output.as_deref().is_none_or(stdin_path);
    if table_to_stdout && args.format != Format::Human {
        return fail_usage(format!(
            "`--format {}` writes diagnostics to standard output, where the table goes too: \
give `-o FILE` for the table",
            args.format.name()
        ));
    }
    let roots = match paths::expand(&args.paths) {
        Ok(r) => r,
        Err(e) => return fail_run(args.format, e),
    };
    let provider = match paths::InputProvider::for_roots(&roots) {
        Ok(p) => p,
        Err(e) => return fail_run(args.format, e),
    };
    let front = match pipeline::run(&roots, &provider, Depth::Analyze) {
        Ok(f) => f,
        Err(e) => return fail_run(args.format, e),
    };
    let printed = if args.format == Format::Sarif {
        // SARIF URIs are relative to the current directory.
        let root = sarif_root();
        let units = [(&front.parsed.sources, &front.diagnostics[..])];
        writeln!(
            std::io::stdout(),
            "{}",
            crmc::diagnostics::render::render_sarif_units(&units, root.as_deref())
        )
    } else {
        report::print_diagnostics(args.format, &front.parsed.sources, &front.diagnostics)
    };
    if let Err(e) = printed {
        return fail_usage(e);
    }
    let Some(unit) = front
        .checked
        .as_ref()
        .filter(|_| !front.diagnostics.iter().any(Diagnostic::is_error))
    else {
        eprintln!("crmc: no table was built because the unit has errors");
        return ExitCode::from(1);
    };
    let table = match crmc::compile::compile(unit) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let bytes = match args.emit {
        Emit::Binary => table.to_bytes(),
        Emit::Json => match serde_json::to_vec_pretty(&table) {
            Ok(mut v) => {
                v.push(b'\n');
                v
            }
            Err(e) => return fail_usage(e),
        },
    };
    match args.output.as_deref().filter(|p| !stdin_path(p)) {
        Some(path) => {
            if let Err(e) = std::fs::write(path, &bytes) {
                return fail_usage(format!("cannot write `{}`: {e}", path.display()));
            }
            if !quiet() {
                eprintln!(
                    "crmc: wrote `{}` ({}, {} bytes)",
                    path.display(),
                    super::plural(unit.contracts.len(), "contract"),
                    bytes.len()
                );
            }
        }
        None => {
            if let Err(e) = std::io::stdout().write_all(&bytes) {
                return fail_usage(e);
            }
            if !quiet() {
                eprintln!(
                    "crmc: wrote the table to standard output ({}, {} bytes)",
                    super::plural(unit.contracts.len(), "contract"),
                    bytes.len()
                );
            }
        }
    }
    ExitCode::SUCCESS
}
