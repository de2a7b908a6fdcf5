//! `crmc doc`: writes the governance report of a unit as a static site.
//! The library makes the files ([`crmc::doc::site`]); this writes them.
//!
//! The output directory is created when missing. One that exists must be
//! empty or hold a previous report (its `.crmc-doc` list of written files):
//! then files of the previous report that the new one lacks (a renamed
//! contract's page) are removed, so no stale page is left to mislead a
//! reviewer, and nothing else in the directory is touched.

use super::{fail_usage, paths, plural, quiet};
use crmc::pipeline::{self, Depth};
use crmc::source::{DiskProvider, SourceProvider};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct DocArgs {
    /// Files or directories (all `.crmc` files below), `-` for standard input; default: the current directory
    pub paths: Vec<PathBuf>,
    /// The directory to write the report into (created if missing)
    #[arg(short, long, value_name = "DIR")]
    pub out: PathBuf,
}

/// The list of files a report wrote, kept in its directory.
const MANIFEST: &str = ".crmc-doc";

pub fn run(args: DocArgs) -> ExitCode {
    let roots = match paths::expand(&args.paths) {
        Ok(r) => r,
        Err(e) => return fail_usage(e),
    };
    let provider = match paths::InputProvider::for_roots(&roots) {
        Ok(p) => p,
        Err(e) => return fail_usage(e),
    };
    let (front, report) = match pipeline::run_keeping_report(
        &roots,
        &provider,
        Depth::Analyze,
        crmc::analyze::Options::default(),
    ) {
        Ok(r) => r,
        Err(e) => return fail_usage(e),
    };
    let site = crmc::doc::site(&front, report.as_ref());
    if let Err(e) = write(&args.out, &site) {
        return fail_usage(e);
    }
    let errors = front.error_count();
    let contracts = front.checked.as_ref().map_or(0, |u| u.contracts.len());
    if errors > 0 {
        eprintln!(
            "crmc doc: the unit has {}; wrote the report of them to `{}`",
            plural(errors, "error"),
            args.out.join("index.html").display()
        );
        return ExitCode::from(1);
    }
    if !quiet() {
        eprintln!(
            "crmc doc: wrote {} ({}, {}) to `{}`",
            plural(site.files.len(), "file"),
            plural(contracts, "contract"),
            plural(front.diagnostics.len(), "finding"),
            args.out.display()
        );
    }
    ExitCode::SUCCESS
}

fn previous(dir: &Path) -> Result<Option<BTreeSet<String>>, String> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Some(BTreeSet::new())),
        Err(e) => return Err(format!("cannot read `{}`: {e}", dir.display())),
    };
    let empty = entries.count() == 0;
    // Read with a ceiling: a manifest too large to be ours is no report.
    match DiskProvider.read(&dir.join(MANIFEST)) {
        Ok(text) => Ok(Some(text.lines().map(str::to_string).collect())),
        Err(_) if empty => Ok(Some(BTreeSet::new())),
        Err(_) => Ok(None),
    }
}

fn write(dir: &Path, site: &crmc::doc::Site) -> Result<(), String> {
    let Some(old) = previous(dir)? else {
        return Err(format!(
            "`{}` is not empty and holds no report of `crmc doc` (no `{MANIFEST}`); give an empty or new directory",
            dir.display()
        ));
    };
    let new: BTreeSet<String> = site.files.iter().map(|f| f.path.clone()).collect();
    for f in &site.files {
        let path = dir.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create `{}`: {e}", parent.display()))?;
        }
        std::fs::write(&path, &f.contents)
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    }
    // only names a report writes: no `..`, nothing absolute
    let ours = |p: &str| {
        !p.is_empty() && !p.starts_with('/') && !p.split('/').any(|s| s == ".." || s.is_empty())
    };
    for stale in old.difference(&new).filter(|p| ours(p)) {
        let path = dir.join(stale);
        if let Err(e) = std::fs::remove_file(&path) {
            if e.kind() != std::io::ErrorKind::NotFound {
                return Err(format!("cannot remove `{}`: {e}", path.display()));
            }
        }
    }
    let mut list: String = new.iter().map(|p| format!("{p}\n")).collect();
    if list.is_empty() {
        list.push('\n');
    }
    std::fs::write(dir.join(MANIFEST), list)
        .map_err(|e| format!("cannot write `{}`: {e}", dir.join(MANIFEST).display()))
}
