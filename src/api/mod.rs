//! The compiler as a library: what `crmc check` and `crmc build` do, for
//! programs that compile contracts themselves (a `build.rs` embedding a
//! table, a service reloading contracts). Same pipeline, same diagnostics:
//! [`compile`] refuses exactly the units `crmc build` refuses.
//!
//! ```
//! let sources = crmc::Sources::in_memory().file(
//!     "leads.crmc",
//!     r#"import "std/salesforce"
//!
//! contract enrich version 1 {
//!   object  Lead
//!   actor   ai "enricher"
//!   mode    automated_write
//!   trigger on create, update
//!   exclude when HasOptedOutOfEmail
//!   fields {
//!     Industry: auto
//!     Email:    never
//!   }
//! }
//! "#,
//! );
//! // Warnings (no rollback, no audit) do not stop a table, as in `crmc build`.
//! let table = crmc::compile(&sources).map_err(|e| e.to_string())?;
//! assert_eq!(table.contracts.len(), 1);
//!
//! // A misspelt field is a problem with a code, a snippet and a hint.
//! let broken = crmc::Sources::in_memory().file(
//!     "broken.crmc",
//!     "import \"std/salesforce\"\ncontract c version 1 {\n  object Lead\n  actor ai \"x\"\n  \
//!      mode draft\n  trigger on update\n  fields { Indstry: auto }\n}\n",
//! );
//! let problems = crmc::check(&broken).map_err(|e| e.to_string())?;
//! let typo = problems.iter().find(|p| p.is_error()).ok_or("no error")?;
//! assert_eq!(typo.code(), "E0302");
//! assert_eq!(typo.diagnostic().help.as_deref(), Some("did you mean `Industry`?"));
//! # Ok::<(), String>(())
//! ```

mod problem;

pub use problem::Problem;

use crate::diagnostics::Diagnostic;
use crate::load::LoadError;
use crate::pipeline::{self, Depth};
use crate::source::{DiskProvider, MemoryProvider, SourceProvider};
use problem::Files;
use std::fmt;
use std::path::PathBuf;

/// The files of one unit: paths on disk (a directory means every `.crmc`
/// file below it, as on the command line) or texts held in memory. Imports
/// resolve from each file's location; `std/…` modules are built in.
#[derive(Debug, Clone)]
pub struct Sources {
    roots: Vec<PathBuf>,
    /// `None`: read from disk.
    memory: Option<MemoryProvider>,
}

impl Sources {
    /// The unit made of `paths` (files or directories), read when checked.
    pub fn paths<P: Into<PathBuf>>(paths: impl IntoIterator<Item = P>) -> Sources {
        Sources {
            roots: paths.into_iter().map(Into::into).collect(),
            memory: None,
        }
    }

    /// An empty in-memory unit; add files with [`Sources::file`].
    pub fn in_memory() -> Sources {
        Sources {
            roots: Vec::new(),
            memory: Some(MemoryProvider::new()),
        }
    }

    /// Adds an in-memory file (a root of the unit, importable by the
    /// others under its path). On a unit made by [`Sources::paths`], the
    /// text is ignored and `path` is read from disk.
    pub fn file(mut self, path: impl Into<PathBuf>, text: impl Into<String>) -> Sources {
        let path = path.into();
        if let Some(memory) = self.memory.take() {
            self.memory = Some(memory.with(path.clone(), text));
        }
        self.roots.push(path);
        self
    }

    fn run(&self) -> Result<pipeline::FrontEnd, Error> {
        if self.roots.is_empty() {
            return Err(Error::Load("the unit has no files".to_string()));
        }
        let (roots, provider): (Vec<PathBuf>, &dyn SourceProvider) = match &self.memory {
            Some(memory) => (self.roots.clone(), memory),
            None => (
                crate::load::files::expand(&self.roots).map_err(Error::Load)?,
                &DiskProvider,
            ),
        };
        pipeline::run(&roots, provider, Depth::Analyze)
            .map_err(|e: LoadError| Error::Load(e.to_string()))
    }
}

/// Every problem `crmc check` reports for the unit (syntax, types,
/// analysis), in its order; suppressed findings left out, as `crmc check`
/// prints them. `Err` only when a file cannot be read.
pub fn check(sources: &Sources) -> Result<Vec<Problem>, Error> {
    let front = sources.run()?;
    Ok(problems(&front))
}

/// Checks the unit and compiles it to a decision table. Any error (a
/// syntax or type error, or an analysis finding of error severity such as
/// an all-`auto` loop) refuses the unit, as `crmc build` does; warnings do
/// not. Use [`check`] to see the warnings.
pub fn compile(sources: &Sources) -> Result<crmc_eval::Table, Error> {
    let front = sources.run()?;
    let unit = match &front.checked {
        Some(unit) if front.error_count() == 0 => unit,
        _ => return Err(Error::Invalid(problems(&front))),
    };
    crate::compile::compile(unit).map_err(|e| Error::Internal(e.to_string()))
}

fn problems(front: &pipeline::FrontEnd) -> Vec<Problem> {
    let files = Files::new(&front.parsed.sources);
    front
        .diagnostics
        .iter()
        .filter(|d| d.suppressed.is_none())
        .cloned()
        .map(|d: Diagnostic| Problem::new(d, &files))
        .collect()
}

/// Why a unit gave no table (or no problem list).
#[derive(Debug, Clone)]
pub enum Error {
    /// A file or directory could not be read.
    Load(String),
    /// The unit has errors: every problem found, warnings included.
    Invalid(Vec<Problem>),
    /// The checked unit could not be lowered: a bug in crmc.
    Internal(String),
}

impl Error {
    /// The problems of an [`Error::Invalid`] unit (empty otherwise).
    pub fn problems(&self) -> &[Problem] {
        match self {
            Error::Invalid(problems) => problems,
            _ => &[],
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Load(message) => f.write_str(message),
            Error::Invalid(problems) => {
                let errors = problems.iter().filter(|p| p.is_error()).count();
                let s = if errors == 1 { "" } else { "s" };
                write!(f, "the unit has {errors} error{s}; no table was built")
            }
            Error::Internal(message) => write!(f, "internal compiler error: {message}"),
        }
    }
}

impl std::error::Error for Error {}

impl miette::Diagnostic for Error {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let code = match self {
            Error::Load(_) => "crmc::load",
            Error::Invalid(_) => "crmc::invalid",
            Error::Internal(_) => "crmc::internal",
        };
        Some(Box::new(code))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let help = match self {
            Error::Load(_) => "name `.crmc` files, or directories that hold them",
            Error::Invalid(_) => "fix the errors below; `crmc explain CODE` says more about each",
            Error::Internal(_) => "please report this with the unit that caused it",
        };
        Some(Box::new(help))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        let Error::Invalid(problems) = self else {
            return None;
        };
        Some(Box::new(
            problems.iter().map(|p| p as &dyn miette::Diagnostic),
        ))
    }
}
