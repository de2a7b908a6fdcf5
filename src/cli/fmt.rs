//! `crmc fmt`: rewrite files in canonical layout, or with `--check` report
//! (with a diff) the files that are not.

use super::{fail_usage, paths};
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
use crmc::diagnostics::render;
use crmc::source::SourceMap;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct FmtArgs {
    /// Files or directories (all `.crmc` files below); default: the current directory
    pub paths: Vec<PathBuf>,
    /// Change nothing; exit 1 and print a diff when a file is not formatted
    #[arg(long)]
    pub check: bool,
}

pub fn run(args: FmtArgs) -> ExitCode {
    let files = match paths::expand(&args.paths) {
        Ok(f) => f,
        Err(e) => return fail_usage(e),
    };
    let mut failed = false;
    for path in files {
        let name = path.display().to_string();
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => return fail_usage(format!("cannot read `{name}`: {e}")),
        };
        match crmc::fmt::format_source(&text) {
            Err(diags) => {
                // Show why the file cannot be formatted; leave it untouched.
                let mut sources = SourceMap::new();
                sources.add(name.clone(), path.clone(), text);
                let mut err = StandardStream::stderr(ColorChoice::Auto);
                let _ = render::render_human(&sources, &diags, &mut err);
                eprintln!("crmc: `{name}` was not formatted because it does not parse");
                failed = true;
            }
            Ok(formatted) if formatted != text => {
                if args.check {
                    print!("{}", crmc::fmt::line_diff(&name, &text, &formatted));
                    failed = true;
                } else if let Err(e) = std::fs::write(&path, formatted) {
                    return fail_usage(format!("cannot write `{name}`: {e}"));
                }
            }
            Ok(_) => {}
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
