//! `crmc diff OLD NEW`: what a change to a unit changes in its decisions
//! (see `crmc::diff`). OLD and NEW are files, directories, or
//! `git:REV:PATH`.

mod git;
mod render;

use super::{fail_usage, report};
use crmc::pipeline::{self, Depth, FrontEnd};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct DiffArgs {
    /// The unit before the change: a file, a directory, or `git:REV:PATH`
    pub old: String,
    /// The unit after the change: a file, a directory, or `git:REV:PATH`
    pub new: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit 1 when some write would be decided less restrictively
    #[arg(long, value_enum, value_name = "WHAT")]
    pub deny: Option<Deny>,
    /// Conjunctions shown per region (the rest are counted)
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub max_conditions: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    /// For a pull-request comment
    Markdown,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Deny {
    /// Some write moves to a less restrictive outcome (`review` → `auto`,
    /// `never` → `suggest`, newly governed)
    Loosened,
}

pub fn run(args: DiffArgs) -> ExitCode {
    // the two sides load on two threads: parsing is most of a diff's time
    let (old, new) = std::thread::scope(|s| {
        let old = s.spawn(|| load(&args.old));
        let new = load(&args.new);
        (old.join(), new)
    });
    let old = match old {
        Ok(Ok(u)) => u,
        Ok(Err(code)) => return code,
        Err(_) => return fail_usage("loading the old unit failed"),
    };
    let new = match new {
        Ok(u) => u,
        Err(code) => return code,
    };
    let refusal = |spec: &str| format!("`{spec}` has errors; nothing was compared");
    let (Some(o), Some(n)) = (
        report::checked_or_report(&old, &refusal(&args.old)),
        report::checked_or_report(&new, &refusal(&args.new)),
    ) else {
        return ExitCode::from(1);
    };
    let opts = crmc::diff::Options {
        max_conditions: args.max_conditions.max(1),
    };
    let d = match crmc::diff::diff(o, n, opts) {
        Ok(d) => d,
        Err(e) => return fail_usage(e),
    };
    match args.format {
        Format::Human => render::human(&d, &args.old, &args.new),
        Format::Json => outln!("{}", render::json(&d, &args.old, &args.new)),
        Format::Markdown => out!("{}", render::markdown(&d, &args.old, &args.new)),
    }
    let loosened = d.count(crmc::diff::Kind::Loosened);
    if matches!(args.deny, Some(Deny::Loosened)) && loosened > 0 {
        eprintln!(
            "crmc: {} loosened (--deny loosened)",
            super::plural(loosened, "region")
        );
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

/// Loads and checks one side; exit 2 when it cannot be read.
fn load(spec: &str) -> Result<FrontEnd, ExitCode> {
    let front = match git::parse(spec) {
        Some(Err(e)) => return Err(fail_usage(e)),
        Some(Ok((rev, path))) => {
            let roots = git::files(&rev, &path).map_err(fail_usage)?;
            pipeline::run(&roots, &git::GitProvider { rev }, Depth::Check)
                .map_err(|e| e.to_string())
        }
        None => super::paths::front_end(&[PathBuf::from(spec)], Depth::Check),
    };
    front.map_err(|e| fail_usage(format!("`{spec}`: {e}")))
}
